"""RT and RW numbers as residents say them ("RT 03 / RW 05"), from the state's own layout.

RT are numbered from 1 within their RW and RW from 1 within their kelurahan. The numbers are
read from the layout arrays (``rt_rw``: the RW of each RT, ``rw_kel``: the kelurahan of each
RW), not from one ``rt_per_rw``, so in a region each kelurahan keeps its own site's RT/RW
structure (and the last RW of a kelurahan may have fewer RT than the others).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["rt_numbers", "rw_numbers"]


def rt_numbers(state: Any, rt: Any) -> Any:
    """The number of RT ``rt`` (0-based, across the state) within its RW, from 1.

    ``state.rt_rw`` is sorted (the RT of one RW are consecutive), so an RT's first sibling is
    found by binary search; ``rt`` may be a scalar or an array.
    """
    rw = state.rt_rw[rt]
    return np.asarray(rt) - np.searchsorted(state.rt_rw, rw) + 1


def rw_numbers(state: Any, rw: Any) -> Any:
    """The number of RW ``rw`` (0-based, across the state) within its kelurahan, from 1."""
    kel = state.rw_kel[rw]
    return np.asarray(rw) - np.searchsorted(state.rw_kel, kel) + 1
