"""``oslsim.simulate``: one run as a function of a scenario and a seed."""

from __future__ import annotations

import json

import mesa
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import oslsim
from oslsim import RunResult, Scenario, load_scenario, simulate
from oslsim.metrics import OUTCOMES
from oslsim.model import OSLModel
from oslsim.scenarios import ScenarioError

SMALL = {"households": 300}


def test_default_is_the_baseline_and_months_come_from_the_scenario(tmp_path):
    r = simulate(rng=1, overrides=SMALL, months=6)
    assert isinstance(r, RunResult)
    assert r.manifest["scenario"] == "baseline"
    path = tmp_path / "short.toml"
    path.write_text("[scenario]\nmonths = 5\n", encoding="utf-8")
    r = simulate(str(path), rng=1, overrides=SMALL)
    assert list(r.timeseries["month"]) == list(range(6))
    assert r.manifest["months"] == 5


def test_result_tables_match_the_model():
    r = simulate("baseline", months=4, rng=2, overrides=SMALL)
    assert list(r.timeseries.columns[: len(OUTCOMES)]) == list(OUTCOMES)
    assert_frame_equal(r.timeseries, r.model.timeseries())
    assert_frame_equal(r.logic_model, r.model.logic_model())
    assert isinstance(r.model, OSLModel) and r.model.month == 4
    assert r.final["month"] == 4


def test_same_seed_same_run_different_seed_different_run():
    a = simulate("globalisation_shock", months=30, rng=11, overrides=SMALL)
    b = simulate(load_scenario("globalisation_shock"), months=30, rng=11, overrides=SMALL)
    c = simulate("globalisation_shock", months=30, rng=12, overrides=SMALL)
    assert_frame_equal(a.timeseries, b.timeseries)
    assert not a.timeseries["burden"].equals(c.timeseries["burden"])


def test_a_generator_gives_the_same_run_as_its_seed_and_is_summarised():
    seq = np.random.SeedSequence(2024).spawn(2)[1]
    a = simulate(months=5, rng=np.random.default_rng(seq), overrides=SMALL)
    b = simulate(months=5, rng=np.random.default_rng(seq), overrides=SMALL)
    assert_frame_equal(a.timeseries, b.timeseries)
    seed = a.manifest["seed"]
    assert seed["bit_generator"] == "PCG64"
    assert seed["entropy"] == 2024 and seed["spawn_key"] == [1]
    assert set(seed["state"]) == {"state", "inc"}


def test_no_rng_draws_a_fresh_seed_and_records_it():
    a = simulate(months=3, overrides=SMALL)
    seed = a.manifest["seed"]
    assert isinstance(seed, int) and 0 <= seed < 2**63
    again = simulate(months=3, rng=seed, overrides=SMALL)
    assert_frame_equal(a.timeseries, again.timeseries)


def test_manifest_has_everything_to_repeat_the_run():
    r = simulate("diklat_pdps", months=14, rng=5,
                 overrides={**SMALL, "organisations.capacity_mean": "0.3"})
    m = r.manifest
    assert m["scenario"] == "diklat_pdps" and m["source"] == "builtin:diklat_pdps"
    assert m["seed"] == 5 and m["months"] == 14
    assert m["params"] == r.model.params.to_dict()
    assert m["params"]["organisations.capacity_mean"] == 0.3
    assert m["params"]["households"] == 300
    assert len(m["params"]) == len(oslsim.Params().to_dict())
    assert m["versions"]["oslsim"] == oslsim.__version__
    assert m["versions"]["mesa"] == mesa.__version__
    assert m["versions"]["numpy"] == np.__version__
    assert m["versions"]["python"].count(".") == 2
    assert m["interventions"][0]["action"] == "train_pengurus"
    assert json.loads(json.dumps(m)) == m  # storable as JSON as it is
    # Repeating from the manifest alone gives the same table.
    again = simulate(load_scenario(m["scenario"]), months=m["months"], rng=m["seed"],
                     overrides=m["params"])
    assert_frame_equal(r.timeseries, again.timeseries)


def test_events_record_what_the_interventions_did():
    r = simulate("diklat_pdps", months=30, rng=5, overrides=SMALL)
    assert list(r.events.columns) == ["month", "action", "event", "result", "args"]
    assert list(r.events["month"]) == [12, 24]
    # the result is the number of organisations trained: 30% of all groups at month 12; at
    # month 24 every group working as WKSBM (at 300 households there may be none)
    assert r.events["result"].iloc[0] > 0
    wksbm = r.timeseries.set_index("month")["wksbm_count"]
    assert r.events["result"].iloc[1] == wksbm.loc[23]
    empty = simulate("baseline", months=2, rng=5, overrides=SMALL).events
    assert isinstance(empty, pd.DataFrame) and empty.empty


def test_overrides_on_top_of_site_and_scenario():
    sc = load_scenario("diklat_pdps").on_site("cibodas")
    r = simulate(sc, months=13, rng=1, overrides={"households": 400})
    p = r.model.params
    assert p.households == 400  # override beats the site's 3,000
    assert p.economy.poverty_rate == pytest.approx(0.1103)  # the site's value
    assert r.manifest["site"] == "cibodas"


def test_a_shorter_run_lists_the_interventions_it_does_not_reach():
    r = simulate("no_government", months=6, rng=1, overrides=SMALL)
    assert r.manifest["not_reached"] == [{"month": 12, "action": "withdraw_government"}]
    assert r.events.empty and (r.timeseries["gov_spending"].iloc[1:] > 0).all()
    assert simulate("no_government", months=12, rng=1,
                    overrides=SMALL).manifest["not_reached"] == []


def test_progress_wraps_the_month_loop():
    seen = []

    def progress(months):
        for m in months:
            seen.append(m)
            yield m

    simulate(months=4, rng=1, overrides=SMALL, progress=progress)
    assert seen == [0, 1, 2, 3]


def test_bad_input_raises_before_running():
    with pytest.raises(ScenarioError, match="did you mean"):
        simulate(overrides={"household": 300}, months=2, rng=1)
    with pytest.raises(ScenarioError, match="whole number"):
        simulate(months=0, rng=1, overrides=SMALL)
    with pytest.raises(ScenarioError, match="unknown scenario"):
        simulate("nowhere", months=2, rng=1)
    with pytest.raises(TypeError, match="rng"):
        simulate(months=2, rng=1.5, overrides=SMALL)


def test_public_names():
    assert oslsim.Scenario is Scenario
    assert oslsim.simulate is simulate and oslsim.load_scenario is load_scenario
