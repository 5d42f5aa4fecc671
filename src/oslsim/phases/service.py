"""Phase 5, service: own organisations, the RT's kas sosial, the WKSBM forum, government."""

from __future__ import annotations

import numpy as np

from oslsim import kernels
from oslsim.params import Params
from oslsim.phases.government import referral_budget
from oslsim.pmks import CategoryVectors, category_vectors
from oslsim.state import (
    KNOWN_FORUM,
    KNOWN_OWN,
    KNOWN_REGISTER,
    SCOPE_KELURAHAN,
    SCOPE_RT,
    SCOPE_RW,
    SERVED_GOV,
    SERVED_NONE,
    SERVED_RT,
    State,
    nonzero2,
)

#: Passes of the skip-and-continue allocation; each serves at least one request per holder.
MAX_PASSES = 16
#: Every category allowed (a mask for :func:`oslsim.kernels.open_cases`).
_ALL_CATEGORIES = np.ones(64, bool)


def service(state: State, params: Params, rng: np.random.Generator) -> None:
    """Serve this month's known cases within each server's money and volunteer hours.

    1. Each case known to the household's own organisations goes to one of them whose kind
       can serve its category; each serves its requests in priority order (severity, times
       ``1 + poor_priority`` for the poor), skipping what it cannot afford, while its money
       (``service_budget_share`` of its treasury) and hours (``case_hours`` a case) last.
       A WKSBM refers what it cannot serve to the forum (with probability its forum effort).
    2. The RT's kas sosial helps the cases on the register in its RT that its row of the
       serve table lists, within its money and the ketua RT's hours.
    3. The WKSBM forum pools ``pool_share`` of its members' and covered RTs' spendable money
       and routes it to a member covering the household whose kind can serve the case
       (nearest level first), at a transaction cost ``pool_cost`` that leaves the community.
    4. Government serves cases on its register or reported by the forum from its referral
       budget, in an order that follows need as well as its targeting allows
       (``forum_targeting`` with the forum's case data, ``register_targeting`` without).

    Service money reaches the served household (cash or in kind): it moves, it is not made.
    """
    m = state.m
    v = category_vectors(params)
    kernels.reset_served(state.served, state.quality, state.served_by, SERVED_NONE)
    state.aid_received[:] = 0.0
    state.cases_served[:m] = 0
    state.gov_spent_referral = 0.0
    state.kel_referral = np.zeros(state.n_kel)
    state.referrals = 0
    o = params.organisations
    if not o.service_enabled:
        return
    alive = state.alive[:m]
    share = np.where(np.isnan(state.service_share[:m]), o.service_budget_share,
                     state.service_share[:m])  # NaN: the parameter; else the pengurus' choice
    money = np.where(alive, share * np.maximum(state.treasury[:m], 0.0), 0.0)
    hours = np.where(alive, state.hours[:m], 0.0)
    quality = o.serve_quality_floor + (1.0 - o.serve_quality_floor) * state.capacity[:m]

    deliver = _Deliveries(state)
    # The active cases, in row-major order: one scan of the case table for the whole phase.
    cells = kernels.active_cells(state.active)
    _own(state, params, v, rng, money, hours, quality, deliver, cells)
    # The cases on the register or known to the forum that are still open; the later steps
    # take theirs from these (cases only get served from here on, and nothing changes what
    # is known), in the same row-major order.
    known = np.int8(KNOWN_FORUM | KNOWN_REGISTER)
    cases = kernels.open_in_cells(cells, state.served, state.identified, known,
                                  _ALL_CATEGORIES[: state.active.shape[1]])
    rt_money = o.service_budget_share * np.maximum(state.rt_fund, 0.0)
    _kas_rt(state, params, v, rng, rt_money, deliver, cases)
    _forum(state, params, v, rng, money, hours, quality, rt_money, deliver, cases)
    _government(state, params, v, rng, deliver, cases)
    state.hours[:m] = hours


def priority(state: State, params: Params, v: CategoryVectors, hh: np.ndarray,
             cat: np.ndarray) -> np.ndarray:
    """Need of each case: severity, weighted up for poor households."""
    return v.severity[cat] * (1.0 + params.organisations.poor_priority * state.poor[hh])


def greedy(holder: np.ndarray, cost: np.ndarray, score: np.ndarray, money: np.ndarray,
           hours: np.ndarray, hours_each: float) -> np.ndarray:
    """Each holder serves its requests in order of ``score``, skipping what it cannot afford.

    ``money`` and ``hours`` are the holders' budgets (float64), spent in place; a request
    takes ``cost`` and ``hours_each``. Requests go in ``np.lexsort((-score, holder))`` order;
    up to :data:`MAX_PASSES` passes each take, per holder, the affordable requests whose
    running cost and hours fit, skipping the rest. Returns which requests were served. One
    compiled loop (:func:`oslsim.kernels.greedy_serve`), numpy's numbers to the bit.
    """
    return kernels.greedy_serve(holder, cost, score, money, hours, float(hours_each),
                                MAX_PASSES)


class _Deliveries:
    """Marks cases served and hands the service money to the households, for one month.

    One compiled pass per delivery (:func:`oslsim.kernels.deliver_cases`) touches only the
    households served; the month's first delivery also turns savings of -0.0 into 0.0, as
    adding numpy's ``bincount`` zeros to every household did, so the numbers are the same.
    """

    def __init__(self, state: State) -> None:
        self.state = state
        self.fresh = True

    def __call__(self, hh: np.ndarray, cat: np.ndarray, paid: np.ndarray,
                 quality: np.ndarray | np.floating, by: np.ndarray | int) -> None:
        """Serve ``(hh, cat)`` (household-sorted or not) at ``quality``, by server ``by``."""
        st = self.state
        size = hh.shape[0]
        # One set of argument types (one compiled version): float32 qualities pass through
        # float64 unchanged.
        quality = (np.full(size, quality, np.float64) if np.ndim(quality) == 0
                   else np.asarray(quality, np.float64))
        by = np.full(size, by, np.int64) if np.ndim(by) == 0 else np.asarray(by, np.int64)
        kernels.deliver_cases(hh.astype(np.int64, copy=False), cat.astype(np.int64, copy=False),
                              np.asarray(paid, np.float64), quality, by, st.savings,
                              st.aid_received, st.served, st.quality, st.served_by,
                              self.fresh)
        self.fresh = False


def _org_served(state: State, org: np.ndarray, paid: np.ndarray) -> None:
    m = state.m
    state.treasury[:m] -= np.bincount(org, weights=paid, minlength=m)
    count = np.bincount(org, minlength=m).astype(np.int32)
    state.cases_served[:m] += count
    state.services_total[:m] += count


def _own(state: State, params: Params, v: CategoryVectors, rng: np.random.Generator,
         money: np.ndarray, hours: np.ndarray, quality: np.ndarray,
         deliver: _Deliveries, cells: np.ndarray | None = None) -> None:
    e = state.e
    # Each (membership, case its organisation knows and can serve), in one compiled pass.
    if cells is None:
        cells = kernels.active_cells(state.active)
    hh, org, cat, slot, n_slots = kernels.own_request_slots(
        cells, state.mem_active[:e], state.mem_hh[:e], state.mem_org[:e], state.identified,
        np.int8(KNOWN_OWN), v.serves, state.kind)
    if hh.size == 0:
        return
    # One request per case, at random among its organisations: the smallest of one uniform
    # each, in case order, as ``np.lexsort((u, case))`` and the first of each case picked it.
    first = kernels.first_in_slot(slot, rng.random(hh.size), n_slots)
    req_hh, req_cat, req_org = hh[first], cat[first], org[first]
    cost = v.cost[req_cat]
    score = priority(state, params, v, req_hh, req_cat) + 1e-6 * rng.random(req_hh.size)
    done = greedy(req_org, cost, score, money, hours, params.time.case_hours)
    h, c, g = req_hh[done], req_cat[done], req_org[done]
    deliver(h, c, cost[done], quality[g] * v.fit[state.kind[g], c], g)
    _org_served(state, g, cost[done])
    refer = (~done & state.wksbm[req_org]
             & (rng.random(req_hh.size) < state.forum_effort[req_org]))
    state.identified[req_hh[refer], req_cat[refer]] |= KNOWN_FORUM


def _kas_rt(state: State, params: Params, v: CategoryVectors, rng: np.random.Generator,
            rt_money: np.ndarray, deliver: _Deliveries,
            cases: tuple[np.ndarray, np.ndarray] | None = None) -> None:
    hh, cat = _open(state, np.int8(KNOWN_REGISTER), v.rt_fit > 0, cases)
    if hh.size == 0:
        return
    rt = state.rt[hh].astype(np.int64)
    cost = v.cost[cat]
    score = priority(state, params, v, hh, cat) + 1e-6 * rng.random(hh.size)
    done = greedy(rt, cost, score, rt_money, state.rt_hours_left, params.time.case_hours)
    h, c = hh[done], cat[done]
    deliver(h, c, cost[done], params.funds.rt_service_quality * v.rt_fit[c], SERVED_RT)
    state.rt_fund -= np.bincount(rt[done], weights=cost[done], minlength=state.n_rt)
    state.volunteer_hours += float(done.sum()) * params.time.case_hours


def _open(state: State, known: np.int8, category_ok: np.ndarray,
          cases: tuple[np.ndarray, np.ndarray] | None) -> tuple[np.ndarray, np.ndarray]:
    """(household, category) of the open cases ``known`` to a channel, in row-major order.

    ``cases``, when given, holds every cell the answer can contain (in row-major order), so
    only those are looked at; else the whole case arrays are scanned.
    """
    if cases is None:
        return kernels.open_cases(state.active, state.served, state.identified, known,
                                  category_ok)
    return kernels.still_open(cases[0], cases[1], state.active, state.served, state.identified,
                              known, category_ok)


def _forum_cases(state: State, cases: tuple[np.ndarray, np.ndarray] | None = None,
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Return (household, category) of the forum's known cases nobody serves yet."""
    return _open(state, np.int8(KNOWN_FORUM), _ALL_CATEGORIES[: state.active.shape[1]], cases)


def _forum(state: State, params: Params, v: CategoryVectors, rng: np.random.Generator,
           money: np.ndarray, hours: np.ndarray, quality: np.ndarray,
           rt_money: np.ndarray, deliver: _Deliveries,
           cases: tuple[np.ndarray, np.ndarray] | None = None) -> None:
    f, o = params.funds, params.organisations
    m = state.m
    members = np.flatnonzero(state.alive[:m] & state.wksbm[:m] & (state.forum_effort[:m] > 0))
    case_hh, case_cat = _forum_cases(state, cases)
    state.referrals = int(case_hh.size)
    if members.size == 0 or case_hh.size == 0:
        return
    # Which RTs the forum covers: their kas joins the pool.
    covered = np.zeros(state.n_rt, bool)
    for level, key in ((SCOPE_RT, np.arange(state.n_rt)), (SCOPE_RW, state.rt_rw),
                       (SCOPE_KELURAHAN, state.rt_kel)):
        areas = state.area[members[state.scope[members] == level]]
        covered |= np.isin(key, areas)
    org_in = np.zeros(m)
    org_in[members] = f.pool_share * money[members] * state.forum_effort[members]
    rt_in = np.where(covered, f.pool_share * rt_money, 0.0)
    # One pool per kelurahan: its forum's members and the RTs they cover.
    if state.n_kel == 1:
        pool = np.array([float(org_in.sum() + rt_in.sum())])
    else:
        pool = (np.bincount(state.org_kelurahan(), weights=org_in, minlength=state.n_kel)
                + np.bincount(state.rt_kel, weights=rt_in, minlength=state.n_kel))
    if pool.max() <= 0:
        return

    server = _forum_servers(state, v, rng, members, case_hh, case_cat, hours)
    has = server >= 0
    hh, cat, srv = case_hh[has], case_cat[has], server[has]
    if hh.size == 0:
        return
    cost = v.cost[cat] * (1.0 + f.pool_cost)
    bias = np.where(state.income_rank[hh] < 0.5, 1.0 - o.exclusivity * o.elite_reach_bias, 1.0)
    score = priority(state, params, v, hh, cat) * bias + 1e-6 * rng.random(hh.size)
    # Hours are the servers'; money is the forum's one pool.
    by_hours = greedy(srv, np.zeros(hh.size), score, np.zeros(m), hours.copy(),
                      params.time.case_hours)
    pool_left = pool.copy()
    done = by_hours.copy()
    kel = state.kel[hh[by_hours]].astype(np.int64)
    done[by_hours] = greedy(kel, cost[by_hours], score[by_hours], pool_left,
                            np.full(state.n_kel, np.inf), 0.0)
    h, c, g = hh[done], cat[done], srv[done]
    np.subtract.at(hours, g, params.time.case_hours)
    paid = v.cost[c]
    deliver(h, c, paid, quality[g] * v.fit[state.kind[g], c], g)
    count = np.bincount(g, minlength=m).astype(np.int32)
    state.cases_served[:m] += count
    state.services_total[:m] += count
    spent = float(cost[done].sum())
    if state.n_kel == 1:
        share: float | np.ndarray = spent / pool[0]
        org_share, rt_share = share, share
    else:
        by_kel = np.bincount(state.kel[h], weights=cost[done], minlength=state.n_kel)
        share = np.where(pool > 0, by_kel / np.maximum(pool, 1e-300), 0.0)
        org_share, rt_share = share[state.org_kelurahan()], share[state.rt_kel]
    state.treasury[:m] -= org_in * org_share
    money -= org_in * org_share
    state.rt_fund -= rt_in * rt_share
    rt_money -= rt_in * rt_share
    state.ledger.forum_costs += spent - float(paid.sum())
    state.funds_pooled += spent


def _forum_servers(state: State, v: CategoryVectors, rng: np.random.Generator,
                   members: np.ndarray, hh: np.ndarray, cat: np.ndarray,
                   hours: np.ndarray) -> np.ndarray:
    """For each forum case, a WKSBM member covering the household that can serve it; -1 if none.

    The nearest level first (RT, then RW, then kelurahan); at random among equals.
    """
    server = np.full(hh.size, -1, np.int64)
    able = members[hours[members] > 0]
    for level, home in ((SCOPE_RT, state.rt), (SCOPE_RW, state.rw),
                        (SCOPE_KELURAHAN, state.kel)):
        rows = able[state.scope[able] == level]
        todo = np.flatnonzero(server < 0)
        if rows.size == 0 or todo.size == 0:
            continue
        r_i, r_cat = nonzero2(v.serves[state.kind[rows]])
        key_org = state.area[rows[r_i]].astype(np.int64) * v.cost.size + r_cat
        order = np.argsort(key_org, kind="stable")
        key_org, owner = key_org[order], rows[r_i][order]
        key_case = home[hh[todo]].astype(np.int64) * v.cost.size + cat[todo]
        lo = np.searchsorted(key_org, key_case, "left")
        count = np.searchsorted(key_org, key_case, "right") - lo
        ok = count > 0
        pick = lo[ok] + (rng.random(int(ok.sum())) * count[ok]).astype(np.int64)
        server[todo[ok]] = owner[pick]
    return server


def _government(state: State, params: Params, v: CategoryVectors,
                rng: np.random.Generator, deliver: _Deliveries,
                cases: tuple[np.ndarray, np.ndarray] | None = None) -> None:
    g = params.government
    budget = referral_budget(state, params)
    if np.max(budget) <= 0:
        return
    hh, cat = _open(state, np.int8(KNOWN_FORUM | KNOWN_REGISTER),
                    _ALL_CATEGORIES[: state.active.shape[1]], cases)
    if hh.size == 0:
        return
    need = priority(state, params, v, hh, cat)
    targeting = np.where((state.identified[hh, cat] & KNOWN_FORUM) > 0, g.forum_targeting,
                         g.register_targeting)
    score = targeting * need / need.max() + (1.0 - targeting) * rng.random(hh.size)
    cost = v.cost[cat] * g.referral_cost_ratio
    # A region's Dinas Sosial serves each kelurahan from that kelurahan's referral budget.
    holder = np.zeros(hh.size, np.int64) if state.n_kel == 1 else state.kel[hh].astype(np.int64)
    done = greedy(holder, cost, score, np.array(budget, np.float64).reshape(-1),
                  np.full(state.n_kel, np.inf), 0.0)
    h, c = hh[done], cat[done]
    deliver(h, c, cost[done], np.float32(g.service_quality), SERVED_GOV)
    total = float(cost[done].sum())
    state.gov_spent_referral = total
    state.kel_referral = np.bincount(state.kel[h], weights=cost[done], minlength=state.n_kel)
    state.ledger.gov_aid += total
