"""One kelurahan of a running region as its own State, to read (never to run).

The teaching page shows one kelurahan while the whole region runs: each month it takes the
kelurahan's households, RT, RW, organisations and memberships out of the region's arrays
(the inverse of :func:`oslsim.region.build.build_region`, on the same column lists) and
measures them with the single kelurahan's :func:`oslsim.metrics.outcomes`, so the page's
numbers are the model's own formulas over that kelurahan.
"""

from __future__ import annotations

import numpy as np

from oslsim.metrics import outcomes
from oslsim.params import Params
from oslsim.region.build import _HH
from oslsim.state import _MEM_COLUMNS, _ORG_COLUMNS, SCOPE_KELURAHAN, SCOPE_RT, SCOPE_RW, State

__all__ = ["REGIONAL_ONLY", "kelurahan_row", "kelurahan_state"]

#: Outcome columns the region keeps for the whole region only (this month's money raised
#: and pooled, hours, referrals): NaN in one kelurahan's row.
REGIONAL_ONLY = ("funds_raised", "funds_pooled", "volunteer_hours", "coordination_hours",
                 "referrals")


def kelurahan_state(state: State, k: int, rt_per_rw: int) -> State:
    """Kelurahan ``k`` of a region's state as a one-kelurahan State (copies of its rows).

    Households, RT and RW are renumbered from 0 inside the kelurahan; organisations are those
    serving it, in their order; memberships those between them and its households.
    ``rt_per_rw`` is the kelurahan's own (its site's) RT per RW. This month's government
    spending is the kelurahan's; the flows in :data:`REGIONAL_ONLY` are left at 0.
    """
    lo, hi = int(state.kel_start[k]), int(state.kel_start[k + 1])
    rts, rws = np.flatnonzero(state.rt_kel == k), np.flatnonzero(state.rw_kel == k)
    rt0, rt1, rw0, rw1 = int(rts[0]), int(rts[-1]) + 1, int(rws[0]), int(rws[-1]) + 1
    hh = {name: getattr(state, name)[lo:hi].copy() for name in _HH}
    hh["rt"] = (state.rt[lo:hi] - rt0).astype(np.int32)
    hh["rw"] = (state.rw[lo:hi] - rw0).astype(np.int32)
    sub = State(**hh, adjacency=state.adjacency[lo:hi, lo:hi], n_rt=rt1 - rt0,
                same_rt_tie=state.same_rt_tie[lo:hi, lo:hi], n_rw=rw1 - rw0,
                rt_per_rw=rt_per_rw, rt_rw=(state.rt_rw[rt0:rt1] - rw0).astype(np.int32),
                rt_fund=state.rt_fund[rt0:rt1].copy(),
                rt_hours_left=state.rt_hours_left[rt0:rt1].copy())
    rows = np.flatnonzero(state.org_kelurahan() == k)
    columns = {name: getattr(state, name)[rows] for name in _ORG_COLUMNS}
    scope, area = state.scope[rows], state.area[rows]
    columns["area"] = np.select([scope == SCOPE_RT, scope == SCOPE_RW,
                                 scope == SCOPE_KELURAHAN], [area - rt0, area - rw0, 0],
                                area).astype(np.int32)
    columns["org_kel"] = np.zeros(rows.size, np.int32)
    sub.add_organisations(int(rows.size), **columns)
    local = np.full(state.m, -1, np.int64)
    local[rows] = np.arange(rows.size)
    mem_hh, mem_org = state.mem_hh[: state.e], state.mem_org[: state.e]
    keep = (local[mem_org] >= 0) & (mem_hh >= lo) & (mem_hh < hi)
    for name in _MEM_COLUMNS:
        setattr(sub, name, getattr(state, name)[: state.e][keep].copy())
    sub.mem_hh = (mem_hh[keep] - lo).astype(np.int32)
    sub.mem_org = local[mem_org[keep]].astype(np.int32)
    sub.e = int(keep.sum())
    sub.month = state.month
    for name in ("gov_active", "gov_mode", "gov_direction", "direction", "extra_decay"):
        setattr(sub, name, getattr(state, name))
    sub.gov_spending = float(state.kel_spending[k])
    return sub


def kelurahan_row(state: State, params: Params, k: int, rt_per_rw: int,
                  sub: State | None = None) -> dict[str, float]:
    """This month's outcome row of kelurahan ``k`` (:func:`oslsim.metrics.outcomes`).

    ``sub`` is :func:`kelurahan_state`'s result when the caller has it already. The columns
    of :data:`REGIONAL_ONLY` and ``gov_spending_total`` are NaN: the region counts them for
    all its kelurahan together (the caller may add up ``gov_spending``).
    """
    row = outcomes(kelurahan_state(state, k, rt_per_rw) if sub is None else sub, params)
    for name in (*REGIONAL_ONLY, "gov_spending_total"):
        row[name] = float("nan")
    return row
