"""Phase 2, onset and recovery of the PMKS conditions."""

from __future__ import annotations

import numpy as np

from oslsim import kernels
from oslsim.ahead import draw_ahead, take_drawn
from oslsim.params import Params
from oslsim.pmks import category_vectors
from oslsim.state import SERVED_NONE, State


def neighbour_mean(state: State, values: np.ndarray) -> np.ndarray:
    """Mean of ``values`` over each household's network neighbours (own value if isolated)."""
    return kernels.neighbour_mean_of(state.adjacency @ values, state.degree, values)


def support(state: State, params: Params) -> np.ndarray:
    """Each household's support, 0-1: neighbours' solidarity and attended memberships."""
    w = params.pmks.membership_support_weight
    members = np.minimum(state.attended, 1).astype(np.float64)
    return (1.0 - w) * neighbour_mean(state, state.solidarity) + w * members


def onset_recovery(state: State, params: Params, rng: np.random.Generator) -> None:
    """Start and end PMKS conditions for this month.

    Eligible households without a condition start it with hazard
    ``onset * ratio^poor * exp(a (0.5 - solidarity)) * exp(-b (support - 0.5))``; an active
    condition ends with probability ``recovery * ratio^(not poor) + served * extra * quality``,
    where ``served`` and ``quality`` are last month's service.
    """
    v = category_vectors(params)
    pm = params.pmks
    active = state.active
    u = take_drawn(state, rng, "onset")  # drawn ahead by the model, or while the rest computes
    take_u = (lambda: u) if u is not None else draw_ahead(rng.random, active.shape,
                                                           dtype=np.float32)
    # exp(a (0.5 - solidarity) - b (support - 0.5)): the neighbours' sums, the support and
    # the exponent in one compiled pass (the numbers of :func:`support`), the exp by numpy.
    adj = state.adjacency
    adj = adj if getattr(adj, "format", None) == "csr" else adj.tocsr()
    x = kernels.onset_exponent(adj.indptr, adj.indices, adj.data, state.degree,
                               state.solidarity, state.attended,
                               pm.membership_support_weight, pm.solidarity_effect,
                               pm.support_effect, state.unit_ties)  # 0/1: weights unread
    personal = np.exp(x, out=x).astype(np.float32)
    # One threshold per cell: the onset hazard where inactive, the recovery where active,
    # by [2 * active + poor, category]; one compiled pass applies it (oslsim.kernels).
    table = np.stack([v.onset, v.onset * v.poverty_ratio,
                      v.recovery * v.nonpoor_recovery_ratio, v.recovery]).astype(np.float32)
    u = take_u()
    kernels.onset_step(active, state.poor, state.eligible, state.served, state.quality,
                       state.identified, state.served_by, state.cases_recovered, personal,
                       table, v.served_recovery.astype(np.float32), u, SERVED_NONE)
