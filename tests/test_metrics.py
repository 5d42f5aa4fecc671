"""Outcome columns on a hand-made community, each worked out by hand."""

from __future__ import annotations

import pytest

from oslsim.metrics import outcomes, wksbm_coverage
from oslsim.state import SCOPE_RT, SCOPE_RW
from tiny import P, add_case, add_org, make_state

# Severities set by hand so the burden is easy to compute.
SEV = {"pmks.keluarga_miskin.severity": 0.6, "pmks.korban_kekerasan.severity": 1.0}


def test_burden_coverage_and_poverty_in_households_and_persons():
    st = make_state(size=[2.0, 4.0, 6.0])
    st.poor[:] = [False, True, True]
    add_case(st, 0, "keluarga_miskin")
    add_case(st, 1, "korban_kekerasan")
    add_case(st, 2, "keluarga_miskin")
    st.served[2, :] = st.active[2, :]  # hh2's case is served
    row = outcomes(st, P(SEV))
    # burden = (0.6 + 1.0 + 0 served) / 3 households
    assert row["burden"] == pytest.approx(1.6 / 3)
    assert row["coverage"] == pytest.approx(1 / 3)  # 1 of 3 active cases served
    assert row["pmks_prevalence"] == pytest.approx(1.0)
    assert row["poverty_rate"] == pytest.approx(2 / 3)
    assert row["poverty_rate_persons"] == pytest.approx(10 / 12)  # 4 + 6 of 12 persons


def test_the_months_flows_are_reported_as_they_are():
    st = make_state()
    st.funds_raised, st.funds_pooled = 1_000.0, 300.0
    st.volunteer_hours, st.coordination_hours = 40.0, 6.0
    st.rt_fund[:] = 250.0
    row = outcomes(st, P())
    assert (row["funds_raised"], row["funds_pooled"]) == (1_000.0, 300.0)
    assert (row["volunteer_hours"], row["coordination_hours"]) == (40.0, 6.0)
    assert row["rt_fund_total"] == 250.0


def test_wksbm_coverage_is_the_share_of_households_a_living_wksbm_covers():
    # Four households: RT 0 (hh0, hh1) and RT 1 (hh2, hh3), in RW 0 and RW 1.
    st = make_state(4, rt=[0, 0, 1, 1], rw=[0, 0, 1, 1], n_rt=2, n_rw=2,
                    edges=[(0, 1), (2, 3)])
    assert wksbm_coverage(st) == 0.0
    rt = add_org(st, "pkk", wksbm=True, scope=SCOPE_RT, area=1)
    assert wksbm_coverage(st) == pytest.approx(0.5)
    add_org(st, "pkk", wksbm=True, scope=SCOPE_RW, area=1)  # the same households again
    assert wksbm_coverage(st) == pytest.approx(0.5)
    add_org(st, "pkk", wksbm=False, scope=SCOPE_RW, area=0)  # not a WKSBM: not counted
    assert wksbm_coverage(st) == pytest.approx(0.5)
    st.alive[rt] = False
    assert wksbm_coverage(st) == pytest.approx(0.5)  # the RW-level WKSBM still covers RT 1


def test_severity_sum_rounds_once_a_step_whatever_the_blas():
    """The burden's weighted sum is the same on every machine: a fused multiply-add a step.

    These counts give 169.6 when each step rounds the exact product plus the running sum
    once, and 169.60000000000002 when the product is rounded first (what a BLAS without
    fused multiply-adds, and so ``@`` on some CPUs, gives); a stored run (tests/test_golden)
    was made on a machine whose BLAS fused them.
    """
    import numpy as np

    from oslsim.pmks import severity_sum

    sev = np.array([0.8, 0.7, 1.0, 0.9, 0.6, 1.0, 0.6, 0.7, 0.9, 0.5])
    counts = np.array([19, 3, 8, 34, 26, 34, 33, 35, 12, 18])
    assert severity_sum(counts, sev) == 169.6
    # Rows are summed one by one; with counts of 1 every product is exact and the sum is the
    # plain running sum of the severities (0.8 + 0.7 + ... + 0.5 = 7.7 in float64).
    rows = severity_sum(np.stack([counts, np.zeros(10, int), np.ones(10, int)]), sev)
    assert rows.tolist() == [169.6, 0.0, 7.7]
    assert severity_sum(np.zeros((0, 10), int), sev).shape == (0,)
