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
    surplus = np.maximum(0.0, state.savings
                         - a.surplus_months * params.economy.poverty_line * state.size)
    willing = rng.random(state.n) < a.help_probability * state.solidarity
    give = np.where(willing & (needy_neighbours > 0), a.help_share * surplus, 0.0)
    per_link = give / np.maximum(needy_neighbours, 1.0)
    received = np.where(need, state.adjacency @ per_link, 0.0)
    state.savings += received - give
    state.help_given = give
    state.help_received = received
    helped = received > 0
    state.solidarity[helped] += params.drift.aid_solidarity_gain * (1 - state.solidarity[helped])
