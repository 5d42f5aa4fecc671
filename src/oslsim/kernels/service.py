"""Kernels of identification and service: which cases are known, open and asked for."""

from __future__ import annotations

import numpy as np

from oslsim.kernels.basic import _jit


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
