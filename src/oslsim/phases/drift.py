"""Phase 9, drift: globalisation, values erosion and neighbours' influence on solidarity."""

from __future__ import annotations

import numpy as np

from oslsim.params import Params
from oslsim.phases.onset import neighbour_mean
from oslsim.state import State


def drift(state: State, params: Params, rng: np.random.Generator) -> None:
    """Erode solidarity, pull it toward the neighbours' mean, and apply crowding out.

    ``s' = (s + influence * (neighbours' mean - s)) * (1 - decay - extra)
    - crowd_out_drift * direction``, kept in [0, 1]. ``extra`` is a scenario's
    values-erosion; solidarity lost to direction does not come back by itself.
    """
    d = params.drift
    s = state.solidarity
    pulled = s + d.neighbour_influence * (neighbour_mean(state, s) - s)
    eroded = (pulled * (1.0 - d.solidarity_decay - state.extra_decay)
              - params.government.crowd_out_drift * state.direction)
    state.solidarity = np.clip(eroded, 0.0, 1.0)
