"""Phase 4, identification: organisations learn of cases; the WKSBM forum pools them."""

from __future__ import annotations

import numpy as np

from oslsim.params import Params
from oslsim.state import (
    KNOWN_FORUM,
    KNOWN_OWN,
    SCOPE_KELURAHAN,
    SCOPE_RT,
    SCOPE_RW,
    UNKNOWN,
    State,
    row_any,
)


def identification(state: State, params: Params, rng: np.random.Generator) -> None:
    """Find the active cases that nobody knows of yet.

    An organisation whose meeting a household attended learns of its cases with probability
    ``identification_rate * capacity``; a WKSBM organisation also reaches out across its
    area with ``area_identification_rate * capacity``. What a WKSBM member finds is pooled
    in the forum (and reported to the government's register); what another organisation
    finds stays with the household's own organisations.
    """
    o = params.organisations
    n, m, e = state.n, state.m, state.e
    idx = np.flatnonzero(state.mem_active[:e] & state.mem_attended[:e])
    hh, org = state.mem_hh[idx], state.mem_org[idx]
    rate = np.clip(o.identification_rate * state.capacity[org], 0.0, 1.0 - 1e-12)
    miss = np.log1p(-rate)
    forum = state.wksbm[org]
    # bincount of an empty selection is integer even with weights: make it float.
    miss_forum = np.bincount(hh[forum], weights=miss[forum], minlength=n).astype(np.float64)
    miss_own = np.bincount(hh[~forum], weights=miss[~forum], minlength=n).astype(np.float64)

    rows = np.flatnonzero(state.alive[:m] & state.wksbm[:m])
    reach = np.log1p(-np.clip(o.area_identification_rate * state.capacity[rows], 0, 1 - 1e-12))
    scope, area = state.scope[rows], state.area[rows]
    at = scope == SCOPE_RT
    miss_rt = np.bincount(area[at], weights=reach[at], minlength=state.n_rt)
    at = scope == SCOPE_RW
    miss_rw = np.bincount(area[at], weights=reach[at], minlength=state.n_rw)
    miss_kel = reach[scope == SCOPE_KELURAHAN].sum()
    miss_forum += miss_rt[state.rt] + miss_rw[state.rw] + miss_kel

    p_forum = 1.0 - np.exp(miss_forum)
    p_any = 1.0 - np.exp(miss_forum + miss_own)
    rows = np.flatnonzero(row_any(state.active & (state.identified < KNOWN_FORUM)))
    ident = state.identified[rows]
    candidate = state.active[rows] & (ident < KNOWN_FORUM)
    u = rng.random(candidate.shape)
    to_forum = candidate & (u < p_forum[rows, None])
    to_own = candidate & ~to_forum & (ident == UNKNOWN) & (u < p_any[rows, None])
    ident[to_forum] = KNOWN_FORUM
    ident[to_own] = KNOWN_OWN
    state.identified[rows] = ident
    state.identified_now = int(to_forum.sum() + to_own.sum())
