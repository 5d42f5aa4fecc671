"""Phase 6, mutual aid: gotong royong between network neighbours."""

from __future__ import annotations

import numpy as np

from oslsim import kernels
from oslsim.params import Params
from oslsim.state import State


def needy(state: State, params: Params) -> np.ndarray:
    """Households that are poor or carry an active PMKS condition nobody serves."""
    return state.poor | kernels.row_any_open(state.active, state.served)


def mutual_aid(state: State, params: Params, rng: np.random.Generator) -> None:
    """Households with a surplus help needy neighbours; money moves, it is never created.

    A household whose savings exceed ``surplus_months`` of subsistence helps, with
    probability ``help_probability * solidarity``, by giving ``help_share`` of its surplus,
    split evenly among its needy neighbours. Receiving help raises solidarity (reciprocity).
    """
    a = params.mutual_aid
    need = needy(state, params)
    needy_neighbours = state.adjacency @ need.astype(np.float64)
    # The per-household arithmetic in two compiled passes (the numpy code's numbers).
    u = rng.random(state.n)
    give, per_link = kernels.aid_offers(
        state.savings, state.size, a.surplus_months * params.economy.poverty_line, u,
        a.help_probability, state.solidarity, needy_neighbours, a.help_share)
    received = kernels.aid_receive(need, state.adjacency @ per_link, give, state.savings,
                                   state.solidarity, params.drift.aid_solidarity_gain)
    state.help_given = give
    state.help_received = received
