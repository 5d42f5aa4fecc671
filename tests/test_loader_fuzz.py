"""Fuzz both loaders with random edits of the shipped files (hypothesis).

Whatever the edit, loading gives a scenario or an experiment, or one line of
``ScenarioError`` / ``ExperimentError`` naming the file; never another exception, never a
message over several lines. The edits are the ones people and broken tools make: cut a
piece, paste a piece, repeat or drop a line, type TOML punctuation, numbers at the limits.
"""

from __future__ import annotations

import os
import tempfile
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oslsim.experiments import Experiment, ExperimentError, load_experiment
from oslsim.scenarios import Scenario, ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[1]
BUILTIN = resources.files("oslsim.scenarios") / "builtin"
SCENARIOS = {p.name: p.read_text(encoding="utf-8") for p in BUILTIN.iterdir()
             if p.name.endswith(".toml")}
EXPERIMENTS = {p.name: p.read_text(encoding="utf-8")
               for p in sorted((ROOT / "experiments").glob("*.toml"))}

#: Pieces typed into a file: TOML punctuation, keys of both formats, extreme values.
PIECES = ["[", "]", "[[", "]]", "=", '"', "'", '"""', ".", ",", "{", "}", "\n", " " * 50,
          "#", "\ufeff", "\x00", "month", "months", "site", "action", "every", "from", "to",
          "samples", "seed", "design", "levels", "replicates", "[params]", "[scenario]",
          "[[interventions]]", "[factors]", "[keep]", "= 0", "= -1", "= 1e308", "= nan",
          "= inf", "= 99999999999999999999", "= 1.5", "= true", '= "x"', "= []", "= {}",
          "= [[[[[[1]]]]]]", "households", "organisations.capacity_mean", "government.mode",
          "\u00e9", "\ud7ff"]

edit = st.one_of(
    st.tuples(st.just("cut"), st.integers(0, 10**6), st.integers(1, 200)),
    st.tuples(st.just("paste"), st.integers(0, 10**6), st.sampled_from(PIECES)),
    st.tuples(st.just("type"), st.integers(0, 10**6), st.text(max_size=20)),
    st.tuples(st.just("repeat"), st.integers(0, 10**6), st.integers(1, 3)),
    st.tuples(st.just("drop"), st.integers(0, 10**6), st.integers(1, 3)),
)


def apply(text: str, edits: list[tuple]) -> str:
    """Apply edits in turn; positions wrap around the current text."""
    for kind, at, arg in edits:
        if kind in ("cut", "paste", "type"):
            i = at % (len(text) + 1)
            if kind == "cut":
                text = text[:i] + text[i + arg:]
            else:
                text = text[:i] + arg + text[i:]
        else:
            lines = text.splitlines(keepends=True) or [""]
            i = at % len(lines)
            lines[i:i + arg] = lines[i:i + arg] * 2 if kind == "repeat" else []
            text = "".join(lines)
    return text


def _check(load, path: Path, text: str, ok: type, error: type[Exception]) -> None:
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        result = load(path)
    except error as exc:
        msg = str(exc)
        assert "\n" not in msg and msg.strip(), repr(msg)
        assert str(path) in msg or path.name in msg, msg
    else:
        assert isinstance(result, ok)


FUZZ = settings(max_examples=int(os.environ.get("OSLSIM_FUZZ_EXAMPLES", "150")), deadline=None,
                derandomize="OSLSIM_FUZZ_EXAMPLES" not in os.environ,
                suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(name=st.sampled_from(sorted(SCENARIOS)), edits=st.lists(edit, min_size=1, max_size=6))
def test_edited_scenarios_load_or_give_one_line(name, edits):
    with tempfile.TemporaryDirectory() as tmp:
        _check(load_scenario, Path(tmp) / name, apply(SCENARIOS[name], edits), Scenario,
               ScenarioError)


@pytest.mark.skipif(not EXPERIMENTS, reason="no experiment files in experiments/")
@FUZZ
@given(name=st.sampled_from(sorted(EXPERIMENTS) or ["none"]),
       edits=st.lists(edit, min_size=1, max_size=6))
def test_edited_experiments_load_or_give_one_line(name, edits):
    with tempfile.TemporaryDirectory() as tmp:
        _check(load_experiment, Path(tmp) / name, apply(EXPERIMENTS[name], edits), Experiment,
               ExperimentError)


def test_the_fuzzer_edits_reach_both_outcomes():
    """The edits are neither all harmless nor all fatal (else the fuzz proves little)."""
    base = SCENARIOS["baseline.toml"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "baseline.toml"
        path.write_text(apply(base, [("paste", len(base), "\n# a comment\n")]))
        assert isinstance(load_scenario(path), Scenario)
        path.write_text(apply(base, [("paste", 0, "[[")]))
        with pytest.raises(ScenarioError):
            load_scenario(path)
