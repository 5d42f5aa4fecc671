"""Per-household kernels: onset and recovery, giving, mutual aid."""

from __future__ import annotations

import numpy as np

from oslsim.ahead import split_rows
from oslsim.kernels.basic import _U, _jit, _np_max, _np_min, _ones_sum, _row_sum


@_jit
def _onset_rows(active, poor, eligible, served, quality, identified, served_by, recovered,
                personal, table, served_recovery, u, none_code, start,
                stop):  # pragma: no cover - compiled
    k = active.shape[1]
    for i in range(_U(start), _U(stop)):  # unsigned positions: no wrap-around checks
        p = 1 if poor[i] else 0
        ended = 0
        for j in range(_U(k)):
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


def onset_step(active, poor, eligible, served, quality, identified, served_by, recovered,
               personal, table, served_recovery, u, none_code):
    """One month of onset and recovery for every (household, category) cell, in place.

    ``table[2 * active + poor, k]`` is the cell's base threshold (float32); an inactive cell
    multiplies it by the household's ``personal`` factor, a served one adds
    ``served_recovery[k] * quality``. The cell flips where ``u < threshold`` and it is
    eligible; an ended case forgets who knew of it and who served it. ``recovered`` counts
    each household's ended cases. Households are independent: two halves, two threads.
    """
    split_rows(_onset_rows, active.shape[0], active, poor, eligible, served, quality,
               identified, served_by, recovered, personal, table, served_recovery, u,
               none_code)


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
    for i in range(n):  # branch-free: willingness is random
        surplus = _np_max(0.0, savings[i] - reserve * size[i])
        willing = (u[i] < help_probability * solidarity[i]) & (needy_neighbours[i] > 0)
        g = help_share * surplus if willing else 0.0
        give[i] = g
        per_link[i] = g / _np_max(needy_neighbours[i], 1.0)
    return give, per_link


@_jit
def aid_receive(need, incoming, give, savings, solidarity, gain):  # pragma: no cover - compiled
    """What the needy receive; savings move by ``received - give``; help raises solidarity."""
    n = need.size
    received = np.empty(n, np.float64)
    for i in range(n):
        r = incoming[i] * need[i]  # branch-free (need is random): incoming is finite, >= 0
        received[i] = r
        savings[i] += r - give[i]
        s = solidarity[i]
        solidarity[i] = s + gain * (1 - s) if r > 0 else s
    return received


@_jit
def income_shocks(shock, usual_shock, noise, rho, c_shock, r, c_usual, half_usual_var,
                  half_var):  # pragma: no cover - compiled
    """The month's two AR(1) log shocks, in place; returns the arguments of the two ``exp``.

    As the economy phase's numpy code: ``shock = rho * shock + c_shock * noise[0]``,
    ``usual_shock = r * usual_shock + c_usual * noise[1]``; then ``usual_shock -
    half_usual_var`` and ``shock - half_var`` (the phase takes their ``exp`` with numpy).
    """
    n = shock.size
    x_usual = np.empty(n)
    x_shock = np.empty(n)
    for i in range(n):
        s = rho * shock[i] + c_shock * noise[0, i]
        u = r * usual_shock[i] + c_usual * noise[1, i]
        shock[i] = s
        usual_shock[i] = u
        x_usual[i] = u - half_usual_var
        x_shock[i] = s - half_var
    return x_usual, x_shock


@_jit
def budget_step(base_income, e_usual, e_shock, income_loss, covariate, attended, gain_rate,
                gain_cap, hours_used, poor, poor_ratio, free_hours, work_hours, savings, size,
                poverty_line, mpc_income, mpc_savings):  # pragma: no cover - compiled
    """The month's income, consumption, savings and poverty (new arrays).

    The economy phase's numpy expressions in their order (``np.maximum``, ``np.minimum`` and
    ``np.clip`` with numpy's NaN rule): the usual income ``base * e_usual``, earned
    ``usual * e_shock * keep``, income ``earned * max(gain - work_lost, 0)``, consumption
    ``min(cash, max(desired, need))``. Returns income, consumption, savings and ``poor``.
    """
    n = savings.size
    income = np.empty(n)
    consumption = np.empty(n)
    new_savings = np.empty(n)
    new_poor = np.empty(n, np.bool_)
    keep_common = 1.0 - covariate
    for i in range(n):
        usual = base_income[i] * e_usual[i]
        free = free_hours * (poor_ratio if poor[i] else 1.0)
        work_lost = _np_max(hours_used[i] - free, 0.0) / work_hours
        gain = 1.0 + gain_rate * _np_min(float(attended[i]), gain_cap)
        keep = (1.0 - _np_min(_np_max(income_loss[i], 0.0), 1.0)) * keep_common
        earned = usual * e_shock[i] * keep
        y = earned * _np_max(gain - work_lost, 0.0)
        s = savings[i]
        cash = s + y
        need = poverty_line * size[i]
        desired = mpc_income * y + mpc_savings * s
        c = _np_min(cash, _np_max(desired, need))
        new_savings[i] = cash - c
        income[i] = y
        consumption[i] = c
        new_poor[i] = c < need
    return income, consumption, new_savings, new_poor


@_jit
def neighbour_mean_of(total, degree, values):  # pragma: no cover - compiled
    """``np.where(degree > 0, total / np.maximum(degree, 1), values)``: ``total`` the sums."""
    n = values.size
    out = np.empty(n)
    for i in range(n):
        d = degree[i]
        out[i] = total[i] / _np_max(d, 1.0) if d > 0 else values[i]
    return out


@_jit
def _onset_exponent_rows(indptr, indices, data, ones, degree, solidarity, attended, w, a, b,
                         out, start, stop):  # pragma: no cover - compiled
    for i in range(_U(start), _U(stop)):
        total = (_ones_sum(indptr, indices, solidarity, i) if ones
                 else _row_sum(indptr, indices, data, solidarity, i))
        d = degree[i]
        s = solidarity[i]
        mean = total / _np_max(d, 1.0) if d > 0 else s
        member = 1.0 if attended[i] >= 1 else float(attended[i])
        support = (1.0 - w) * mean + w * member
        out[i] = a * (0.5 - s) - b * (support - 0.5)


def onset_exponent(indptr, indices, data, degree, solidarity, attended, w, a, b, ones=False):
    """The exponent of each household's personal onset factor (the phase takes its ``exp``).

    ``a * (0.5 - solidarity) - b * (support - 0.5)``, the support ``(1 - w) * neighbours'
    mean solidarity + w * min(attended, 1)``; the neighbours' sums are the network's (CSR)
    row sums in the order of scipy's ``csr_matvec`` and their mean is taken as
    :func:`neighbour_mean_of` takes it; the numpy code's operations in its order. Two
    halves of the households, two threads. ``ones``: every entry of ``data`` is 1.0, so the
    sums skip reading it (the same numbers).
    """
    out = np.empty(solidarity.size)
    split_rows(_onset_exponent_rows, solidarity.size, indptr, indices, data, bool(ones),
               degree, solidarity, attended, w, a, b, out)
    return out


@_jit
def needy_flags(poor, active, served):  # pragma: no cover - compiled
    """``poor | (active & ~served).any(axis=1)`` as uint8, 1 or 0.

    A byte a household, so the network's gathers of it stay in cache.
    """
    n, k = active.shape
    out = np.empty(n, np.uint8)
    for i in range(n):
        hit = poor[i]
        for j in range(k):
            hit = hit | (active[i, j] & ~served[i, j])
        out[i] = 1 if hit else 0
    return out


@_jit
def _aid_offers_rows(indptr, indices, need, savings, size, reserve, u, help_probability,
                     solidarity, help_share, give, per_link, willing, start,
                     stop):  # pragma: no cover - compiled
    k = start
    for i in range(start, stop):  # the willing first, without a branch (willingness is random)
        willing[k] = i
        k += u[i] < help_probability * solidarity[i]
    for r in range(_U(start), _U(k)):  # unsigned positions: no wrap-around checks
        i = _U(willing[r])
        whole = 0
        for x in range(_U(indptr[i]), _U(indptr[i + 1])):
            whole += need[_U(indices[x])]
        count = float(whole)
        if count > 0:
            g = help_share * _np_max(0.0, savings[i] - reserve * size[i])
            give[i] = g
            per_link[i] = g / _np_max(count, 1.0)


def aid_offers_on(indptr, indices, need, savings, size, reserve, u, help_probability,
                  solidarity, help_share):
    """:func:`aid_offers`, counting needy neighbours only where a household is willing.

    ``indptr``/``indices`` are the (symmetric, 0/1) network in CSR form and ``need`` each
    household's 1 or 0. An unwilling household gives 0 whatever its count, so the count
    (``adjacency @ need``, whole numbers, exact in any order) is taken for the willing only.
    Households are independent: two halves, two threads.
    """
    n = savings.size
    give = np.zeros(n, np.float64)
    per_link = np.zeros(n, np.float64)
    willing = np.empty(n, np.int64)  # a half writes only its own rows (k <= i < stop)
    split_rows(_aid_offers_rows, n, indptr, indices, need, savings, size, reserve, u,
               help_probability, solidarity, help_share, give, per_link, willing)
    return give, per_link


@_jit
def _incoming_rows(indptr, indices, need, per_link, out, start, stop):  # pragma: no cover
    for j in range(_U(start), _U(stop)):
        if need[j]:
            acc = 0.0
            for x in range(_U(indptr[j]), _U(indptr[j + 1])):
                acc += per_link[_U(indices[x])]
            out[j] = acc


def aid_incoming(indptr, indices, need, per_link):
    """``adjacency @ per_link`` where ``need``, else 0: each needy household's gifts.

    The network is symmetric with sorted rows, so household ``j``'s row lists its
    neighbours in ascending order, and ``csr_matvec`` adds their shares in that order (the
    zeros of those who give nothing change no sum); only the needy rows are summed, in two
    halves on two threads.
    """
    out = np.zeros(per_link.size, np.float64)
    split_rows(_incoming_rows, per_link.size, indptr, indices, need, per_link, out)
    return out
