"""Kernels of organisation life and drift: memberships that end."""

from __future__ import annotations

import numpy as np

from oslsim.kernels.basic import _jit


@_jit
def drift_away(mem_active, mem_org, vitality, u, rate):  # pragma: no cover - compiled
    """End the ``r``-th active membership where ``u[r] < rate * (1 - vitality)``."""
    r = 0
    for x in range(mem_active.size):
        if mem_active[x]:
            if u[r] < rate * (1.0 - vitality[mem_org[x]]):
                mem_active[x] = False
            r += 1


@_jit
def dissolve_members(mem_active, mem_hh, mem_org, ends, per_org, n):  # pragma: no cover
    """End the memberships of dissolved organisations; return each household's share.

    The shares are summed in membership order, as ``numpy.bincount`` sums them.
    """
    out = np.zeros(n)
    for x in range(mem_active.size):
        if mem_active[x] and ends[mem_org[x]]:
            out[mem_hh[x]] += per_org[mem_org[x]]
    for x in range(mem_active.size):
        if mem_active[x] and ends[mem_org[x]]:
            mem_active[x] = False
    return out
