"""Building a region: each kelurahan from its site profile, joined into one state.

Also the per-kelurahan outcomes and the inequality of burden across kelurahan.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp

from oslsim import kernels
from oslsim.community import build_community
from oslsim.metrics import covered_households
from oslsim.params import Params
from oslsim.pmks import category_vectors, severity_sum
from oslsim.region.spec import (
    Region,
)
from oslsim.state import (
    _MEM_COLUMNS,
    _ORG_COLUMNS,
    SCOPE_KELURAHAN,
    SCOPE_RT,
    SCOPE_RW,
    State,
)

# --------------------------------------------------------------------------- building


def _offset_area(scope: np.ndarray, area: np.ndarray, rt_off: int, rw_off: int,
                 kel: int) -> np.ndarray:
    return np.select([scope == SCOPE_RT, scope == SCOPE_RW, scope == SCOPE_KELURAHAN],
                     [area + rt_off, area + rw_off, kel], area).astype(np.int32)


#: Household arrays joined row-wise (the rest are derived or per-area).
_HH = ("rt", "rw", "size", "eligible", "base_income", "income_rank", "solidarity", "savings",
       "shock", "income", "consumption", "poor", "income_loss", "active", "served", "quality",
       "served_by", "identified", "attended", "help_received", "help_given", "aid_received",
       "cases_recovered", "hours_used")


def _cross_kin(rng: np.random.Generator, kel: np.ndarray, degree: float) -> sp.csr_matrix:
    """Kin ties between households of different kelurahan, ``degree`` per household on average.

    Pairs are drawn uniformly over the region; a pair inside one kelurahan is dropped (those
    ties come from each kelurahan's own kin network).
    """
    n = kel.size
    count = int(rng.poisson(degree * n / 2)) if degree > 0 else 0
    a, b = rng.integers(0, n, count), rng.integers(0, n, count)
    keep = kel[a] != kel[b]
    a, b = a[keep], b[keep]
    m = sp.coo_matrix((np.ones(2 * a.size, np.float32), (np.r_[a, b], np.r_[b, a])),
                      shape=(n, n)).tocsr()
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def _block_diag(blocks: list[sp.csr_matrix]) -> sp.csr_matrix:
    """The block-diagonal CSR matrix of square CSR blocks (their rows and columns offset)."""
    sizes = np.array([b.shape[0] for b in blocks], np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    nnz = np.concatenate([[0], np.cumsum([b.nnz for b in blocks])])
    indptr = np.concatenate([[0]] + [b.indptr[1:] + nnz[i] for i, b in enumerate(blocks)])
    indices = np.concatenate([b.indices.astype(np.int64) + offsets[i]
                              for i, b in enumerate(blocks)])
    data = np.concatenate([b.data for b in blocks])
    n = int(sizes.sum())
    return sp.csr_matrix((data, indices, indptr), shape=(n, n))


def build_region(region: Region, rng: np.random.Generator,
                 overrides: Mapping[str, Any] | None = None) -> State:
    """Build every kelurahan with its own parameters and join them into one State.

    RT, RW and organisations' areas are renumbered across the region (a kelurahan-wide group
    gets its kelurahan's index as its area); the household network is the kelurahan's own
    networks plus the cross-kelurahan kin ties.
    """
    parts = [build_community(region.kelurahan_params(i, overrides), rng)
             for i in range(len(region.kelurahan))]
    rt_off = np.cumsum([0] + [p.n_rt for p in parts])
    rw_off = np.cumsum([0] + [p.n_rw for p in parts])
    kel = np.concatenate([np.full(p.n, i, np.int32) for i, p in enumerate(parts)])
    hh = {name: np.concatenate([getattr(p, name) for p in parts]) for name in _HH}
    hh["rt"] = np.concatenate([p.rt + rt_off[i] for i, p in enumerate(parts)]).astype(np.int32)
    hh["rw"] = np.concatenate([p.rw + rw_off[i] for i, p in enumerate(parts)]).astype(np.int32)
    own = _block_diag([p.adjacency for p in parts])
    adjacency = (own + _cross_kin(rng, kel, region.cross_kin_degree)).tocsr()
    adjacency.data[:] = 1.0
    same_rt = _block_diag([p.same_rt_tie for p in parts])
    st = State(
        **{k: hh[k] for k in _HH}, adjacency=adjacency, same_rt_tie=same_rt,
        n_rt=int(rt_off[-1]), n_rw=int(rw_off[-1]), rt_per_rw=parts[0].rt_per_rw,
        n_kel=len(parts), kel=kel,
        rt_rw=np.concatenate([p.rt_rw + rw_off[i] for i, p in enumerate(parts)]).astype(
            np.int32),
        rt_kel=np.concatenate([np.full(p.n_rt, i, np.int32) for i, p in enumerate(parts)]),
        rw_kel=np.concatenate([np.full(p.n_rw, i, np.int32) for i, p in enumerate(parts)]),
        rt_fund=np.concatenate([p.rt_fund for p in parts]),
        rt_hours_left=np.concatenate([p.rt_hours_left for p in parts]),
    )
    # Organisations, renumbered: rows and areas offset kelurahan by kelurahan.
    org_off = np.cumsum([0] + [p.m for p in parts])
    columns = {name: np.concatenate([getattr(p, name)[: p.m] for p in parts])
               for name in _ORG_COLUMNS}
    columns["area"] = np.concatenate([
        _offset_area(p.scope[: p.m], p.area[: p.m], rt_off[i], rw_off[i], i)
        for i, p in enumerate(parts)])
    st.add_organisations(int(org_off[-1]), **columns)
    hh_off = np.cumsum([0] + [p.n for p in parts])
    for name in _MEM_COLUMNS:
        setattr(st, name, np.concatenate([getattr(p, name)[: p.e] for p in parts]))
    st.mem_hh = np.concatenate([p.mem_hh[: p.e] + hh_off[i] for i, p in enumerate(parts)]
                               ).astype(np.int32)
    st.mem_org = np.concatenate([p.mem_org[: p.e] + org_off[i] for i, p in enumerate(parts)]
                                ).astype(np.int32)
    st.e = int(st.mem_hh.size)
    st.funds_raised = sum(p.funds_raised for p in parts)
    return st


# --------------------------------------------------------------------------- outcomes


def gini(x: np.ndarray) -> float:
    """Gini coefficient of ``x`` (each entry one unit): mean absolute difference / 2 mean."""
    x = np.asarray(x, np.float64)
    mean = x.mean() if x.size else 0.0
    if mean <= 0:
        return 0.0
    return float(np.abs(x[:, None] - x[None, :]).mean() / (2 * mean))


def kelurahan_outcomes(state: State, params: Params) -> dict[str, np.ndarray]:
    """This month's outcomes of each kelurahan (arrays, one entry per kelurahan).

    ``burden`` and the shares are per household of the kelurahan, ``coverage`` per active
    case; the region's own columns are their household- (or case-) weighted means.
    """
    v = category_vectors(params)
    starts = state.kel_start[:-1]
    n_k = np.diff(state.kel_start).astype(np.float64)
    # The integer counts in one compiled pass (the same integers as numpy's reductions).
    unserved, n_active, n_served, n_rows, n_poor = kernels.kel_case_counts(
        state.active, state.served, state.poor, np.asarray(state.kel_start, np.int64))
    burden = severity_sum(unserved, v.severity) / n_k
    n_active = n_active.astype(np.float64)
    n_served = n_served.astype(np.float64)
    m = state.m
    living = np.flatnonzero(state.alive[:m])
    kel = state.org_kelurahan(living)
    wk = living[state.wksbm[living]]
    return {
        "households": n_k,
        "burden": burden,
        "pmks_prevalence": n_rows / n_k,
        "poverty_rate": n_poor / n_k,
        "coverage": np.where(n_active > 0, n_served / np.maximum(n_active, 1), 0.0),
        "solidarity": np.add.reduceat(state.solidarity, starts) / n_k,
        "osl_count": np.bincount(kel, minlength=state.n_kel).astype(np.float64),
        "wksbm_count": np.bincount(state.org_kelurahan(wk), minlength=state.n_kel
                                   ).astype(np.float64),
        "wksbm_coverage": np.add.reduceat(covered_households(state, wk), starts) / n_k,
        "budget": (np.zeros(state.n_kel) if state.kel_budget is None
                   else state.kel_budget.copy()),
        "gov_spending": state.kel_spending.copy(),
    }


