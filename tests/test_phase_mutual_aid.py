"""Phase 6, mutual aid: gotong royong moves money from surplus to needy neighbours."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from oslsim.phases import mutual_aid
from oslsim.phases.mutual_aid import needy
from tiny import P, add_case, make_state

# Line 100,000 per person; surplus above one month of subsistence; half of it given; a
# willing helper at full solidarity always helps.
BASE = {"economy.poverty_line": 100_000.0, "mutual_aid.surplus_months": 1.0,
        "mutual_aid.help_share": 0.5, "mutual_aid.help_probability": 1.0,
        "drift.aid_solidarity_gain": 0.1}


def line_of_three():
    """hh1 (2 persons, Rp1,000,000 saved, solidarity 1) between hh0 and hh2 (solidarity 0)."""
    return make_state(size=[3, 2, 4], savings=[0.0, 1_000_000.0, 50_000.0],
                      solidarity=[0.0, 1.0, 0.0], edges=[(0, 1), (1, 2)])


def test_surplus_is_split_among_needy_neighbours(rng):
    st = line_of_three()
    st.poor[:] = [True, False, False]
    add_case(st, 2, "keluarga_cacat")  # active and unserved: hh2 is needy too
    assert needy(st, P(BASE)).tolist() == [True, False, True]
    before = st.total_money()
    mutual_aid(st, P(BASE), rng)
    # hh1's surplus: 1,000,000 - 1 month * 100,000 * 2 persons = 800,000; it gives half,
    # 400,000, split between its two needy neighbours: 200,000 each.
    assert_allclose(st.help_given, [0, 400_000, 0])
    assert_allclose(st.help_received, [200_000, 0, 200_000])
    assert_allclose(st.savings, [200_000, 600_000, 250_000])
    assert st.total_money() == pytest.approx(before)
    # Receiving help raises solidarity: 0 + 0.1 * (1 - 0) = 0.1; the helper's stays 1.
    assert_allclose(st.solidarity, [0.1, 1.0, 0.1])


def test_only_needy_neighbours_receive(rng):
    st = line_of_three()
    st.poor[:] = [True, False, False]  # hh2 is neither poor nor carries a case
    mutual_aid(st, P(BASE), rng)
    assert_allclose(st.help_received, [400_000, 0, 0])
    assert_allclose(st.savings, [400_000, 600_000, 50_000])


def test_a_served_case_is_not_need(rng):
    st = line_of_three()
    add_case(st, 2, "keluarga_cacat")
    st.served[2, :] = st.active[2, :]
    assert not needy(st, P(BASE)).any()
    savings = st.savings.copy()
    mutual_aid(st, P(BASE), rng)
    assert_allclose(st.savings, savings)


def test_no_help_without_solidarity_or_willingness(rng):
    for overrides, solidarity in (({}, [0.0, 0.0, 0.0]),
                                  ({"mutual_aid.help_probability": 0.0}, [0.0, 1.0, 0.0])):
        st = line_of_three()
        st.solidarity[:] = solidarity
        st.poor[:] = [True, False, True]
        mutual_aid(st, P({**BASE, **overrides}), rng)
        assert_allclose(st.help_given, 0.0)
        assert_allclose(st.savings, [0.0, 1_000_000.0, 50_000.0])


def test_no_surplus_no_help(rng):
    st = line_of_three()
    st.savings[1] = 150_000.0  # below one month of subsistence for 2 persons (200,000)
    st.poor[:] = [True, False, True]
    mutual_aid(st, P(BASE), rng)
    assert_allclose(st.help_given, 0.0)


def test_willingness_is_probability_times_solidarity():
    # A star: hub 0 poor, 2,000 leaves with surplus at solidarity 0.5 and help_probability
    # 0.8: each helps with probability 0.4.
    n = 2001
    st = make_state(n, size=1.0, savings=1_000_000.0, solidarity=0.5,
                    edges=[(0, i) for i in range(1, n)])
    st.savings[0] = 0.0
    st.poor[0] = True
    mutual_aid(st, P({**BASE, "mutual_aid.help_probability": 0.8}, households=n),
               np.random.default_rng(9))
    share = (st.help_given[1:] > 0).mean()
    # 2,000 draws: standard error 0.011; four of them as tolerance.
    assert abs(share - 0.4) < 4 * np.sqrt(0.4 * 0.6 / 2000)
    # Each helper gives 0.5 * (1,000,000 - 100,000) = 450,000, all to the hub.
    assert_allclose(st.help_given[st.help_given > 0], 450_000)
    assert st.savings[0] == pytest.approx(st.help_given.sum())
