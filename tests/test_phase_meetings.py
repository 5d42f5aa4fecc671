"""Phase 3, meetings: attendance, dues, the arisan pot, solidarity and ties."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from oslsim.phases import meetings
from oslsim.phases.meetings import give
from oslsim.state import GOVERNMENT, SCOPE_RT
from tiny import P, add_org, make_state

# Attendance probability exactly 1: base 1, nothing else counts.
ALWAYS = {"organisations.attendance_base": 1.0, "organisations.attendance_solidarity": 0.0,
          "organisations.attendance_vitality": 0.0, "time.household_hours": 80.0,
          "organisations.trust_effect": 0.0, "organisations.government_origin_pull": 1.0,
          "organisations.unaffordable_attendance": 1.0,
          "organisations.arisan_contribution": 50_000.0, "organisations.solidarity_gain": 0.1,
          "organisations.tie_growth": 0.2, "organisations.tie_decay": 0.05,
          "funds.giving_share": 0.0}
NEVER = {**ALWAYS, "organisations.attendance_base": 0.0}


def pkk_and_arisan():
    """hh0 in both; hh1 in the arisan with too little savings; hh2 in the PKK."""
    st = make_state(savings=[100_000, 20_000, 1_000_000], solidarity=[0.5, 0.2, 0.9])
    pkk = add_org(st, "pkk", members=[0, 2], dues=10_000)
    arisan = add_org(st, "arisan", members=[0, 1], dues=5_000)
    return st, pkk, arisan


def test_everyone_attends_pays_and_the_pot_goes_to_one_attendee(rng):
    st, pkk, arisan = pkk_and_arisan()
    before = st.total_money()
    meetings(st, P(ALWAYS), rng)
    assert st.mem_attended[: st.e].all()
    assert st.attended.tolist() == [2, 1, 1]
    assert st.attendance[[pkk, arisan]].tolist() == [2, 2]
    assert st.n_members[[pkk, arisan]].tolist() == [2, 2]

    # hh0 owes 10,000 (PKK) + 5,000 + 50,000 (arisan) = 65,000 of 100,000: pays it all.
    # hh1 owes 55,000 but has 20,000: everything is scaled by 20/55; it pays 20,000, of which
    # dues 20,000 * 5/55 = 1,818.18 and arisan 18,181.82.
    # hh2 owes 10,000 of 1,000,000.
    dues_hh1 = 20_000 * 5_000 / 55_000
    assert_allclose(st.treasury[[pkk, arisan]], [20_000, 5_000 + dues_hh1])
    # The pot: 50,000 (hh0) + 18,181.82 (hh1) = 68,181.82 to hh0 or hh1.
    pot = 50_000 + (20_000 - dues_hh1)
    paid_out = np.array([35_000.0, 0.0, 990_000.0])
    gained = st.savings - paid_out
    assert gained[2] == pytest.approx(0.0)
    assert sorted(gained[:2]) == pytest.approx([0.0, pot])
    # Money only moved.
    assert st.total_money() == pytest.approx(before)

    # solidarity: 1 - (1 - s) * (1 - 0.1)^meetings attended
    # hh0: 1 - 0.5 * 0.81 = 0.595; hh1: 1 - 0.8 * 0.9 = 0.28; hh2: 1 - 0.1 * 0.9 = 0.91
    assert_allclose(st.solidarity, [0.595, 0.28, 0.91])
    # ties of attendees grow toward 1: 0.3 + 0.2 * 0.7 = 0.44
    assert_allclose(st.mem_tie[: st.e], 0.44)


def test_nobody_attends_nothing_moves_and_ties_decay(rng):
    st, pkk, arisan = pkk_and_arisan()
    savings = st.savings.copy()
    meetings(st, P(NEVER), rng)
    assert not st.mem_attended[: st.e].any()
    assert st.attended.tolist() == [0, 0, 0]
    assert_allclose(st.savings, savings)
    assert_allclose(st.treasury[[pkk, arisan]], 0.0)
    assert_allclose(st.solidarity, [0.5, 0.2, 0.9])
    # ties decay: 0.3 * (1 - 0.05) = 0.285
    assert_allclose(st.mem_tie[: st.e], 0.285)


def test_arisan_pot_winner_is_random_but_seeded():
    winners = set()
    for seed in range(12):
        st, _, _ = pkk_and_arisan()
        st.savings[:] = 1_000_000.0
        meetings(st, P(ALWAYS), np.random.default_rng(seed))
        # Each arisan member paid 55,000; the winner got the pot of 2 * 50,000 back.
        winners.add(int(np.argmax(st.savings[:2])))
    # Twelve seeds with a fair draw between two attendees: both win at least once
    # (all twelve to one side has probability 2 * 0.5^12 < 0.001).
    assert winners == {0, 1}


def attendance_probability(n, **state_values):
    """Run one meeting over n identical memberships and return the share attending."""
    st = make_state(n, savings=state_values.get("savings", 1_000_000.0), solidarity=0.5,
                    edges=[(i, i + 1) for i in range(n - 1)])
    st.direction = 0.5
    members = list(range(n))
    # Every household in two government-founded organisations of vitality 0.6 and
    # accountability 0.5.
    for _ in range(2):
        add_org(st, "pkk", members=members, origin=GOVERNMENT, vitality=0.6,
                accountability=0.5, dues=10_000)
    params = P({"organisations.attendance_base": 0.35,
                "organisations.attendance_solidarity": 0.4,
                "organisations.attendance_vitality": 0.25, "time.household_hours": 6.75,
                "time.meeting_hours": 2.5, "time.volunteer_hours": 2.0, "funds.giving_share": 0.0,
                "organisations.government_origin_pull": 0.8, "organisations.trust_effect": 0.3,
                "organisations.unaffordable_attendance": 0.3, "government.crowd_out": 0.5},
               households=n)
    meetings(st, params, np.random.default_rng(5))
    return st.mem_attended[: st.e].mean()


def test_attendance_probability_formula_and_the_hours_budget():
    # Two memberships of 2.5 + 2.0 = 4.5 hours each against 6.75 community hours:
    # time factor min(1, 6.75 / 9) = 0.75, and at most floor(6.75 / 4.5) = 1 meeting.
    # p = (0.35 + 0.4 * 0.5 + 0.25 * 0.6) * 0.75 * 0.8 * (1 - 0.3 * 0.5) * (1 - 0.5 * 0.5)
    #   = 0.7 * 0.75 * 0.8 * 0.85 * 0.75 = 0.267750
    # A household drawn to attend both keeps one: the share attended is p (1 - p / 2).
    p = 0.7 * 0.75 * 0.8 * 0.85 * 0.75
    n = 3000
    share = attendance_probability(n)
    expected = p * (1 - p / 2)
    # 6,000 Bernoulli draws: standard error about 0.0055; four of them as tolerance.
    assert share == pytest.approx(expected, abs=4 * np.sqrt(p * (1 - p) / (2 * n)))


def test_members_who_cannot_afford_the_dues_attend_less():
    # Savings 0 < 20,000 owed: p is multiplied by unaffordable_attendance 0.3.
    p = 0.7 * 0.75 * 0.8 * 0.85 * 0.75 * 0.3
    n = 3000
    share = attendance_probability(n, savings=0.0)
    # Standard error about 0.0033; four of them as tolerance.
    assert share == pytest.approx(p * (1 - p / 2), abs=4 * np.sqrt(p * (1 - p) / (2 * n)))


def test_no_household_attends_more_than_its_hours_allow(rng):
    # Six memberships each; 10 hours at 4.5 a meeting allow 2 meetings. The time factor is
    # 10 / 27, so 6 draws attend 2.2 on average and many households draw 3 or more.
    n = 200
    st = make_state(n, edges=[(0, 1)])
    for _ in range(6):
        add_org(st, "pkk", members=list(range(n)))
    meetings(st, P({**ALWAYS, "time.household_hours": 10.0}, households=n), rng)
    assert st.attended.max() == 2 and (st.attended == 2).mean() > 0.4
    assert (st.hours_used <= 10.0).all()
    assert_allclose(st.hours_used, st.attended * 4.5)
    # Organisations' volunteer hours: 2 hours per attendance.
    assert st.hours[:6].sum() == pytest.approx(st.attended.sum() * 2.0)


GIVING = {**NEVER, "funds.giving_share": 0.02, "funds.rt_weight": 1.0,
          "economy.poverty_line": 100_000.0}


def test_giving_is_split_across_the_collections_that_ask(rng):
    # Income 2,000,000 and need 4 * 100,000 = 400,000: surplus 1,600,000.
    # Budget = 0.02 * solidarity * surplus: hh0 (s 1) 32,000; hh1 (s 0.5) 16,000, but only
    # 3,000 saved; hh2 (s 0) nothing.
    st = make_state(savings=[100_000.0, 3_000.0, 50_000.0], solidarity=[1.0, 0.5, 0.0])
    a = add_org(st, "pkk", members=[0, 1], scope=SCOPE_RT, area=0)
    b = add_org(st, "arisan", members=[0], scope=SCOPE_RT, area=0)
    hh, org = st.members()
    before = st.total_money()
    give(st, P(GIVING), hh, org)
    # hh0 is asked by the RT (weight 1) and two groups: 32,000 / 3 = 10,666.67 each.
    # hh1 by the RT and one group: 3,000 / 2 = 1,500 each.
    assert_allclose(st.savings, [68_000, 0, 50_000])
    assert_allclose(st.treasury[[a, b]], [32_000 / 3 + 1_500, 32_000 / 3])
    assert st.rt_fund[0] == pytest.approx(32_000 / 3 + 1_500)
    assert st.funds_raised == pytest.approx(35_000)
    assert st.total_money() == pytest.approx(before)


def test_more_groups_split_a_household_giving_they_do_not_multiply_it(rng):
    totals = []
    for groups in (0, 1, 5):
        st = make_state(solidarity=1.0)
        for _ in range(groups):
            add_org(st, "pkk", members=[0, 1, 2])
        hh, org = st.members()
        give(st, P(GIVING), hh, org)
        totals.append(st.funds_raised)
    # 3 households * 0.02 * 1,600,000 = 96,000, however many groups ask.
    assert_allclose(totals, [96_000] * 3)
