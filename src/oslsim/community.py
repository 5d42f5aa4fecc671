"""Build a kelurahan: RT/RW layout, households, their network, organisations and memberships.

Households are numbered RT by RT, so every RT, and every RW, is a contiguous block of rows.
All randomness comes from the run's generator; networkx generators get seeds drawn from it.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.special import ndtr, ndtri

from oslsim.founding import (
    area_bounds,
    assign_wksbm,
    beta_draw,
    covering_index,
    found_organisations,
    join_propensity,
)
from oslsim.netgen import gnp_edges, watts_strogatz_blocks
from oslsim.params import Params
from oslsim.pmks import CATEGORIES, category_vectors
from oslsim.state import (
    GOVERNMENT,
    NATURAL,
    State,
)

__all__ = ["build_community"]


def _network(rng: np.random.Generator, params: Params, n: int, n_rt: int
             ) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    c = params.community
    src: list[np.ndarray] = []
    dst: list[np.ndarray] = []
    ws_starts, ws_sizes, ws_seeds = [], [], []
    for r in range(n_rt):
        lo, hi = r * c.hh_per_rt, min(n, (r + 1) * c.hh_per_rt)
        size = hi - lo
        if size < 2:
            continue
        if size <= c.neighbour_degree:
            edges = np.array(nx.complete_graph(size).edges(), dtype=np.int64).reshape(-1, 2)
            src.append(edges[:, 0] + lo)
            dst.append(edges[:, 1] + lo)
        else:  # networkx's watts_strogatz_graph, drawn without building its Graph
            ws_starts.append(lo)
            ws_sizes.append(size)
            ws_seeds.append(int(rng.integers(2**31)))
    if ws_sizes:
        edges = watts_strogatz_blocks(np.array(ws_starts), np.array(ws_sizes),
                                      c.neighbour_degree, c.neighbour_rewire, ws_seeds)
        src.append(edges[:, 0])
        dst.append(edges[:, 1])
    same_rt = _symmetric(np.concatenate(src) if src else np.zeros(0, np.int64),
                         np.concatenate(dst) if dst else np.zeros(0, np.int64), n)
    kin_edges = gnp_edges(n, min(1.0, c.kin_degree / max(n - 1, 1)),  # fast_gnp_random_graph
                          seed=int(rng.integers(2**31)))
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
