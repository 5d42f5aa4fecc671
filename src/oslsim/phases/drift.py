"""Phase 9, drift: globalisation, values erosion and neighbours' influence on solidarity."""

from __future__ import annotations

import numpy as np

from oslsim import kernels
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
    adj = state.adjacency
    keep = 1.0 - d.solidarity_decay - state.extra_decay
    lost = params.government.crowd_out_drift * state.direction
    if (getattr(adj, "format", None) == "csr" and s.dtype == np.float64
            and np.ndim(keep) == 0 and np.ndim(lost) == 0):
        # One compiled pass: the neighbours' sums, the pull, the erosion and the clip.
        state.solidarity = kernels.drift_step(adj.indptr, adj.indices, adj.data, s,
                                              state.degree, d.neighbour_influence,
                                              float(keep), float(lost), state.unit_ties)
        return
    pulled = s + d.neighbour_influence * (neighbour_mean(state, s) - s)
    eroded = (pulled * (1.0 - d.solidarity_decay - state.extra_decay)
              - params.government.crowd_out_drift * state.direction)
    state.solidarity = np.clip(eroded, 0.0, 1.0)
