"""Kernels of organisation life and drift: memberships that end."""

from __future__ import annotations

import numpy as np

from oslsim.ahead import split_rows
from oslsim.kernels.basic import _U, _jit, _np_max, _ones_sum, _row_sum


@_jit
def _drift_count_rows(mem_active, mem_org, vitality, u, rate, count, r0, start,
                      stop):  # pragma: no cover - compiled
    part = 0 if start == 0 else 1
    r = 0 if start == 0 else r0  # the second half's first active membership is the r0-th
    for x in range(np.uint64(start), np.uint64(stop)):  # unsigned: no negative-index checks
        if mem_active[x]:
            o = np.uint64(mem_org[x])
            if u[r] < rate * (1.0 - vitality[o]):
                mem_active[x] = False
            else:
                count[part, o] += 1
            r += 1


def drift_count(mem_active, mem_org, vitality, u, rate, m):
    """End the ``r``-th active membership where ``u[r] < rate * (1 - vitality)``; count.

    Returns each organisation's active memberships left (``m`` long). Two halves of the
    memberships on two threads: the second starts at the uniform after the first half's
    active memberships, and the whole-number counts add up exactly.
    """
    e = mem_active.size
    at = e // 2
    r0 = int(np.count_nonzero(mem_active[:at]))
    count = np.zeros((2, m), np.int64)
    split_rows(_drift_count_rows, e, mem_active, mem_org, vitality, u, rate, count, r0, at=at)
    return count[0] + count[1]


@_jit
def rt_need(rt, solidarity, active, served, n_rt):  # pragma: no cover - compiled
    """Per RT: households, their solidarity summed in row order, those with an unmet case.

    The numbers of ``bincount(rt)``, ``bincount(rt, weights=solidarity)`` and
    ``bincount(rt, weights=(active & ~served).any(axis=1))``.
    """
    n_in = np.zeros(n_rt, np.int64)
    total = np.zeros(n_rt)
    unmet = np.zeros(n_rt)
    k = active.shape[1]
    for i in range(np.uint64(rt.size)):  # unsigned: no negative-index checks
        r = np.uint64(rt[i])
        n_in[r] += 1
        total[r] += solidarity[i]
        hit = 0
        for j in range(k):  # branch-free over the 0/1 bytes: the cells are mostly empty
            hit |= np.int64(active[i, j]) & (1 - np.int64(served[i, j]))
        if hit:
            unmet[r] += 1.0
    return n_in, total, unmet


@_jit
def seekers(u, join_rate, propensity, have, max_memberships):  # pragma: no cover - compiled
    """``flatnonzero(u < join_rate * propensity * (have < max_memberships))``."""
    out = np.empty(u.size, np.int64)
    c = 0
    for i in range(u.size):
        ok = 1.0 if have[i] < max_memberships else 0.0
        if u[i] < join_rate * propensity[i] * ok:
            out[c] = i
            c += 1
    return out[:c]


@_jit
def _drift_rows(indptr, indices, data, ones, s, degree, influence, keep, lost, out, start,
                stop):  # pragma: no cover - compiled
    for i in range(_U(start), _U(stop)):
        acc = (_ones_sum(indptr, indices, s, i) if ones
               else _row_sum(indptr, indices, data, s, i))
        d = degree[i]
        nb = acc / _np_max(d, 1.0) if d > 0 else s[i]
        x = (s[i] + influence * (nb - s[i])) * keep - lost
        if x != x:
            out[i] = x
        elif x < 0.0:
            out[i] = 0.0
        elif x > 1.0:
            out[i] = 1.0
        else:
            out[i] = x


def drift_step(indptr, indices, data, s, degree, influence, keep, lost, ones=False):
    """Solidarity after drift: ``clip((s + influence * (nb - s)) * keep - lost, 0, 1)``.

    ``nb`` is the neighbours' mean (own value if isolated): the network's row sums in the
    order of scipy's ``csr_matvec`` over ``maximum(degree, 1)``, as
    :func:`oslsim.phases.onset.neighbour_mean` computes it. The rows are independent, so
    they run in two halves (:func:`oslsim.ahead.split_rows`). ``ones``: every entry of
    ``data`` is 1.0 (a 0/1 network), so the sums skip reading it (the same numbers).
    """
    out = np.empty(s.size)
    split_rows(_drift_rows, s.size, indptr, indices, data, bool(ones), s, degree, influence,
               keep, lost, out)
    return out


@_jit
def dissolve_count(mem_active, mem_hh, mem_org, ends, per_org, n):  # pragma: no cover
    """End the memberships of dissolved organisations (``ends``), with each one's share.

    Returns ``(shares, have)``: the shares summed in membership order, as
    ``numpy.bincount`` sums them, and ``bincount(mem_hh[mem_active], minlength=n)`` of
    the memberships that remain.
    """
    out = np.zeros(n)
    have = np.zeros(n, np.int64)
    for x in range(np.uint64(mem_active.size)):  # unsigned: no negative-index checks
        if mem_active[x]:
            o = np.uint64(mem_org[x])
            h = np.uint64(mem_hh[x])
            if ends[o]:
                out[h] += per_org[o]
                mem_active[x] = False
            else:
                have[h] += 1
    return out, have


@_jit
def _held_rows(mem_active, mem_hh, mem_org, codes, n_org_codes, involved, held, start,
               stop):  # pragma: no cover - compiled
    part = 0 if start == 0 else 1
    for x in range(np.uint64(start), np.uint64(stop)):  # unsigned: no negative-index checks
        if mem_active[x] and involved[np.uint64(mem_hh[x])]:
            code = np.int64(mem_hh[x]) * n_org_codes + mem_org[x]
            at = np.searchsorted(codes, code)
            if at < codes.size and codes[at] == code:
                held[part, at] = True


@_jit
def _involved(hh, n):  # pragma: no cover - compiled
    involved = np.zeros(n, np.bool_)
    for i in range(hh.size):
        involved[hh[i]] = True
    return involved


def memberships_held(mem_active, mem_hh, mem_org, hh, codes, n_org_codes, n):
    """Which of the sorted, unique membership ``codes`` (of households ``hh``) are held.

    ``np.isin(codes, held)`` where ``held`` are the codes ``mem_hh * n_org_codes +
    mem_org`` of the active memberships of those households: what
    :meth:`oslsim.state.State.add_memberships` works out with two ``np.isin`` over all
    memberships, here in one pass that looks only at the households involved (two halves
    on two threads, their findings or-ed).
    """
    involved = _involved(hh, n)
    held = np.zeros((2, codes.size), np.bool_)
    split_rows(_held_rows, mem_active.size, mem_active, mem_hh, mem_org, codes,
               np.int64(n_org_codes), involved, held)
    return held[0] | held[1]
