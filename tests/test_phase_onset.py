"""Phase 2, onset and recovery of PMKS conditions, on hand-made households."""

from __future__ import annotations

import math

import numpy as np
from numpy.testing import assert_allclose

from oslsim.phases import onset_recovery
from oslsim.phases.onset import neighbour_mean, support
from oslsim.pmks import CODES, code_index
from oslsim.state import KNOWN_FORUM, SERVED_NONE, UNKNOWN
from tiny import P, add_case, all_categories, make_state

# Own solidarity and support do not matter (exp(0) = 1); hazard = onset * ratio^poor.
FLAT = {"pmks.solidarity_effect": 0.0, "pmks.support_effect": 0.0}


def test_neighbour_mean_and_support():
    st = make_state(solidarity=[0.3, 0.7, 0.5], edges=[(0, 1), (0, 2)])
    st.attended[:] = [1, 0, 3]
    # hh0's neighbours 1 and 2: (0.7 + 0.5) / 2 = 0.6; hh1 and hh2 see only hh0: 0.3
    assert_allclose(neighbour_mean(st, st.solidarity), [0.6, 0.3, 0.3])
    # support = (1 - w) * neighbours' mean + w * min(attended, 1), w = 0.5
    params = P({"pmks.membership_support_weight": 0.5})
    assert_allclose(support(st, params), [0.8, 0.15, 0.65])


def test_isolated_household_uses_its_own_solidarity():
    st = make_state(solidarity=[0.3, 0.7, 0.5], edges=[(0, 1)])
    assert_allclose(neighbour_mean(st, st.solidarity), [0.7, 0.3, 0.5])


def test_certain_onset_only_for_eligible_households_without_the_condition(rng):
    st = make_state(eligible={"keluarga_miskin": [0, 1], "lansia_miskin": [0]})
    st.poor[:] = [True, True, False]
    add_case(st, 1, "keluarga_miskin")
    # onset 0.5 * poverty ratio 2 = hazard 1 for the poor: u < 1 always.
    params = P({**FLAT, **all_categories("onset", 0.5), **all_categories("poverty_ratio", 2.0),
                **all_categories("recovery", 0.0), **all_categories("served_recovery", 0.0)})
    onset_recovery(st, params, rng)
    km, lm = code_index("keluarga_miskin"), code_index("lansia_miskin")
    # hh0 (poor, eligible for both) starts both; hh1 keeps its case and is eligible for
    # nothing else; hh2 is eligible for nothing.
    expected = np.zeros_like(st.active)
    expected[0, [km, lm]] = True
    expected[1, km] = True
    assert (st.active == expected).all()


def test_no_onset_at_zero_hazard(rng):
    st = make_state()
    st.poor[:] = True
    onset_recovery(st, P({**all_categories("onset", 0.0)}), rng)
    assert not st.active.any()


def test_onset_hazard_formula_by_frequency():
    # hazard = onset * ratio^poor * exp(a (0.5 - s)) * exp(-b (support - 0.5))
    # hh0: s = 0.3, neighbours 0.7 and 0.5 -> mean 0.6, attended -> support
    # 0.5 * 0.6 + 0.5 * 1 = 0.8; poor; onset 0.2, ratio 2, a = b = 1:
    # 0.2 * 2 * exp(0.2 - 0.3) = 0.4 * exp(-0.1) = 0.361935
    # hh1: s = 0.7, neighbour 0.3 -> support 0.15; not poor:
    # 0.2 * exp(-0.2 + 0.35) = 0.2 * exp(0.15) = 0.232367
    params = P({"pmks.solidarity_effect": 1.0, "pmks.support_effect": 1.0,
                "pmks.membership_support_weight": 0.5, **all_categories("onset", 0.2),
                **all_categories("poverty_ratio", 2.0)})
    hazard = np.array([0.4 * math.exp(-0.1), 0.2 * math.exp(0.15)])
    rng = np.random.default_rng(11)
    trials, started = 400, np.zeros(2)
    for _ in range(trials):
        st = make_state(solidarity=[0.3, 0.7, 0.5], edges=[(0, 1), (0, 2)],
                        eligible={c: [0, 1] for c in CODES})
        st.attended[:] = [1, 0, 0]
        st.poor[:] = [True, False, False]
        onset_recovery(st, params, rng)
        started += st.active[:2].sum(axis=1)
    rate = started / (trials * len(CODES))
    # 4,000 independent draws per household: the standard error is at most 0.0078; allow
    # four of them so the fixed seed cannot be a lucky or unlucky draw.
    se = np.sqrt(hazard * (1 - hazard) / (trials * len(CODES)))
    assert np.all(np.abs(rate - hazard) < 4 * se), (rate, hazard)


def test_served_cases_recover_and_are_cleared(rng):
    st = make_state()
    for hh in range(3):
        add_case(st, hh, "korban_kekerasan", identified=KNOWN_FORUM)
    k = code_index("korban_kekerasan")
    # hh0 served at quality 1, hh1 served at quality 0, hh2 not served.
    st.served[[0, 1], k] = True
    st.quality[[0, 1], k] = [1.0, 0.0]
    st.served_by[[0, 1], k] = [0, 0]
    params = P({**all_categories("onset", 0.0), **all_categories("recovery", 0.0),
                **all_categories("served_recovery", 1.0)})
    onset_recovery(st, params, rng)
    # recovery = 0 + served * 1 * quality: 1 for hh0 (certain), 0 for hh1 and hh2.
    assert st.active[:, k].tolist() == [False, True, True]
    assert st.identified[0, k] == UNKNOWN and not st.served[0, k]
    assert st.served_by[0, k] == SERVED_NONE and st.quality[0, k] == 0.0
    assert st.identified[1, k] == KNOWN_FORUM  # still active: still known
    assert st.cases_recovered.tolist() == [1, 0, 0]


def test_certain_recovery_and_nonpoor_ratio(rng):
    st = make_state()
    st.poor[:] = [True, False, False]
    for hh in range(3):
        add_case(st, hh, "lansia_miskin")
    # recovery 0.2 * ratio 5 = 1 for the non-poor (certain); 0.2 for the poor hh0 keeps
    # the case unless its draw is below 0.2 - so only assert on the certain ones.
    params = P({**all_categories("onset", 0.0), **all_categories("recovery", 0.2),
                **all_categories("nonpoor_recovery_ratio", 5.0)})
    onset_recovery(st, params, rng)
    k = code_index("lansia_miskin")
    assert not st.active[1, k] and not st.active[2, k]
    assert st.cases_recovered[1:].tolist() == [1, 1]
