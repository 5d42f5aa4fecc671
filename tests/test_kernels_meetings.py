"""The meetings' and households' compiled loops give the numbers of the numpy code they replace."""

from __future__ import annotations

import numpy as np
import pytest

from oslsim import kernels


def _memberships(rng, n, e, m):
    """Memberships sorted by household (as the model keeps them), with random organisations."""
    return np.sort(rng.integers(0, n, e)).astype(np.int32), rng.integers(0, m, e).astype(np.int32)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_arisan_winners_are_lexsorts(seed):
    rng = np.random.default_rng(seed)
    n, e, m = 300, 2000, 40
    hh, org = _memberships(rng, n, e, m)
    rows = np.flatnonzero(rng.random(e) < 0.4)
    contribution = rng.random(rows.size) * 1e4
    # Ties in the draws must go to the later row, as the stable sort has them.
    r = np.round(rng.random(rows.size), 1)
    pot, winner = kernels.arisan_winners(org, rows, contribution, r, m)
    assert np.array_equal(pot, np.bincount(org[rows], weights=contribution, minlength=m))
    order = np.lexsort((r, org[rows]))
    sorted_org = org[rows][order]
    last = np.r_[sorted_org[1:] != sorted_org[:-1], True]
    want = np.full(m, -1)
    want[sorted_org[last]] = rows[order][last]
    assert np.array_equal(winner, want)

    savings = rng.random(n) * 1e5
    expected = savings + np.bincount(hh[want[want >= 0]], weights=pot[want >= 0], minlength=n)
    kernels.pay_pots(savings, hh, pot, winner)
    assert np.array_equal(savings, expected)


def test_arisan_without_attendees():
    pot, winner = kernels.arisan_winners(np.zeros(0, np.int32), np.zeros(0, np.int64),
                                         np.zeros(0), np.zeros(0), 3)
    assert pot.tolist() == [0.0] * 3 and winner.tolist() == [-1] * 3


def test_attendance_solidarity_is_numpys_power():
    rng = np.random.default_rng(4)
    solidarity = rng.random(5000)
    count = rng.integers(0, 9, 5000).astype(np.float64)
    keep = (1.0 - 0.07) ** np.arange(count.max() + 1.0)
    got = kernels.attendance_solidarity(solidarity, count, keep)
    assert np.array_equal(got, 1.0 - (1.0 - solidarity) * (1.0 - 0.07) ** count)


@pytest.mark.parametrize("seed", [0, 5])
def test_meeting_loops_are_numpys(seed):
    rng = np.random.default_rng(seed)
    n, e, m = 400, 3000, 30
    hh, org = _memberships(rng, n, e, m)
    attended = rng.random(e) < 0.5
    most = rng.integers(0, 5, n).astype(np.float64)
    rows, over = kernels.over_hours(hh, attended, most, n)
    count = np.bincount(hh[attended], minlength=n)
    assert over == bool((count > most).any())
    assert np.array_equal(rows, np.flatnonzero(attended & (count > most)[hh]))

    charge = rng.random(m) * 100
    charge[:3] = 0.0  # groups without dues
    dues = charge * rng.random(m)
    savings = rng.random(n) * 150
    paid, part, by_hh, by_org = kernels.meeting_dues(hh, org, attended, n, m, charge, dues,
                                                     savings)
    owed = np.bincount(hh, weights=np.where(attended, charge[org], 0.0), minlength=n)
    scale = np.where(owed > 0, np.minimum(1.0, savings / np.maximum(owed, 1e-12)), 0.0)
    want_paid = np.where(attended, charge[org], 0.0) * scale[hh]
    want_part = np.where(charge[org] > 0,
                         want_paid * dues[org] / np.maximum(charge[org], 1e-12), 0.0)
    assert np.array_equal(paid, want_paid) and np.array_equal(part, want_part)
    assert np.array_equal(by_hh, np.bincount(hh, weights=want_paid, minlength=n))
    assert np.array_equal(by_org, np.bincount(org, weights=want_part, minlength=m))

    idx = np.arange(e)
    tie = rng.random(e)
    mem_attended = np.ones(e, bool)
    new_tie = tie.copy()
    got, attendance, members = kernels.meeting_ties(idx, hh, org, attended, n, m, new_tie,
                                                    mem_attended, 0.1, 0.02)
    assert np.array_equal(new_tie, np.where(attended, tie + 0.1 * (1.0 - tie), tie * 0.98))
    assert np.array_equal(got, np.bincount(hh[attended], minlength=n).astype(float))
    assert np.array_equal(attendance, np.bincount(org[attended], minlength=m))
    assert np.array_equal(members, np.bincount(org, minlength=m))
    assert np.array_equal(mem_attended, attended)
