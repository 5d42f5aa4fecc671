"""Kernels of the monthly outcomes: whole-number counts of cases and memberships."""

from __future__ import annotations

import numpy as np

from oslsim.kernels.basic import _jit


@_jit
def case_counts(active, served, identified):  # pragma: no cover - compiled
    """Per category: active cases, active unserved ones; in all: served, identified, rows.

    Returns ``(col_count(active), col_count(active & ~served), count_nonzero(served),
    count_nonzero(active & (identified > 0)), count_nonzero(active.any(axis=1)))``.
    """
    n, k = active.shape
    by_cat = np.zeros(k, np.int64)
    open_by_cat = np.zeros(k, np.int64)
    n_served = 0
    n_identified = 0
    n_rows = 0
    for i in range(n):
        row = False
        for j in range(k):
            if served[i, j]:
                n_served += 1
            if active[i, j]:
                row = True
                by_cat[j] += 1
                if not served[i, j]:
                    open_by_cat[j] += 1
                if identified[i, j] > 0:
                    n_identified += 1
        if row:
            n_rows += 1
    return by_cat, open_by_cat, n_served, n_identified, n_rows


@_jit
def membership_counts(mem_active, mem_attended, mem_hh, n):  # pragma: no cover - compiled
    """Active memberships, those attended this month, and households with one or more."""
    per = np.zeros(n, np.bool_)
    n_active = 0
    n_attended = 0
    for x in range(mem_active.size):
        if mem_active[x]:
            n_active += 1
            if mem_attended[x]:
                n_attended += 1
            per[mem_hh[x]] = True
    return n_active, n_attended, np.count_nonzero(per)


@_jit
def kel_case_counts(active, served, poor, kel_start):  # pragma: no cover - compiled
    """Per kelurahan: open cases by category, active and served cases, cases' and poor rows.

    Kelurahan ``g`` is rows ``kel_start[g]:kel_start[g + 1]``. All counts are
    integers, so they are those of numpy's reductions exactly.
    """
    n_kel = kel_start.size - 1
    k = active.shape[1]
    unserved = np.zeros((n_kel, k), np.int64)
    n_active = np.zeros(n_kel, np.int64)
    n_served = np.zeros(n_kel, np.int64)
    n_rows = np.zeros(n_kel, np.int64)
    n_poor = np.zeros(n_kel, np.int64)
    for g in range(n_kel):
        for i in range(kel_start[g], kel_start[g + 1]):
            hit = False
            for j in range(k):
                if active[i, j]:
                    hit = True
                    n_active[g] += 1
                    if served[i, j]:
                        n_served[g] += 1
                    else:
                        unserved[g, j] += 1
                elif served[i, j]:
                    n_served[g] += 1
            if hit:
                n_rows[g] += 1
            if poor[i]:
                n_poor[g] += 1
    return unserved, n_active, n_served, n_rows, n_poor
