"""Phase 4, identification: organisations learn of cases, the WKSBM forum pools them."""

from __future__ import annotations

import numpy as np

from oslsim.phases import identification
from oslsim.pmks import code_index
from oslsim.state import KNOWN_FORUM, KNOWN_OWN, SCOPE_RT, SCOPE_RW, UNKNOWN
from tiny import P, add_case, add_org, make_state

K = code_index("keluarga_miskin")


def community(area_rate: float, rate: float = 1.0, capacity: float = 1.0):
    """hh0 (RT 0) in an ordinary group; hh1 (RT 1) in a WKSBM of RT 1; hh2 (RT 1) in none.

    All three have an active case; both memberships attended this month's meeting.
    """
    st = make_state(rt=[0, 1, 1], n_rt=2)
    own = add_org(st, "arisan", members=[0], capacity=capacity, scope=SCOPE_RT, area=0)
    forum = add_org(st, "pkk", members=[1], capacity=capacity, wksbm=True, scope=SCOPE_RT,
                    area=1)
    st.mem_attended[: st.e] = True
    for hh in range(3):
        add_case(st, hh, "keluarga_miskin")
    params = P({"organisations.identification_rate": rate,
                "organisations.area_identification_rate": area_rate})
    return st, params, own, forum


def test_rates_one_members_own_group_forum_and_outreach(rng):
    st, params, _, _ = community(area_rate=1.0)
    identification(st, params, rng)
    # p = rate * capacity = 1: hh0's case reaches its own group, hh1's and (by the WKSBM's
    # outreach over RT 1) hh2's reach the forum.
    assert st.identified[:, K].tolist() == [KNOWN_OWN, KNOWN_FORUM, KNOWN_FORUM]
    assert st.identified_now == 3


def test_without_outreach_non_members_stay_unknown(rng):
    st, params, _, _ = community(area_rate=0.0)
    identification(st, params, rng)
    assert st.identified[:, K].tolist() == [KNOWN_OWN, KNOWN_FORUM, UNKNOWN]
    assert st.identified_now == 2


def test_rate_zero_or_capacity_zero_finds_nothing(rng):
    # Both rates zero, or capacity zero with both rates one: p = rate * capacity = 0.
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
    assert st.identified_now == 0


def test_known_cases_are_upgraded_to_the_forum_not_downgraded(rng):
    st, params, _, _ = community(area_rate=1.0)
    st.identified[2, K] = KNOWN_OWN  # hh2's case, known to some group, is in RT 1...
    st.identified[0, K] = KNOWN_FORUM  # hh0's case the forum knows already
    identification(st, params, rng)
    # ... where the WKSBM reaches out: the forum now knows hh2's case too; hh0's case, found
    # again by its ordinary group, stays known to the forum.
    assert st.identified[:, K].tolist() == [KNOWN_FORUM] * 3
    assert st.identified_now == 2


def test_outreach_covers_only_the_wksbm_area(rng):
    # Two RTs (hh0 in RT 0; hh1, hh2 in RT 1) in one RW; a WKSBM of RT 1 reaches only RT 1,
    # a WKSBM of the RW reaches both.
    for scope, area, expected in ((SCOPE_RT, 1, [UNKNOWN, KNOWN_FORUM, KNOWN_FORUM]),
                                  (SCOPE_RW, 0, [KNOWN_FORUM] * 3)):
        st = make_state(rt=[0, 1, 1], n_rt=2)
        add_org(st, "pkk", members=[1], wksbm=True, scope=scope, area=area, capacity=1.0)
        st.mem_attended[: st.e] = True
        for hh in range(3):
            add_case(st, hh, "keluarga_miskin")
        identification(st, P({"organisations.area_identification_rate": 1.0}), rng)
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
    identification(st, P({"organisations.identification_rate": 0.6,
                          "organisations.area_identification_rate": 0.0}, households=n),
                   np.random.default_rng(3))
    share = (st.identified[:, K] == KNOWN_OWN).mean()
    # 4,000 households: standard error 0.0079; four of them as tolerance.
    assert abs(share - 0.51) < 4 * np.sqrt(0.51 * 0.49 / n)


def test_no_wksbm_attendee_does_not_crash(rng):
    # Only an ordinary group: every run with organisations.wksbm_per_1000 = 0 is like this
    # (np.bincount of an empty selection is integer; this once crashed).
    st = make_state()
    add_org(st, "arisan", members=[0, 1], capacity=1.0)
    st.mem_attended[: st.e] = True
    add_case(st, 0, "keluarga_miskin")
    identification(st, P({"organisations.identification_rate": 1.0}), rng)
    assert st.identified[0, K] == KNOWN_OWN
