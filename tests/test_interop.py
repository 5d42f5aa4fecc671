"""oslsim for modellers: multiprocessing untouched, extension points, tables, Mesa, types, store.

Issue 12: what a modeller coming from Mesa, pandas, SQL and EMA Workbench expects to work.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import re
import subprocess
import sys
from functools import partial
from pathlib import Path

import duckdb
import mesa
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from scipy import stats

import oslsim
from oslsim import OSLModel, Params, simulate
from oslsim.experiments import ExperimentError, load_experiment, sweep
from oslsim.model import BUILD_ONLY, HOUSEHOLD_REPORTERS
from oslsim.phases import PHASES, drift
from oslsim.pmks import KINDS, category_vectors
from oslsim.terms import term

DOCS = Path(__file__).resolve().parents[1] / "docs"
SMALL = {"households": 150}


# ------------------------------------------------------------------ 1. start method


@pytest.mark.parametrize("method", [None, "fork", "forkserver"])
def test_import_oslsim_leaves_the_start_method_as_it_was(method):
    code = ("import multiprocessing as mp\n"
            f"m = {method!r}\n"
            "if m: mp.set_start_method(m)\n"
            "before = mp.get_start_method(allow_none=True)\n"
            "import oslsim, oslsim.ema, oslsim.experiments.runner\n"
            "print(before, mp.get_start_method(allow_none=True))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()
    assert out == [str(method), str(method)]


# ------------------------------------------------------------------ 3. extension points


def test_phases_replace_the_schedule_and_default_to_oslsim_phases():
    assert OSLModel(Params(households=40), rng=1).phases == PHASES
    calls = []

    def count(state, params, rng):
        calls.append(state.month)

    m = OSLModel(Params(households=40), rng=1, phases=[*PHASES, count])
    m.run(3)
    assert calls == [1, 2, 3]
    # without drift, solidarity moves only through meetings: a different path from the default
    a = OSLModel(Params(households=80), rng=2)
    b = OSLModel(Params(households=80), rng=2, phases=[p for p in PHASES if p is not drift])
    a.run(4)
    b.run(4)
    assert not np.allclose(a.timeseries()["solidarity"], b.timeseries()["solidarity"])
    with pytest.raises(TypeError, match="phases\\[0\\]"):
        OSLModel(Params(households=40), rng=1, phases=["economy"])


def test_after_hooks_see_the_finished_month_and_before_hooks_the_previous_one():
    m = OSLModel(Params(households=60), rng=3)
    before, after = [], []
    m.add_hook(lambda mm: before.append((mm.month, mm.state.solidarity.mean())))
    m.add_hook(lambda mm: after.append((mm.month, mm.state.solidarity.mean())), when="after")
    m.run(3)
    ts = m.timeseries().set_index("month")["solidarity"]
    assert [mo for mo, _ in after] == [1, 2, 3]
    for month, value in after:  # the after-hook of month k sees month k's recorded value
        assert value == pytest.approx(ts[month])
    for month, value in before:  # a before-hook of month k still sees the end of month k-1
        assert value == pytest.approx(ts[month - 1])
    with pytest.raises(ValueError, match="when"):
        m.add_hook(print, when="during")


def _served_share(state, params) -> float:
    return float(state.served.any(axis=1).mean())


def test_reporters_appear_in_the_timeseries_every_month():
    m = OSLModel(Params(households=60), rng=4, reporters={"served_share": _served_share})
    m.run(2)
    ts = m.timeseries()
    assert ts.columns[-1] == "served_share" and len(ts) == 3
    assert ts["served_share"].between(0, 1).all()
    assert ts["served_share"].iloc[-1] == pytest.approx(_served_share(m.state, m.params))
    with pytest.raises(ValueError, match="already an outcome"):
        OSLModel(Params(households=30), rng=1, reporters={"burden": _served_share})


class _Variant(OSLModel):
    """A model variant with one extra reporter (a subclass, as simulate(model_cls=) takes)."""

    def __init__(self, params=None, rng=None, **kw):
        super().__init__(params, rng, reporters={"served_share": _served_share}, **kw)


def run_variant(scenario, months, rng, overrides):
    return simulate(scenario, months=months, rng=rng, overrides=overrides, model_cls=_Variant)


run_variant.outcomes = ("served_share",)


def test_simulate_takes_a_model_class_and_sweeps_keep_its_outcomes(tmp_path):
    r = simulate("baseline", months=2, rng=1, overrides=SMALL, model_cls=_Variant)
    assert isinstance(r.model, _Variant) and "served_share" in r.timeseries
    assert r.manifest["model"].endswith("_Variant")
    with pytest.raises(TypeError, match="model_cls"):
        simulate("baseline", months=1, rng=1, overrides=SMALL, model_cls=dict)
    data = {"name": "custom", "months": 2, "replicates": 1, "seed": 1, "params": SMALL,
            "factors": {"organisations.capacity_mean": [0.3, 0.6]},
            "keep": {"outcomes": ["burden", "served_share"]}}
    path = tmp_path / "custom.toml"
    path.write_text('name = "custom"\nmonths = 2\nreplicates = 1\nseed = 1\n'
                    "[params]\nhouseholds = 150\n"
                    '[factors]\n"organisations.capacity_mean" = [0.3, 0.6]\n'
                    '[keep]\noutcomes = ["burden", "served_share"]\n')
    with pytest.raises(ExperimentError, match="served_share"):  # unknown without the run fn
        load_experiment(path)
    report = sweep(data, out=tmp_path / "c.duckdb", workers=0, progress=False,
                   run_fn=run_variant)
    assert report.done == 2
    ts = report.load()["timeseries"]
    assert list(ts.columns) == ["run_id", "month", "burden", "served_share"]
    with duckdb.connect(str(tmp_path / "c.duckdb"), read_only=True) as con:
        unit = con.sql("SELECT unit FROM outcomes WHERE name = 'served_share'").fetchall()
        burden = con.sql("SELECT unit, meaning_id FROM outcomes WHERE name = 'burden'")
        assert unit == [(None,)] and burden.fetchone()[1] == term("burden").meaning_id


# ------------------------------------------------------------------ 4. tables


def test_households_frame_numbers_rt_within_rw_from_one():
    p = Params(households=600).with_overrides({"community.hh_per_rt": 20,
                                                "community.rt_per_rw": 5})
    m = OSLModel(p, rng=5)
    m.run(1)
    hh = m.households_frame()
    assert len(hh) == 600 and hh["row"].tolist() == list(range(600))
    # row 0..19 is RT 1 of RW 1, row 100 the first of RW 2 (5 RT x 20 households per RW)
    assert hh.loc[0, ["rt_number", "rw_number"]].tolist() == [1, 1]
    assert hh.loc[99, ["rt_number", "rw_number"]].tolist() == [5, 1]
    assert hh.loc[100, ["rt_number", "rw_number"]].tolist() == [1, 2]
    assert hh["rt_number"].between(1, 5).all() and hh["rw_number"].max() == 6
    assert (hh["unique_id"] == [h.unique_id for h in m.households]).all()
    h = m.households[137]
    assert (h.rt_number, h.rw_number) == (2, 2)
    assert "RT 02/RW 02" in h.story("id") and "RT 02/RW 02" in h.story("en")
    assert hh.loc[137, "n_conditions"] == len(h.conditions)
    assert hh["memberships"].sum() == m.state.members()[0].size


def test_organisations_and_register_frames():
    m = OSLModel(Params(households=400), rng=6)
    m.run(3)
    orgs = m.organisations_frame()
    assert len(orgs) == m.state.m and orgs["row"].tolist() == list(range(m.state.m))
    assert orgs["alive"].sum() == len(m.organisations)
    rt_scoped = orgs[orgs["scope"] == "rt"]
    assert rt_scoped["rt_number"].notna().all()
    assert orgs.loc[orgs["scope"] == "kelurahan", "rw_number"].isna().all()
    first = rt_scoped.iloc[0]
    assert f"RT {first['rt_number']:02d}/RW {first['rw_number']:02d}" in first["name"]
    assert orgs["members"].sum() == m.state.members()[1].size
    reg = m.register_frame()
    assert list(reg.columns) == ["row", "rt_number", "rw_number", "category", "served"]
    assert len(reg) == len(m.government.register)


# ------------------------------------------------------------------ 5. Mesa


def test_mesa_batch_run_works_on_oslmodel():
    results = mesa.batch_run(
        OSLModel, parameters={"households": 80, "rng": [1, 2],
                              "organisations.capacity_mean": [0.3, 0.7]},
        iterations=1, max_steps=3, number_processes=1, display_progress=False)
    df = pd.DataFrame(results)
    assert len(df) == 4 and df["burden"].notna().all()
    assert set(df["organisations.capacity_mean"]) == {0.3, 0.7}
    # the same run outside batch_run gives the same final burden
    m = OSLModel(households=80, rng=1, **{"organisations.capacity_mean": 0.3})
    m.run(int(df["Step"].iloc[0]))
    row = df[(df["rng"] == 1) & (df["organisations.capacity_mean"] == 0.3)]
    assert row["burden"].iloc[0] == pytest.approx(m.timeseries()["burden"].iloc[-1])


def test_collect_true_keeps_a_datacollector_of_households_only():
    m = OSLModel(Params(households=50), rng=7, collect=True)
    m.run(2)
    agents = m.datacollector.get_agent_vars_dataframe()
    assert list(agents.columns) == list(HOUSEHOLD_REPORTERS)
    assert len(agents) == 3 * 50 and agents.notna().all().all()  # no organisations' NaN rows
    model_df = m.datacollector.get_model_vars_dataframe()
    assert_frame_equal(model_df.reset_index(drop=True), m.timeseries(), check_dtype=False)
    # without collect, the collector is a view of the time series (no per-month cost)
    plain = OSLModel(Params(households=50), rng=7)
    plain.run(2)
    view = plain.datacollector.get_model_vars_dataframe()
    assert view["month"].tolist() == [0, 1, 2]
    assert plain.datacollector.agent_reporters == {}  # Mesa refuses the empty frame itself
    with pytest.raises(TypeError, match="collect"):
        OSLModel(Params(households=30), rng=1, collect="yes")


def test_flat_keyword_overrides_and_their_errors():
    m = OSLModel(households=70, rng=1, **{"organisations.capacity_mean": 0.4})
    assert m.params.households == 70 and m.params.organisations.capacity_mean == 0.4
    with pytest.raises(ValueError, match="capacity_man"):
        OSLModel(households=70, rng=1, **{"organisations.capacity_man": 0.4})


# ------------------------------------------------------------------ 6. types


def test_rng_takes_int_whole_float_generator_and_seedsequence():
    base = OSLModel(Params(households=60), rng=3)
    base.run(2)
    for rng in (3.0, np.int64(3), np.float64(3.0)):
        m = OSLModel(Params(households=60), rng=rng)
        m.run(2)
        assert_frame_equal(base.timeseries(), m.timeseries())
    a = OSLModel(Params(households=60), rng=np.random.SeedSequence(9))
    b = OSLModel(Params(households=60), rng=np.random.default_rng(np.random.SeedSequence(9)))
    a.run(2)
    b.run(2)
    assert_frame_equal(a.timeseries(), b.timeseries())
    for bad in (3.5, True, "3"):
        with pytest.raises(TypeError, match="rng must be"):
            OSLModel(Params(households=30), rng=bad)
    r = simulate("baseline", months=1, rng=np.random.SeedSequence(9), overrides=SMALL)
    assert r.manifest["seed"]["entropy"] == 9
    assert simulate("baseline", months=1, rng=4.0, overrides=SMALL).manifest["seed"] == 4


def test_overrides_take_numpy_scalars_of_the_right_kind():
    p = Params().with_overrides({"households": np.int64(300),
                                 "organisations.capacity_mean": np.float32(0.5),
                                 "organisations.service_enabled": np.bool_(False)})
    assert p.households == 300 and type(p.households) is int
    assert p.organisations.service_enabled is False
    with pytest.raises(ValueError, match="households"):
        Params().with_overrides({"households": np.bool_(True)})
    with pytest.raises(ValueError, match="service_enabled"):
        Params().with_overrides({"organisations.service_enabled": np.int64(1)})


def test_changing_government_mode_mid_run_takes_effect_and_is_recorded():
    m = OSLModel(Params(households=400), rng=8)
    m.run(3)
    assert m.timeseries()["gov_spending"].iloc[-1] > 0 and m.government.budget > 0
    m.set_params({"government.mode": "none"})
    m.run(3)
    assert (m.timeseries()["gov_spending"].iloc[-2:] == 0).all()  # month 4 pays March's
    assert m.government.mode == "none" and m.government.budget == 0
    assert m.param_changes == [{"month": 3, "path": "government.mode", "old": "facilitator",
                                "new": "none"}]
    m.params = m.params.with_overrides({"government.mode": "directive",
                                        "government.direction": 0.5})
    m.step()
    assert m.state.direction == 0.5 and len(m.param_changes) == 3


def test_changing_a_build_only_parameter_mid_run_raises():
    m = OSLModel(Params(households=60), rng=8)
    for path, value in (("households", 80), ("community.hh_per_rt", 30),
                        ("organisations.wksbm_per_1000", 9.0)):
        with pytest.raises(ValueError, match=re.escape(path) + ".*built"):
            m.set_params({path: value})
    assert m.params.households == 60 and m.param_changes == []
    with pytest.raises(TypeError):
        m.params = {"households": 80}


class _Tracer:
    """A read-only stand-in for Params that records every parameter path read through it."""

    def __init__(self, obj, prefix, seen):
        object.__setattr__(self, "_obj", obj)
        object.__setattr__(self, "_prefix", prefix)
        object.__setattr__(self, "_seen", seen)

    def __getattr__(self, name):
        obj = object.__getattribute__(self, "_obj")
        value = getattr(obj, name)
        path = self._prefix + name
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return _Tracer(value, path + ".", self._seen)
        if inspect.ismethod(value):
            return getattr(type(obj), name).__get__(self)
        self._seen.add(path)
        return value

    @property
    def __class__(self):  # isinstance(tracer, Params) holds, as for what it wraps
        return type(object.__getattribute__(self, "_obj"))

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other


def test_build_only_lists_every_parameter_the_months_never_read():
    """Every parameter read when building but never by a month is refused mid-run (not ignored).

    The run goes through the paths that read the most parameters: directive mode founds
    organisations, interventions found, form and train.
    """
    import fnmatch

    build, months = set(), set()
    category_vectors.cache_clear()  # cached per params: the months must read them afresh
    tracer = _Tracer(Params(households=300).with_overrides({"government.mode": "directive"}),
                     "", build)
    m = OSLModel.__new__(OSLModel)
    OSLModel.__init__(m, tracer, rng=1)
    category_vectors.cache_clear()
    object.__setattr__(tracer, "_seen", months)
    m.run(12)
    m.government.found_organisations(3)
    for kind in KINDS:  # founding reads each kind's dues and scope
        m.government.found_organisations(1, kind=kind)
    m.government.form_wksbm(20)
    m.government.train_pengurus()
    m.run(12)
    category_vectors.cache_clear()
    only_build = build - months - {"government.mode", "government.direction"}
    refused = {p for p in build | months if any(fnmatch.fnmatchcase(p, pat)
                                                for pat in BUILD_ONLY)}
    assert only_build <= refused, sorted(only_build - refused)
    # and the list refuses nothing a month reads (whole groups like community.* aside)
    over = {p for p in refused & months if not p.startswith("community.")}
    assert over == set(), sorted(over)


# ------------------------------------------------------------------ 2. the store


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("store") / "s.duckdb"
    data = {"name": "ng", "months": 14, "replicates": 3, "seed": 2, "params": SMALL,
            "factors": {"scenario": ["no_government", "diklat_pdps"],
                        "organisations.capacity_mean": [0.3, 0.6]}}
    report = sweep(data, out=path, workers=0, progress=False)
    assert report.done == 12
    return path


def test_final_view_is_the_last_month_joined_to_its_design(store):
    with duckdb.connect(str(store), read_only=True) as con:
        final = con.sql("SELECT * FROM final ORDER BY point, replicate").df()
        last = con.sql("SELECT run_id, burden FROM timeseries WHERE month = 14").df()
    assert len(final) == 12 and (final["month"] == 14).all()
    assert {"organisations.capacity_mean", "sample", "interventions", "burden"} <= set(final)
    merged = final.merge(last, on="run_id", suffixes=("", "_ts"))
    assert np.allclose(merged["burden"], merged["burden_ts"])
    ng = final[final["scenario"] == "no_government"]
    assert all(json.loads(s) == [{"month": 12, "action": "withdraw_government"}]
               for s in ng["interventions"])


def test_events_say_what_ran(store):
    with duckdb.connect(str(store), read_only=True) as con:
        rows = con.sql("""
            SELECT r.scenario, e.month, e.action, e.event, e.args, e.result, e.happened
            FROM events e JOIN runs r USING (run_id) ORDER BY r.run_id, e.month""").df()
        runs = con.sql("SELECT * FROM runs").df()
    ng = rows[rows["scenario"] == "no_government"]
    assert len(ng) == 6 and (ng["month"] == 12).all() and ng["happened"].all()
    assert set(ng["event"]) == {"start"}
    train = rows[rows["scenario"] == "diklat_pdps"]
    done, planned = train[train["happened"]], train[~train["happened"]]
    assert set(train["action"]) == {"train_pengurus"} and (done["result"] > 0).all()
    assert len(done) == 6 and (done["month"] == 12).all()  # the month-12 training ran
    assert (planned["event"] == "planned").all() and planned["result"].isna().all()
    assert json.loads(train["args"].iloc[0])["share"] == pytest.approx(0.3)
    assert runs["pandas_version"].eq(pd.__version__).all()
    assert runs["duckdb_version"].eq(duckdb.__version__).all()
    assert runs["scipy_version"].notna().all()
    commit = oslsim.simulation.checkout()["commit"]
    if commit is not None:  # a git checkout: every run names it
        assert runs["git_commit"].eq(commit).all() and re.fullmatch("[0-9a-f]{40}", commit)


def test_a_short_run_stores_the_intervention_it_did_not_reach(tmp_path):
    data = {"name": "short", "months": 6, "replicates": 1, "seed": 2, "params": SMALL,
            "scenario": "no_government", "factors": {"organisations.capacity_mean": [0.3]}}
    sweep(data, out=tmp_path / "x.duckdb", workers=0, progress=False)
    with duckdb.connect(str(tmp_path / "x.duckdb"), read_only=True) as con:
        assert con.sql("SELECT month, action, event, happened FROM events").fetchall() == [
            (12, "withdraw_government", "planned", False)]


def test_outcomes_table_gives_units_and_meanings(store):
    with duckdb.connect(str(store), read_only=True) as con:
        out = con.sql("SELECT * FROM outcomes").df().set_index("name")
        cols = [c for c in con.sql("SELECT * FROM timeseries LIMIT 0").df().columns
                if c != "run_id"]
    assert sorted(out.index) == sorted(cols)
    # From the term table, the one place every indicator's words live.
    assert out.loc["burden", "meaning_en"] == term("burden").meaning_en
    assert out.loc["coverage", "unit"] == term("coverage").unit
    assert out.loc["pmks_lansia_miskin", "meaning_id"] == term("pmks_lansia_miskin").meaning_id
    assert out.loc["month", "unit"] == "month"
    assert out["unit"].notna().all() and out["meaning_id"].notna().all()


def _doc_ci_query() -> str:
    text = (DOCS / "experiments.md").read_text()
    section = text.split("### Mean and 95% confidence interval of final burden", 1)[1]
    return section.split('ci = con.sql("""', 1)[1].split('""")', 1)[0]


def test_the_documented_sql_gives_a_t_interval_per_design_point(store):
    query = _doc_ci_query().replace('"organisations.wksbm_coverage" AS dose',
                                    '"organisations.capacity_mean" AS dose')
    with duckdb.connect(str(store), read_only=True) as con:
        con.create_function("t975", lambda df: float(stats.t.ppf(0.975, df)), ["BIGINT"],
                            "DOUBLE")
        ci = con.sql(query).df()
        final = con.sql("SELECT point, burden FROM final").df()
    assert len(ci) == 4 and (ci["n"] == 3).all()
    for _, row in ci.iterrows():
        y = final.loc[final["point"] == row["point"], "burden"].to_numpy()
        low, high = stats.t.interval(0.95, len(y) - 1, loc=y.mean(), scale=stats.sem(y))
        assert row["mean"] == pytest.approx(y.mean())
        assert (row["low"], row["high"]) == pytest.approx((low, high))
        if y.std() > 0:  # wider than the normal interval: t(2) = 4.30, not 1.96
            assert row["high"] - row["low"] > 2 * 1.96 * stats.sem(y) * 2


def test_manifest_records_commit_versions_and_events():
    r = simulate("no_government", months=13, rng=1, overrides=SMALL)
    m = r.manifest
    assert {"pandas", "duckdb", "scipy"} <= set(m["versions"])
    assert m["events"] == [{"month": 12, "action": "withdraw_government", "event": "start",
                            "result": None, "args": {}, "happened": True}]
    assert "commit" in m and "dirty" in m
    assert json.loads(json.dumps(m)) == m


def test_everything_a_pool_sends_still_pickles():
    import pickle

    r = simulate("baseline", months=1, rng=1, overrides=SMALL)
    pickle.loads(pickle.dumps(r.model))
    pickle.loads(pickle.dumps(partial(simulate, model_cls=_Variant)))
