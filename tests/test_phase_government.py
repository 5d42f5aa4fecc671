"""Phase 8, government: budget, grants to WKSBM, training, referral budget, direction."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from oslsim.phases import government
from oslsim.phases.government import referral_budget, train
from oslsim.state import GOVERNMENT
from tiny import P, add_org, make_state

# Budget 10,000 * 3 households = 30,000 a month: half as grants (15,000), 30% to the
# training fund (9,000), the remaining 20% (6,000) is next month's referral budget.
BASE = {"government.budget_per_household": 10_000.0, "government.grant_share": 0.5,
        "government.training_share": 0.3, "government.training_cost": 100_000.0,
        "government.training_gain": 0.5, "government.founding_rate": 0.0}


def three_groups():
    """Two WKSBM groups (capacity 0.5 and 0.2), one ordinary group (0.0), one dead WKSBM.

    This month the first WKSBM served 1 case, the second 2, the ordinary group 2.
    """
    st = make_state()
    rows = [add_org(st, "pkk", members=[0, 1, 2], wksbm=True, capacity=0.5),
            add_org(st, "pkk", members=[0, 1, 2], wksbm=True, capacity=0.2),
            add_org(st, "arisan", members=[0, 1, 2], capacity=0.0),
            add_org(st, "pkk", members=[], wksbm=True, capacity=0.1)]
    st.alive[rows[3]] = False
    st.cases_served[rows] = [1, 2, 2, 5]
    return st, rows


def test_grants_training_and_referral_budget(rng):
    st, rows = three_groups()
    st.training_fund = 200_000.0  # saved up from earlier months
    st.gov_spent_referral = 1_000.0  # what service spent on referred cases this month
    before = st.total_money()
    government(st, P(BASE), rng)
    # Grants: 15,000 shared by weight = cases served * (1 + 1 for WKSBM): 2, 4, 2 (the dead
    # group gets nothing): 3,750, 7,500, 3,750.
    assert_allclose(st.treasury[rows], [3_750, 7_500, 3_750, 0])
    assert_allclose(st.grants_received[rows], [3_750, 7_500, 3_750, 0])
    assert st.ledger.grants == pytest.approx(15_000)
    assert st.total_money() - before == pytest.approx(15_000)
    # Training fund 200,000 + 9,000 = 209,000 buys two slots of 100,000: the least able
    # WKSBM first (0.2, then 0.5), before the ordinary group; 9,000 is left.
    # capacity += 0.5 * (1 - capacity): 0.2 -> 0.6, 0.5 -> 0.75
    assert_allclose(st.capacity[rows], [0.75, 0.6, 0.0, 0.1])
    assert st.trained[rows].tolist() == [1, 1, 0, 0]
    assert st.training_fund == pytest.approx(9_000)
    # Referral budget: (1 - 0.5 - 0.3) * 30,000 = 6,000 (spent by the service phase)
    assert referral_budget(st, P(BASE)) == pytest.approx(6_000)
    # Spending: grants 15,000 + training 200,000 + referral service 1,000
    assert st.gov_spending == pytest.approx(216_000)
    assert st.gov_spending_total == pytest.approx(216_000)
    assert st.direction == 0.0


def test_nobody_served_no_grants_and_the_label_alone_gets_none(rng):
    st, rows = three_groups()
    st.cases_served[rows] = 0
    government(st, P(BASE), rng)
    assert_allclose(st.treasury[rows], 0.0)
    # Priority 0: the label gives no extra weight; grants follow the cases served alone.
    st, rows = three_groups()
    government(st, P({**BASE, "government.grant_wksbm_priority": 0.0}), rng)
    assert_allclose(st.treasury[rows], [3_000, 6_000, 6_000, 0])


def test_without_training_priority_the_least_able_are_trained_whatever_their_label(rng):
    st, rows = three_groups()
    st.training_fund = 200_000.0
    government(st, P({**BASE, "government.training_wksbm_first": False}), rng)
    # Two slots: the ordinary group (capacity 0.0) and the weaker WKSBM (0.2) are the least
    # able; the label no longer puts the WKSBM at 0.5 ahead. 0.0 -> 0.5, 0.2 -> 0.6.
    assert st.trained[rows].tolist() == [0, 1, 1, 0]
    assert_allclose(st.capacity[rows], [0.5, 0.6, 0.5, 0.1])


def test_training_fund_accumulates_until_a_slot_is_affordable(rng):
    st, rows = three_groups()
    params = P(BASE)
    for month in range(11):
        government(st, params, rng)
        # 9,000 a month: after 11 months 99,000 < 100,000, nobody trained yet.
        assert st.training_fund == pytest.approx(9_000 * (month + 1))
    assert st.trained.sum() == 0
    government(st, params, rng)
    # Month 12: 108,000 buys one slot, for the least able WKSBM (capacity 0.2 -> 0.6).
    assert st.trained[rows].tolist() == [0, 1, 0, 0]
    assert st.capacity[rows[1]] == pytest.approx(0.6)
    assert st.training_fund == pytest.approx(8_000)


def test_more_slots_than_groups_trains_everyone_living_and_pays_only_for_them(rng):
    st, rows = three_groups()
    st.training_fund = 991_000.0  # + 9,000 = 1,000,000: ten slots, three living groups
    government(st, P(BASE), rng)
    assert st.trained[rows].tolist() == [1, 1, 1, 0]
    assert st.training_fund == pytest.approx(1_000_000 - 300_000)


def test_no_support_when_withdrawn_or_mode_none(rng):
    for setup in ("withdrawn", "none"):
        st, rows = three_groups()
        st.training_fund = 500_000.0
        if setup == "withdrawn":
            st.gov_active = False
        else:
            st.gov_mode = "none"
        government(st, P(BASE), rng)
        assert_allclose(st.treasury[rows], 0.0)
        assert st.trained.sum() == 0
        assert referral_budget(st, P(BASE)) == 0.0 and st.direction == 0.0
        assert st.gov_spending == 0.0 and st.ledger.grants == 0.0


def test_directive_mode_sets_direction(rng):
    st, _ = three_groups()
    st.gov_mode = "directive"
    st.gov_direction = 0.7
    m = st.m
    government(st, P(BASE), rng)
    assert st.direction == pytest.approx(0.7)
    assert st.m == m  # founding_rate 0: no new organisations
    st.gov_mode = "facilitator"
    government(st, P(BASE), rng)
    assert st.direction == 0.0


def test_directive_mode_founds_government_wksbm_groups():
    # 2,000 households in 50 RT of 40, 10 RT per RW (the default layout). founding_rate 10
    # per 1,000 households per year: 10 * 2 / 12 = 1.67 expected a month, 40 in 24 months.
    n = 2000
    st = make_state(n, rt=np.arange(n) // 40, rw=np.arange(n) // 400, n_rt=50, n_rw=5,
                    edges=[(i, i + 1) for i in range(n - 1)])
    st.gov_mode = "directive"
    st.gov_direction = 0.5
    params = P({**BASE, "government.founding_rate": 10.0}, households=n)
    rng = np.random.default_rng(6)
    for _ in range(24):
        government(st, params, rng)
    # Poisson with mean 40: standard deviation 6.3; four of them as tolerance.
    assert abs(st.m - 40) < 4 * np.sqrt(40)
    rows = np.arange(st.m)
    assert st.wksbm[rows].all() and (st.origin[rows] == GOVERNMENT).all()


def test_train_moves_capacity_toward_one():
    st, rows = three_groups()
    cost = train(st, P(BASE), np.array(rows[:3]), 0.25)
    assert cost == pytest.approx(300_000) and st.gov_spending == pytest.approx(300_000)
    # 0.5 + 0.25 * 0.5 = 0.625; 0.2 + 0.25 * 0.8 = 0.4; 0 + 0.25 = 0.25
    assert_allclose(st.capacity[rows[:3]], [0.625, 0.4, 0.25])
    assert st.trained[rows].tolist() == [1, 1, 1, 0]
