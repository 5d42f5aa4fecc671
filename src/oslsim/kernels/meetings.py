"""Per-membership kernels of the meetings phase: attendance, dues, hours, ties."""

from __future__ import annotations

import numpy as np

from oslsim.ahead import split_rows, would_split
from oslsim.kernels.basic import _U, _jit, _np_max


@_jit
def _household_fit(hh, org, n, charge_o, savings, hours, per_meeting):  # pragma: no cover
    """Each household's memberships, hours' fit and whether it can pay all its dues."""
    per = np.zeros(n, np.int64)
    owed = np.zeros(n)
    for i in range(_U(hh.size)):  # unsigned positions: numba checks signed ones for wrap-around
        h = _U(hh[i])
        per[h] += 1
        owed[h] += charge_o[_U(org[i])]
    fit = np.empty(n)
    afford = np.empty(n, np.bool_)
    for h in range(_U(n)):
        k = per[h] if per[h] > 1 else 1
        f = hours[h] / (k * per_meeting)
        fit[h] = 1.0 if 1.0 <= f else f
        afford[h] = savings[h] >= owed[h]
    return per, fit, afford


@_jit
def _chance_rows(hh, org, fit, afford, solidarity, vitality, pull_o, trust_o, base,
                 w_solidarity, w_vitality, crowd, unaffordable, p, start,
                 stop):  # pragma: no cover - compiled
    for i in range(_U(start), _U(stop)):
        h, o = _U(hh[i]), _U(org[i])
        x = ((base + w_solidarity * solidarity[h] + w_vitality * vitality[o]) * fit[h]
             * pull_o[o] * trust_o[o] * crowd)
        p[i] = x if afford[h] else x * unaffordable


def meeting_chance(hh, org, n, charge_o, savings, hours, per_meeting, solidarity, vitality,
                   pull_o, trust_o, base, w_solidarity, w_vitality, crowd, unaffordable):
    """Each membership's chance to attend this month, and each household's memberships.

    The same products, in the same order, as the meetings phase's numpy expression:
    ``(base + ws * s + wv * v) * fits * pull * trust * crowd * afford``; each household's
    fit and affordability once, then the memberships in two halves on two threads.
    """
    per, fit, afford = _household_fit(hh, org, n, charge_o, savings, hours, per_meeting)
    p = np.empty(hh.size)
    split_rows(_chance_rows, hh.size, hh, org, fit, afford, solidarity, vitality, pull_o,
               trust_o, base, w_solidarity, w_vitality, crowd, unaffordable, p)
    return p, per


@_jit
def meeting_dues(hh, org, attended, n, m, charge_o, dues, savings):  # pragma: no cover
    """Dues and contributions of the attendees, scaled to what their savings allow.

    Returns what each membership paid, its dues part (the rest is an arisan contribution),
    each household's total payment and each organisation's dues received, summed in
    membership order as ``numpy.bincount`` sums them, and the savings after paying,
    ``np.maximum(savings - paid, 0)`` (rounding can leave a hair below zero).
    """
    e = hh.size
    # Branch-free (attendance and the organisations are random): a flag multiplies a finite
    # charge (c * 1 is c, c * 0 is 0), and adding 0.0 changes no sum. numba compiles
    # ``a if flag else 0.0`` with a load in it as a branch, which costs ~7 ns when random.
    owed = np.zeros(n)
    for i in range(_U(e)):
        owed[_U(hh[i])] += charge_o[_U(org[i])] * attended[i]
    scale = np.empty(n)
    for h in range(_U(n)):  # a household that owes nothing pays 0 * scale = 0 whatever it is
        d = owed[h] if owed[h] >= 1e-12 else 1e-12
        y = savings[h] / d
        scale[h] = 1.0 if 1.0 <= y else y
    paid = np.empty(e)
    part = np.empty(e)
    by_hh = np.zeros(n)
    by_org = np.zeros(m)
    for i in range(_U(e)):
        h, o = _U(hh[i]), _U(org[i])
        c = charge_o[o]
        x = c * attended[i] * scale[h]
        paid[i] = x
        by_hh[h] += x
        d = c if c >= 1e-12 else 1e-12
        y = x * dues[o] / d * (c > 0)
        part[i] = y
        by_org[o] += y
    after = np.empty(n)
    for h in range(_U(n)):
        after[h] = _np_max(savings[h] - by_hh[h], 0.0)
    return paid, part, by_hh, by_org, after


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
    for i in range(_U(e)):  # branch-free: attendance is random
        o = _U(org[i])
        a = attended[i]
        members[o] += 1
        j = _U(idx[i])
        t = mem_tie[j]
        count[_U(hh[i])] += 1.0 if a else 0.0
        attendance[o] += a
        mem_tie[j] = t + growth * (1.0 - t) if a else t * (1.0 - decay)
        mem_attended[j] = a
    return count, attendance, members


@_jit
def over_hours(hh, attended, most, n):  # pragma: no cover - compiled
    """The attended memberships of households attending more than ``most`` meetings.

    Returns those rows (ascending, as ``np.flatnonzero``) and whether any household's count
    is above its ``most`` (the counts are whole numbers, as ``np.bincount`` gives them).
    """
    count = np.zeros(n, np.int64)
    for i in range(_U(hh.size)):  # branch-free: attendance is random
        count[_U(hh[i])] += attended[i]
    over = np.zeros(n, np.bool_)
    any_over = False
    for h in range(n):
        if count[h] > most[h]:
            over[h] = True
            any_over = True
    rows = np.empty(hh.size, np.int64)
    k = 0
    if any_over:
        for i in range(hh.size):  # branch-free compaction (written, kept if it counts)
            rows[k] = i
            k += attended[i] & over[hh[i]]
    return rows[:k], any_over


@_jit
def arisan_winners(org, rows, contribution, r, m):  # pragma: no cover - compiled
    """Each arisan's pot and the row of its winner, the attendee with the largest ``r``.

    ``contribution[x]`` and ``r[x]`` belong to ``rows[x]``. As
    ``numpy.lexsort((r, org[rows]))`` then the last row of each organisation: among equal
    ``r`` the later row wins (the sort is stable). The pots are summed in row order, as
    ``numpy.bincount`` sums them; ``winner`` is -1 for organisations without attendees.
    """
    pot = np.zeros(m)
    best = np.full(m, -np.inf)
    winner = np.full(m, -1, np.int64)
    for x in range(rows.size):
        row = rows[x]
        o = org[row]
        pot[o] += contribution[x]
        if r[x] >= best[o]:
            best[o] = r[x]
            winner[o] = row
    return pot, winner


@_jit
def pay_pots(savings, hh, pot, winner):  # pragma: no cover - compiled
    """Add each organisation's pot to its winner's savings, in place.

    A household's pots are summed first (in organisation order) and then added to its
    savings, as ``savings += numpy.bincount(hh[winners], weights=..., minlength=n)`` does.
    """
    won = np.zeros(savings.size)
    for o in range(winner.size):
        if winner[o] >= 0:
            won[hh[winner[o]]] += pot[o]
    for h in range(savings.size):
        savings[h] += won[h]


@_jit
def household_hours(poor, most_hours, poor_ratio, per_meeting):  # pragma: no cover - compiled
    """Each household's community hours and the meetings they allow.

    ``hours = most_hours * (poor_ratio if poor else 1)`` (the poor have fewer hours) and
    ``floor(hours / per_meeting + 1e-9)``.
    """
    n = poor.size
    hours = np.empty(n)
    most = np.empty(n)
    for i in range(n):
        h = most_hours * (poor_ratio if poor[i] else 1.0)
        hours[i] = h
        most[i] = np.floor(h / per_meeting + 1e-9)
    return hours, most


@_jit
def pot_rows(org, attended, is_arisan):  # pragma: no cover - compiled
    """``np.flatnonzero(attended & is_arisan[org])``: the memberships paying into a pot."""
    rows = np.empty(org.size, np.int64)
    k = 0
    for i in range(org.size):  # branch-free compaction: attendance is random
        rows[k] = i
        k += attended[i] & is_arisan[org[i]]
    return rows[:k]


@_jit
def attendance_results(solidarity, count, keep, per_meeting):  # pragma: no cover - compiled
    """Solidarity after the meetings, attendances as int32 and the hours they took.

    ``1 - (1 - solidarity) * keep[count]`` (``keep[c]`` is numpy's ``(1 - gain) ** c``),
    ``count`` as int32 and ``count * per_meeting``.
    """
    n = solidarity.size
    out = np.empty(n)
    attended = np.empty(n, np.int32)
    hours = np.empty(n)
    for h in range(n):
        c = count[h]
        out[h] = 1.0 - (1.0 - solidarity[h]) * keep[int(c)]
        attended[h] = np.int32(c)
        hours[h] = c * per_meeting
    return out, attended, hours


@_jit
def _active_memberships(mem_active, mem_hh, mem_org):  # pragma: no cover - compiled
    """``np.flatnonzero(mem_active)`` with those rows of ``mem_hh`` and ``mem_org``, one pass."""
    e = mem_active.size
    idx = np.empty(e, np.int64)
    hh = np.empty(e, mem_hh.dtype)
    org = np.empty(e, mem_org.dtype)
    k = 0
    for x in range(_U(e)):  # branch-free compaction (written, kept if active)
        idx[k] = x
        hh[k] = mem_hh[x]
        org[k] = mem_org[x]
        k += mem_active[x]
    return idx[:k], hh[:k], org[:k]


@_jit
def _active_rows(mem_active, mem_hh, mem_org, idx, hh, org, first, start,
                 stop):  # pragma: no cover - compiled
    total = idx.size - 1  # the last cell is a spare
    k = 0 if start == 0 else first  # the second half writes after the first half's rows
    # The first half keeps below ``first`` and the second from ``first`` on; a write past a
    # half's own rows (a compaction writes each row before it knows whether to keep it) goes
    # to the spare, so the halves never write the same cell.
    limit = first if start == 0 and stop < mem_active.size else total
    for x in range(_U(start), _U(stop)):  # branch-free compaction (written, kept if active)
        at = k if k < limit else total
        idx[at] = x
        hh[at] = mem_hh[x]
        org[at] = mem_org[x]
        k += mem_active[x]


def active_memberships(mem_active, mem_hh, mem_org):
    """``np.flatnonzero(mem_active)`` with those rows of ``mem_hh`` and ``mem_org``, one pass.

    Two halves on two threads when a core is free (the second writes behind the first
    half's active rows, counted first, so the halves never touch the same cells); else one
    pass.
    """
    e = mem_active.size
    if not would_split(e):
        return _active_memberships(mem_active, mem_hh, mem_org)
    at = e // 2
    first = int(np.count_nonzero(mem_active[:at]))
    total = first + int(np.count_nonzero(mem_active[at:]))
    idx = np.empty(total + 1, np.int64)  # and a spare cell (see _active_rows)
    hh = np.empty(total + 1, mem_hh.dtype)
    org = np.empty(total + 1, mem_org.dtype)
    split_rows(_active_rows, e, mem_active, mem_hh, mem_org, idx, hh, org, first, at=at)
    return idx[:total], hh[:total], org[:total]


@_jit
def beyond_hours(rows, r, hh, most):  # pragma: no cover - compiled
    """The rows to drop: each household's attendances past its ``most``, in random order.

    As ``order = rows[np.lexsort((r, hh[rows]))]`` and dropping the rows whose rank within
    their household is ``most[h]`` or more: a household's rows sorted by ``r``, ties kept in
    row order (the sort is stable). Returns the dropped rows in that order.
    """
    k = rows.size
    key = hh[rows]
    order = np.argsort(key, kind="mergesort")  # stable: a household's rows in row order
    drop = np.empty(k, np.int64)
    c = 0
    start = 0
    while start < k:
        h = key[order[start]]
        end = start
        while end < k and key[order[end]] == h:
            end += 1
        # insertion sort of the group by r (stable: strict comparison keeps row order)
        for a in range(start + 1, end):
            x = order[a]
            b = a - 1
            while b >= start and r[order[b]] > r[x]:
                order[b + 1] = order[b]
                b -= 1
            order[b + 1] = x
        keep = most[h]
        for a in range(start, end):
            if a - start >= keep:
                drop[c] = rows[order[a]]
                c += 1
        start = end
    return drop[:c]
