"""The Dinas Sosial budget rules: shares worked out by hand on two kelurahan; budget conserved."""

from __future__ import annotations

import numpy as np
import pytest

from oslsim.allocation import (
    RULES,
    KelurahanSummary,
    allocate,
    check_rule_params,
    form_wksbm,
    summarise,
)
from oslsim.phases.government import kelurahan_budget, referral_budget
from oslsim.region import RegionModel
from oslsim.state import SCOPE_RW
from test_region import two

TOTAL = 1_000_000.0
#: Two kelurahan: A small, poor in cases, weak pengurus, many RW without WKSBM; B the reverse.
#: Need per household: A 40 / 100 = 0.4, B 30 / 300 = 0.1.
S = KelurahanSummary(households=np.array([100, 300]), registered=np.array([30, 10]),
                     need=np.array([40.0, 30.0]), capacity=np.array([0.2, 0.6]),
                     uncovered_rw=np.array([3, 1]))


def shares(rule: str, summary: KelurahanSummary = S, **params: float):
    alloc = allocate(TOTAL, rule, check_rule_params(rule, params), summary,
                     np.random.default_rng(0))
    return alloc.budget, alloc.formation


@pytest.mark.parametrize(("rule", "params", "expected"), [
    # 100 and 300 households: a quarter and three quarters
    ("equal_per_household", {}, [250_000, 750_000]),
    # register 30 : 10
    ("registered_pmks", {}, [750_000, 250_000]),
    # 0.2 x (0.25, 0.75) + 0.8 x (0.75, 0.25) = (0.65, 0.35)
    ("registered_pmks", {"floor": 0.2}, [650_000, 350_000]),
    # 100 x 0.4 x 0.2 = 8 and 300 x 0.1 x 0.6 = 18: 8/26 and 18/26
    ("need_capacity", {}, [TOTAL * 8 / 26, TOTAL * 18 / 26]),
    # capacity ignored: 100 x 0.4 = 40 and 300 x 0.1 = 30
    ("need_capacity", {"capacity_exponent": 0.0}, [TOTAL * 4 / 7, TOTAL * 3 / 7]),
    # need squared: 100 x 0.16 = 16 vs 300 x 0.01 = 3, capacity ignored
    ("need_capacity", {"need_exponent": 2.0, "capacity_exponent": 0.0},
     [TOTAL * 16 / 19, TOTAL * 3 / 19]),
    # no noise: B's proposal (capacity 0.6) beats A's (0.2); one winner of two takes all
    ("competitive", {"score_noise": 0.0}, [0, TOTAL]),
    # 40% per household (0.1, 0.3), 60% to the winner B: (0.1, 0.9)
    ("competitive", {"score_noise": 0.0, "share": 0.6}, [100_000, 900_000]),
    # both win: per household
    ("competitive", {"score_noise": 0.0, "winners": 1.0}, [250_000, 750_000]),
    # 30% by uncovered RW 3 : 1 = (0.225, 0.075); 70% per household = (0.175, 0.525)
    ("wksbm_formation_first", {}, [400_000, 600_000]),
])
def test_each_rules_shares_by_hand(rule, params, expected):
    budget, _ = shares(rule, **params)
    assert budget == pytest.approx(expected, rel=1e-12)
    assert budget.sum() == pytest.approx(TOTAL, rel=1e-12)


def test_formation_first_reserves_its_part():
    budget, formation = shares("wksbm_formation_first", formation_share=0.3)
    assert formation == pytest.approx([225_000, 75_000], rel=1e-12)
    assert (formation <= budget).all()
    # with every RW covered there is nothing to form: all per household, nothing reserved
    covered = KelurahanSummary(S.households, S.registered, S.need, S.capacity,
                               np.array([0, 0]))
    budget, formation = shares("wksbm_formation_first", covered)
    assert budget == pytest.approx([250_000, 750_000]) and not formation.any()


def test_rules_fall_back_to_households_when_their_weights_are_zero():
    empty = KelurahanSummary(S.households, np.zeros(2), np.zeros(2), np.zeros(2), S.uncovered_rw)
    for rule in ("registered_pmks", "need_capacity"):
        assert shares(rule, empty)[0] == pytest.approx([250_000, 750_000]), rule


def test_every_rule_spends_exactly_the_budget():
    rng = np.random.default_rng(7)
    for _ in range(200):
        k = int(rng.integers(1, 30))
        s = KelurahanSummary(rng.integers(1, 10_000, k), rng.integers(0, 50, k) * (
            rng.random(k) < 0.7), rng.random(k) * 100, rng.random(k), rng.integers(0, 5, k))
        for rule in RULES:
            total = float(rng.random() * 1e9)
            budget = allocate(total, rule, check_rule_params(rule, {}), s, rng).budget
            assert (budget >= 0).all()
            # only floating-point rounding separates the parts' sum from the budget
            assert abs(budget.sum() - total) <= 1e-9 * max(total, 1.0), rule


def test_competitive_noise_comes_from_the_generator():
    a = shares("competitive", score_noise=1.0)[0]
    b = shares("competitive", score_noise=1.0)[0]
    assert (a == b).all()


def test_bad_rule_parameters_are_named():
    with pytest.raises(ValueError, match="floor: 2 is not allowed; use a number from 0 to 1"):
        check_rule_params("registered_pmks", {"floor": 2})
    with pytest.raises(ValueError, match="takes no parameters"):
        check_rule_params("equal_per_household", {"floor": 0.1})


def test_summary_of_a_built_region():
    m = RegionModel(two(), rng=3)
    st = m.state
    s = summarise(st, m.params)
    assert list(s.households) == [300, 500]
    # Desa A has a WKSBM in every RW, kelurahan B in none
    assert s.uncovered_rw[0] == 0 and s.uncovered_rw[1] == np.count_nonzero(st.rw_kel == 1)
    assert 0 < s.capacity[0] < 1 and 0 < s.capacity[1] < 1


def test_each_kelurahan_spends_within_its_own_budget():
    m = RegionModel(two("need_capacity"), rng=5)
    st, g = m.state, m.params.government
    assert st.kel_budget.sum() == pytest.approx(2_000_000.0, rel=1e-12)
    for _ in range(4):
        m.step()
        own = kelurahan_budget(st)
        assert (st.kel_referral <= referral_budget(st, m.params) + 1e-6).all()
        # grants and referral of one month never exceed the kelurahan's budget; training may
        # spend a fund saved over months, so it is left out here
        grants = np.bincount(st.org_kelurahan(np.arange(st.m)),
                             weights=st.grants_received[: st.m], minlength=2)
        assert (grants <= g.grant_share * own * st.month + 1e-6).all()


def test_formation_money_forms_wksbm_where_there_are_none():
    m = RegionModel(two("wksbm_formation_first", formation_share=0.5,
                        formation_cost=100_000.0), rng=6)
    st = m.state
    bare_b = lambda: np.count_nonzero(  # noqa: E731
        ~np.isin(np.flatnonzero(st.rw_kel == 1),
                 st.area[np.flatnonzero(st.alive[: st.m] & st.wksbm[: st.m]
                                        & (st.scope[: st.m] == SCOPE_RW))]))
    before = bare_b()
    assert before > 0 and st.kel_formation[0] == 0.0  # A has none to form
    # all of the formation half (Rp 1,000,000) goes to B: 10 WKSBM at Rp 100,000 a month
    assert st.kel_formation[1] == pytest.approx(1_000_000.0)
    spent_before = st.kel_spending.copy()
    form_wksbm(st, m.params, m.rng, cost=100_000.0)
    assert bare_b() == max(0, before - 10)
    assert st.kel_spending[1] - spent_before[1] == pytest.approx(
        100_000.0 * (before - bare_b()))
    assert st.kel_spending[0] == spent_before[0]
