"""Build a kelurahan: RT/RW layout, households, their network, organisations and memberships.

Households are numbered RT by RT, so every RT, and every RW, is a contiguous block of rows.
All randomness comes from the run's generator; networkx generators get seeds drawn from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.special import ndtr, ndtri

from oslsim.params import Params
from oslsim.pmks import CATEGORIES, KINDS, category_vectors
from oslsim.state import (
    GOVERNMENT,
    NATURAL,
    SCOPE_KELURAHAN,
    SCOPE_RT,
    SCOPE_RW,
    State,
)

__all__ = ["build_community", "assign_wksbm", "found_organisations", "area_bounds",
           "covering_index", "CoverIndex", "join_propensity", "beta_draw"]


def beta_draw(rng: np.random.Generator, mean: float, sd: float, size: int) -> np.ndarray:
    """Draw from a beta distribution with the given mean and sd (clipped to a valid sd)."""
    mean = float(np.clip(mean, 1e-3, 1 - 1e-3))
    var = min(sd * sd, mean * (1 - mean) * 0.95)
    if var <= 1e-9:
        return np.full(size, mean)
    common = mean * (1 - mean) / var - 1
    return rng.beta(mean * common, (1 - mean) * common, size)


def area_bounds(state: State, params: Params, scope: int, area: int) -> tuple[int, int]:
    """Return the [first, last) household rows of an RT, an RW or the whole kelurahan."""
    c = params.community
    if scope == SCOPE_RT:
        lo = area * c.hh_per_rt
        return lo, min(state.n, lo + c.hh_per_rt)
    if scope == SCOPE_RW:
        lo = area * c.rt_per_rw * c.hh_per_rt
        return lo, min(state.n, lo + c.rt_per_rw * c.hh_per_rt)
    return 0, state.n


def join_propensity(state: State, params: Params) -> np.ndarray:
    """Relative chance that each household joins an organisation.

    Poorer households join less (Beard 2005, 2007); with exclusive membership the poorer
    half is kept out (elite capture). The wealth gradient is normalised to mean one.
    """
    o = params.organisations
    w = np.exp(o.wealth_gradient * (state.income_rank - 0.5))
    w /= w.mean()
    return w * np.where(state.income_rank < 0.5, 1.0 - o.exclusivity, 1.0)


@dataclass(frozen=True)
class CoverIndex:
    """The living organisations that cover each RT, indexed by level.

    An RT is covered by its own RT-level groups, its RW's groups and the kelurahan-wide
    groups. ``pick`` draws one covering organisation uniformly for each household.
    """

    rt_offsets: np.ndarray
    rt_counts: np.ndarray
    rt_orgs: np.ndarray
    rw_offsets: np.ndarray
    rw_counts: np.ndarray
    rw_orgs: np.ndarray
    kel_orgs: np.ndarray

    def counts(self, rt: np.ndarray, rw: np.ndarray) -> np.ndarray:
        """Number of organisations covering households in (rt, rw)."""
        return self.rt_counts[rt] + self.rw_counts[rw] + self.kel_orgs.size

    def pick(self, rt: np.ndarray, rw: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Draw one covering organisation per household from uniforms ``u``; -1 if none."""
        c_rt, c_rw = self.rt_counts[rt], self.rw_counts[rw]
        total = c_rt + c_rw + self.kel_orgs.size
        x = np.minimum((u * total).astype(np.int64), np.maximum(total - 1, 0))
        out = np.full(rt.size, -1, np.int64)
        at = (x < c_rt) & (total > 0)
        out[at] = self.rt_orgs[self.rt_offsets[rt[at]] + x[at]]
        at = (x >= c_rt) & (x < c_rt + c_rw)
        out[at] = self.rw_orgs[self.rw_offsets[rw[at]] + x[at] - c_rt[at]]
        at = (x >= c_rt + c_rw) & (total > 0)
        out[at] = self.kel_orgs[x[at] - c_rt[at] - c_rw[at]]
        return out


def _grouped(keys: np.ndarray, rows: np.ndarray, size: int) -> tuple[np.ndarray, ...]:
    order = np.argsort(keys, kind="stable")
    counts = np.bincount(keys, minlength=size)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    return offsets, counts, rows[order]


def covering_index(state: State, mask: np.ndarray | None = None) -> CoverIndex:
    """Index the living organisations (optionally only those in ``mask``) by the RT they cover."""
    m = state.m
    alive = state.alive[:m] if mask is None else state.alive[:m] & mask[:m]
    rows = np.flatnonzero(alive)
    scope, area = state.scope[rows], state.area[rows].astype(np.int64)
    at_rt, at_rw = scope == SCOPE_RT, scope == SCOPE_RW
    return CoverIndex(*_grouped(area[at_rt], rows[at_rt], state.n_rt),
                      *_grouped(area[at_rw], rows[at_rw], state.n_rw),
                      rows[scope == SCOPE_KELURAHAN])


def _draw_kinds(rng: np.random.Generator, params: Params, count: int) -> np.ndarray:
    shares = np.array([params.kinds.kind(k).share for k in KINDS])
    if shares.sum() <= 0:
        shares = np.ones(len(KINDS))
    return rng.choice(len(KINDS), size=count, p=shares / shares.sum())


def _draw_scopes(rng: np.random.Generator, params: Params, kinds: np.ndarray) -> np.ndarray:
    w = np.array([[params.kinds.kind(k).scope_rt, params.kinds.kind(k).scope_rw,
                   params.kinds.kind(k).scope_kelurahan] for k in KINDS])
    w[w.sum(axis=1) == 0] = 1.0
    cum = np.cumsum(w / w.sum(axis=1, keepdims=True), axis=1)[kinds]
    u = rng.random(kinds.size)[:, None]
    return np.minimum((u > cum).sum(axis=1), 2).astype(np.int8)


def found_organisations(
    state: State,
    params: Params,
    rng: np.random.Generator,
    count: int,
    *,
    kind: int | np.ndarray | None = None,
    origin: int = NATURAL,
    scope: int | np.ndarray | None = None,
    area: int | np.ndarray | None = None,
    wksbm: bool = False,
    founders: int | None = None,
) -> np.ndarray:
    """Found ``count`` organisations and recruit their first members; return their rows.

    Founders are drawn from the households the organisation covers, weighted by their
    join propensity and solidarity. Unset kind, scope and area are drawn from the site's mix.
    """
    if count <= 0:
        return np.zeros(0, np.int64)
    o = params.organisations
    kinds = _draw_kinds(rng, params, count) if kind is None else np.broadcast_to(kind, count)
    kinds = np.asarray(kinds, np.int8)
    scopes = _draw_scopes(rng, params, kinds) if scope is None else np.broadcast_to(scope, count)
    scopes = np.asarray(scopes, np.int8)
    if area is None:
        areas = np.where(scopes == SCOPE_RT, rng.integers(0, state.n_rt, count),
                         np.where(scopes == SCOPE_RW, rng.integers(0, state.n_rw, count), 0))
    else:
        areas = np.broadcast_to(area, count)
    bonus = o.government_capacity_bonus if origin == GOVERNMENT else 0.0
    capacity = np.clip(beta_draw(rng, o.capacity_mean, o.capacity_sd, count) + bonus, 0, 1)
    dues = np.array([params.kinds.kind(KINDS[k]).dues for k in kinds]) * o.dues_scale
    rows = state.add_organisations(
        count, kind=kinds, origin=np.full(count, origin, np.int8), scope=scopes,
        area=np.asarray(areas, np.int32), dues=dues, treasury=np.zeros(count),
        capacity=capacity,
        accountability=beta_draw(rng, o.accountability_mean, o.accountability_sd, count),
        vitality=np.full(count, o.initial_vitality), alive=np.ones(count, bool),
        wksbm=np.full(count, wksbm, bool), founded=np.full(count, state.month, np.int32),
    )
    k = o.founding_members if founders is None else founders
    if k > 0:
        weight = join_propensity(state, params) * state.solidarity
        hh_list, org_list = [], []
        for row in rows:
            lo, hi = area_bounds(state, params, int(state.scope[row]), int(state.area[row]))
            w = weight[lo:hi]
            take = min(k, int(np.count_nonzero(w)))
            if take == 0:
                continue
            chosen = lo + rng.choice(hi - lo, size=take, replace=False, p=w / w.sum())
            hh_list.append(chosen)
            org_list.append(np.full(take, row))
        if hh_list:
            state.add_memberships(np.concatenate(hh_list), np.concatenate(org_list),
                                  tie=o.initial_tie)
    return rows


def _network(rng: np.random.Generator, params: Params, n: int, n_rt: int
             ) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    c = params.community
    src: list[np.ndarray] = []
    dst: list[np.ndarray] = []
    for r in range(n_rt):
        lo, hi = r * c.hh_per_rt, min(n, (r + 1) * c.hh_per_rt)
        size = hi - lo
        if size < 2:
            continue
        if size <= c.neighbour_degree:
            g = nx.complete_graph(size)
        else:
            g = nx.watts_strogatz_graph(size, c.neighbour_degree, c.neighbour_rewire,
                                        seed=int(rng.integers(2**31)))
        edges = np.array(g.edges(), dtype=np.int64).reshape(-1, 2) + lo
        src.append(edges[:, 0])
        dst.append(edges[:, 1])
    same_rt = _symmetric(np.concatenate(src) if src else np.zeros(0, np.int64),
                         np.concatenate(dst) if dst else np.zeros(0, np.int64), n)
    kin = nx.fast_gnp_random_graph(n, min(1.0, c.kin_degree / max(n - 1, 1)),
                                   seed=int(rng.integers(2**31)))
    kin_edges = np.array(kin.edges(), dtype=np.int64).reshape(-1, 2)
    kin_m = _symmetric(kin_edges[:, 0], kin_edges[:, 1], n)
    adjacency = (same_rt + kin_m).tocsr()
    adjacency.data[:] = 1.0
    return adjacency, same_rt


def _symmetric(a: np.ndarray, b: np.ndarray, n: int) -> sp.csr_matrix:
    m = sp.coo_matrix((np.ones(2 * a.size, np.float32), (np.r_[a, b], np.r_[b, a])),
                      shape=(n, n)).tocsr()
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def build_community(params: Params, rng: np.random.Generator) -> State:
    """Build a kelurahan of ``params.households`` households with its organisations."""
    c, e = params.community, params.economy
    n = params.households
    n_rt = math.ceil(n / c.hh_per_rt)
    n_rw = math.ceil(n_rt / c.rt_per_rw)
    rt = (np.arange(n) // c.hh_per_rt).astype(np.int32)
    rw = (rt // c.rt_per_rw).astype(np.int32)

    # Usual per-capita income: lognormal, with the poverty rate below the poverty line.
    z = rng.standard_normal(n)
    rank = ndtr(z)
    mu = math.log(e.poverty_line) - e.income_sigma * float(ndtri(e.poverty_rate))
    per_capita = np.exp(mu + e.income_sigma * z)
    poorish = (rank < e.poverty_rate).astype(float)
    lam = np.maximum(0.1, c.household_size_mean - 1 + c.poor_size_extra
                     * (poorish - e.poverty_rate))
    size = 1 + rng.poisson(lam)
    base_income = per_capita * size

    p_child = np.clip(c.children_share * size / c.household_size_mean, 0, 0.95)
    children = rng.random(n) < p_child
    school_age = children & (rng.random(n) < c.school_age_share)
    elderly = rng.random(n) < c.elderly_share
    disability = rng.random(n) < c.disability_share
    flags = {"any": np.ones(n, bool), "children": children, "school_age": school_age,
             "elderly": elderly, "disability": disability}
    eligible = np.column_stack([flags[cat.eligible] for cat in CATEGORIES])

    adjacency, same_rt = _network(rng, params, n, n_rt)
    state = State(
        rt=rt, rw=rw, size=size.astype(np.float64), eligible=eligible,
        base_income=base_income, income_rank=rank,
        solidarity=beta_draw(rng, c.solidarity_mean, c.solidarity_sd, n),
        savings=e.initial_savings_months * np.maximum(0.0, base_income - e.poverty_line * size),
        adjacency=adjacency, same_rt_tie=same_rt, n_rt=n_rt, n_rw=n_rw, rt_per_rw=c.rt_per_rw,
    )
    state.poor = base_income < e.poverty_line * size
    # Start the AR(1) income shock at its long-run spread, so income is mean-preserving at once.
    state.shock = e.shock_sigma * rng.standard_normal(n)

    _initial_organisations(state, params, rng)
    _initial_conditions(state, params, rng)
    return state


def _initial_conditions(state: State, params: Params, rng: np.random.Generator) -> None:
    """Start each PMKS category near its steady state, ``h / (h + r)`` per eligible household.

    ``h`` and ``r`` are the onset and unserved recovery rates of the onset phase at average
    support, so a run does not begin in an empty, unrealistic world.
    """
    v = category_vectors(params)
    poor = state.poor[:, None]
    personal = np.exp(params.pmks.solidarity_effect * (0.5 - state.solidarity))[:, None]
    h = np.minimum(1.0, v.onset * np.where(poor, v.poverty_ratio, 1.0) * personal)
    r = v.recovery * np.where(poor, 1.0, v.nonpoor_recovery_ratio)
    p = np.where(h + r > 0, h / np.maximum(h + r, 1e-12), 0.0)
    state.active = state.eligible & (rng.random(state.active.shape) < p)


def _initial_organisations(state: State, params: Params, rng: np.random.Generator) -> None:
    o = params.organisations
    n = state.n
    m0 = int(round(o.per_1000 * n / 1000))
    n_gov = int(round(o.government_share * m0))
    found_organisations(state, params, rng, m0 - n_gov, origin=NATURAL, founders=0)
    found_organisations(state, params, rng, n_gov, origin=GOVERNMENT, founders=0)

    # Memberships: a Poisson number per household, poorer households fewer (Beard 2005).
    prop = join_propensity(state, params)
    wanted = np.minimum(rng.poisson(o.memberships_mean * prop), o.max_memberships)
    index = covering_index(state)
    hh = np.repeat(np.arange(n), wanted)
    org = index.pick(state.rt[hh], state.rw[hh], rng.random(hh.size))
    state.add_memberships(hh[org >= 0], org[org >= 0], tie=o.initial_tie)

    # Every organisation starts with at least its minimum membership.
    hh_all, org_all = state.members()
    have = np.bincount(org_all, minlength=state.m)
    extra_hh, extra_org = [], []
    for row in np.flatnonzero(have[: state.m] < o.min_members):
        lo, hi = area_bounds(state, params, int(state.scope[row]), int(state.area[row]))
        w = prop[lo:hi] * state.solidarity[lo:hi]
        take = min(o.min_members, int(np.count_nonzero(w)))
        if take == 0:
            continue
        extra_hh.append(lo + rng.choice(hi - lo, size=take, replace=False, p=w / w.sum()))
        extra_org.append(np.full(take, row))
    if extra_hh:
        state.add_memberships(np.concatenate(extra_hh), np.concatenate(extra_org),
                              tie=o.initial_tie)

    _, org_all = state.members()
    state.n_members[: state.m] = np.bincount(org_all, minlength=state.m)[: state.m]
    state.treasury[: state.m] = (o.initial_treasury_months * state.dues[: state.m]
                                 * state.n_members[: state.m])
    assign_wksbm(state, params, rng)


def assign_wksbm(state: State, params: Params, rng: np.random.Generator) -> None:
    """Choose the WKSBM: coverage of RW first, then overlap inside the covered RW.

    Called when a community is built, and again after a warm start's burn-in
    (:func:`oslsim.warmup.warm_start`), on the organisations living then.

    ``wksbm_coverage`` of the RW, drawn at random, each get one WKSBM drawn at random among
    its RW-level organisations, not the strongest (an RW with none gets a new one, founded
    with the lurah as in the field). If ``wksbm_per_1000`` asks for more WKSBM than that,
    the extra ones are spread evenly over the covered RW, each drawn at random among the
    RW's other RW-level groups (so 2.5 per 1,000 on RW of 400 households is one per RW, 5 is
    two, 7.5 three).
    """
    o = params.organisations
    covered = rng.permutation(state.n_rw)[: int(round(o.wksbm_coverage * state.n_rw))]
    living = np.flatnonzero(state.alive[: state.m] & (state.scope[: state.m] == SCOPE_RW)
                            & ~state.wksbm[: state.m])
    by_rw = {int(rw): living[state.area[living] == rw] for rw in covered}
    bare = [rw for rw in covered if by_rw[rw].size == 0]
    for rw in covered:
        if by_rw[rw].size:
            state.wksbm[rng.choice(by_rw[rw])] = True
    if bare:
        rows = found_organisations(state, params, rng, len(bare), origin=GOVERNMENT,
                                   scope=SCOPE_RW, area=np.array(bare), wksbm=True)
        _, org_all = state.members()
        state.n_members[: state.m] = np.bincount(org_all, minlength=state.m)[: state.m]
        if state.month == 0:  # an initial condition; later, money is never made
            state.treasury[rows] = (o.initial_treasury_months * state.dues[rows]
                                    * state.n_members[rows])
    extra = int(round(o.wksbm_per_1000 * state.n / 1000)) - covered.size
    if extra <= 0 or covered.size == 0:
        return
    # Spread the extra WKSBM evenly over the covered RW (the remainder to RW drawn at
    # random), each drawn at random among that RW's other RW-level groups.
    share = np.full(covered.size, extra // covered.size)
    share[rng.permutation(covered.size)[: extra % covered.size]] += 1
    for rw, k in zip(covered, share, strict=True):
        others = by_rw[int(rw)][~state.wksbm[by_rw[int(rw)]]]
        if k > 0 and others.size:
            state.wksbm[rng.choice(others, size=min(int(k), others.size), replace=False)] = True
