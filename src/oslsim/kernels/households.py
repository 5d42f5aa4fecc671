"""Per-household kernels: onset and recovery, giving, mutual aid."""

from __future__ import annotations

import numpy as np

from oslsim.kernels.basic import _jit, _np_max, _np_min


@_jit
def onset_step(active, poor, eligible, served, quality, identified, served_by, recovered,
               personal, table, served_recovery, u, none_code):  # pragma: no cover - compiled
    """One month of onset and recovery for every (household, category) cell, in place.

    ``table[2 * active + poor, k]`` is the cell's base threshold (float32); an inactive cell
    multiplies it by the household's ``personal`` factor, a served one adds
    ``served_recovery[k] * quality``. The cell flips where ``u < threshold`` and it is
    eligible; an ended case forgets who knew of it and who served it. ``recovered`` counts
    each household's ended cases.
    """
    n, k = active.shape
    for i in range(n):
        p = 1 if poor[i] else 0
        ended = 0
        for j in range(k):
            a = active[i, j]
            if a:
                t = table[2 + p, j]
            else:
                t = table[p, j] * personal[i]
            if served[i, j]:
                t = t + served_recovery[j] * quality[i, j]
            if u[i, j] < t and eligible[i, j]:
                if a:
                    active[i, j] = False
                    identified[i, j] = 0
                    served[i, j] = False
                    quality[i, j] = 0.0
                    served_by[i, j] = none_code
                    ended += 1
                else:
                    active[i, j] = True
        recovered[i] += ended


@_jit
def give_step(solidarity, income, size, savings, per_household, rt, n_rt, poverty_line,
              giving_share, rt_weight):  # pragma: no cover - compiled
    """Each household's giving (meetings' ``give``), taken from ``savings`` in place.

    Per household, as the numpy code did: budget ``giving_share * solidarity * max(0, income
    - poverty_line * size)`` at most its savings, split over ``rt_weight + per_household``
    askers. Returns the gift per weight, the total given per household and the sums per RT
    (in household order, as ``np.bincount``).
    """
    n = solidarity.size
    per_weight = np.empty(n, np.float64)
    given = np.empty(n, np.float64)
    rt_sum = np.zeros(n_rt, np.float64)
    for i in range(n):
        need = poverty_line * size[i]
        budget = giving_share * solidarity[i] * _np_max(income[i] - need, 0.0)
        budget = _np_min(budget, _np_max(savings[i], 0.0))
        askers = rt_weight + per_household[i]
        pw = budget / _np_max(askers, 1e-12) if askers > 0 else 0.0
        g = pw * askers
        savings[i] -= g
        per_weight[i] = pw
        given[i] = g
        rt_sum[rt[i]] += pw * rt_weight
    return per_weight, given, rt_sum


@_jit
def aid_offers(savings, size, reserve, u, help_probability, solidarity, needy_neighbours,
               help_share):  # pragma: no cover - compiled
    """Mutual aid's gifts: what each willing household gives and the share per needy link.

    As the numpy code: surplus ``max(0, savings - reserve * size)``, willing where
    ``u < help_probability * solidarity``, giving ``help_share * surplus`` where it has a
    needy neighbour, split over ``max(needy_neighbours, 1)``.
    """
    n = savings.size
    give = np.empty(n, np.float64)
    per_link = np.empty(n, np.float64)
    for i in range(n):
        surplus = _np_max(0.0, savings[i] - reserve * size[i])
        willing = u[i] < help_probability * solidarity[i]
        g = help_share * surplus if willing and needy_neighbours[i] > 0 else 0.0
        give[i] = g
        per_link[i] = g / _np_max(needy_neighbours[i], 1.0)
    return give, per_link


@_jit
def aid_receive(need, incoming, give, savings, solidarity, gain):  # pragma: no cover - compiled
    """What the needy receive; savings move by ``received - give``; help raises solidarity."""
    n = need.size
    received = np.empty(n, np.float64)
    for i in range(n):
        r = incoming[i] if need[i] else 0.0
        received[i] = r
        savings[i] += r - give[i]
        if r > 0:
            solidarity[i] += gain * (1 - solidarity[i])
    return received
