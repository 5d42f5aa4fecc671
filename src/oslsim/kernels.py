"""Compiled loops (numba) for the phases' hottest array work, the same numbers as numpy's.

Each kernel does in one pass what the phases did in many numpy passes over the
(households x categories) and membership arrays. They are written so the results are bit
for bit those of the numpy code they replace: only +, -, *, / and comparisons (IEEE in
both), no transcendental functions (numpy and libm may differ in the last bit; those stay
in numpy), and sums taken in the order numpy's ``bincount`` takes them. Random numbers are
never drawn here: the phases draw them with the run's generator, as before, and pass them in.

Kernels are compiled on first use and cached on disk where numba can write a cache (next
to this file or in the user's cache directory); where it cannot, they are compiled per
process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba
import numpy as np

__all__ = ["row_any", "row_count", "col_count", "onset_step"]


def _jit(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``numba.njit`` with a disk cache where one can be written, else without."""
    try:
        return numba.njit(cache=True, nogil=True)(fn)
    except RuntimeError:  # no cache locator (a read-only install without a cache dir)
        return numba.njit(nogil=True)(fn)


@_jit
def _row_any(a):  # pragma: no cover - compiled
    n, k = a.shape
    out = np.zeros(n, np.bool_)
    for i in range(n):
        for j in range(k):
            if a[i, j]:
                out[i] = True
                break
    return out


@_jit
def _row_count(a):  # pragma: no cover - compiled
    n, k = a.shape
    out = np.zeros(n, np.int32)
    for i in range(n):
        c = 0
        for j in range(k):
            if a[i, j]:
                c += 1
        out[i] = c
    return out


@_jit
def _col_count(a):  # pragma: no cover - compiled
    n, k = a.shape
    out = np.zeros(k, np.int64)
    for i in range(n):
        for j in range(k):
            if a[i, j]:
                out[j] += 1
    return out


def row_any(a: np.ndarray) -> np.ndarray:
    """``a.any(axis=1)`` of a 2-D boolean array."""
    return _row_any(a)


def row_count(a: np.ndarray) -> np.ndarray:
    """``a.sum(axis=1)`` of a 2-D boolean array, as int32."""
    return _row_count(a)


def col_count(a: np.ndarray) -> np.ndarray:
    """``a.sum(axis=0)`` of a 2-D boolean array, as int64."""
    return _col_count(a)


@_jit
def onset_step(active, poor, eligible, served, quality, identified, served_by, recovered,
               personal, table, served_recovery, u, none_code):  # pragma: no cover - compiled
    """One month of onset and recovery for every (household, category) cell, in place.

    ``table[2 * active + poor, k]`` is the cell's base threshold (float32); an inactive cell
    multiplies it by the household's ``personal`` factor, a served one adds
    ``served_recovery[k] * quality``. The cell flips where ``u < threshold`` and it is
    eligible; an ended case forgets who knew of it and who served it. ``recovered`` counts
    each household's ended cases.
    """
    n, k = active.shape
    for i in range(n):
        p = 1 if poor[i] else 0
        ended = 0
        for j in range(k):
            a = active[i, j]
            if a:
                t = table[2 + p, j]
            else:
                t = table[p, j] * personal[i]
            if served[i, j]:
                t = t + served_recovery[j] * quality[i, j]
            if u[i, j] < t and eligible[i, j]:
                if a:
                    active[i, j] = False
                    identified[i, j] = 0
                    served[i, j] = False
                    quality[i, j] = 0.0
                    served_by[i, j] = none_code
                    ended += 1
                else:
                    active[i, j] = True
        recovered[i] += ended


@_jit
def meeting_chance(hh, org, n, charge_o, savings, hours, per_meeting, solidarity, vitality,
                   pull_o, trust_o, base, w_solidarity, w_vitality, crowd,
                   unaffordable):  # pragma: no cover - compiled
    """Each membership's chance to attend this month, and each household's memberships.

    The same products, in the same order, as the meetings phase's numpy expression:
    ``(base + ws * s + wv * v) * fits * pull * trust * crowd * afford``.
    """
    e = hh.size
    per = np.zeros(n, np.int64)
    owed = np.zeros(n)
    for i in range(e):
        per[hh[i]] += 1
        owed[hh[i]] += charge_o[org[i]]
    p = np.empty(e)
    for i in range(e):
        h, o = hh[i], org[i]
        k = per[h] if per[h] > 1 else 1
        fit = hours[h] / (k * per_meeting)
        if 1.0 <= fit:
            fit = 1.0
        x = ((base + w_solidarity * solidarity[h] + w_vitality * vitality[o]) * fit
             * pull_o[o] * trust_o[o] * crowd)
        if not savings[h] >= owed[h]:
            x = x * unaffordable
        p[i] = x
    return p, per


@_jit
def meeting_dues(hh, org, attended, n, m, charge_o, dues, savings):  # pragma: no cover
    """Dues and contributions of the attendees, scaled to what their savings allow.

    Returns what each membership paid, its dues part (the rest is an arisan contribution),
    each household's total payment and each organisation's dues received, summed in
    membership order as ``numpy.bincount`` sums them.
    """
    e = hh.size
    owed = np.zeros(n)
    for i in range(e):
        if attended[i]:
            owed[hh[i]] += charge_o[org[i]]
    scale = np.zeros(n)
    for h in range(n):
        if owed[h] > 0:
            d = owed[h] if owed[h] >= 1e-12 else 1e-12
            y = savings[h] / d
            scale[h] = 1.0 if 1.0 <= y else y
    paid = np.zeros(e)
    part = np.zeros(e)
    by_hh = np.zeros(n)
    by_org = np.zeros(m)
    for i in range(e):
        h, o = hh[i], org[i]
        c = charge_o[o]
        due = c if attended[i] else 0.0
        x = due * scale[h]
        paid[i] = x
        by_hh[h] += x
        if c > 0:
            d = c if c >= 1e-12 else 1e-12
            part[i] = x * dues[o] / d
        by_org[o] += part[i]
    return paid, part, by_hh, by_org


@_jit
def meeting_ties(idx, hh, org, attended, n, m, mem_tie, mem_attended, growth,
                 decay):  # pragma: no cover - compiled
    """Attendance counts and members; the ties and attendance flags of ``idx``, in place.

    Returns attendances per household (float) and per organisation (int32) and members
    per organisation (int32).
    """
    e = hh.size
    count = np.zeros(n)
    attendance = np.zeros(m, np.int32)
    members = np.zeros(m, np.int32)
    mem_attended[:] = False
    for i in range(e):
        o = org[i]
        members[o] += 1
        j = idx[i]
        t = mem_tie[j]
        if attended[i]:
            count[hh[i]] += 1.0
            attendance[o] += 1
            mem_tie[j] = t + growth * (1.0 - t)
            mem_attended[j] = True
        else:
            mem_tie[j] = t * (1.0 - decay)
    return count, attendance, members


@_jit
def org_sum(org, hh, per_household, m):  # pragma: no cover - compiled
    """``numpy.bincount(org, weights=per_household[hh], minlength=m)``."""
    out = np.zeros(m)
    for i in range(org.size):
        out[org[i]] += per_household[hh[i]]
    return out
