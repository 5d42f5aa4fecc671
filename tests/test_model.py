"""OSLModel: construction, stepping, the timeseries contract and the logic-model table."""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
import pytest

import oslsim
from oslsim import OSLModel, Params
from oslsim.metrics import LOGIC_MODEL, OUTCOMES
from oslsim.pmks import CODES

STAGES = ["MASUKAN", "PROSES", "KELUARAN", "DAMPAK", "HASIL"]


@pytest.fixture(scope="module")
def run6():
    model = OSLModel(Params(households=300), rng=42)
    model.run(6)
    return model


def test_public_names():
    assert oslsim.OSLModel is OSLModel and oslsim.Params is Params
    assert isinstance(OSLModel(Params(households=30), rng=1), mesa.Model)


def test_outcome_columns_are_the_designs_contract():
    expected = ["month", "burden", "pmks_prevalence", *(f"pmks_{c}" for c in CODES),
                "poverty_rate", "coverage", "solidarity", "bonding_capital",
                "bridging_capital", "linking_capital", "osl_count", "wksbm_count",
                "gov_spending", "poverty_rate_persons", "funds_raised", "funds_pooled",
                "volunteer_hours", "coordination_hours"]
    assert list(OUTCOMES) == expected
    assert len(CODES) == 10  # the study's ten PMKS categories


def test_timeseries_has_the_outcomes_first_and_months_0_to_n(run6):
    df = run6.timeseries()
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns[: len(OUTCOMES)]) == list(OUTCOMES)
    assert df["month"].tolist() == list(range(7))
    assert run6.month == 6
    assert df.notna().all().all()
    # A copy: changing it does not change the model's record.
    df.loc[0, "burden"] = -1.0
    assert run6.timeseries().loc[0, "burden"] >= 0


def test_step_adds_one_month():
    model = OSLModel(Params(households=100), rng=7)
    assert model.timeseries()["month"].tolist() == [0]
    model.step()
    model.step()
    assert model.timeseries()["month"].tolist() == [0, 1, 2]
    model.run(0)
    assert model.month == 2
    with pytest.raises(ValueError, match="months"):
        model.run(-1)


def test_run_in_pieces_equals_one_run():
    a = OSLModel(Params(households=120), rng=5)
    a.run(4)
    b = OSLModel(Params(households=120), rng=5)
    b.run(1)
    b.step()
    b.run(2)
    pd.testing.assert_frame_equal(a.timeseries(), b.timeseries())


def test_default_params_and_seed_kinds():
    model = OSLModel(rng=np.random.default_rng(1))
    assert model.params == Params()
    assert model.state.n == Params().households


def test_logic_model_has_the_five_stages(run6):
    table = run6.logic_model()
    assert list(dict.fromkeys(table["stage"])) == STAGES
    assert {"stage", "indicator", "start", "now", "change"} <= set(table.columns)
    df = run6.timeseries()
    for _, row in table.iterrows():
        assert row["start"] == pytest.approx(df[row["indicator"]].iloc[0])
        assert row["now"] == pytest.approx(df[row["indicator"]].iloc[-1])
        assert row["change"] == pytest.approx(row["now"] - row["start"])
    assert len(table) == len(LOGIC_MODEL)
    assert table["item_id"].str.len().gt(0).all() and table["item_en"].str.len().gt(0).all()


def test_hooks_run_at_the_start_of_every_month():
    model = OSLModel(Params(households=60), rng=3)
    seen = []
    model.add_hook(lambda m: seen.append(m.month))
    model.run(3)
    assert seen == [1, 2, 3]


def test_ledger_and_gov_spending_are_per_month():
    model = OSLModel(Params(households=200), rng=11)
    model.run(3)
    s = model.state
    ts = model.timeseries()
    assert ts["gov_spending"].iloc[-1] == pytest.approx(s.gov_spending)
    assert ts["gov_spending"].sum() == pytest.approx(s.gov_spending_total)
    # This month's ledger: income came in, consumption went out.
    assert s.ledger.income > 0 and s.ledger.consumption > 0
