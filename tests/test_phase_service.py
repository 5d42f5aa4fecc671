"""Phase 5, service: priority, money and time limits, the forum, government referral."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

from oslsim.phases import service
from oslsim.pmks import code_index
from oslsim.state import (
    KNOWN_FORUM,
    KNOWN_OWN,
    SCOPE_RT,
    SCOPE_RW,
    SERVED_GOV,
    SERVED_NONE,
    UNKNOWN,
)
from tiny import P, add_case, add_org, make_state

KM, KK, KB = (code_index(c) for c in ("keluarga_miskin", "korban_kekerasan",
                                      "keluarga_bermasalah"))

# Round numbers: the whole treasury may be spent; quality = 0.5 + 0.5 * capacity.
BASE = {
    "organisations.service_budget_share": 1.0, "organisations.cases_per_attendee": 1.0,
    "organisations.serve_quality_floor": 0.5, "government.referral_cost_ratio": 1.5,
    "government.service_quality": 0.6,
    "pmks.keluarga_miskin.severity": 0.6, "pmks.keluarga_miskin.cost": 300_000.0,
    "pmks.korban_kekerasan.severity": 1.0, "pmks.korban_kekerasan.cost": 250_000.0,
    "pmks.keluarga_bermasalah.severity": 0.6, "pmks.keluarga_bermasalah.cost": 400_000.0,
}


def three_cases(identified=KNOWN_OWN):
    """hh0 (poor): keluarga miskin; hh1: korban kekerasan; hh2: keluarga bermasalah.

    Priority = severity * (1 + poor): hh0 0.6 * 2 = 1.2 > hh1 1.0 > hh2 0.6.
    All three cases are served by a PKK.
    """
    st = make_state(savings=[0.0, 100_000.0, 200_000.0])
    st.poor[:] = [True, False, False]
    add_case(st, 0, "keluarga_miskin", identified)
    add_case(st, 1, "korban_kekerasan", identified)
    add_case(st, 2, "keluarga_bermasalah", identified)
    return st


def served_cells(st):
    return [(int(h), int(k)) for h, k in zip(*st.served.nonzero(), strict=True)]


def test_money_limit_in_priority_order_and_money_moves_to_the_household(rng):
    st = three_cases()
    pkk = add_org(st, "pkk", members=[0, 1, 2], treasury=600_000.0, capacity=0.4,
                  attendance=10)
    before = st.total_money()
    service(st, P(BASE), rng)
    # Priority order hh0 (300,000), hh1 (250,000; running total 550,000 <= 600,000),
    # hh2 (400,000; 950,000 > 600,000: the money has run out).
    assert served_cells(st) == [(0, KM), (1, KK)]
    assert_allclose(st.treasury[pkk], 600_000 - 550_000)
    assert_allclose(st.savings, [300_000, 350_000, 200_000])
    assert_allclose(st.aid_received, [300_000, 250_000, 0])
    # quality = 0.5 + 0.5 * 0.4 = 0.7
    assert_allclose(st.quality[[0, 1], [KM, KK]], 0.7)
    assert st.served_by[0, KM] == pkk and st.served_by[1, KK] == pkk
    assert st.served_by[2, KB] == SERVED_NONE
    assert st.cases_served[pkk] == 2 and st.services_total[pkk] == 2
    # Not a WKSBM: what it could not serve is not referred; money only moved.
    assert st.identified[2, KB] == KNOWN_OWN
    assert st.referrals == 0
    assert st.total_money() == pytest.approx(before)


def test_budget_share_limits_the_money(rng):
    st = three_cases()
    pkk = add_org(st, "pkk", members=[0, 1, 2], treasury=1_000_000.0, attendance=10)
    service(st, P({**BASE, "organisations.service_budget_share": 0.3}), rng)
    # 0.3 * 1,000,000 = 300,000: only the first case in priority order, hh0's.
    assert served_cells(st) == [(0, KM)]
    assert_allclose(st.treasury[pkk], 700_000)


def test_volunteer_time_limit(rng):
    st = three_cases()
    pkk = add_org(st, "pkk", members=[0, 1, 2], treasury=10_000_000.0, attendance=2)
    service(st, P({**BASE, "organisations.cases_per_attendee": 0.5}), rng)
    # time = 0.5 * 2 attendees = 1 case: the highest priority one.
    assert served_cells(st) == [(0, KM)]
    assert st.cases_served[pkk] == 1


def test_cases_a_kind_cannot_serve_or_nobody_knows_are_not_served(rng):
    st = three_cases()
    st.identified[0, KM] = UNKNOWN
    # Karang taruna serves none of keluarga bermasalah, korban kekerasan or keluarga miskin.
    add_org(st, "karang_taruna", members=[0, 1, 2], treasury=10_000_000.0, attendance=10)
    service(st, P(BASE), rng)
    assert not st.served.any()


def test_wksbm_refers_to_the_forum_then_government(rng):
    st = three_cases()
    # hh's own WKSBM group (RT scope) has no money; a WKSBM of the RW has 300,000.
    own = add_org(st, "pkk", members=[0, 1, 2], wksbm=True, scope=SCOPE_RT, area=0,
                  treasury=0.0, attendance=10)
    rw = add_org(st, "pkk", members=[], wksbm=True, scope=SCOPE_RW, area=0,
                 treasury=300_000.0, capacity=1.0, attendance=10)
    st.referral_budget = 400_000.0
    before = st.total_money()
    service(st, P(BASE), rng)
    # 1. The own group cannot pay for any case: all three go to the forum.
    assert (st.identified[[0, 1, 2], [KM, KK, KB]] == KNOWN_FORUM).all()
    # 2. The RW's WKSBM serves in priority order: hh0's 300,000 fits, hh1's would not.
    assert st.served_by[0, KM] == rw
    assert_allclose(st.quality[0, KM], 1.0)
    assert_allclose(st.treasury[[own, rw]], [0.0, 0.0])
    # 3. Government: 2 referrals; hh1 (priority 1.0) costs 1.5 * 250,000 = 375,000
    #    <= 400,000; hh2 (0.6) would bring the total to 975,000 > 400,000.
    assert st.referrals == 2
    assert st.served_by[1, KK] == SERVED_GOV
    assert_allclose(st.quality[1, KK], 0.6)
    assert st.served_by[2, KB] == SERVED_NONE and not st.served[2, KB]
    assert st.gov_spent_referral == pytest.approx(375_000)
    assert st.ledger.gov_aid == pytest.approx(375_000)
    assert_allclose(st.savings, [300_000, 475_000, 200_000])
    # Money moved inside the community, and government aid came in.
    assert st.total_money() - before == pytest.approx(st.ledger.gov_aid)


def test_forum_serves_from_the_nearest_level_first(rng):
    st = three_cases(identified=KNOWN_FORUM)
    rt = add_org(st, "pkk", members=[], wksbm=True, scope=SCOPE_RT, area=0,
                 treasury=300_000.0, attendance=10)
    rw = add_org(st, "pkk", members=[], wksbm=True, scope=SCOPE_RW, area=0,
                 treasury=250_000.0, attendance=10)
    service(st, P(BASE), rng)
    # The RT's WKSBM spends its 300,000 on hh0; the RW's its 250,000 on hh1; hh2 is left
    # for government, which has no referral budget here.
    assert st.served_by[0, KM] == rt and st.served_by[1, KK] == rw
    assert not st.served[2, KB]
    assert st.referrals == 1 and st.gov_spent_referral == 0.0


def test_no_government_service_when_withdrawn(rng):
    st = three_cases(identified=KNOWN_FORUM)
    st.referral_budget = 10_000_000.0
    st.gov_active = False
    service(st, P(BASE), rng)
    assert not st.served.any()
    assert st.ledger.gov_aid == 0.0


def test_service_switched_off_resets_and_serves_nothing(rng):
    st = three_cases()
    st.served[0, KM] = True
    st.quality[0, KM] = 0.9
    st.served_by[0, KM] = 0
    add_org(st, "pkk", members=[0, 1, 2], treasury=10_000_000.0, attendance=10)
    service(st, P({**BASE, "organisations.service_enabled": False}), rng)
    assert not st.served.any() and (st.quality == 0).all()
    assert (st.served_by == SERVED_NONE).all()


def test_dead_organisations_do_not_serve(rng):
    st = three_cases()
    pkk = add_org(st, "pkk", members=[0, 1, 2], treasury=10_000_000.0, attendance=10)
    st.alive[pkk] = False
    service(st, P(BASE), rng)
    assert not st.served.any()
    assert_allclose(st.treasury[pkk], 10_000_000.0)
