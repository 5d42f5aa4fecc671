"""The state arrays: memberships, growth, money, the month's reset (hand-made communities)."""

from __future__ import annotations

import numpy as np
import pytest

from oslsim.state import SCOPE_RW, row_any, row_count
from tiny import add_org, make_state, org_members


def test_memberships_are_added_once_and_compacted_without_loss():
    st = make_state()
    a = add_org(st, "pkk", members=[0, 1])
    st.add_memberships(np.array([0, 1, 2, 2]), np.array([a, a, a, a]))  # 0, 1 held; 2 twice
    assert org_members(st, a) == [0, 1, 2] and st.e == 3
    st.mem_active[0] = False  # household 0 leaves
    st.compact_memberships()
    assert st.e == 2 and org_members(st, a) == [1, 2]
    assert st.memberships_per_household().tolist() == [0, 1, 1]


def test_organisation_arrays_grow_and_new_rows_take_their_defaults():
    st = make_state()
    rows = [add_org(st, "pkk") for _ in range(20)]  # past the first capacity of 16
    assert rows == list(range(20)) and st.m == 20 and st.kind.shape[0] >= 20
    new = st.add_organisations(2, scope=np.array([SCOPE_RW, SCOPE_RW], np.int8))
    assert new.tolist() == [20, 21]
    assert (st.scope[new] == SCOPE_RW).all() and st.alive[new].all() and not st.wksbm[new].any()
    assert (st.treasury[new] == 0).all() and (st.dissolved[new] == -1).all()


def test_money_counts_savings_treasuries_and_the_rt_kas():
    st = make_state(savings=[100.0, 200.0, 300.0])
    add_org(st, "pkk", treasury=50.0)
    st.rt_fund[:] = 25.0
    assert st.total_money() == pytest.approx(675.0)


def test_a_new_month_zeroes_the_months_flows_and_the_ledger():
    st = make_state()
    st.funds_raised = st.funds_pooled = st.volunteer_hours = st.coordination_hours = 5.0
    st.gov_spending, st.ledger.income, st.ledger.activities = 7.0, 9.0, 3.0
    st.gov_spending_total = 70.0
    st.new_month()
    assert st.month == 1 and st.gov_spending == 0.0 and st.ledger.net == 0.0
    assert st.funds_raised == st.funds_pooled == st.volunteer_hours == 0.0
    assert st.coordination_hours == 0.0
    assert st.gov_spending_total == 70.0  # a run's total is kept


def test_row_reductions_match_numpy():
    rng = np.random.default_rng(2)
    a = rng.random((50, 10)) < 0.2
    assert (row_any(a) == a.any(axis=1)).all()
    assert (row_count(a) == a.sum(axis=1)).all()
