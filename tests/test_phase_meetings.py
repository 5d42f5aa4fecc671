"""Phase 3, meetings: attendance, dues, the arisan pot, solidarity and ties."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from oslsim.phases import meetings
from oslsim.phases.meetings import collect_jimpitan
from oslsim.state import GOVERNMENT, SCOPE_RT, SCOPE_RW
from tiny import P, add_org, make_state

# Attendance probability exactly 1: base 1, nothing else counts.
ALWAYS = {"organisations.attendance_base": 1.0, "organisations.attendance_solidarity": 0.0,
          "organisations.attendance_vitality": 0.0, "organisations.time_elasticity": 0.0,
          "organisations.trust_effect": 0.0, "organisations.government_origin_pull": 1.0,
          "organisations.unaffordable_attendance": 1.0,
          "organisations.arisan_contribution": 50_000.0, "organisations.solidarity_gain": 0.1,
          "organisations.tie_growth": 0.2, "organisations.tie_decay": 0.05,
          "organisations.jimpitan": 0.0}
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
                "organisations.attendance_vitality": 0.25, "organisations.time_elasticity": 0.5,
                "organisations.government_origin_pull": 0.8, "organisations.trust_effect": 0.3,
                "organisations.unaffordable_attendance": 0.3, "government.crowd_out": 0.5},
               households=n)
    meetings(st, params, np.random.default_rng(5))
    return st.mem_attended[: st.e].mean()


def test_attendance_probability_formula():
    # p = (0.35 + 0.4 * 0.5 + 0.25 * 0.6) * 2^-0.5 * 0.8 * (1 - 0.3 * 0.5) * (1 - 0.5 * 0.5)
    #   = 0.7 * 0.707107 * 0.8 * 0.85 * 0.75 = 0.252437
    p = 0.7 * 2**-0.5 * 0.8 * 0.85 * 0.75
    n = 3000
    share = attendance_probability(n)
    # 6,000 Bernoulli draws: standard error 0.0056; four of them as tolerance.
    assert share == pytest.approx(p, abs=4 * np.sqrt(p * (1 - p) / (2 * n)))


def test_members_who_cannot_afford_the_dues_attend_less():
    # Savings 0 < 20,000 owed: p is multiplied by unaffordable_attendance 0.3.
    p = 0.7 * 2**-0.5 * 0.8 * 0.85 * 0.75 * 0.3
    n = 3000
    share = attendance_probability(n, savings=0.0)
    # Standard error 0.0033; four of them as tolerance.
    assert share == pytest.approx(p, abs=4 * np.sqrt(p * (1 - p) / (2 * n)))


def test_dues_never_leave_savings_negative(rng):
    # A household in three groups owes 1,538 + 3,361 + 13,742 = 18,641 with 12,064.61 saved:
    # every due is scaled by 12,064.61 / 18,641 and the household pays all it has.
    st = make_state(savings=[12_064.61, 0.0, 0.0])
    for dues in (1_538.0, 3_361.0, 13_742.0):
        add_org(st, "pkk", members=[0], dues=dues)
    meetings(st, P(ALWAYS), rng)
    assert st.savings[0] == pytest.approx(0.0, abs=1e-6)
    assert st.savings[0] >= 0.0


JIMPITAN = {**NEVER, "organisations.jimpitan": 5_000.0}


def test_jimpitan_from_non_poor_households_to_a_wksbm_covering_them(rng):
    # hh0 and hh1 at solidarity 1 give for sure; hh2 is poor and does not give. hh1 has only
    # 3,000 saved and gives that. Nobody attends, so no dues move.
    st = make_state(savings=[100_000.0, 3_000.0, 50_000.0], solidarity=[1.0, 1.0, 1.0])
    st.poor[:] = [False, False, True]
    wksbm = add_org(st, "pkk", members=[0], wksbm=True, scope=SCOPE_RT, area=0)
    other = add_org(st, "arisan", members=[1, 2], scope=SCOPE_RT, area=0)
    before = st.total_money()
    meetings(st, P(JIMPITAN), rng)
    assert_allclose(st.savings, [95_000, 0, 50_000])
    # 5,000 + 3,000 = 8,000 into the WKSBM's treasury, none into the ordinary group's.
    assert_allclose(st.treasury[[wksbm, other]], [8_000, 0])
    assert st.total_money() == pytest.approx(before)


def test_no_jimpitan_without_a_covering_wksbm_or_without_solidarity(rng):
    # Two RTs: the WKSBM covers RT 1 only (hh2); hh2 has no solidarity; hh0, hh1 in RT 0.
    st = make_state(rt=[0, 0, 1], n_rt=2, solidarity=[1.0, 1.0, 0.0])
    row = add_org(st, "pkk", members=[2], wksbm=True, scope=SCOPE_RT, area=1)
    savings = st.savings.copy()
    collect_jimpitan(st, P(JIMPITAN), rng)
    assert_allclose(st.savings, savings)
    assert st.treasury[row] == 0.0
    # The same WKSBM at RW level covers everyone: hh0 and hh1 give.
    st.scope[row] = SCOPE_RW
    st.area[row] = 0
    collect_jimpitan(st, P(JIMPITAN), rng)
    assert_allclose(savings - st.savings, [5_000, 5_000, 0])
    assert st.treasury[row] == pytest.approx(10_000)
