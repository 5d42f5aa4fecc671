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
def over_hours(hh, attended, most, n):  # pragma: no cover - compiled
    """The attended memberships of households attending more than ``most`` meetings.

    Returns those rows (ascending, as ``np.flatnonzero``) and whether any household's count
    is above its ``most`` (the counts are whole numbers, as ``np.bincount`` gives them).
    """
    count = np.zeros(n, np.int64)
    for i in range(hh.size):
        if attended[i]:
            count[hh[i]] += 1
    over = np.zeros(n, np.bool_)
    any_over = False
    for h in range(n):
        if count[h] > most[h]:
            over[h] = True
            any_over = True
    rows = np.empty(hh.size, np.int64)
    k = 0
    if any_over:
        for i in range(hh.size):
            if attended[i] and over[hh[i]]:
                rows[k] = i
                k += 1
    return rows[:k], any_over


@_jit
def _np_max(a, b):  # pragma: no cover - compiled
    # np.maximum's rule: NaN if either is NaN
    if a != a:
        return a
    if b != b:
        return b
    return a if a >= b else b


@_jit
def _np_min(a, b):  # pragma: no cover - compiled
    if a != a:
        return a
    if b != b:
        return b
    return a if a <= b else b


@_jit
def give_step(solidarity, income, size, savings, per_household, rt, n_rt, poverty_line,
              giving_share, rt_weight):  # pragma: no cover - compiled
    """Each household's giving (meetings' ``give``), taken from ``savings`` in place.

    Per household, as the numpy code did: budget ``giving_share * solidarity * max(0, income
    - poverty_line * size)`` at most its savings, split over ``rt_weight + per_household``
    askers. Returns the gift per weight, the total given per household and the sums per RT
    (in household order, as ``np.bincount``).
    """
    n = solidarity.size
    per_weight = np.empty(n, np.float64)
    given = np.empty(n, np.float64)
    rt_sum = np.zeros(n_rt, np.float64)
    for i in range(n):
        need = poverty_line * size[i]
        budget = giving_share * solidarity[i] * _np_max(income[i] - need, 0.0)
        budget = _np_min(budget, _np_max(savings[i], 0.0))
        askers = rt_weight + per_household[i]
        pw = budget / _np_max(askers, 1e-12) if askers > 0 else 0.0
        g = pw * askers
        savings[i] -= g
        per_weight[i] = pw
        given[i] = g
        rt_sum[rt[i]] += pw * rt_weight
    return per_weight, given, rt_sum


@_jit
def org_sum(org, hh, per_household, m):  # pragma: no cover - compiled
    """``numpy.bincount(org, weights=per_household[hh], minlength=m)``."""
    out = np.zeros(m)
    for i in range(org.size):
        out[org[i]] += per_household[hh[i]]
    return out


@_jit
def unknown_rows(active, identified, everything):  # pragma: no cover - compiled
    """Rows with an active case not yet known to every channel (``identified != everything``)."""
    n, k = active.shape
    hit = np.zeros(n, np.bool_)
    for i in range(n):
        for j in range(k):
            if active[i, j] and identified[i, j] != everything:
                hit[i] = True
                break
    return np.flatnonzero(hit)


@_jit
def attended_sums(mem_active, mem_attended, mem_hh, mem_org, own_o, forum_o,
                  n):  # pragma: no cover - compiled
    """Per household, the sums of ``own_o`` and ``forum_o`` over its attended memberships.

    Taken over the active, attended memberships in row order, as
    ``np.bincount(hh, weights=own_o[org], minlength=n)`` sums them.
    """
    own = np.zeros(n, np.float64)
    forum = np.zeros(n, np.float64)
    for i in range(mem_active.size):
        if mem_active[i] and mem_attended[i]:
            h = mem_hh[i]
            o = mem_org[i]
            own[h] += own_o[o]
            forum[h] += forum_o[o]
    return own, forum


@_jit
def identify_step(rows, active, identified, u, p_own, p_forum, p_register, own, forum,
                  register):  # pragma: no cover - compiled
    """Mark the active cases of ``rows`` found this month by each channel; count the new.

    ``u[c, r, k]`` is the uniform of channel ``c`` for row ``r`` and category ``k``; a case is
    found by its own organisations where ``u[0] < p_own[r]``, by the forum where
    ``u[1] < p_forum[r]``, on the register where ``u[2] < p_register``.
    """
    k = active.shape[1]
    new_count = 0
    for r in range(rows.size):
        i = rows[r]
        for j in range(k):
            if not active[i, j]:
                continue
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


# --------------------------------------------------------------------------- networks
#
# Python's random.Random is a Mersenne Twister seeded by init_by_array of the seed's 32-bit
# words; random() is two words (a >> 5, b >> 6) put together into 53 bits, and
# choice(range(n)) draws getrandbits(n.bit_length()) (one word, shifted) until it is below n.
# The same generator here lets networkx's Watts-Strogatz rewiring loop run compiled, drawing
# exactly the numbers networkx draws (``tests/test_netgen.py`` compares the edges).

_MASK = 0xFFFFFFFF


@_jit
def _mt_seed(mt, seed):  # pragma: no cover - compiled
    """Seed ``mt`` (624 words, uint64) as ``random.Random(seed)`` does, for 0 <= seed < 2**64."""
    n = 624
    mt[0] = 19650218
    for i in range(1, n):
        mt[i] = (1812433253 * (mt[i - 1] ^ (mt[i - 1] >> 30)) + i) & _MASK
    key = np.zeros(2, np.uint64)
    key[0] = seed & _MASK
    key[1] = seed >> 32
    length = 2 if key[1] != 0 else 1
    i, j = 1, 0
    for _ in range(max(n, length)):
        mt[i] = ((mt[i] ^ (((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525) & _MASK)) + key[j]
                 + j) & _MASK
        i += 1
        j += 1
        if i >= n:
            mt[0] = mt[n - 1]
            i = 1
        if j >= length:
            j = 0
    for _ in range(n - 1):
        mt[i] = ((mt[i] ^ (((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941) & _MASK)) - i) & _MASK
        i += 1
        if i >= n:
            mt[0] = mt[n - 1]
            i = 1
    mt[0] = 0x80000000


@_jit
def _mt_word(mt, pos):  # pragma: no cover - compiled
    """The next 32-bit word; ``pos[0]`` is the index into the state (624: twist first)."""
    n, m = 624, 397
    if pos[0] >= n:
        for k in range(n):
            y = (mt[k] & 0x80000000) | (mt[(k + 1) % n] & 0x7FFFFFFF)
            mt[k] = mt[(k + m) % n] ^ (y >> 1) ^ (0x9908B0DF if y & 1 else 0)
        pos[0] = 0
    y = mt[pos[0]]
    pos[0] += 1
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C5680
    y ^= (y << 15) & 0xEFC60000
    y ^= y >> 18
    return y & _MASK


@_jit
def mt_words(seed, count):  # pragma: no cover - compiled
    """The first ``count`` 32-bit words of ``random.Random(seed)`` (for tests)."""
    mt = np.zeros(624, np.uint64)
    pos = np.full(1, 624, np.int64)
    _mt_seed(mt, np.uint64(seed))
    out = np.zeros(count, np.uint64)
    for i in range(count):
        out[i] = _mt_word(mt, pos)
    return out


@_jit
def _mt_random(mt, pos):  # pragma: no cover - compiled
    a = _mt_word(mt, pos) >> 5
    b = _mt_word(mt, pos) >> 6
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0)


@_jit
def _mt_below(mt, pos, n):  # pragma: no cover - compiled
    """``random.Random._randbelow(n)`` for 1 <= n < 2**32."""
    k = 0
    x = n
    while x > 0:
        k += 1
        x >>= 1
    r = _mt_word(mt, pos) >> (32 - k)
    while r >= n:
        r = _mt_word(mt, pos) >> (32 - k)
    return r


@_jit
def rewire_blocks(sizes, offsets, seeds, half, p, total, largest):  # pragma: no cover
    """Rewire each block's ring as networkx's Watts-Strogatz generator does, compiled.

    Block ``b`` is a ring of ``sizes[b]`` nodes (each larger than ``2 * half``), its ring
    edges ``{u, u + j}`` stored at ``(j - 1) * total + offsets[b] + u`` of the returned
    ``keep``; rewired edges are returned as pairs of block-local nodes with their block.
    """
    keep = np.ones(half * total, np.bool_)
    pairs_u = np.zeros(half * total, np.int64)
    pairs_w = np.zeros(half * total, np.int64)
    pairs_b = np.zeros(half * total, np.int64)
    count = 0
    adj = np.zeros((largest, largest), np.bool_)
    change = np.zeros(largest, np.int64)
    mt = np.zeros(624, np.uint64)
    pos = np.zeros(1, np.int64)
    for b in range(sizes.size):
        n = sizes[b]
        for u in range(n):
            change[u] = 0
            for w in range(n):
                adj[u, w] = False
        for u in range(n):
            for d in range(1, half + 1):
                v = (u + d) % n
                adj[u, v] = True
                adj[v, u] = True
        _mt_seed(mt, np.uint64(seeds[b]))
        pos[0] = 624
        for j in range(1, half + 1):
            for u in range(n):
                if _mt_random(mt, pos) < p:
                    w = _mt_below(mt, pos, n)
                    broke = False
                    while w == u or adj[u, w]:
                        w = _mt_below(mt, pos, n)
                        if 2 * half + change[u] >= n - 1:
                            broke = True
                            break
                    if not broke:
                        v = (u + j) % n
                        keep[(j - 1) * total + offsets[b] + u] = False
                        adj[u, v] = False
                        adj[v, u] = False
                        adj[u, w] = True
                        adj[w, u] = True
                        change[v] -= 1
                        change[w] += 1
                        pairs_u[count] = u
                        pairs_w[count] = w
                        pairs_b[count] = b
                        count += 1
    return keep, pairs_u[:count], pairs_w[:count], pairs_b[:count]


@_jit
def row_any_open(active, served):  # pragma: no cover - compiled
    """``(active & ~served).any(axis=1)``: households with a case nobody serves."""
    n, k = active.shape
    out = np.zeros(n, np.bool_)
    for i in range(n):
        for j in range(k):
            if active[i, j] and not served[i, j]:
                out[i] = True
                break
    return out


@_jit
def open_cases(active, served, identified, known, category_ok):  # pragma: no cover - compiled
    """(household, category) of the active, unserved cases whose ``identified & known`` is set.

    Only categories with ``category_ok``; in row-major order, as ``numpy.nonzero`` gives.
    """
    n, k = active.shape
    total = 0
    for i in range(n):
        for j in range(k):
            if (active[i, j] and not served[i, j] and (identified[i, j] & known) != 0
                    and category_ok[j]):
                total += 1
    hh = np.empty(total, np.int64)
    cat = np.empty(total, np.int64)
    c = 0
    for i in range(n):
        for j in range(k):
            if (active[i, j] and not served[i, j] and (identified[i, j] & known) != 0
                    and category_ok[j]):
                hh[c] = i
                cat[c] = j
                c += 1
    return hh, cat


@_jit
def still_open(hh, cat, active, served, identified, known, category_ok):  # pragma: no cover
    """The cells ``(hh, cat)`` that :func:`open_cases` would select now, in their order."""
    keep = np.zeros(hh.size, np.bool_)
    for r in range(hh.size):
        i, j = hh[r], cat[r]
        keep[r] = (active[i, j] and not served[i, j] and (identified[i, j] & known) != 0
                   and category_ok[j])
    return hh[keep], cat[keep]


@_jit
def own_requests(mem_active, mem_hh, mem_org, active, identified, known, serves,
                 kind):  # pragma: no cover - compiled
    """The service requests: (household, organisation, category) of each case a member has.

    One per active membership and each case of its household that the household's
    organisations know (``identified & known``) and the organisation's kind can serve; in
    membership order, then category order, as the service phase's numpy selection gave.
    """
    n, k = active.shape
    e = mem_active.size
    has = np.zeros(n, np.bool_)
    for i in range(n):
        for j in range(k):
            if active[i, j] and (identified[i, j] & known) != 0:
                has[i] = True
                break
    total = 0
    for x in range(e):
        if mem_active[x] and has[mem_hh[x]]:
            h, kd = mem_hh[x], kind[mem_org[x]]
            for j in range(k):
                if serves[kd, j] and active[h, j] and (identified[h, j] & known) != 0:
                    total += 1
    out_hh = np.empty(total, np.int64)
    out_org = np.empty(total, np.int64)
    out_cat = np.empty(total, np.int64)
    c = 0
    for x in range(e):
        if mem_active[x] and has[mem_hh[x]]:
            h, o = mem_hh[x], mem_org[x]
            kd = kind[o]
            for j in range(k):
                if serves[kd, j] and active[h, j] and (identified[h, j] & known) != 0:
                    out_hh[c] = h
                    out_org[c] = o
                    out_cat[c] = j
                    c += 1
    return out_hh, out_org, out_cat


@_jit
def count_active(mem_active, index, size):  # pragma: no cover - compiled
    """``numpy.bincount(index[mem_active], minlength=size)``: active memberships per row."""
    out = np.zeros(size, np.int64)
    for x in range(mem_active.size):
        if mem_active[x]:
            out[index[x]] += 1
    return out


@_jit
def drift_away(mem_active, mem_org, vitality, u, rate):  # pragma: no cover - compiled
    """End the ``r``-th active membership where ``u[r] < rate * (1 - vitality)``."""
    r = 0
    for x in range(mem_active.size):
        if mem_active[x]:
            if u[r] < rate * (1.0 - vitality[mem_org[x]]):
                mem_active[x] = False
            r += 1


@_jit
def dissolve_members(mem_active, mem_hh, mem_org, ends, per_org, n):  # pragma: no cover
    """End the memberships of dissolved organisations; return each household's share.

    The shares are summed in membership order, as ``numpy.bincount`` sums them.
    """
    out = np.zeros(n)
    for x in range(mem_active.size):
        if mem_active[x] and ends[mem_org[x]]:
            out[mem_hh[x]] += per_org[mem_org[x]]
    for x in range(mem_active.size):
        if mem_active[x] and ends[mem_org[x]]:
            mem_active[x] = False
    return out


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


@_jit
def aid_offers(savings, size, reserve, u, help_probability, solidarity, needy_neighbours,
               help_share):  # pragma: no cover - compiled
    """Mutual aid's gifts: what each willing household gives and the share per needy link.

    As the numpy code: surplus ``max(0, savings - reserve * size)``, willing where
    ``u < help_probability * solidarity``, giving ``help_share * surplus`` where it has a
    needy neighbour, split over ``max(needy_neighbours, 1)``.
    """
    n = savings.size
    give = np.empty(n, np.float64)
    per_link = np.empty(n, np.float64)
    for i in range(n):
        surplus = _np_max(0.0, savings[i] - reserve * size[i])
        willing = u[i] < help_probability * solidarity[i]
        g = help_share * surplus if willing and needy_neighbours[i] > 0 else 0.0
        give[i] = g
        per_link[i] = g / _np_max(needy_neighbours[i], 1.0)
    return give, per_link


@_jit
def aid_receive(need, incoming, give, savings, solidarity, gain):  # pragma: no cover - compiled
    """What the needy receive; savings move by ``received - give``; help raises solidarity."""
    n = need.size
    received = np.empty(n, np.float64)
    for i in range(n):
        r = incoming[i] if need[i] else 0.0
        received[i] = r
        savings[i] += r - give[i]
        if r > 0:
            solidarity[i] += gain * (1 - solidarity[i])
    return received


@_jit
def masked_sum(values, mask):  # pragma: no cover - compiled
    """The sum of ``values`` where ``mask``, in row order (exact for whole numbers)."""
    total = 0.0
    for i in range(values.size):
        if mask[i]:
            total += values[i]
    return total
