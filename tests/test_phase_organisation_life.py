"""Phase 7, organisation life: leakage, vitality, dissolution, joining, emergence, the forum."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from oslsim.phases import organisation_life
from oslsim.state import NATURAL, SCOPE_RT
from tiny import P, add_case, add_org, make_state, org_members

# Everything random switched off, so each test turns on only what it checks.
QUIET = {"organisations.leakage": 0.0, "organisations.activity_share": 0.0,
         "organisations.vitality_rate": 0.5,
         "organisations.vitality_attendance_weight": 0.7,
         "organisations.healthy_treasury_months": 3.0, "organisations.capacity_decay": 0.004,
         "organisations.leave_rate": 0.0, "organisations.dissolve_rate": 0.0,
         "organisations.dissolve_threshold": 0.2, "organisations.min_members": 1,
         "organisations.join_rate": 0.0, "organisations.emergence_rate": 0.0,
         "organisations.wksbm_join_rate": 0.0, "organisations.wksbm_leave_rate": 0.0}


def test_groups_and_the_rt_kas_spend_on_their_own_activities(rng):
    st = make_state()
    row = add_org(st, "pkk", members=[0, 1, 2], treasury=200_000.0, accountability=1.0)
    st.rt_fund[:] = 50_000.0
    before = st.total_money()
    organisation_life(st, P({**QUIET, "organisations.activity_share": 0.1}), rng)
    # 10% of 200,000 and of 50,000 leave the community as activity spending.
    assert st.treasury[row] == pytest.approx(180_000)
    assert st.rt_fund[0] == pytest.approx(45_000)
    assert st.ledger.activities == pytest.approx(25_000)
    assert before - st.total_money() == pytest.approx(25_000)


def test_leakage_vitality_and_capacity(rng):
    st = make_state()
    row = add_org(st, "pkk", members=[0, 1, 2], attendance=1, dues=50_000.0,
                  treasury=100_000.0, accountability=0.5, vitality=0.4, capacity=0.5)
    organisation_life(st, P({**QUIET, "organisations.leakage": 0.1}), rng)
    # leakage = 100,000 * 0.1 * (1 - 0.5) = 5,000 leaves the community
    assert_allclose(st.treasury[row], 95_000)
    assert st.ledger.leakage == pytest.approx(5_000)
    # attendance rate 1/3; money health = min(1, 95,000 / (3 months * 50,000 * 3 members))
    # = 0.211111; goal = 0.7 / 3 + 0.3 * 0.211111 = 0.296667
    # vitality = 0.4 + 0.5 * (0.296667 - 0.4) = 0.348333
    goal = 0.7 / 3 + 0.3 * 95_000 / 450_000
    assert_allclose(st.vitality[row], 0.4 + 0.5 * (goal - 0.4))
    # capacity decays: 0.5 * (1 - 0.004) = 0.498
    assert_allclose(st.capacity[row], 0.498)
    assert st.alive[row] and st.n_members[row] == 3


def test_a_dissolved_organisation_leaks_nothing_and_keeps_its_vitality(rng):
    st = make_state()
    row = add_org(st, "pkk", members=[], treasury=0.0, vitality=0.3)
    st.alive[row] = False
    st.treasury[row] = 0.0
    organisation_life(st, P({**QUIET, "organisations.leakage": 0.3}), rng)
    assert st.vitality[row] == pytest.approx(0.3)
    assert st.ledger.leakage == 0.0


def test_too_few_members_dissolves_and_shares_the_treasury(rng):
    st = make_state()
    st.month = 5
    small = add_org(st, "arisan", members=[0, 1], treasury=100_000.0, wksbm=True)
    big = add_org(st, "pkk", members=[0, 1, 2], treasury=70_000.0)
    empty = add_org(st, "adat", members=[], treasury=30_000.0, scope=SCOPE_RT, area=0)
    savings = st.savings.copy()
    before = st.total_money()
    organisation_life(st, P({**QUIET, "organisations.min_members": 3}), rng)
    # 'small' (2 < 3 members) and 'empty' dissolve; 'big' lives.
    assert st.alive[[small, big, empty]].tolist() == [False, True, False]
    assert not st.wksbm[small] and st.dissolved[[small, empty]].tolist() == [5, 5]
    assert st.dissolved[big] == -1
    # 100,000 shared by hh0 and hh1: 50,000 each; the 30,000 of the memberless group goes to
    # one household of its RT (rows 0-2).
    extra = st.savings - savings - np.array([50_000, 50_000, 0])
    assert sorted(extra) == pytest.approx([0.0, 0.0, 30_000])
    assert_allclose(st.treasury[[small, empty]], 0.0)
    # Money only moved (no leakage here).
    assert st.total_money() == pytest.approx(before)
    # The memberships of the dissolved group end.
    assert org_members(st, small) == [] and org_members(st, big) == [0, 1, 2]
    assert st.n_members[[small, big, empty]].tolist() == [0, 3, 0]


def test_lifeless_organisation_dissolves_at_rate_one(rng):
    st = make_state()
    dead = add_org(st, "pkk", members=[0, 1, 2], attendance=0, treasury=0.0, vitality=0.0)
    alive = add_org(st, "pkk", members=[0, 1, 2], attendance=3, treasury=1_000_000.0,
                    vitality=1.0)
    organisation_life(st, P({**QUIET, "organisations.dissolve_rate": 1.0}), rng)
    # dead: goal 0 keeps vitality at 0, weakness (0.2 - 0) / 0.2 = 1: dissolves for sure.
    # alive: attendance 1 and healthy money keep vitality at 1, weakness 0.
    assert st.alive[[dead, alive]].tolist() == [False, True]


def test_members_stay_in_a_lively_group_and_leave_a_lifeless_one():
    st = make_state(200, edges=[(i, i + 1) for i in range(199)])
    lively = add_org(st, "pkk", members=range(100), attendance=100, dues=0.0, vitality=1.0)
    lifeless = add_org(st, "pkk", members=range(100, 200), attendance=0, dues=0.0,
                       vitality=0.0)
    # dues 0: money health counts as 1; lifeless vitality moves to 0.5 * 0.3 = 0.15, so
    # members leave at 0.2 * (1 - 0.15) = 0.17; lively stays at vitality 1: nobody leaves.
    organisation_life(st, P({**QUIET, "organisations.leave_rate": 0.2}, households=200),
                      np.random.default_rng(4))
    assert len(org_members(st, lively)) == 100
    left = 100 - len(org_members(st, lifeless))
    # 100 members at 0.17: standard error 3.8; four of them as tolerance.
    assert abs(left - 17) < 4 * np.sqrt(100 * 0.17 * 0.83)


def test_joining_respects_exclusivity_and_the_membership_cap():
    n = 2000
    st = make_state(n, edges=[(i, i + 1) for i in range(n - 1)],
                    income_rank=np.linspace(0.0, 1.0, n, endpoint=False))
    add_org(st, "pkk", members=[0], scope=SCOPE_RT, area=0, dues=0.0, vitality=1.0)
    params = P({**QUIET, "organisations.join_rate": 0.2, "organisations.wealth_gradient": 0.0,
                "organisations.exclusivity": 1.0}, households=n)
    organisation_life(st, params, np.random.default_rng(8))
    have = st.memberships_per_household()
    # Exclusive membership keeps the poorer half (rank < 0.5) out entirely.
    assert have[1: n // 2].sum() == 0
    # The better-off half joins at join_rate * propensity = 0.2 * 1 (no wealth gradient; the
    # gradient, not exclusivity, is normalised to mean one); 1,000 households, standard error
    # 0.013; four of them as tolerance.
    assert abs(have[n // 2:].mean() - 0.2) < 4 * np.sqrt(0.2 * 0.8 / 1000)
    # A second group in the RT; at the cap (max_memberships 1) members do not join it, while
    # households without a membership still may.
    add_org(st, "arisan", members=[0], scope=SCOPE_RT, area=0, dues=0.0, vitality=1.0)
    before = st.memberships_per_household()
    organisation_life(st, params.with_overrides({"organisations.max_memberships": 1}),
                      np.random.default_rng(9))
    after = st.memberships_per_household()
    assert (after[before >= 1] == before[before >= 1]).all()
    assert (after[before == 0] > 0).any()


def emergence_community(unmet: bool, direction: float = 0.0):
    """200 RTs of 10 households, all at solidarity 1; with or without unserved cases."""
    n = 2000
    st = make_state(n, rt=np.arange(n) // 10, rw=np.arange(n) // 100, n_rt=200, n_rw=20,
                    solidarity=1.0, edges=[(i, i + 1) for i in range(n - 1)])
    if unmet:
        for hh in range(n):
            add_case(st, hh, "keluarga_miskin")
    st.direction = direction
    params = P({**QUIET, "organisations.emergence_rate": 0.2,
                "organisations.founding_members": 3, "community.hh_per_rt": 10,
                "community.rt_per_rw": 10, "government.crowd_out": 1.0}, households=n)
    return st, params


def test_new_kps_emerge_where_solidarity_and_unmet_need_are_high():
    st, params = emergence_community(unmet=True)
    organisation_life(st, params, np.random.default_rng(12))
    # p = 0.2 * solidarity 1 * unmet share 1 per RT: 40 expected of 200, standard error 5.7;
    # four of them as tolerance.
    assert abs(st.m - 40) < 4 * np.sqrt(200 * 0.2 * 0.8)
    rows = np.arange(st.m)
    assert (st.origin[rows] == NATURAL).all() and (st.scope[rows] == SCOPE_RT).all()
    assert (st.treasury[rows] == 0).all() and st.alive[rows].all()
    # Founders come from the group's own RT, three of them.
    hh, org = st.members()
    assert (st.rt[hh] == st.area[org]).all()
    assert (np.bincount(org, minlength=st.m) == 3).all()


def test_no_emergence_without_need_or_under_full_direction():
    for unmet, direction in ((False, 0.0), (True, 1.0)):
        st, params = emergence_community(unmet=unmet, direction=direction)
        organisation_life(st, params, np.random.default_rng(12))
        assert st.m == 0, (unmet, direction)


def test_able_groups_join_the_forum_when_government_facilitates(rng):
    st = make_state()
    able = add_org(st, "pkk", members=[0, 1, 2], capacity=1.0, vitality=1.0, dues=0.0)
    unable = add_org(st, "pkk", members=[0, 1, 2], capacity=0.0, vitality=1.0, dues=0.0)
    params = P({**QUIET, "organisations.wksbm_join_rate": 0.2,
                "government.forum_facilitation": 4.0})
    organisation_life(st, params, rng)
    # p = 0.2 * capacity * (1 + 4 facilitated) = 1 for the able group, 0 for the other.
    assert st.wksbm[[able, unable]].tolist() == [True, False]


def test_lively_wksbm_stays_in_the_forum(rng):
    st = make_state()
    row = add_org(st, "pkk", members=[0, 1, 2], wksbm=True, vitality=1.0, dues=0.0)
    for _ in range(20):
        organisation_life(st, P({**QUIET, "organisations.wksbm_leave_rate": 0.5}), rng)
    # Vitality stays 1 (full attendance, no dues to worry about), above the threshold.
    assert st.wksbm[row]


def test_lifeless_wksbm_leaves_the_forum_at_its_rate():
    n = 400
    st = make_state(n, edges=[(i, i + 1) for i in range(n - 1)])
    rows = [add_org(st, "pkk", members=[i, (i + 1) % n, (i + 2) % n], wksbm=True,
                    vitality=0.0, attendance=0, dues=0.0, capacity=0.0) for i in range(n)]
    organisation_life(st, P({**QUIET, "organisations.wksbm_leave_rate": 0.5,
                             "organisations.vitality_rate": 0.01}, households=n),
                      np.random.default_rng(2))
    # Vitality 0 + 0.01 * (0.3 - 0) = 0.003 < 0.2: each leaves with probability 0.5.
    share = 1 - st.wksbm[rows].mean()
    # 400 groups: standard error 0.025; four of them as tolerance.
    assert abs(share - 0.5) < 4 * 0.025
