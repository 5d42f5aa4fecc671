"""Experiments: the file format, the designs and seeds, the store, the runners, the CLI."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from oslsim import simulate
from oslsim.cli import main
from oslsim.errors import InputError
from oslsim.experiments import (
    ExperimentError,
    SweepInterrupted,
    build_design,
    latin_hypercube,
    load_experiment,
    load_results,
    morris,
    plan_sweep,
    replicate_seeds,
    run_id,
    sobol,
    sweep,
    tidy,
)
from oslsim.experiments.designs import design_rng, grid

HOUSEHOLDS = 200  # tiny runs: a sweep of a dozen runs takes about a second
MONTHS = 12

SMALL = f"""
name = "small"
months = {MONTHS}
replicates = 2
seed = 11
[params]
households = {HOUSEHOLDS}
[factors]
"organisations.capacity_mean" = [0.2, 0.7]
"government.mode" = ["none", "facilitator"]
[keep]
outcomes = ["burden", "coverage", "wksbm_count"]
"""


def write(tmp_path: Path, text: str, name: str = "exp.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ run functions for workers
# Module-level so that pool workers can unpickle them (they import this test module).


def fail_at_low_capacity(scenario, months, rng, overrides):
    """Raise for one design point, run the real model elsewhere."""
    if overrides.get("organisations.capacity_mean") == 0.2 and \
            overrides.get("government.mode") == "none":
        raise ValueError("a deliberate failure\nover two lines")
    return simulate(scenario, months=months, rng=rng, overrides=overrides)


def die_at_low_capacity(scenario, months, rng, overrides):
    """Kill the worker process for one design point (as a crash in native code would)."""
    if overrides.get("organisations.capacity_mean") == 0.2 and \
            overrides.get("government.mode") == "none":
        os._exit(7)
    return simulate(scenario, months=months, rng=rng, overrides=overrides)


def die_once(scenario, months, rng, overrides, marker):
    """Kill the worker the first time any run reaches here; run normally afterwards."""
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL)
    except FileExistsError:
        return simulate(scenario, months=months, rng=rng, overrides=overrides)
    os.close(fd)
    os._exit(9)


class Interrupting:
    """Run normally, then raise KeyboardInterrupt (as Ctrl-C would) at the n-th call."""

    def __init__(self, at: int) -> None:
        self.calls = 0
        self.at = at

    def __call__(self, scenario, months, rng, overrides):
        self.calls += 1
        if self.calls == self.at:
            raise KeyboardInterrupt
        return simulate(scenario, months=months, rng=rng, overrides=overrides)


# ------------------------------------------------------------------ the file format


def test_parse_a_full_experiment(tmp_path):
    sub = tmp_path / "sites"
    sub.mkdir()
    (sub / "mine.toml").write_text(
        '[scenario]\nname = "mine"\nmonths = 24\n[params]\nhouseholds = 300\n', encoding="utf-8")
    path = write(tmp_path, """
        name = "full"
        description = "everything at once"
        months = 12
        replicates = 3
        seed = 5
        design = "lhs"
        samples = 4
        [factors]
        scenario = ["baseline", "sites/mine.toml"]
        "government.mode" = ["none", "directive"]
        [factors.organisations]
        capacity_mean = { low = 0.2, high = 0.8 }
        [params]
        households = 250
        [keep]
        outcomes = ["burden", "month"]
        months = { every = 6 }
    """)
    exp = load_experiment(path)
    assert exp.name == "full" and exp.design == "lhs" and exp.samples == 4
    assert [f.name for f in exp.factors] == ["scenario", "government.mode",
                                             "organisations.capacity_mean"]
    assert exp.scenario_labels == ("baseline", "sites/mine.toml")
    assert exp.scenarios["sites/mine.toml"].name == "mine"  # resolved next to the file
    assert exp.params == {"households": 250}
    assert exp.keep.outcomes == ("burden",) and exp.keep.every == 6
    assert exp.problem() == {"num_vars": 1, "names": ["organisations.capacity_mean"],
                             "bounds": [[0.2, 0.8]]}
    design = build_design(exp, 5)
    assert len(design) == 2 * 2 * 4  # scenarios x modes x LHS points
    assert list(design.columns) == ["point", "scenario", "sample", "government.mode",
                                    "organisations.capacity_mean"]


BAD = [
    ('replicate = 3', "replicate: unknown key", "did you mean replicates"),
    ('[factors]\n"organisations.capacity_man" = [0.1]', "factors.organisations.capacity_man",
     "did you mean organisations.capacity_mean"),
    ('[factors]\n"organisations.capacity_mean" = [0.5, 1.5]',
     "factors.organisations.capacity_mean[1]", "out of range"),
    ('[factors]\n"organisations.capacity_mean" = [0.5, 0.5]',
     "factors.organisations.capacity_mean", "listed twice"),
    ('[factors]\n"organisations.capacity_mean" = { low = 0.2, high = 0.8 }',
     "factors.organisations.capacity_mean", "levels"),
    ('design = "lhs"\nsamples = 4\n[factors]\n"organisations.capacity_mean" = '
     '{ low = 0.8, high = 0.2 }', "factors.organisations.capacity_mean", "must be below"),
    ('design = "lhs"\nsamples = 4\n[factors]\n"government.mode" = { low = 0, high = 1 }',
     "factors.government.mode", "numeric"),
    ('design = "sobol"\nsamples = 12\n[factors]\n"households" = { low = 100, high = 300 }',
     "samples", "power of 2, e.g. 8 or 16"),
    ('design = "latin"', "design", "did you mean"),
    ('samples = 5', "samples", "lhs, sobol and morris"),
    ('design = "lhs"\nsamples = 4\n[factors]\n"government.mode" = ["none"]', "factors",
     "at least one range factor"),
    ('scenario = "baselin"', "scenario", "did you mean baseline"),
    ('scenario = "nowhere/x.toml"', "scenario", "file not found"),
    ('[keep]\noutcomes = ["burdn"]', "keep.outcomes[0]", "did you mean burden"),
    ('months = 12\n[keep]\nmonths = [0, 13]', "keep.months[1]", "from 0 to 12"),
    ('[keep]\nmonths = "first"', "keep.months", '"last"'),
    ('months = 0', "months", "from 1"),
    ('seed = -1', "seed", "0 or more"),
    ('scenario = "baseline"\n[factors]\nscenario = ["baseline"]', "scenario", "remove one"),
    ('[params]\nhouseholds = 300\n[factors]\nhouseholds = [200, 300]', "params.households",
     "also a factor"),
    ('[params]\norganisations = 3', "params.organisations", "group of parameters"),
]


@pytest.mark.parametrize(("text", "key", "hint"), BAD)
def test_bad_files_are_one_line_errors_naming_file_key_and_allowed(tmp_path, text, key, hint):
    path = write(tmp_path, text + "\n")
    with pytest.raises(ExperimentError) as err:
        load_experiment(path)
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(str(path))
    assert key in msg
    assert hint in msg
    assert isinstance(err.value, InputError) and isinstance(err.value, ValueError)


def test_errors_give_the_line_of_the_key(tmp_path):
    path = write(tmp_path, 'months = 12\n\n[factors]\n"households" = [2]\n')
    with pytest.raises(ExperimentError, match=r", line 4: factors.households\[0\]"):
        load_experiment(path)


def test_malformed_and_missing_files(tmp_path):
    with pytest.raises(ExperimentError, match="not valid TOML"):
        load_experiment(write(tmp_path, "months = = 3\n"))
    with pytest.raises(ExperimentError, match="file not found"):
        load_experiment(tmp_path / "absent.toml")


def test_cli_bad_file_exits_2_with_one_line(tmp_path, capsys):
    path = write(tmp_path, "[factors]\n\"organisations.capacity_man\" = [0.1]\n")
    assert main(["sweep", str(path), "--out", str(tmp_path / "s.duckdb")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "did you mean organisations.capacity_mean" in err
    assert "Traceback" not in err


# ------------------------------------------------------------------ designs and seeds

PROBLEM = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1], [10, 20], [-5, 5]]}


def _inside(x: np.ndarray) -> bool:
    b = np.asarray(PROBLEM["bounds"], float)
    return bool(np.all(x >= b[:, 0]) and np.all(x <= b[:, 1]))


def test_grid_crosses_first_factor_slowest():
    assert grid({"a": (1, 2), "b": ("x", "y", "z")}) == [
        (1, "x"), (1, "y"), (1, "z"), (2, "x"), (2, "y"), (2, "z")]


def test_latin_hypercube_shape_bounds_strata_and_seed():
    x = latin_hypercube(PROBLEM, 8, rng=3)
    assert x.shape == (8, 3) and _inside(x)
    b = np.asarray(PROBLEM["bounds"], float)
    strata = np.floor((x - b[:, 0]) / (b[:, 1] - b[:, 0]) * 8).astype(int)
    for j in range(3):  # one point in each eighth of every factor's range
        assert sorted(strata[:, j]) == list(range(8))
    assert np.array_equal(x, latin_hypercube(PROBLEM, 8, rng=np.random.default_rng(3)))
    assert not np.array_equal(x, latin_hypercube(PROBLEM, 8, rng=4))


@pytest.mark.parametrize(("second", "rows"), [(True, 8 * (2 * 3 + 2)), (False, 8 * (3 + 2))])
def test_sobol_saltelli_shape_bounds_and_seed(second, rows):
    x = sobol(PROBLEM, 8, rng=1, second_order=second)
    assert x.shape == (rows, 3) and _inside(x)
    assert np.array_equal(x, sobol(PROBLEM, 8, rng=1, second_order=second))
    assert not np.array_equal(x, sobol(PROBLEM, 8, rng=2, second_order=second))
    with pytest.raises(ValueError, match="power of 2"):
        sobol(PROBLEM, 6, rng=1)


def test_morris_trajectories_shape_levels_and_one_step_at_a_time():
    x = morris(PROBLEM, 5, rng=2, levels=4)
    assert x.shape == (5 * 4, 3) and _inside(x)
    b = np.asarray(PROBLEM["bounds"], float)
    unit = (x - b[:, 0]) / (b[:, 1] - b[:, 0])
    assert np.allclose(unit * 3, np.round(unit * 3))  # on the 4-level grid
    for t in range(5):
        traj = x[t * 4:(t + 1) * 4]
        changed = (np.abs(np.diff(traj, axis=0)) > 1e-12).sum(axis=1)
        assert list(changed) == [1, 1, 1]  # each step moves exactly one factor
    assert np.array_equal(x, morris(PROBLEM, 5, rng=2, levels=4))


def test_replicate_seeds_come_from_seedsequence_spawn():
    seeds = replicate_seeds(42, 4)
    expected = [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1))
                for c in np.random.SeedSequence(42).spawn(4)]
    assert seeds == expected
    assert len(set(seeds)) == 4 and all(0 <= s < 2**63 for s in seeds)
    assert replicate_seeds(42, 6)[:4] == seeds  # more replicates keep the first ones


def test_plan_common_random_numbers_and_deterministic_ids(tmp_path):
    exp = load_experiment(write(tmp_path, SMALL))
    plan = plan_sweep(exp, 11)
    assert len(plan.tasks) == 4 * 2
    by_rep = {}
    for t in plan.tasks:
        by_rep.setdefault(t.replicate, set()).add(t.seed)
        assert t.run_id == run_id("small", t.point, t.replicate)
        assert t.overrides["households"] == HOUSEHOLDS
    assert all(len(s) == 1 for s in by_rep.values())  # same seed at every point
    assert by_rep[0] != by_rep[1]
    assert len({t.run_id for t in plan.tasks}) == len(plan.tasks)
    again = plan_sweep(load_experiment(write(tmp_path, SMALL)), 11)
    assert [t.run_id for t in again.tasks] == [t.run_id for t in plan.tasks]
    assert again.fingerprint == plan.fingerprint
    assert plan_sweep(exp, 12).fingerprint != plan.fingerprint


def test_grid_range_levels_and_integer_rounding(tmp_path):
    exp = load_experiment(write(tmp_path, """
        [factors]
        households = { low = 100, high = 200, levels = 4 }
        "organisations.capacity_mean" = { low = 0.2, high = 0.8, levels = 3 }
    """))
    d = build_design(exp, 0)
    assert sorted(d["households"].unique()) == [100, 133, 167, 200]
    assert d["households"].dtype == np.int64
    assert np.allclose(sorted(d["organisations.capacity_mean"].unique()), [0.2, 0.5, 0.8])
    assert len(d) == 12 and d["sample"].isna().all()


def test_sampled_design_rows_follow_sampler_order(tmp_path):
    exp = load_experiment(write(tmp_path, """
        design = "sobol"
        samples = 4
        second_order = false
        seed = 3
        [factors]
        scenario = ["baseline", "no_government"]
        "organisations.capacity_mean" = { low = 0.2, high = 0.8 }
        households = { low = 100, high = 300 }
    """))
    d = build_design(exp, 3)
    per = 4 * (2 + 2)
    assert len(d) == 2 * per
    assert list(d["sample"][:per]) == list(range(per))
    first = d[d["scenario"] == "baseline"]
    second = d[d["scenario"] == "no_government"]
    # the same Saltelli sample within each scenario, in SALib's order
    assert np.array_equal(first["organisations.capacity_mean"].to_numpy(),
                          second["organisations.capacity_mean"].to_numpy())
    raw = sobol(exp.problem(), 4, rng=design_rng(3), second_order=False)
    assert np.allclose(first["organisations.capacity_mean"], raw[:, 0])
    assert np.array_equal(first["households"], np.round(raw[:, 1]).astype(int))


# ------------------------------------------------------------------ sweeps and the store


def test_sweep_stores_every_run_with_the_runs_own_numbers(tmp_path):
    path = write(tmp_path, SMALL)
    store = tmp_path / "s.duckdb"
    report = sweep(path, out=store, workers=0, progress=False)
    assert (report.done, report.failed, report.pending, report.total) == (8, 0, 0, 8)
    res = load_results(store)
    assert set(res) == {"experiments", "design", "runs", "timeseries", "events", "outcomes"}
    runs, ts = res["runs"], res["timeseries"]
    assert len(runs) == 8 and (runs["status"] == "done").all()
    assert list(ts.columns) == ["run_id", "month", "burden", "coverage", "wksbm_count"]
    assert len(ts) == 8 * (MONTHS + 1)
    for col in ("oslsim_version", "python_version", "numpy_version", "mesa_version", "params",
                "started", "finished", "seed", "pandas_version", "duckdb_version",
                "scipy_version", "interventions", "model"):
        assert runs[col].notna().all(), col
    # a stored run is exactly the run repeated by hand from its stored seed and factors
    row = runs.iloc[5]
    point = res["design"].set_index("point").loc[row["point"]]
    again = simulate(row["scenario"], months=MONTHS, rng=int(row["seed"]), overrides={
        "households": HOUSEHOLDS,
        "organisations.capacity_mean": point["organisations.capacity_mean"],
        "government.mode": point["government.mode"]}).timeseries
    got = ts[ts["run_id"] == row["run_id"]].drop(columns="run_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, again[got.columns], check_dtype=False)
    params = pd.read_json(pd.io.common.StringIO(row["params"]), typ="series")
    assert params["households"] == HOUSEHOLDS
    assert params["government.mode"] == point["government.mode"]


def test_pool_gives_the_same_numbers_as_in_process(tmp_path):
    path = write(tmp_path, SMALL)
    sweep(path, out=tmp_path / "a.duckdb", workers=0, progress=False)
    report = sweep(path, out=tmp_path / "b.duckdb", workers=2, progress=False)
    assert report.runner == "local pool" and report.workers == 2
    a, b = load_results(tmp_path / "a.duckdb"), load_results(tmp_path / "b.duckdb")
    pd.testing.assert_frame_equal(a["timeseries"], b["timeseries"])
    cols = ["run_id", "point", "replicate", "scenario", "seed", "status", "params"]
    pd.testing.assert_frame_equal(a["runs"][cols], b["runs"][cols])


def test_running_twice_into_one_store_never_duplicates(tmp_path):
    path = write(tmp_path, SMALL)
    store = tmp_path / "s.duckdb"
    sweep(path, out=store, workers=0, progress=False)
    first = load_results(store)
    report = sweep(path, out=store, workers=0, progress=False)
    assert report.ran == 8  # without --resume every run is run again and replaced
    second = load_results(store)
    for table in ("design", "timeseries", "experiments"):
        assert len(second[table]) == len(first[table]), table
    pd.testing.assert_frame_equal(first["timeseries"], second["timeseries"])
    with duckdb.connect(str(store), read_only=True) as con:
        dup = con.execute("SELECT count(*) FROM (SELECT run_id, month, count(*) AS n FROM "
                          "timeseries GROUP BY ALL HAVING n > 1)").fetchone()[0]
        assert dup == 0
        assert con.execute("SELECT count(DISTINCT run_id) FROM runs").fetchone()[0] == 8


def test_a_failing_run_is_stored_failed_and_the_rest_finish(tmp_path):
    path = write(tmp_path, SMALL)
    store = tmp_path / "s.duckdb"
    report = sweep(path, out=store, workers=2, progress=False, run_fn=fail_at_low_capacity)
    assert (report.done, report.failed, report.failed_now) == (6, 2, 2)
    runs = load_results(store)["runs"]
    failed = runs[runs["status"] == "failed"]
    assert set(failed["point"]) == {0}  # capacity 0.2, mode none: both replicates
    assert (failed["error"] == "ValueError: a deliberate failure over two lines").all()
    ts = load_results(store)["timeseries"]
    assert not ts["run_id"].isin(failed["run_id"]).any()
    # --resume runs only the failed runs, and now they succeed
    again = sweep(path, out=store, workers=0, progress=False, resume=True)
    assert (again.to_run, again.ran, again.done, again.failed) == (2, 2, 8, 0)
    reference = tmp_path / "ref.duckdb"
    sweep(path, out=reference, workers=0, progress=False)
    pd.testing.assert_frame_equal(load_results(store)["timeseries"],
                                  load_results(reference)["timeseries"])


def test_a_run_that_kills_its_worker_is_retried_then_failed(tmp_path):
    path = write(tmp_path, SMALL)
    store = tmp_path / "s.duckdb"
    report = sweep(path, out=store, workers=2, progress=False, run_fn=die_at_low_capacity,
                   max_attempts=2)
    assert (report.done, report.failed) == (6, 2)
    runs = load_results(store)["runs"]
    failed = runs[runs["status"] == "failed"]
    assert set(failed["point"]) == {0}
    assert failed["error"].str.startswith("WorkerDied: the worker process died 2 times").all()
    # started at least twice (more when it broke the pool alongside others first)
    assert (failed["attempts"] >= 2).all()
    done = runs[runs["status"] == "done"]
    assert len(done) == 6 and set(done["point"]) == {1, 2, 3}


def test_a_worker_that_dies_once_has_its_run_retried(tmp_path):
    path = write(tmp_path, SMALL)
    store = tmp_path / "s.duckdb"
    run_fn = functools.partial(die_once, marker=str(tmp_path / "died"))
    report = sweep(path, out=store, workers=2, progress=False, run_fn=run_fn)
    assert (report.done, report.failed) == (8, 0)
    assert (tmp_path / "died").exists()
    runs = load_results(store)["runs"]
    assert runs["attempts"].max() == 2  # the runs in flight when the worker died
    assert (runs["attempts"] >= 1).all()
    reference = tmp_path / "ref.duckdb"
    sweep(path, out=reference, workers=0, progress=False)
    pd.testing.assert_frame_equal(load_results(store)["timeseries"],
                                  load_results(reference)["timeseries"])


def test_ctrl_c_keeps_what_finished(tmp_path):
    path = write(tmp_path, SMALL)
    store = tmp_path / "s.duckdb"
    with pytest.raises(SweepInterrupted) as stop:
        sweep(path, out=store, workers=0, progress=False, run_fn=Interrupting(at=4))
    report = stop.value.report
    assert report.interrupted and (report.done, report.pending) == (3, 5)
    res = load_results(store)
    assert (res["runs"]["status"] == "done").sum() == 3
    assert res["timeseries"]["run_id"].nunique() == 3
    resumed = sweep(path, out=store, workers=0, progress=False, resume=True)
    assert (resumed.ran, resumed.done) == (5, 8)


def test_a_changed_definition_is_refused_unless_overwrite(tmp_path):
    store = tmp_path / "s.duckdb"
    sweep(write(tmp_path, SMALL), out=store, workers=0, progress=False)
    changed = write(tmp_path, SMALL.replace("[0.2, 0.7]", "[0.2, 0.8]"))
    with pytest.raises(ExperimentError, match="different definition.*--overwrite"):
        sweep(changed, out=store, workers=0, progress=False)
    report = sweep(changed, out=store, workers=0, progress=False, overwrite=True)
    assert report.done == 8
    design = load_results(store)["design"]
    assert sorted(design["organisations.capacity_mean"].unique()) == [0.2, 0.8]
    assert len(load_results(store)["runs"]) == 8


def test_more_replicates_extend_a_stored_sweep_and_fewer_are_refused(tmp_path):
    store = tmp_path / "s.duckdb"
    sweep(write(tmp_path, SMALL), out=store, workers=0, progress=False)
    before = load_results(store)["timeseries"]
    more = write(tmp_path, SMALL.replace("replicates = 2", "replicates = 3"))
    report = sweep(more, out=store, workers=0, progress=False, resume=True)
    # 4 points x 1 new replicate run; the 8 stored runs are kept, not run again
    assert (report.ran, report.done, report.total) == (4, 12, 12)
    res = load_results(store)
    assert sorted(res["runs"]["replicate"].unique()) == [0, 1, 2]
    assert int(res["experiments"]["replicates"].iloc[0]) == 3
    # replicate r's seed does not depend on how many there are: the first two are unchanged
    assert set(res["runs"]["seed"]) == set(replicate_seeds(11, 3))
    old = res["timeseries"][res["timeseries"]["run_id"].isin(before["run_id"])]
    pd.testing.assert_frame_equal(old.reset_index(drop=True), before.reset_index(drop=True))
    # and they are what a fresh sweep of three replicates gives
    fresh = tmp_path / "fresh.duckdb"
    sweep(more, out=fresh, workers=0, progress=False)
    pd.testing.assert_frame_equal(
        load_results(fresh)["timeseries"].sort_values(["run_id", "month"]).reset_index(drop=True),
        res["timeseries"].sort_values(["run_id", "month"]).reset_index(drop=True))
    with pytest.raises(ExperimentError, match=r"stored with 3 replicates; replicates: 2 is not"):
        sweep(write(tmp_path, SMALL), out=store, workers=0, progress=False, resume=True)


def test_a_missing_seed_is_drawn_once_and_reused_on_resume(tmp_path):
    path = write(tmp_path, SMALL.replace("seed = 11\n", ""))
    store = tmp_path / "s.duckdb"
    with pytest.raises(SweepInterrupted):
        sweep(path, out=store, workers=0, progress=False, run_fn=Interrupting(at=2))
    root = int(load_results(store)["experiments"]["root_seed"].iloc[0])
    report = sweep(path, out=store, workers=0, progress=False, resume=True)
    assert report.root_seed == root and report.done == 8
    runs = load_results(store)["runs"]
    assert set(runs["seed"]) == set(replicate_seeds(root, 2))


def test_keep_months_and_outcomes(tmp_path):
    text = SMALL.replace('outcomes = ["burden", "coverage", "wksbm_count"]',
                         'months = { every = 5 }')
    store = tmp_path / "s.duckdb"
    sweep(write(tmp_path, text), out=store, workers=0, progress=False)
    ts = load_results(store)["timeseries"]
    assert sorted(ts["month"].unique()) == [0, 5, 10, 12]  # every 5, and the last month
    assert {"burden", "pmks_prevalence", "osl_count", "gov_spending"} <= set(ts.columns)
    last = tidy(load_results(store))
    assert len(last) == 8 and (last["month"] == 12).all()
    assert {"organisations.capacity_mean", "government.mode", "burden"} <= set(last.columns)
    assert len(tidy(load_results(store), month=5)) == 8
    assert len(tidy(load_results(store), month=None)) == 8 * 4


def test_dict_experiments_and_two_experiments_in_one_store(tmp_path):
    store = tmp_path / "s.duckdb"
    sweep({"name": "one", "months": 6, "seed": 1, "factors": {"households": [200, 250]}},
          out=store, workers=0, progress=False)
    sweep({"name": "two", "months": 6, "seed": 1, "params": {"households": HOUSEHOLDS},
           "factors": {"government.mode": ["none"]}}, out=store, workers=0, progress=False)
    res = load_results(store, "one")
    assert set(res["runs"]["experiment"]) == {"one"} and len(res["runs"]) == 2
    assert "government.mode" not in res["design"].columns
    assert len(load_results(store)["runs"]) == 3
    with pytest.raises(InputError, match="'three' is not in the store; stored: one, two"):
        load_results(store, "three")


def test_store_errors_are_one_line(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_results(tmp_path / "none.duckdb")
    (tmp_path / "junk.duckdb").write_text("not a database")
    with pytest.raises(InputError, match="not a results store"):
        load_results(tmp_path / "junk.duckdb")
    with pytest.raises(InputError, match="only one of workers, scheduler"):
        sweep(write(tmp_path, SMALL), out=tmp_path / "s.duckdb", workers=2, dask_local=2,
              progress=False)


def test_plain_sql_reads_the_store(tmp_path):
    store = tmp_path / "s.duckdb"
    sweep(write(tmp_path, SMALL), out=store, workers=0, progress=False)
    with duckdb.connect(str(store), read_only=True) as con:
        rows = con.execute("""
            SELECT d."government.mode" AS mode, avg(t.burden) AS burden, count(*) AS n
            FROM timeseries t JOIN runs r USING (run_id)
            JOIN design d ON d.experiment = r.experiment AND d.point = r.point
            WHERE t.month = 12 GROUP BY mode ORDER BY mode""").fetchall()
        households = con.execute("SELECT DISTINCT json_extract(params, '$.households')::INT "
                                 "FROM runs").fetchall()
    assert [r[0] for r in rows] == ["facilitator", "none"] and [r[2] for r in rows] == [4, 4]
    assert all(0 <= r[1] for r in rows)
    assert households == [(HOUSEHOLDS,)]


# ------------------------------------------------------------------ the commands


def test_cli_sweep_results_and_export(tmp_path, capsys):
    path = write(tmp_path, SMALL)
    store = tmp_path / "out" / "small.duckdb"
    assert main(["sweep", str(path), "--workers", "0", "--out", str(store),
                 "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "8 done, 0 failed, 0 pending of 8" in out
    assert main(["results", str(store)]) == 0
    text = capsys.readouterr().out
    assert "experiment small: grid design, 4 points x 2 replicates = 8 runs" in text
    assert "runs: 8 done, 0 failed, 0 pending" in text
    assert "organisations.capacity_mean" in text and "burden" in text
    assert main(["export", str(store), "--parquet", str(tmp_path / "pq")]) == 0
    res = load_results(store)
    for table in ("experiments", "design", "runs", "timeseries"):
        df = pd.read_parquet(tmp_path / "pq" / f"{table}.parquet")
        assert df.shape == res[table].shape, table
    assert main(["results", str(tmp_path / "absent.duckdb")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_cli_default_store_is_results_name(tmp_path):
    path = write(tmp_path, SMALL.replace('name = "small"', 'name = "defaulted"'))
    proc = subprocess.run([sys.executable, "-m", "oslsim.cli", "sweep", str(path), "--workers",
                           "1", "--no-progress"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "results" / "defaulted.duckdb").exists()
    assert "8 done" in proc.stdout


def test_a_sobol_sweep_feeds_salib_in_the_samplers_order(tmp_path):
    """The documented recipe: the stored problem and the `sample` order give SALib its input."""
    import json

    from oslsim.analysis import sobol_indices

    store = tmp_path / "sobol.duckdb"
    sweep({"name": "sobol", "months": 3, "seed": 4, "design": "sobol", "samples": 4,
           "second_order": False, "params": {"households": HOUSEHOLDS},
           "factors": {"organisations.capacity_mean": {"low": 0.1, "high": 0.9},
                       "government.budget_per_household": {"low": 0, "high": 5000}}},
          out=store, workers=0, progress=False)
    res = load_results(store)
    problem = json.loads(res["experiments"]["problem"].iloc[0])
    assert problem["names"] == ["organisations.capacity_mean",
                                "government.budget_per_household"]
    final = tidy(res)
    ordered = final.sort_values("sample")
    expected = sobol(problem, 4, rng=design_rng(4), second_order=False)
    assert np.allclose(ordered[problem["names"]].to_numpy(), expected)
    indices = sobol_indices(problem, ordered["burden"].to_numpy(), rng=1,
                            calc_second_order=False)
    assert list(indices.index) == problem["names"]
    assert np.isfinite(indices["ST"]).all()
