"""Phase 6, mutual aid: gotong royong between network neighbours."""

from __future__ import annotations

import numpy as np

from oslsim import kernels
from oslsim.ahead import draw_ahead
from oslsim.params import Params
from oslsim.state import State


def needy(state: State, params: Params) -> np.ndarray:
    """Households that are poor or carry an active PMKS condition nobody serves."""
    return kernels.needy_flags(state.poor, state.active, state.served).view(np.bool_)


def mutual_aid(state: State, params: Params, rng: np.random.Generator) -> None:
    """Households with a surplus help needy neighbours; money moves, it is never created.

    A household whose savings exceed ``surplus_months`` of subsistence helps, with
    probability ``help_probability * solidarity``, by giving ``help_share`` of its surplus,
    split evenly among its needy neighbours. Receiving help raises solidarity (reciprocity).
    """
    a = params.mutual_aid
    take_u = draw_ahead(rng.random, state.n)  # drawn while the needy are counted
    need = needy(state, params).view(np.uint8)  # 1 / 0: a byte for the network's gathers
    reserve = a.surplus_months * params.economy.poverty_line
    u = take_u()
    adj = state.adjacency
    if adj.has_sorted_indices:
        # Compiled on the network itself: needy neighbours counted for the willing only,
        # gifts summed for the needy only (the numbers of the two network products below).
        give, per_link = kernels.aid_offers_on(adj.indptr, adj.indices, need, state.savings,
                                               state.size, reserve, u, a.help_probability,
                                               state.solidarity, a.help_share)
        incoming = kernels.aid_incoming(adj.indptr, adj.indices, need, per_link)
    else:
        give, per_link = kernels.aid_offers(state.savings, state.size, reserve, u,
                                            a.help_probability, state.solidarity, adj @ need,
                                            a.help_share)
        incoming = adj @ per_link
    received = kernels.aid_receive(need, incoming, give, state.savings, state.solidarity,
                                   params.drift.aid_solidarity_gain)
    state.help_given = give
    state.help_received = received
