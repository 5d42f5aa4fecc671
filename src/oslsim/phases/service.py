"""Phase 5, service: organisations serve the cases they know, then the forum, then government."""

from __future__ import annotations

import numpy as np

from oslsim.params import Params
from oslsim.pmks import CategoryVectors, category_vectors
from oslsim.state import (
    KNOWN_FORUM,
    KNOWN_OWN,
    SCOPE_KELURAHAN,
    SCOPE_RT,
    SCOPE_RW,
    SERVED_GOV,
    SERVED_NONE,
    State,
    nonzero2,
    row_any,
)


def service(state: State, params: Params, rng: np.random.Generator) -> None:
    """Serve this month's known cases within each server's money and volunteer time.

    1. Each known case goes to one of the household's own organisations able to serve its
       category; each organisation serves its requests in priority order (severity, doubled
       for the poor) while money (``service_budget_share`` of its treasury) and volunteer
       time (``cases_per_attendee`` per attendee) last. A WKSBM organisation refers what it
       cannot serve to the forum.
    2. Forum cases go to a WKSBM organisation serving the household's RT, then its RW, then
       the whole kelurahan, with what those have left.
    3. What the forum could not serve is referred to government, which serves it from its
       referral budget.

    Service money reaches the served household (cash or in kind): it moves, it is not made.
    """
    m = state.m
    v = category_vectors(params)
    state.served[:] = False
    state.quality[:] = 0.0
    state.served_by[:] = SERVED_NONE
    state.aid_received[:] = 0.0
    state.cases_served[:m] = 0
    state.gov_spent_referral = 0.0
    state.referrals = 0
    o = params.organisations
    if not o.service_enabled:
        return
    alive = state.alive[:m]
    money = np.where(alive, o.service_budget_share * np.maximum(state.treasury[:m], 0.0), 0.0)
    time = np.where(alive, o.cases_per_attendee * state.attendance[:m], 0.0)
    quality = (o.serve_quality_floor + (1.0 - o.serve_quality_floor) * state.capacity[:m])

    # 1. The household's own organisations.
    idx = np.flatnonzero(state.mem_active[: state.e])
    hh, org = state.mem_hh[idx], state.mem_org[idx]
    known = state.active & (state.identified >= KNOWN_OWN)
    with_case = np.flatnonzero(row_any(known)[hh])
    hh, org = hh[with_case], org[with_case]
    edge, cat = nonzero2(v.serves[state.kind[org]] & known[hh])
    if edge.size:
        case = hh[edge].astype(np.int64) * v.cost.size + cat
        order = np.lexsort((rng.random(edge.size), case))
        first = order[np.r_[True, case[order][1:] != case[order][:-1]]]
        req_hh, req_cat, req_org = hh[edge[first]], cat[first], org[edge[first]]
        done = _allocate(state, v, rng, req_hh, req_cat, req_org, money, time, quality)
        refer = ~done & state.wksbm[req_org]
        state.identified[req_hh[refer], req_cat[refer]] = KNOWN_FORUM

    # 2. The WKSBM forum, from the nearest level up.
    for level, home in ((SCOPE_RT, state.rt), (SCOPE_RW, state.rw),
                        (SCOPE_KELURAHAN, np.zeros(state.n, np.int32))):
        pend_hh, pend_cat = _forum_cases(state)
        rows = np.flatnonzero(alive & state.wksbm[:m] & (state.scope[:m] == level))
        if pend_hh.size == 0 or rows.size == 0:
            continue
        r_i, r_cat = nonzero2(v.serves[state.kind[rows]])
        key_org = state.area[rows[r_i]].astype(np.int64) * v.cost.size + r_cat
        order = np.argsort(key_org, kind="stable")
        key_org, owner = key_org[order], rows[r_i][order]
        key_case = home[pend_hh].astype(np.int64) * v.cost.size + pend_cat
        lo = np.searchsorted(key_org, key_case, "left")
        count = np.searchsorted(key_org, key_case, "right") - lo
        has = count > 0
        pick = lo[has] + (rng.random(int(has.sum())) * count[has]).astype(np.int64)
        _allocate(state, v, rng, pend_hh[has], pend_cat[has], owner[pick], money, time, quality)

    # 3. Government, for referred cases still unserved.
    pend_hh, pend_cat = _forum_cases(state)
    state.referrals = int(pend_hh.size)
    if pend_hh.size and state.gov_active and state.referral_budget > 0:
        cost = v.cost[pend_cat] * params.government.referral_cost_ratio
        priority = v.severity[pend_cat] * (1.0 + state.poor[pend_hh])
        order = np.lexsort((rng.random(pend_hh.size), -priority))
        ok = order[np.cumsum(cost[order]) <= state.referral_budget]
        h, c = pend_hh[ok], pend_cat[ok]
        state.served[h, c] = True
        state.quality[h, c] = params.government.service_quality
        state.served_by[h, c] = SERVED_GOV
        spent = np.bincount(h, weights=cost[ok], minlength=state.n)
        state.savings += spent
        state.aid_received += spent
        total = float(cost[ok].sum())
        state.gov_spent_referral = total
        state.ledger.gov_aid += total


def _forum_cases(state: State) -> tuple[np.ndarray, np.ndarray]:
    """Return (household, category) of the forum's known cases nobody serves yet."""
    rows = np.flatnonzero(row_any(state.active))
    pending = (state.active[rows] & (state.identified[rows] == KNOWN_FORUM)
               & ~state.served[rows])
    hh, cat = nonzero2(pending)
    return rows[hh], cat


def _allocate(state: State, v: CategoryVectors, rng: np.random.Generator, hh: np.ndarray,
              cat: np.ndarray, org: np.ndarray, money: np.ndarray, time: np.ndarray,
              quality: np.ndarray) -> np.ndarray:
    """Serve requests (hh, cat) addressed to ``org`` in priority order within its budgets.

    ``money`` and ``time`` are the organisations' remaining budgets; they are spent in place.
    Returns which requests were served.
    """
    if hh.size == 0:
        return np.zeros(0, bool)
    cost = v.cost[cat]
    priority = v.severity[cat] * (1.0 + state.poor[hh]) + 1e-6 * rng.random(hh.size)
    order = np.lexsort((-priority, org))
    org_s, cost_s = org[order], cost[order]
    starts = np.flatnonzero(np.r_[True, org_s[1:] != org_s[:-1]])
    group = np.repeat(np.arange(starts.size), np.diff(np.r_[starts, org_s.size]))
    rank = np.arange(org_s.size) - starts[group]
    spent = np.cumsum(cost_s)
    spent -= (spent - cost_s)[starts][group]
    ok = (rank < time[org_s]) & (spent <= money[org_s])
    done = np.zeros(hh.size, bool)
    done[order] = ok
    h, c, o, paid = hh[done], cat[done], org[done], cost[done]
    by_org = np.bincount(o, weights=paid, minlength=money.size)
    money -= by_org
    time -= np.bincount(o, minlength=time.size)
    state.treasury[: money.size] -= by_org
    to_hh = np.bincount(h, weights=paid, minlength=state.n)
    state.savings += to_hh
    state.aid_received += to_hh
    state.served[h, c] = True
    state.quality[h, c] = quality[o]
    state.served_by[h, c] = o
    served_count = np.bincount(o, minlength=money.size).astype(np.int32)
    state.cases_served[: money.size] += served_count
    state.services_total[: money.size] += served_count
    return done
