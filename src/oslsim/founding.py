"""Run-time pieces of organisation life: who covers an RT, who joins, founding a group.

The community builder (:mod:`oslsim.community`) uses them once, at month 0; the phases use
them every month (joining, emergence, government founding) and a warm start uses
:func:`assign_wksbm` after its burn-in. They work on the :class:`~oslsim.state.State` arrays
and draw every random number from the run's generator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oslsim.params import Params
from oslsim.pmks import KINDS
from oslsim.state import (
    GOVERNMENT,
    NATURAL,
    SCOPE_KELURAHAN,
    SCOPE_RT,
    SCOPE_RW,
    State,
)

__all__ = ["assign_wksbm", "found_organisations", "area_bounds", "covering_index", "CoverIndex",
           "join_propensity", "beta_draw"]


def beta_draw(rng: np.random.Generator, mean: float, sd: float, size: int) -> np.ndarray:
    """Draw from a beta distribution with the given mean and sd (clipped to a valid sd)."""
    mean = float(np.clip(mean, 1e-3, 1 - 1e-3))
    var = min(sd * sd, mean * (1 - mean) * 0.95)
    if var <= 1e-9:
        return np.full(size, mean)
    common = mean * (1 - mean) / var - 1
    return rng.beta(mean * common, (1 - mean) * common, size)


def area_bounds(state: State, params: Params, scope: int, area: int) -> tuple[int, int]:
    """Return the [first, last) household rows of an RT, an RW or a kelurahan.

    Households are numbered RT by RT, so each area is a block of rows (``state.rt_start``,
    ``rw_start``, ``kel_start``); in a region each kelurahan has its own layout.
    """
    if scope == SCOPE_RT:
        return int(state.rt_start[area]), int(state.rt_start[area + 1])
    if scope == SCOPE_RW:
        return int(state.rw_start[area]), int(state.rw_start[area + 1])
    return int(state.kel_start[area]), int(state.kel_start[area + 1])


def join_propensity(state: State, params: Params) -> np.ndarray:
    """Relative chance that each household joins an organisation.

    Poorer households join less (Beard 2005, 2007); with exclusive membership the poorer
    half is kept out (elite capture). The wealth gradient is normalised to mean one.
    """
    o = params.organisations
    rank = state.income_rank
    # The income ranks are set when the community is built, so the month's numbers are
    # last month's: kept (with a copy of the ranks they came from, compared exactly, and
    # the two parameters) and given out as a copy.
    global _PROPENSITY
    key = (float(o.wealth_gradient), float(o.exclusivity))
    held = _PROPENSITY
    if (held is not None and held[0] == key and held[1].shape == rank.shape
            and held[1].dtype == rank.dtype and np.array_equal(held[1], rank)):
        return held[2].copy()
    w = np.exp(o.wealth_gradient * (rank - 0.5))
    w /= w.mean()
    out = w * np.where(rank < 0.5, 1.0 - o.exclusivity, 1.0)
    _PROPENSITY = (key, rank.copy(), out.copy())
    return out


#: The last :func:`join_propensity`: (parameters, the ranks it was computed from, result).
_PROPENSITY: tuple[tuple[float, float], np.ndarray, np.ndarray] | None = None


@dataclass(frozen=True)
class CoverIndex:
    """The living organisations that cover each RT, indexed by level.

    An RT is covered by its own RT-level groups, its RW's groups and its kelurahan's
    kelurahan-wide groups. ``pick`` draws one covering organisation uniformly for each
    household.
    """

    rt_offsets: np.ndarray
    rt_counts: np.ndarray
    rt_orgs: np.ndarray
    rw_offsets: np.ndarray
    rw_counts: np.ndarray
    rw_orgs: np.ndarray
    kel_offsets: np.ndarray
    kel_counts: np.ndarray
    kel_orgs: np.ndarray
    rt_kel: np.ndarray

    def counts(self, rt: np.ndarray, rw: np.ndarray) -> np.ndarray:
        """Number of organisations covering households in (rt, rw)."""
        return self.rt_counts[rt] + self.rw_counts[rw] + self.kel_counts[self.rt_kel[rt]]

    def pick(self, rt: np.ndarray, rw: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Draw one covering organisation per household from uniforms ``u``; -1 if none."""
        c_rt, c_rw = self.rt_counts[rt], self.rw_counts[rw]
        kel = self.rt_kel[rt]
        total = c_rt + c_rw + self.kel_counts[kel]
        x = np.minimum((u * total).astype(np.int64), np.maximum(total - 1, 0))
        out = np.full(rt.size, -1, np.int64)
        at = (x < c_rt) & (total > 0)
        out[at] = self.rt_orgs[self.rt_offsets[rt[at]] + x[at]]
        at = (x >= c_rt) & (x < c_rt + c_rw)
        out[at] = self.rw_orgs[self.rw_offsets[rw[at]] + x[at] - c_rt[at]]
        at = (x >= c_rt + c_rw) & (total > 0)
        out[at] = self.kel_orgs[self.kel_offsets[kel[at]] + x[at] - c_rt[at] - c_rw[at]]
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
    at_kel = scope == SCOPE_KELURAHAN
    return CoverIndex(*_grouped(area[at_rt], rows[at_rt], state.n_rt),
                      *_grouped(area[at_rw], rows[at_rw], state.n_rw),
                      *_grouped(area[at_kel], rows[at_kel], state.n_kel), state.rt_kel)


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
        # In a region a kelurahan-wide group serves the kelurahan of an RT drawn at random.
        kel = 0 if state.n_kel == 1 else state.rt_kel[rng.integers(0, state.n_rt, count)]
        areas = np.where(scopes == SCOPE_RT, rng.integers(0, state.n_rt, count),
                         np.where(scopes == SCOPE_RW, rng.integers(0, state.n_rw, count), kel))
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
        # The founders' weights, over the areas founded in only when they are smaller than
        # the community (the same products either way).
        propensity = join_propensity(state, params)
        bounds = [area_bounds(state, params, int(state.scope[row]), int(state.area[row]))
                  for row in rows]
        whole = sum(hi - lo for lo, hi in bounds) >= state.n
        weight = propensity * state.solidarity if whole else None
        hh_list, org_list = [], []
        for row, (lo, hi) in zip(rows, bounds, strict=True):
            w = (weight[lo:hi] if weight is not None
                 else propensity[lo:hi] * state.solidarity[lo:hi])
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


def assign_wksbm(state: State, params: Params, rng: np.random.Generator,
                 rws: np.ndarray | None = None) -> None:
    """Choose the WKSBM: coverage of RW first, then overlap inside the covered RW.

    Called when a community is built, and again after a warm start's burn-in
    (:func:`oslsim.warmup.warm_start`), on the organisations living then.

    ``wksbm_coverage`` of the RW, drawn at random, each get one WKSBM drawn at random among
    its RW-level organisations, not the strongest (an RW with none gets a new one, founded
    with the lurah as in the field). If ``wksbm_per_1000`` asks for more WKSBM than that,
    the extra ones are spread evenly over the covered RW, each drawn at random among the
    RW's other RW-level groups (so 2.5 per 1,000 on RW of 400 households is one per RW, 5 is
    two, 7.5 three).

    ``rws`` (a region's warm start, one kelurahan at a time) limits the choice to those RW,
    and ``wksbm_per_1000`` counts their households; None is every RW (the same draws).
    """
    o = params.organisations
    if rws is None:
        covered = rng.permutation(state.n_rw)[: int(round(o.wksbm_coverage * state.n_rw))]
        households = state.n
    else:
        rws = np.asarray(rws)
        covered = rws[rng.permutation(rws.size)[: int(round(o.wksbm_coverage * rws.size))]]
        households = int(np.isin(state.rw, rws).sum())
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
    extra = int(round(o.wksbm_per_1000 * households / 1000)) - covered.size
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
