"""A sweep killed (SIGKILL) or interrupted (Ctrl-C) halfway, then resumed, equals one that ran
straight through: same rows, same values. Each sweep is a real ``oslsim sweep`` process."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from oslsim.experiments import load_results

# 10 points x 5 replicates of a small kelurahan: about 0.07 s a run, so with one worker the
# sweep lasts several seconds and can be stopped in the middle.
EXPERIMENT = """
name = "resumable"
months = 24
replicates = 5
seed = 3
[params]
households = 600
[factors]
"organisations.wksbm_per_1000" = [0.0, 2.0, 4.0, 8.0, 16.0]
"government.mode" = ["none", "facilitator"]
"""
TOTAL = 50
PROGRESS = re.compile(r"(\d+)/(\d+) \[")
WAIT = 120  # seconds: the longest any step may take on a busy shared machine


def oslsim(*args: str) -> list[str]:
    return [sys.executable, "-m", "oslsim.cli", *args]


def start(tmp_path: Path, store: Path, tag: str) -> tuple[subprocess.Popen, Path]:
    """Start a one-worker sweep in its own process group; its stderr goes to a file."""
    err = tmp_path / f"{tag}.stderr"
    with open(err, "w") as fh:
        proc = subprocess.Popen(oslsim("sweep", str(tmp_path / "exp.toml"), "--out", str(store),
                                       "--workers", "1"),
                                stdout=subprocess.DEVNULL, stderr=fh, cwd=tmp_path,
                                start_new_session=True)
    return proc, err


def wait_for_runs(proc: subprocess.Popen, err: Path, at_least: int) -> int:
    """Wait until the progress bar shows ``at_least`` stored runs; return the count shown."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        found = PROGRESS.findall(err.read_text(errors="replace"))
        if found and int(found[-1][0]) >= at_least:
            return int(found[-1][0])
        assert proc.poll() is None, f"the sweep ended early: {err.read_text()[-500:]}"
        time.sleep(0.05)
    raise AssertionError(f"no progress to {at_least} runs within {WAIT} s")


def live_in_group(pgid: int) -> list[int]:
    """Processes of a process group that are alive (zombies do not count)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            pids.append(int(stat.parent.name))
    return pids


def wait_group_gone(pgid: int, seconds: float = 20.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = live_in_group(pgid)
        if not left:
            return []
        time.sleep(0.1)
    return live_in_group(pgid)


def kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def tables(store: Path) -> dict[str, pd.DataFrame]:
    res = load_results(store)
    keep = ["run_id", "experiment", "point", "replicate", "scenario", "seed", "status", "error",
            "params", "oslsim_version", "python_version", "numpy_version", "mesa_version"]
    res["runs"] = res["runs"][keep]
    # the files live in different folders: compare all but where they are (the fingerprint
    # covers the definition)
    res["experiments"] = res["experiments"].drop(columns=["created", "updated", "source",
                                                          "definition"])
    return res


def assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    for name in ("experiments", "design", "runs", "timeseries"):
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


@pytest.fixture(scope="module")
def straight(tmp_path_factory) -> dict[str, pd.DataFrame]:
    """The reference: the same sweep run straight through on two workers."""
    folder = tmp_path_factory.mktemp("straight")
    (folder / "exp.toml").write_text(EXPERIMENT, encoding="utf-8")
    store = folder / "straight.duckdb"
    proc = subprocess.run(oslsim("sweep", str(folder / "exp.toml"), "--out", str(store),
                                 "--workers", "2", "--no-progress"),
                          capture_output=True, text=True, timeout=WAIT * 3, cwd=folder)
    assert proc.returncode == 0, proc.stderr
    res = tables(store)
    assert len(res["runs"]) == TOTAL and (res["runs"]["status"] == "done").all()
    return res


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find worker processes")
def test_sigkill_halfway_then_resume_equals_straight_run(tmp_path, straight):
    (tmp_path / "exp.toml").write_text(EXPERIMENT, encoding="utf-8")
    store = tmp_path / "killed.duckdb"
    proc, err = start(tmp_path, store, "killed")
    pgid = proc.pid
    try:
        wait_for_runs(proc, err, at_least=8)
        os.kill(proc.pid, signal.SIGKILL)  # the coordinator only, as a crash would
        proc.wait(timeout=WAIT)
        # its workers notice the coordinator is gone and exit by themselves
        assert wait_group_gone(pgid) == [], "pool workers outlived their coordinator"
    finally:
        kill_group(pgid)
    partial = load_results(store)["runs"]
    done_before = int((partial["status"] == "done").sum())
    assert 8 <= done_before < TOTAL, done_before
    assert len(partial) == TOTAL  # every run planned; the rest pending
    assert load_results(store)["timeseries"]["run_id"].nunique() == done_before

    resumed = subprocess.run(oslsim("sweep", str(tmp_path / "exp.toml"), "--out", str(store),
                                    "--workers", "2", "--resume", "--no-progress"),
                             capture_output=True, text=True, timeout=WAIT * 3, cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{TOTAL - done_before} of {TOTAL - done_before} runs" in resumed.stdout
    assert_same(tables(store), straight)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find worker processes")
def test_ctrl_c_stops_cleanly_then_resume_equals_straight_run(tmp_path, straight):
    (tmp_path / "exp.toml").write_text(EXPERIMENT, encoding="utf-8")
    store = tmp_path / "interrupted.duckdb"
    proc, err = start(tmp_path, store, "interrupted")
    pgid = proc.pid
    try:
        wait_for_runs(proc, err, at_least=8)
        os.killpg(pgid, signal.SIGINT)  # Ctrl-C in a terminal reaches the whole group
        assert proc.wait(timeout=WAIT) == 130
        assert wait_group_gone(pgid) == [], "workers left running after Ctrl-C"
    finally:
        kill_group(pgid)
    message = err.read_text()
    assert "interrupted:" in message and "--resume" in message and "Traceback" not in message
    runs = load_results(store)["runs"]
    done_before = int((runs["status"] == "done").sum())
    assert 8 <= done_before < TOTAL
    assert (runs["status"] != "failed").all()  # the interrupted runs are pending, not failed

    resumed = subprocess.run(oslsim("sweep", str(tmp_path / "exp.toml"), "--out", str(store),
                                    "--workers", "2", "--resume", "--no-progress"),
                             capture_output=True, text=True, timeout=WAIT * 3, cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert_same(tables(store), straight)
