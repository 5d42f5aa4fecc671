"""Kernels of the monthly outcomes: whole-number counts of cases and memberships."""

from __future__ import annotations

import numpy as np

from oslsim.ahead import compact_rows, split_rows, would_split
from oslsim.kernels.basic import _U, _jit, _np_max, _ones_sum, _row_sum


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


@_jit
def _clip(x, lo, hi):  # pragma: no cover - compiled
    # np.clip's rule for floats: NaN stays NaN and a value equal to a bound (-0.0 at 0.0)
    # is kept as it is
    if x != x:
        return x
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


@_jit
def _month_count_rows(active, served, identified, poor, kel_start, by_cat, unserved, n_served,
                      n_identified, n_rows, n_poor, start, stop):  # pragma: no cover
    part = 0 if start == 0 else 1  # each half counts into its own part
    n_kel = kel_start.size - 1
    k = active.shape[1]
    cat = np.zeros(k, np.int64)
    cat_open = np.zeros(k, np.int64)
    for g in range(n_kel):
        lo = max(kel_start[g], start)
        hi = min(kel_start[g + 1], stop)
        if lo >= hi:
            continue
        cat[:] = 0
        cat_open[:] = 0
        rows = 0
        srv = 0
        ide = 0
        pr = 0
        # unsigned rows and branch-free sums of 0/1: numba checks signed indices for
        # negative (wrap-around) ones, and the cells are mostly empty
        for i in range(np.uint64(lo), np.uint64(hi)):
            hit = 0
            for j in range(k):
                a = np.int64(active[i, j])
                s = np.int64(served[i, j])
                srv += s
                cat[j] += a
                cat_open[j] += a & (1 - s)
                ide += a & np.int64(identified[i, j] > 0)
                hit |= a
            rows += hit
            pr += np.int64(poor[i])
        by_cat[part, g, :] = cat
        unserved[part, g, :] = cat_open
        n_served[part, g] = srv
        n_identified[part, g] = ide
        n_rows[part, g] = rows
        n_poor[part, g] = pr


def month_counts(active, served, identified, poor, kel_start):
    """The month's whole-number counts per kelurahan, in one pass over the case arrays.

    Kelurahan ``g`` is rows ``kel_start[g]:kel_start[g + 1]``. Returns per kelurahan
    ``(active cases by category, active unserved cases by category, served cells,
    identified active cases, rows with an active case, poor rows)``: the numbers of
    :func:`kel_case_counts` and more (their sums over kelurahan are the region's).
    ``active``, ``served`` and ``poor`` may be bool or their uint8 views. The rows are
    counted in two halves on two threads; whole numbers add up exactly in any order.
    """
    n_kel = kel_start.size - 1
    k = active.shape[1]
    parts = (np.zeros((2, n_kel, k), np.int64), np.zeros((2, n_kel, k), np.int64),
             *(np.zeros((2, n_kel), np.int64) for _ in range(4)))
    split_rows(_month_count_rows, active.shape[0], active, served, identified, poor,
               np.asarray(kel_start, np.int64), *parts)
    return tuple(x[0] + x[1] for x in parts)


@_jit
def covered_counts(rt, rw, kel, rt_cov, rw_cov, kel_cov, kel_start):  # pragma: no cover
    """Households per kelurahan that live in a covered RT, RW or kelurahan.

    The counts of ``rt_cov[rt] | rw_cov[rw] | kel_cov[kel]`` over each kelurahan's rows
    ``kel_start[g]:kel_start[g + 1]``.
    """
    n_kel = kel_start.size - 1
    out = np.zeros(n_kel, np.int64)
    for g in range(n_kel):
        c = 0
        for i in range(np.uint64(kel_start[g]), np.uint64(kel_start[g + 1])):
            if (rt_cov[np.uint64(rt[i])] or rw_cov[np.uint64(rw[i])]
                    or kel_cov[np.uint64(kel[i])]):
                c += 1
        out[g] = c
    return out


@_jit
def _membership_terms(mem_active, mem_attended, mem_hh, mem_org, mem_tie, cross, wksbm, n,
                     linking):  # pragma: no cover - compiled
    """One pass over the memberships: their counts and the terms of bridging and linking.

    Returns ``(active memberships, attended ones, households with one or more, bridge,
    link, link_hh)``: ``bridge[x] = -clip(tie * cross[org], 0, 1 - 1e-12)`` for each active
    membership ``x`` (0 for the others), and, when ``linking``, ``-clip(tie, 0, 1 - 1e-12)``
    of the active memberships of WKSBM with their households, in membership order.
    """
    e = mem_active.size
    per = np.zeros(n, np.bool_)
    bridge = np.zeros(e)
    n_active = 0
    n_attended = 0
    n_link = 0
    hi = 1.0 - 1e-12
    for x in range(np.uint64(e)):  # unsigned positions: no negative-index checks
        if mem_active[x]:
            n_active += 1
            if mem_attended[x]:
                n_attended += 1
            per[np.uint64(mem_hh[x])] = True
            o = np.uint64(mem_org[x])
            bridge[x] = -_clip(mem_tie[x] * cross[o], 0.0, hi)
            if linking and wksbm[o]:
                n_link += 1
    link = np.empty(n_link + 1)  # one spare: the compaction below writes before it counts
    link_hh = np.empty(n_link + 1, np.int64)
    if n_link:
        r = 0
        for x in range(np.uint64(e)):  # branch-free compaction (the WKSBM are random)
            link[r] = -_clip(mem_tie[x], 0.0, hi)
            link_hh[r] = mem_hh[x]
            r += mem_active[x] & wksbm[np.uint64(mem_org[x])]
    return (n_active, n_attended, np.count_nonzero(per), bridge, link[:n_link],
            link_hh[:n_link])


@_jit
def _membership_rows(mem_active, mem_attended, mem_hh, mem_org, mem_tie, cross, wksbm, linking,
                     per, bridge, counts, link, link_hh, start, stop):  # pragma: no cover
    part = 0 if start == 0 else 1
    n_active = 0
    n_attended = 0
    hi = 1.0 - 1e-12
    for x in range(np.uint64(start), np.uint64(stop)):  # unsigned: no negative-index checks
        if mem_active[x]:
            n_active += 1
            if mem_attended[x]:
                n_attended += 1
            per[part, np.uint64(mem_hh[x])] = True
            o = np.uint64(mem_org[x])
            bridge[x] = -_clip(mem_tie[x] * cross[o], 0.0, hi)
        else:
            bridge[x] = 0.0
    counts[part, 0] = n_active
    counts[part, 1] = n_attended
    r = start
    if linking:
        for x in range(np.uint64(start), np.uint64(stop)):  # branch-free compaction
            link[r] = -_clip(mem_tie[x], 0.0, hi)
            link_hh[r] = mem_hh[x]
            r += mem_active[x] & wksbm[np.uint64(mem_org[x])]
    return r - start


def membership_terms(mem_active, mem_attended, mem_hh, mem_org, mem_tie, cross, wksbm, n,
                     linking):
    """One pass over the memberships: their counts and the terms of bridging and linking.

    Returns ``(active memberships, attended ones, households with one or more, bridge,
    link, link_hh)``: ``bridge[x] = -clip(tie * cross[org], 0, 1 - 1e-12)`` for each active
    membership ``x`` (0 for the others), and, when ``linking``, ``-clip(tie, 0, 1 - 1e-12)``
    of the active memberships of WKSBM with their households, in membership order. Two
    halves of the memberships on two threads (counts add up, flags are or-ed, the linked
    memberships are put back in order).
    """
    e = mem_active.size
    if not would_split(e):
        return _membership_terms(mem_active, mem_attended, mem_hh, mem_org, mem_tie, cross,
                                 wksbm, n, linking)
    per = np.zeros((2, n), np.bool_)
    bridge = np.empty(e)
    counts = np.zeros((2, 2), np.int64)
    link = np.empty(e if linking else 0)
    link_hh = np.empty(e if linking else 0, np.int64)
    total = compact_rows(_membership_rows, e, (link, link_hh), mem_active, mem_attended,
                         mem_hh, mem_org, mem_tie, cross, wksbm, bool(linking), per, bridge,
                         counts)
    n_active, n_attended = (int(c) for c in counts.sum(axis=0))
    members = int(np.count_nonzero(per[0] | per[1]))
    return n_active, n_attended, members, bridge, link[:total], link_hh[:total]


@_jit
def household_sums(mem_active, mem_hh, values, n):  # pragma: no cover - compiled
    """``numpy.bincount(mem_hh[mem_active], weights=values[mem_active], minlength=n)``."""
    out = np.zeros(n)
    for x in range(np.uint64(mem_active.size)):
        if mem_active[x]:
            out[np.uint64(mem_hh[x])] += values[x]
    return out


@_jit
def _bonding_rows(indptr, indices, data, ones, s, degree, out, start, stop):  # pragma: no cover
    for i in range(_U(start), _U(stop)):
        acc = (_ones_sum(indptr, indices, s, i) if ones
               else _row_sum(indptr, indices, data, s, i))
        d = degree[i]
        if d > 0:
            out[i] = s[i] * (acc / _np_max(d, 1.0))
        else:
            out[i] = s[i] * 0.0


def bonding_terms(indptr, indices, data, s, degree, ones=False):
    """``s * mean of s over each row's ties`` (0 without ties), the tie matrix given as CSR.

    The row sums are taken in the order of scipy's ``csr_matvec`` (from 0, entry by entry),
    then ``where(degree > 0, sum / maximum(degree, 1), 0) * s`` as numpy computes it. Two
    halves of the rows, two threads. ``ones``: every entry of ``data`` is 1.0, so the sums
    skip reading it (the same numbers).
    """
    out = np.empty(s.size)
    split_rows(_bonding_rows, s.size, indptr, indices, data, bool(ones), s, degree, out)
    return out
