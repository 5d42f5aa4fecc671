"""Warm start: burn in without WKSBM until burden is stationary, then apply the dose."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from oslsim import Params
from oslsim.warmup import stationary, warm_start


def test_stationarity_is_the_relative_slope_of_yearly_means():
    flat = np.full(36, 0.05)
    ok, slope = stationary(flat, 0.02)
    assert ok and slope == pytest.approx(0.0, abs=1e-12)
    # Yearly means 0.06, 0.05, 0.04: slope -0.01 a year on a mean of 0.05 = -20% a year.
    falling = np.repeat([0.06, 0.05, 0.04], 12)
    ok, slope = stationary(falling, 0.02)
    assert not ok and slope == pytest.approx(-0.2)
    assert stationary(falling, 0.25)[0]
    assert not stationary(np.ones(20), 0.5)[0]  # under three years: not yet known


def test_warm_start_burns_in_without_wksbm_then_applies_the_dose():
    params = Params(households=800).with_overrides({"organisations.wksbm_coverage": 1.0})
    model, warm = warm_start(params, rng=3, max_months=120, tolerance=0.05)
    before = model.warmup_timeseries()
    assert (before["wksbm_count"] == 0).all()
    assert before["month"].iloc[-1] == 0 and before["month"].iloc[0] == -warm.months
    assert warm.months % 12 == 0 and 36 <= warm.months <= 120
    assert warm.stationary == (abs(warm.slope) <= 0.05)
    # The dose: every RW (two of them) now has its WKSBM, and the clock starts again.
    ts = model.timeseries()
    assert model.month == 0 and len(ts) == 1
    assert ts["wksbm_coverage"].iloc[0] == 1.0 and ts["wksbm_count"].iloc[0] == 2
    model.run(3)
    assert model.timeseries()["month"].tolist() == [0, 1, 2, 3]


def test_the_burn_in_is_the_same_for_every_dose_of_a_seed():
    runs = {}
    for coverage in (0.0, 1.0):
        params = Params(households=400).with_overrides({"organisations.wksbm_coverage": coverage})
        model, warm = warm_start(params, rng=7, max_months=48, tolerance=0.5)
        runs[coverage] = (model.warmup_timeseries(), warm.months)
    pd.testing.assert_frame_equal(runs[0.0][0], runs[1.0][0])
    assert runs[0.0][1] == runs[1.0][1]


def test_a_warm_start_needs_three_years():
    with pytest.raises(ValueError, match="at least 36"):
        warm_start(Params(households=100), rng=1, max_months=12)


def test_simulate_with_a_warm_start_records_it():
    from oslsim import simulate

    r = simulate("diklat_pdps", months=14, rng=2, warmup={"max_months": 48, "tolerance": 0.5},
                 overrides={"households": 400, "organisations.wksbm_coverage": 1.0})
    w = r.manifest["warmup"]
    assert w["max_months"] == 48 and w["months"] == len(r.warmup) - 1 >= 36
    assert r.timeseries["month"].tolist() == list(range(15))
    assert (r.warmup["wksbm_count"] == 0).all() and r.timeseries["wksbm_count"].iloc[0] >= 1
    # The scenario's month-12 training happens in the measured period, not in the burn-in.
    assert r.events["month"].min() >= 1
    assert simulate("baseline", months=2, rng=2, overrides={"households": 60}
                    ).manifest["warmup"] is None
    with pytest.raises(ValueError, match="warmup.tolerance"):
        simulate("baseline", months=2, rng=2, warmup={"tolerance": 2.0})
    with pytest.raises(ValueError, match="warmup.steps: unknown"):
        simulate("baseline", months=2, rng=2, warmup={"steps": 2})


def test_a_reused_burn_in_gives_the_same_numbers_as_a_new_one():
    """The process keeps burn-ins for the next dose of a seed; reuse must change nothing."""
    from oslsim import warmup

    params = Params(households=300).with_overrides({"organisations.wksbm_coverage": 1.0})
    other = params.with_overrides({"organisations.wksbm_coverage": 0.5})
    warmup._burn_ins.clear()
    runs = []
    for p in (params, other, params):  # a new burn-in, then two reuses of it
        model, warm = warm_start(p, rng=11, max_months=48, tolerance=0.5)
        model.run(6)
        runs.append((model.timeseries(), model.warmup_timeseries(), warm))
    assert len(warmup._burn_ins) == 1
    warmup._burn_ins.clear()
    model, warm = warm_start(params, rng=11, max_months=48, tolerance=0.5)
    model.run(6)
    # The first and the third (a reuse, after the second ran on its own copy) are the new one.
    for ts, before, w in (runs[0], runs[2]):
        pd.testing.assert_frame_equal(ts, model.timeseries())
        pd.testing.assert_frame_equal(before, model.warmup_timeseries())
        assert w == warm
    # Another dose of the seed: the same burn-in, its own measured period.
    pd.testing.assert_frame_equal(runs[1][1], model.warmup_timeseries())
    assert not runs[1][0]["wksbm_coverage"].equals(model.timeseries()["wksbm_coverage"])
    # A Generator is not a seed one can compare: no reuse.
    warmup._burn_ins.clear()
    warm_start(params, rng=np.random.default_rng(11), max_months=48, tolerance=0.5)
    assert not warmup._burn_ins
