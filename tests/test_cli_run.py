"""``oslsim run`` end to end, through a subprocess: tables, summary, help, bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from oslsim.metrics import OUTCOMES

SCRIPT = Path(sys.executable).parent / "oslsim"
MODULE = [sys.executable, "-m", "oslsim.cli"]

#: Every invocation of this file; they start together (three at a time) because most of a
#: call's time is Python importing the libraries.
CALLS: dict[str, list[str]] = {
    "csv": ["run", "--households", "300", "--months", "6", "--seed", "1",
            "--out", "tmp/run.csv"],
    "parquet": ["run", "--households", "120", "--months", "3", "--seed", "2",
                "--set", "government.mode=none", "--out", "run.parquet"],
    "warmup": ["run", "--households", "400", "--months", "3", "--seed", "4", "--warmup",
               "--set", "organisations.wksbm_coverage=1", "--out", "warm.csv"],
    "help": ["--help"],
    "run_help": ["run", "--help"],
    "negative_households": ["run", "--households", "-5"],
    "months_abc": ["run", "--months", "abc"],
    "unknown_option": ["run", "--bogus"],
    "unknown_set_key": ["run", "--households", "50", "--months", "1",
                        "--set", "organisations.capacity_man=0.4"],
    "set_without_equals": ["run", "--households", "50", "--months", "1",
                           "--set", "organisations.capacity_mean"],
}
BAD = ["negative_households", "months_abc", "unknown_option", "unknown_set_key",
       "set_without_equals"]


@pytest.fixture(scope="module")
def calls(tmp_path_factory) -> tuple[Path, dict[str, subprocess.CompletedProcess]]:
    cwd = tmp_path_factory.mktemp("cli")
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "COLUMNS": "100"}

    def call(args: list[str]) -> subprocess.CompletedProcess:
        return subprocess.run(MODULE + args, cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=300)

    with ThreadPoolExecutor(max_workers=3) as pool:
        done = dict(zip(CALLS, pool.map(call, CALLS.values()), strict=True))
    return cwd, done


def test_run_writes_the_csv_and_prints_the_summary(calls):
    cwd, done = calls
    result = done["csv"]
    assert result.returncode == 0, result.stderr
    df = pd.read_csv(cwd / "tmp" / "run.csv")
    assert df["month"].tolist() == list(range(7))
    assert list(df.columns[: len(OUTCOMES)]) == list(OUTCOMES)
    out = result.stdout
    assert "300 households" in out and "6 months" in out and "seed 1" in out
    # The start-vs-end table of the main outcomes.
    for word in ("start", "month 6", "burden", "coverage", "solidarity", "wksbm_count"):
        assert word in out, word
    assert "Traceback" not in result.stderr


def test_run_with_a_warm_start_says_how_long_it_was(calls):
    cwd, done = calls
    result = done["warmup"]
    assert result.returncode == 0, result.stderr
    assert "warm start:" in result.stdout and "months without WKSBM" in result.stdout
    df = pd.read_csv(cwd / "warm.csv")
    assert df["month"].tolist() == [0, 1, 2, 3]  # the measured period only
    assert (df["wksbm_coverage"] == 1.0).all()


def test_run_writes_parquet(calls):
    cwd, done = calls
    result = done["parquet"]
    assert result.returncode == 0, result.stderr
    df = pd.read_parquet(cwd / "run.parquet")
    assert df["month"].tolist() == [0, 1, 2, 3]
    assert (df["linking_capital"] == 0).all()  # --set government.mode=none took effect
    assert "120 households" in result.stdout


@pytest.mark.parametrize("name", BAD)
def test_bad_input_is_one_line_with_status_2(calls, name):
    result = calls[1][name]
    assert result.returncode == 2, (name, result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, (name, result.stderr)
    assert "Traceback" not in result.stderr
    assert "error" in lines[0]


@pytest.mark.parametrize("name, needles", [
    ("negative_households", ["--households", "-5"]),
    ("months_abc", ["--months", "abc"]),
    ("unknown_option", ["--bogus"]),
    ("unknown_set_key", ["organisations.capacity_man", "did you mean organisations.capacity_mean"]),
    ("set_without_equals", ["organisations.capacity_mean", "key=value"]),
])
def test_bad_input_names_the_problem_and_the_allowed_values(calls, name, needles):
    message = calls[1][name].stderr
    for needle in needles:
        assert needle in message, (needle, message)


def test_help_mentions_an_example(calls):
    _, done = calls
    for name in ("help", "run_help"):
        result = done[name]
        assert result.returncode == 0, result.stderr
        assert "example" in result.stdout.lower(), name
        assert "oslsim run --households" in result.stdout, name
    for option in ("--households", "--months", "--seed", "--set", "--out"):
        assert option in done["run_help"].stdout, option


@pytest.mark.skipif(not SCRIPT.exists(), reason="the oslsim script is not installed here")
def test_the_installed_script_runs():
    result = subprocess.run([str(SCRIPT), "--version"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0
    assert result.stdout.startswith("oslsim ")
