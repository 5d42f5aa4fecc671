"""Kernels of identification and service: which cases are known, open and asked for.

Identification: :func:`unknown_cells` (the cases some channel does not know yet),
:func:`attended_rows` (the members' miss chances), :func:`forum_miss` and
:func:`identify_cells`. Service: :func:`active_cells` (one scan of the case table a phase),
:func:`own_request_slots` with :func:`first_in_slot` (one request per case, no sort),
:func:`open_in_cells` / :func:`still_open`, :func:`greedy_serve` (the skip-and-continue
allocation) and :func:`deliver_cases`; :func:`open_cases` scans the whole table.
"""

from __future__ import annotations

import numpy as np

from oslsim.ahead import split_rows, would_split
from oslsim.kernels.basic import _jit

# --- the active cells, found a word (8 cells) at a time -------------------------------------
# Only a few per cent of the (households x categories) cells hold an active case, so the
# scans below read ``active`` eight bytes at a time and look at single cells only inside the
# words that are not all zero; the cells come out in row-major order, as ``numpy.nonzero``.


_ONES = np.uint64(0x0101010101010101)


@_jit
def _word_cells(words, w_lo, w_hi, out, c):  # pragma: no cover - compiled
    """Write the set cells of ``words[w_lo:w_hi]`` (8 cells a word) to ``out`` from ``c`` on."""
    zero, one = np.uint64(0), np.uint64(1)
    for w in range(w_lo, w_hi):
        x = words[w]
        if x != zero:
            base = w * 8
            for q in range(8):
                out[c] = base + q  # written always, kept only where the cell is set
                c += (x >> np.uint64(8 * q)) & one
    return c


@_jit
def _cells_in(active, start, stop):  # pragma: no cover - compiled
    """Flat (row-major) indices of the True cells of rows ``start:stop`` of a 2-D bool array."""
    flat = np.ascontiguousarray(active).reshape(-1)  # no copy when it is C-contiguous
    bytes_ = flat.view(np.uint8)
    k = active.shape[1] if active.ndim == 2 else 1
    lo, hi = start * k, stop * k
    # The whole 8-byte words inside [lo, hi), and the bytes before and after them.
    w_lo, w_hi = (lo + 7) // 8, hi // 8
    if w_lo >= w_hi:
        w_lo, w_hi = 0, 0
        head_end, tail_start = hi, hi
    else:
        head_end, tail_start = w_lo * 8, w_hi * 8
    words = flat[: w_hi * 8].view(np.uint64)
    total = 0
    for b in range(lo, head_end):
        total += bytes_[b]
    for w in range(w_lo, w_hi):  # a word's bytes are 0 or 1: the product's top byte sums them
        total += (words[w] * _ONES) >> np.uint64(56)
    for b in range(tail_start, hi):
        total += bytes_[b]
    out = np.empty(total + 8, np.int64)
    c = 0
    for b in range(lo, head_end):
        out[c] = b
        c += bytes_[b]
    c = _word_cells(words, w_lo, w_hi, out, c)
    for b in range(tail_start, hi):
        out[c] = b
        c += bytes_[b]
    return out[:total]


@_jit
def _active_cells(active):  # pragma: no cover - compiled
    """Flat (row-major) indices of the True cells of a 2-D boolean array."""
    flat = np.ascontiguousarray(active).reshape(-1)  # no copy when it is C-contiguous
    bytes_ = flat.view(np.uint8)
    size = flat.size
    full = size // 8 * 8
    words = flat[:full].view(np.uint64)
    total = 0
    for w in range(words.size):  # a word's bytes are 0 or 1: the product's top byte sums them
        total += (words[w] * _ONES) >> np.uint64(56)
    for b in range(full, size):
        total += bytes_[b]
    out = np.empty(total + 8, np.int64)
    c = 0
    c = _word_cells(words, 0, words.size, out, c)
    for b in range(full, size):
        out[c] = b
        c += bytes_[b]
    return out[:total]


def active_cells(active):
    """Flat indices of the active cases (``np.flatnonzero(active)``), for the kernels below.

    The rows in two halves on two threads when a core is free, the second half's cells
    after the first's; else one pass.
    """
    if not would_split(active.shape[0]):
        return _active_cells(active)
    parts = split_rows(_cells_in, active.shape[0], active)
    return parts[0][1] if len(parts) == 1 else np.concatenate([c for _, c in parts])


def open_cases(active, served, identified, known, category_ok):
    """(household, category) of the active, unserved cases whose ``identified & known`` is set.

    Only categories with ``category_ok``; in row-major order, as ``numpy.nonzero`` gives.
    """
    return open_in_cells(active_cells(active), served, identified, known, category_ok)


@_jit
def open_in_cells(cells, served, identified, known, category_ok):  # pragma: no cover
    """:func:`open_cases` among ``cells``, the active cells (:func:`active_cells`)."""
    k = served.shape[1]
    hh = np.empty(cells.size, np.int64)
    cat = np.empty(cells.size, np.int64)
    c = 0
    for x in cells:
        i = x // k
        j = x - i * k
        if not served[i, j] and (identified[i, j] & known) != 0 and category_ok[j]:
            hh[c] = i
            cat[c] = j
            c += 1
    return hh[:c], cat[:c]


@_jit
def still_open(hh, cat, active, served, identified, known, category_ok):  # pragma: no cover
    """The cells ``(hh, cat)`` that :func:`open_cases` would select now, in their order."""
    out_hh = np.empty(hh.size, np.int64)
    out_cat = np.empty(hh.size, np.int64)
    c = 0
    for r in range(hh.size):
        i, j = hh[r], cat[r]
        if (active[i, j] and not served[i, j] and (identified[i, j] & known) != 0
                and category_ok[j]):
            out_hh[c] = i
            out_cat[c] = j
            c += 1
    return out_hh[:c], out_cat[:c]


@_jit
def own_request_slots(cells, mem_active, mem_hh, mem_org, identified, known, serves,
                      kind):  # pragma: no cover - compiled
    """The service requests (household, organisation, category) and each one's case slot.

    One request per active membership and each case of its household that the household's
    organisations know (``identified & known``) and the organisation's kind can serve, in
    membership order, then category order.

    ``cells`` are the active cells (:func:`active_cells` of ``active``). The slots number
    the active cases with ``identified & known`` in row-major (case) order; returns
    ``hh, org, cat, slot, n_slots``.
    """
    n, k = identified.shape
    kc = np.empty(cells.size, np.int64)
    first = np.full(n, -1, np.int32)
    n_slots = 0
    for x in cells:
        h = x // k
        if (identified[h, x - h * k] & known) != 0:
            kc[n_slots] = x
            if first[h] < 0:
                first[h] = n_slots
            n_slots += 1
    # The memberships of households with such a case, kept without a branch (few are).
    mine = np.empty(mem_active.size, np.int64)
    c = 0
    for x in range(mem_active.size):
        mine[c] = x
        c += (first[mem_hh[x]] >= 0) & mem_active[x]
    total = 0
    for r in range(c):
        x = mine[r]
        h = mem_hh[x]
        kd = kind[mem_org[x]]
        q = first[h]
        end = (h + 1) * k
        while q < n_slots and kc[q] < end:
            total += serves[kd, kc[q] - h * k]
            q += 1
    out_hh = np.empty(total, np.int64)
    out_org = np.empty(total, np.int64)
    out_cat = np.empty(total, np.int64)
    out_slot = np.empty(total, np.int64)
    t = 0
    for r in range(c):
        x = mine[r]
        h = mem_hh[x]
        o = mem_org[x]
        kd = kind[o]
        q = first[h]
        end = (h + 1) * k
        while q < n_slots and kc[q] < end:
            j = kc[q] - h * k
            if serves[kd, j]:
                out_hh[t] = h
                out_org[t] = o
                out_cat[t] = j
                out_slot[t] = q
                t += 1
            q += 1
    return out_hh, out_org, out_cat, out_slot, n_slots



@_jit
def first_in_slot(slot, u, n_slots):  # pragma: no cover - compiled
    """Per slot (in slot order) the request with the smallest ``u``; slots without none.

    As ``np.lexsort((u, case))`` and the first of each case (the lowest index among equal
    ``u``, NaN last) when the slots number the cases in case order, without a sort.
    """
    best = np.full(n_slots, -1, np.int64)
    for i in range(slot.size):
        q = slot[i]
        b = best[q]
        if b < 0 or u[i] < u[b] or (u[b] != u[b] and u[i] == u[i]):
            best[q] = i
    c = 0
    for q in range(n_slots):
        if best[q] >= 0:
            best[c] = best[q]
            c += 1
    return best[:c]


@_jit
def attended_rows(mem_active, mem_attended, mem_hh, mem_org, own_o, forum_o, rows,
                  n):  # pragma: no cover - compiled
    """Sums of ``own_o`` and ``forum_o`` over the attended memberships of ``rows`` only.

    ``own[r]`` is the sum of ``own_o`` over the active, attended memberships of household
    ``rows[r]``, added in membership order from 0.0, exactly as the full sums give it.
    """
    pos = np.full(n, -1, np.int32)
    for r in range(rows.size):
        pos[rows[r]] = r
    # First the memberships that count, kept without a branch (a branch on them would be
    # mispredicted often); then their sums, in membership order.
    sel = np.empty(mem_active.size, np.int64)
    c = 0
    for i in range(mem_active.size):
        sel[c] = i
        c += (pos[mem_hh[i]] >= 0) & mem_active[i] & mem_attended[i]
    own = np.zeros(rows.size, np.float64)
    forum = np.zeros(rows.size, np.float64)
    for q in range(c):
        i = sel[q]
        r = pos[mem_hh[i]]
        o = mem_org[i]
        own[r] += own_o[o]
        forum[r] += forum_o[o]
    return own, forum



_SIGN = np.uint64(0x8000000000000000)
_ALL = np.uint64(0xFFFFFFFFFFFFFFFF)


@_jit
def _stable_argsort(key):  # pragma: no cover - compiled
    """``np.argsort(key, kind="stable")`` of float64 keys: -0.0 equals 0.0, NaN last.

    A least-significant-digit radix sort (8 bits a pass) of the keys' bits, turned so that
    their unsigned order is the floats' order; it keeps equal keys in index order.
    """
    size = key.size
    bits = np.empty(size, np.uint64)
    top = np.empty(1, np.float64)
    top_bits = top.view(np.uint64)
    for i in range(size):
        k = key[i]
        if k != k:
            bits[i] = _ALL  # every NaN after every number, among themselves in index order
            continue
        top[0] = k + 0.0  # -0.0 + 0.0 is 0.0: both zeros are one key, as numpy compares
        b = top_bits[0]
        bits[i] = ~b if b & _SIGN else b | _SIGN
    order = np.arange(size)
    other = np.empty(size, np.int64)
    count = np.empty(257, np.int64)
    for shift in range(0, 64, 8):
        sh = np.uint64(shift)
        count[:] = 0
        for i in range(size):
            count[np.int64((bits[order[i]] >> sh) & np.uint64(255)) + 1] += 1
        if count.max() == size:  # one digit for all: the order stays
            continue
        for d in range(256):
            count[d + 1] += count[d]
        for i in range(size):
            x = order[i]
            d = np.int64((bits[x] >> sh) & np.uint64(255))
            other[count[d]] = x
            count[d] += 1
        order, other = other, order
    return order


@_jit
def _before(a, b):  # pragma: no cover - compiled
    """``a`` sorts strictly before ``b`` in numpy's order of floats (NaN last)."""
    return a < b or (b != b and a == a)


@_jit
def greedy_serve(holder, cost, score, money, hours, hours_each, max_passes):  # pragma: no cover
    """Each holder serves its requests by ``score``, skipping what it cannot afford.

    The service phase's numpy allocation in one compiled loop, with its numbers: requests in
    ``np.lexsort((-score, holder))`` order; in each of at most ``max_passes`` passes the
    requests a holder can still afford are taken while the pass's running ``np.cumsum`` of
    their costs (minus its value before the holder's first) and ``(rank + 1) * hours_each``
    fit the holder's money and hours at the start of the pass; the taken are paid for in
    order (``np.subtract.at``), the rest wait for the next pass. ``money`` and ``hours`` are
    spent in place; returns which requests were served.
    """
    size = holder.size
    done = np.zeros(size, np.bool_)
    if size == 0:
        return done
    neg = np.empty(size, np.float64)
    top = 0
    for i in range(size):
        neg[i] = -score[i]
        if holder[i] > top:
            top = holder[i]
    start = np.zeros(top + 2, np.int64)
    for i in range(size):
        start[holder[i] + 1] += 1
    for h in range(top + 1):
        start[h + 1] += start[h]
    pending = np.empty(size, np.int64)
    fill = start[:-1].copy()
    for i in range(size):  # by holder, in index order
        h = holder[i]
        pending[fill[h]] = i
        fill[h] += 1
    for h in range(top + 1):  # each holder's by -score, stable, NaN last (numpy's order)
        a, b = start[h], start[h + 1]
        if b - a <= 32:
            for r in range(a + 1, b):
                cur = pending[r]
                key = neg[cur]
                q = r - 1
                while q >= a and _before(key, neg[pending[q]]):
                    pending[q + 1] = pending[q]
                    q -= 1
                pending[q + 1] = cur
        else:
            group = pending[a:b].copy()
            order = _stable_argsort(neg[group])
            for r in range(b - a):
                pending[a + r] = group[order[r]]
    ok = np.empty(size, np.bool_)
    n_pend = size
    hours_min = hours_each - 1e-9
    for _ in range(max_passes):
        c = 0
        for r in range(n_pend):
            i = pending[r]
            h = holder[i]
            if cost[i] <= money[h] + 1e-6 and hours[h] >= hours_min:
                pending[c] = i
                c += 1
        n_pend = c
        if n_pend == 0:
            break
        spent_all = 0.0
        base = 0.0
        rank = 0
        prev = holder[pending[0]]
        for r in range(n_pend):
            i = pending[r]
            h = holder[i]
            ci = cost[i]
            spent_all += ci
            if r == 0 or h != prev:
                base = spent_all - ci
                rank = 0
                prev = h
            else:
                rank += 1
            spent = spent_all - base
            ok[r] = spent <= money[h] + 1e-6 and (rank + 1) * hours_each <= hours[h] + 1e-9
        c = 0
        for r in range(n_pend):
            i = pending[r]
            if ok[r]:
                done[i] = True
                money[holder[i]] -= cost[i]
                hours[holder[i]] -= hours_each
            else:
                pending[c] = i
                c += 1
        n_pend = c
    return done


@_jit
def deliver_cases(hh, cat, paid, quality, by, savings, aid_received, served, quality_of,
                  served_by, fresh):  # pragma: no cover - compiled
    """Mark the cases ``(hh, cat)`` served and hand ``paid`` to their households.

    As ``to_hh = np.bincount(hh, weights=paid, minlength=n)`` then ``savings += to_hh``,
    ``aid_received += to_hh`` and the fancy assignments of ``served``, ``quality_of`` (cast
    to its dtype) and ``served_by``, but touching only the households served. Adding the
    zeros of the other households changes nothing but a saving of -0.0 into 0.0; ``fresh``
    does that where it may still be needed (the month's first delivery), so the numbers
    stay numpy's to the bit.
    """
    n = savings.size
    if fresh:
        for i in range(n):
            if savings[i] == 0.0:
                savings[i] = 0.0
            if aid_received[i] == 0.0:
                aid_received[i] = 0.0
    ordered = True
    for r in range(1, hh.size):
        if hh[r] < hh[r - 1]:
            ordered = False
            break
    if ordered:  # runs of one household: each run's sum is bincount's (0.0, then in order)
        r = 0
        while r < hh.size:
            h = hh[r]
            acc = 0.0
            while r < hh.size and hh[r] == h:
                acc += paid[r]
                r += 1
            savings[h] += acc
            aid_received[h] += acc
    else:
        to_hh = np.zeros(n, np.float64)
        seen = np.zeros(n, np.bool_)
        for r in range(hh.size):
            to_hh[hh[r]] += paid[r]
            seen[hh[r]] = True
        for h in range(n):
            if seen[h]:
                savings[h] += to_hh[h]
                aid_received[h] += to_hh[h]
    for r in range(hh.size):
        i, j = hh[r], cat[r]
        served[i, j] = True
        quality_of[i, j] = quality[r]
        served_by[i, j] = by[r]


@_jit
def _unknown_in_cells(cells, identified, everything):  # pragma: no cover - compiled
    k = identified.shape[1]
    rows = np.empty(cells.size, np.int64)
    cell_row = np.empty(cells.size, np.int64)
    cell_cat = np.empty(cells.size, np.int64)
    c = 0
    r = -1
    last = -1
    for x in cells:
        i = x // k
        if identified[i, x - i * k] != everything:
            if i != last:
                r += 1
                rows[r] = i
                last = i
            cell_row[c] = r
            cell_cat[c] = x - i * k
            c += 1
    return rows[:r + 1], cell_row[:c], cell_cat[:c]


def unknown_cells(active, identified, everything):
    """Rows with an active case not known to every channel, and those cases' cells.

    Returns ``rows`` and, for each such cell in row-major order, its row's position in
    ``rows`` and its category; the other active cells of those rows cannot be found anew.
    """
    return _unknown_in_cells(active_cells(active), identified, everything)


@_jit
def identify_cells(rows, cell_row, cell_cat, identified, u, p_own, p_forum, p_register, own,
                   forum, register):  # pragma: no cover - compiled
    """Mark the cases :func:`unknown_cells` lists that each channel finds; count the new.

    ``u[c, r, k]`` is the uniform of channel ``c`` for row ``r`` and category ``k``; a case is
    found by its own organisations where ``u[0] < p_own[r]``, by the forum where
    ``u[1] < p_forum[r]``, on the register where ``u[2] < p_register``.
    """
    new_count = 0
    for c in range(cell_row.size):
        r = cell_row[c]
        j = cell_cat[c]
        i = rows[r]
        found = 0
        if u[0, r, j] < p_own[r]:
            found |= own
        if u[1, r, j] < p_forum[r]:
            found |= forum
        if u[2, r, j] < p_register:
            found |= register
        old = identified[i, j]
        new = found & ~old
        if new != 0:
            identified[i, j] = old | new
            new_count += 1
    return new_count


@_jit
def forum_miss(rows, own_forum, miss_rt, miss_rw, miss_kel, rt, rw, kel, income_rank,
               poor_factor):  # pragma: no cover - compiled
    """Per row, the log-chance the forum misses a case: its members' share plus outreach.

    ``own_forum + (miss_rt[rt] + miss_rw[rw] + miss_kel[kel]) * bias`` with ``bias`` the
    ``poor_factor`` where ``income_rank < 0.5``, else 1, in numpy's order of operations.
    """
    out = np.empty(rows.size, np.float64)
    for r in range(rows.size):
        i = rows[r]
        bias = poor_factor if income_rank[i] < 0.5 else 1.0
        out[r] = own_forum[r] + ((miss_rt[rt[i]] + miss_rw[rw[i]]) + miss_kel[kel[i]]) * bias
    return out


@_jit
def _reset_rows(served, quality, served_by, none_code, start, stop):  # pragma: no cover
    k = served.shape[1]
    for i in range(start, stop):
        for j in range(k):
            if served[i, j]:
                served[i, j] = False
                quality[i, j] = 0.0
                served_by[i, j] = none_code


def reset_served(served, quality, served_by, none_code):
    """Last month's service forgotten: ``served``, ``quality`` and ``served_by`` reset.

    Only served cells hold a quality or a server (service's delivery sets the three together,
    onset's recovery resets them together), so only they are written; the result is that of
    ``served[:] = False; quality[:] = 0; served_by[:] = none_code``. Two halves of the rows,
    two threads.
    """
    split_rows(_reset_rows, served.shape[0], served, quality, served_by, none_code)
