"""Invariants on small random communities (hypothesis): shares, signs, money, determinism.

The suite tries a fixed, modest set of examples (derandomized, so CI is repeatable). For a
bug hunt: ``OSLSIM_EXAMPLES=300 pytest tests/test_properties.py`` draws 300 fresh ones.
"""

from __future__ import annotations

import dataclasses
import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import oslsim.model
from oslsim import OSLModel, Params
from oslsim.metrics import OUTCOMES
from oslsim.phases import PHASES

#: Columns that are shares or 0-1 indices.
SHARES = [c for c in OUTCOMES if c.startswith("pmks_")] + [
    "poverty_rate", "coverage", "solidarity", "bonding_capital", "bridging_capital",
    "linking_capital", "membership_rate", "attendance_rate", "capacity_mean",
    "accountability_mean", "identified_share"]
#: Columns that count or sum money and can never be negative.
NON_NEGATIVE = ["burden", "osl_count", "wksbm_count", "gov_spending", "treasury_total",
                "referrals", "gov_spending_total"]
#: The ledger channels each phase may use; every other phase only moves money.
CHANNELS = {"economy": {"income", "consumption"}, "service": {"gov_aid", "forum_costs"},
            "organisation_life": {"leakage", "activities"}, "government": {"grants"}}


@st.composite
def small_params(draw) -> Params:
    """A small kelurahan with a few levers that change which mechanisms are busy."""
    return Params(households=draw(st.integers(20, 200))).with_overrides({
        "community.hh_per_rt": draw(st.integers(10, 50)),
        "organisations.per_1000": draw(st.sampled_from([0.0, 10.0, 25.0, 60.0])),
        "organisations.wksbm_coverage": draw(st.sampled_from([0.0, 0.5, 1.0])),
        "organisations.wksbm_per_1000": draw(st.sampled_from([0.0, 10.0, 40.0])),
        "time.household_hours": draw(st.sampled_from([2.0, 20.0, 80.0])),
        "funds.giving_share": draw(st.sampled_from([0.0, 0.01, 0.1])),
        "organisations.capacity_mean": draw(st.floats(0.0, 1.0)),
        "organisations.exclusivity": draw(st.sampled_from([0.0, 1.0])),
        "organisations.min_members": draw(st.integers(1, 6)),
        "government.mode": draw(st.sampled_from(["none", "facilitator", "directive"])),
        "government.budget_per_household": draw(st.sampled_from([0.0, 1_500.0, 50_000.0])),
        "economy.covariate_shock": draw(st.sampled_from([0.0, 0.5])),
        "mutual_aid.help_share": draw(st.sampled_from([0.01, 0.5])),
        "economy.poverty_rate": draw(st.sampled_from([0.0847, 0.4])),
        "organisations.dues_scale": draw(st.sampled_from([1.0, 5.0])),
        "organisations.arisan_contribution": draw(st.sampled_from([0.0, 50_000.0, 500_000.0])),
        "organisations.emergence_rate": draw(st.sampled_from([0.005, 0.2])),
        "organisations.dissolve_rate": draw(st.sampled_from([0.1, 1.0])),
        "organisations.join_rate": draw(st.sampled_from([0.01, 0.2])),
        "organisations.leakage": draw(st.sampled_from([0.05, 0.3])),
    })


_HUNT = int(os.environ.get("OSLSIM_EXAMPLES", "0"))
#: 20 fixed examples per test in the suite; a hunt draws random ones.
examples = settings(max_examples=_HUNT or 20, derandomize=not _HUNT)

seeds = st.integers(0, 2**32 - 1)
months = st.integers(1, 4)


def _ledger(state) -> dict[str, float]:
    return dataclasses.asdict(state.ledger)


def _checked(phase):
    """Wrap a phase: money after = money before + what the ledger says came in or went out."""
    allowed = CHANNELS.get(phase.__name__, set())

    def run(state, params, rng):
        before, ledger = state.total_money(), _ledger(state)
        phase(state, params, rng)
        after, now = state.total_money(), _ledger(state)
        delta = {k: now[k] - ledger[k] for k in now}
        moved = [k for k, v in delta.items() if v != 0]
        assert set(moved) <= allowed, (phase.__name__, moved)
        net = (delta["income"] + delta["grants"] + delta["gov_aid"] - delta["consumption"]
               - delta["leakage"] - delta["forum_costs"] - delta["activities"])
        # Sums of up to ~10^11 rupiah in float64: allow a relative 1e-9 of the money at stake.
        scale = max(1.0, before, after, *(abs(v) for v in delta.values()))
        assert after - before == pytest.approx(net, abs=1e-9 * scale), phase.__name__
        m = state.m
        # Rounding may leave -1e-12 where dues take exactly the last rupiah (a known bug, see
        # test_phase_meetings.py::test_dues_never_leave_savings_negative); a millionth of a
        # rupiah is far below any real shortfall.
        assert (state.savings >= 0).all(), (phase.__name__, state.savings.min())
        assert (state.treasury[:m] >= -1e-6).all(), (phase.__name__, state.treasury[:m].min())

    run.__name__ = phase.__name__
    return run


@given(params=small_params(), seed=seeds, n_months=months)
@examples
def test_money_is_conserved_by_every_phase_that_only_moves_it(params, seed, n_months):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(oslsim.model, "PHASES", tuple(_checked(p) for p in PHASES))
        model = OSLModel(params, rng=seed)
        model.run(n_months)
    assert len(model.timeseries()) == n_months + 1


@given(params=small_params(), seed=seeds, n_months=months)
@examples
def test_shares_in_unit_interval_and_nothing_negative(params, seed, n_months):
    model = OSLModel(params, rng=seed)
    model.run(n_months)
    df = model.timeseries()
    assert list(df["month"]) == list(range(n_months + 1))
    for col in SHARES:
        assert df[col].between(0.0, 1.0).all(), (col, df[col].tolist())
    assert (df["pmks_prevalence"] <= df[[c for c in OUTCOMES if c.startswith("pmks_")
                                          and c != "pmks_prevalence"]].sum(axis=1)
            + 1e-12).all()
    for col in NON_NEGATIVE:
        assert (df[col] >= 0).all(), (col, df[col].tolist())
    assert (df["wksbm_count"] <= df["osl_count"]).all()
    assert df.notna().all().all()

    s = model.state
    m = s.m
    assert ((s.solidarity >= 0) & (s.solidarity <= 1)).all()
    assert ((s.capacity[:m] >= 0) & (s.capacity[:m] <= 1)).all()
    assert ((s.vitality[:m] >= 0) & (s.vitality[:m] <= 1)).all()
    tie = s.mem_tie[: s.e][s.mem_active[: s.e]]
    assert ((tie >= 0) & (tie <= 1)).all()
    assert (s.n_members[:m] >= 0).all() and (s.attendance[:m] >= 0).all()
    assert (s.active <= s.eligible).all()
    assert (s.served <= s.active).all()
    assert not s.wksbm[:m][~s.alive[:m]].any()  # the dead are in no forum


def _run(params: Params, rng, n_months: int) -> pd.DataFrame:
    model = OSLModel(params, rng=rng)
    model.run(n_months)
    return model.timeseries()


@given(params=small_params(), seed=seeds, n_months=months)
@examples
def test_same_rng_same_timeseries(params, seed, n_months):
    pd.testing.assert_frame_equal(_run(params, seed, n_months), _run(params, seed, n_months))
    pd.testing.assert_frame_equal(_run(params, np.random.default_rng(seed), n_months),
                                  _run(params, np.random.default_rng(seed), n_months))


@given(params=small_params(), seed=seeds, n_months=months)
@examples
def test_different_rng_different_timeseries(params, seed, n_months):
    # Solidarity is drawn from a continuous distribution at month 0, so two different
    # seeds cannot give the same table (a tie has probability zero).
    other = (seed + 1) % 2**32
    a, b = _run(params, seed, n_months), _run(params, other, n_months)
    assert not a.equals(b)
    c = _run(params, np.random.default_rng(seed), n_months)
    d = _run(params, np.random.default_rng(other), n_months)
    assert not c.equals(d)


def test_a_generator_is_used_not_copied():
    # SPEC 7: a Generator passed in is the run's generator; a model made next from the same
    # (advanced) generator is a different run.
    gen = np.random.default_rng(3)
    params = Params(households=60)
    assert not _run(params, gen, 2).equals(_run(params, gen, 2))


@given(params=small_params(), seed=seeds, n_months=months)
@examples
def test_hours_never_exceed_their_budgets(params, seed, n_months):
    model = OSLModel(params, rng=seed)
    t = params.time
    for _ in range(n_months):
        model.step()
        s = model.state
        # Meetings run after the economy phase, so this month's poverty sets the budget.
        budget = t.household_hours * np.where(s.poor, t.poor_hours_ratio, 1.0)
        assert (s.hours_used <= budget + 1e-9).all()
        # Organisations and RTs never spend hours they do not have.
        assert (s.hours[: s.m] >= -1e-9).all() and (s.rt_hours_left >= -1e-9).all()
        given_hours = s.hours_used.sum() + s.n_rt * t.rt_hours
        assert s.coordination_hours <= s.volunteer_hours + 1e-9
        assert s.volunteer_hours <= given_hours + 1e-6
