"""Phase 4, identification: own groups, the WKSBM forum's work and outreach, the register."""

from __future__ import annotations

import numpy as np
import pytest

from oslsim.phases import identification
from oslsim.phases.identification import forum_work
from oslsim.pmks import code_index
from oslsim.state import KNOWN_FORUM, KNOWN_OWN, KNOWN_REGISTER, SCOPE_RT, SCOPE_RW, UNKNOWN
from tiny import P, add_case, add_org, make_state

K = code_index("keluarga_miskin")
OWN, FORUM, REG = KNOWN_OWN, KNOWN_FORUM, KNOWN_REGISTER
# No register channel unless a test turns it on; forum work and outreach cost 6 and 8 hours.
QUIET = {"funds.rt_identification_rate": 0.0, "government.register_rate": 0.0,
         "time.forum_hours": 6.0, "time.forum_hours_per_member": 0.5,
         "time.outreach_hours": 8.0}


def community(area_rate: float, rate: float = 1.0, capacity: float = 1.0, hours: float = 100.0,
              **extra: float):
    """hh0 (RT 0) in an ordinary group; hh1 (RT 1) in a WKSBM of RT 1; hh2 (RT 1) in none.

    All three have an active case; both memberships attended this month's meeting, and
    each group has ``hours`` volunteer hours.
    """
    st = make_state(rt=[0, 1, 1], n_rt=2)
    own = add_org(st, "arisan", members=[0], capacity=capacity, scope=SCOPE_RT, area=0)
    forum = add_org(st, "pkk", members=[1], capacity=capacity, wksbm=True, scope=SCOPE_RT,
                    area=1)
    st.mem_attended[: st.e] = True
    st.hours[: st.m] = hours
    for hh in range(3):
        add_case(st, hh, "keluarga_miskin")
    params = P({**QUIET, "organisations.identification_rate": rate,
                "organisations.area_identification_rate": area_rate, **extra})
    return st, params, own, forum


def test_rates_one_members_own_group_forum_and_outreach(rng):
    st, params, _, _ = community(area_rate=1.0)
    identification(st, params, rng)
    # p = rate * capacity = 1: hh0's case reaches its own group; hh1's its WKSBM, which
    # shares it with the forum (full forum effort); hh2's the forum by outreach over RT 1.
    assert st.identified[:, K].tolist() == [OWN, OWN | FORUM, FORUM]
    assert st.identified_now == 3  # cases newly known to anyone


def test_forum_work_and_outreach_come_out_of_the_groups_hours():
    # One WKSBM in a forum of one: needs 6 hours; then up to 8 hours of outreach.
    for hours, effort, outreach, left in ((20.0, 1.0, 1.0, 6.0), (10.0, 1.0, 0.5, 0.0),
                                          (3.0, 0.5, 0.0, 0.0)):
        st, params, own, forum = community(area_rate=1.0, hours=hours)
        forum_work(st, params)
        assert st.forum_effort[forum] == pytest.approx(effort)
        assert st.outreach[forum] == pytest.approx(outreach)
        assert st.hours[forum] == pytest.approx(left)
        assert st.hours[own] == pytest.approx(hours)  # an ordinary group pays nothing
        assert st.coordination_hours == pytest.approx(min(hours, 6.0))


def test_forum_cost_grows_with_the_number_of_members():
    # Three WKSBM: each needs 6 + 0.5 * 2 = 7 hours.
    st, params, own, forum = community(area_rate=1.0, hours=7.0)
    for _ in range(2):
        add_org(st, "pkk", members=[2], wksbm=True, scope=SCOPE_RT, area=1)
    st.hours[: st.m] = 7.0
    forum_work(st, params)
    assert st.coordination_hours == pytest.approx(3 * 7.0)
    assert st.hours[: st.m][st.wksbm[: st.m]].tolist() == [0.0, 0.0, 0.0]


def test_a_wksbm_without_hours_for_the_forum_shares_nothing_and_does_no_outreach(rng):
    st, params, _, _ = community(area_rate=1.0, hours=0.0)
    identification(st, params, rng)
    assert st.identified[:, K].tolist() == [OWN, OWN, UNKNOWN]


def test_without_outreach_non_members_stay_unknown(rng):
    st, params, _, _ = community(area_rate=0.0)
    identification(st, params, rng)
    assert st.identified[:, K].tolist() == [OWN, OWN | FORUM, UNKNOWN]


def test_rate_zero_or_capacity_zero_finds_nothing(rng):
    for kwargs in ({"rate": 0.0, "area_rate": 0.0}, {"capacity": 0.0, "area_rate": 1.0}):
        st, params, _, _ = community(**kwargs)
        identification(st, params, rng)
        assert (st.identified[:, K] == UNKNOWN).all(), kwargs
        assert st.identified_now == 0


def test_only_attended_memberships_and_active_cases_count(rng):
    st, params, own, _ = community(area_rate=0.0)
    st.mem_attended[: st.e] = st.mem_org[: st.e] != own  # hh0 missed its group's meeting
    st.active[1, K] = False  # hh1 attended its WKSBM but its case has ended
    identification(st, params, rng)
    assert (st.identified == UNKNOWN).all()


def test_knowledge_is_added_never_taken_away(rng):
    st, params, _, _ = community(area_rate=1.0)
    st.identified[0, K] = FORUM | REG
    identification(st, params, rng)
    assert st.identified[0, K] == OWN | FORUM | REG


def test_the_register_works_with_or_without_wksbm_and_tksk_needs_government(rng):
    # The ketua RT at rate 1 puts every case on the register, with no WKSBM at all.
    st, params, _, forum = community(area_rate=0.0, rate=0.0,
                                     **{"funds.rt_identification_rate": 1.0})
    st.wksbm[forum] = False
    identification(st, params, rng)
    assert st.identified[:, K].tolist() == [REG] * 3
    # TKSK / PSM case-finding at rate 1 does the same, but only while government is active.
    for mode, expected in (("facilitator", REG), ("none", UNKNOWN)):
        st, params, _, _ = community(area_rate=0.0, rate=0.0,
                                     **{"government.register_rate": 1.0})
        st.gov_mode = mode
        identification(st, params, rng)
        assert st.identified[:, K].tolist() == [expected] * 3, mode


def test_exclusive_groups_reach_out_to_the_better_off_only(rng):
    # Outreach at rate 1; hh2 is in the poorer half. With full exclusivity and bias the
    # poorer half is reached at 1 - 1 * 1 = 0.
    st, params, _, _ = community(area_rate=1.0, rate=0.0,
                                 **{"organisations.exclusivity": 1.0,
                                    "organisations.elite_reach_bias": 1.0})
    st.income_rank[:] = [0.9, 0.9, 0.1]
    identification(st, params, rng)
    assert st.identified[:, K].tolist() == [UNKNOWN, FORUM, UNKNOWN]


def test_outreach_covers_only_the_wksbm_area(rng):
    for scope, area, expected in ((SCOPE_RT, 1, [UNKNOWN, FORUM, FORUM]),
                                  (SCOPE_RW, 0, [FORUM] * 3)):
        st = make_state(rt=[0, 1, 1], n_rt=2)
        add_org(st, "pkk", members=[1], wksbm=True, scope=scope, area=area, capacity=1.0)
        st.hours[: st.m] = 100.0
        for hh in range(3):
            add_case(st, hh, "keluarga_miskin")
        identification(st, P({**QUIET, "organisations.area_identification_rate": 1.0}), rng)
        assert st.identified[:, K].tolist() == expected, scope


def test_partial_rate_by_frequency():
    # p = 0.6 * 0.5 = 0.3 per attended membership; a household in two such groups is found
    # with 1 - 0.7^2 = 0.51.
    n = 4000
    st = make_state(n, edges=[(i, i + 1) for i in range(n - 1)])
    for _ in range(2):
        add_org(st, "arisan", members=list(range(n)), capacity=0.5)
    st.mem_attended[: st.e] = True
    st.active[:, K] = True
    identification(st, P({**QUIET, "organisations.identification_rate": 0.6,
                          "organisations.area_identification_rate": 0.0}, households=n),
                   np.random.default_rng(3))
    share = (st.identified[:, K] == OWN).mean()
    # 4,000 households: standard error 0.0079; four of them as tolerance.
    assert abs(share - 0.51) < 4 * np.sqrt(0.51 * 0.49 / n)


def test_the_coordination_null_keeps_the_label_and_removes_the_forum(rng):
    st, params, own, forum = community(area_rate=1.0)
    identification(st, params.with_overrides({"organisations.forum_enabled": False}), rng)
    # The WKSBM still finds its own member's case, shares nothing and reaches out to nobody;
    # its hours are all left for service.
    assert st.identified[:, K].tolist() == [OWN, OWN, UNKNOWN]
    assert st.wksbm[forum] and st.hours[forum] == 100.0 and st.coordination_hours == 0.0
