"""The meetings' and households' compiled loops give the numbers of the numpy code they replace."""

from __future__ import annotations

import numpy as np
import pytest

from oslsim import kernels

#: Every kernel test runs with the rows in one pass and in two halves on two threads.
pytestmark = pytest.mark.usefixtures("split_both_ways")


def _memberships(rng, n, e, m):
    """Memberships sorted by household (as the model keeps them), with random organisations."""
    return np.sort(rng.integers(0, n, e)).astype(np.int32), rng.integers(0, m, e).astype(np.int32)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_arisan_winners_are_lexsorts(seed):
    rng = np.random.default_rng(seed)
    n, e, m = 300, 2000, 40
    hh, org = _memberships(rng, n, e, m)
    rows = np.flatnonzero(rng.random(e) < 0.4)
    contribution = rng.random(rows.size) * 1e4
    # Ties in the draws must go to the later row, as the stable sort has them.
    r = np.round(rng.random(rows.size), 1)
    pot, winner = kernels.arisan_winners(org, rows, contribution, r, m)
    assert np.array_equal(pot, np.bincount(org[rows], weights=contribution, minlength=m))
    order = np.lexsort((r, org[rows]))
    sorted_org = org[rows][order]
    last = np.r_[sorted_org[1:] != sorted_org[:-1], True]
    want = np.full(m, -1)
    want[sorted_org[last]] = rows[order][last]
    assert np.array_equal(winner, want)

    savings = rng.random(n) * 1e5
    expected = savings + np.bincount(hh[want[want >= 0]], weights=pot[want >= 0], minlength=n)
    kernels.pay_pots(savings, hh, pot, winner)
    assert np.array_equal(savings, expected)


def test_arisan_without_attendees():
    pot, winner = kernels.arisan_winners(np.zeros(0, np.int32), np.zeros(0, np.int64),
                                         np.zeros(0), np.zeros(0), 3)
    assert pot.tolist() == [0.0] * 3 and winner.tolist() == [-1] * 3


def test_attendance_results_are_numpys():
    rng = np.random.default_rng(4)
    solidarity = rng.random(5000)
    count = rng.integers(0, 9, 5000).astype(np.float64)
    keep = (1.0 - 0.07) ** np.arange(count.max() + 1.0)
    got, attended, hours = kernels.attendance_results(solidarity, count, keep, 3.5)
    assert np.array_equal(got, 1.0 - (1.0 - solidarity) * (1.0 - 0.07) ** count)
    assert attended.dtype == np.int32 and np.array_equal(attended, count.astype(np.int32))
    assert np.array_equal(hours, count * 3.5)


def test_household_hours_and_pot_rows_are_numpys():
    rng = np.random.default_rng(6)
    poor = rng.random(3000) < 0.3
    hours, most = kernels.household_hours(poor, 20.0, 0.6, 3.0)
    want = 20.0 * np.where(poor, 0.6, 1.0)
    assert np.array_equal(hours, want)
    assert np.array_equal(most, np.floor(want / 3.0 + 1e-9))
    org = rng.integers(0, 50, 4000)
    attended = rng.random(4000) < 0.5
    is_arisan = rng.random(50) < 0.4
    assert np.array_equal(kernels.pot_rows(org, attended, is_arisan),
                          np.flatnonzero(attended & is_arisan[org]))


@pytest.mark.parametrize("seed", [0, 5])
def test_meeting_loops_are_numpys(seed):
    rng = np.random.default_rng(seed)
    n, e, m = 400, 3000, 30
    hh, org = _memberships(rng, n, e, m)
    attended = rng.random(e) < 0.5
    most = rng.integers(0, 5, n).astype(np.float64)
    rows, over = kernels.over_hours(hh, attended, most, n)
    count = np.bincount(hh[attended], minlength=n)
    assert over == bool((count > most).any())
    assert np.array_equal(rows, np.flatnonzero(attended & (count > most)[hh]))

    charge = rng.random(m) * 100
    charge[:3] = 0.0  # groups without dues
    dues = charge * rng.random(m)
    savings = rng.random(n) * 150
    paid, part, by_hh, by_org, after = kernels.meeting_dues(hh, org, attended, n, m, charge,
                                                            dues, savings)
    owed = np.bincount(hh, weights=np.where(attended, charge[org], 0.0), minlength=n)
    scale = np.where(owed > 0, np.minimum(1.0, savings / np.maximum(owed, 1e-12)), 0.0)
    want_paid = np.where(attended, charge[org], 0.0) * scale[hh]
    want_part = np.where(charge[org] > 0,
                         want_paid * dues[org] / np.maximum(charge[org], 1e-12), 0.0)
    assert np.array_equal(paid, want_paid) and np.array_equal(part, want_part)
    assert np.array_equal(by_hh, np.bincount(hh, weights=want_paid, minlength=n))
    assert np.array_equal(by_org, np.bincount(org, weights=want_part, minlength=m))
    assert np.array_equal(after, np.maximum(savings - by_hh, 0.0))

    idx = np.arange(e)
    tie = rng.random(e)
    mem_attended = np.ones(e, bool)
    new_tie = tie.copy()
    got, attendance, members = kernels.meeting_ties(idx, hh, org, attended, n, m, new_tie,
                                                    mem_attended, 0.1, 0.02)
    assert np.array_equal(new_tie, np.where(attended, tie + 0.1 * (1.0 - tie), tie * 0.98))
    assert np.array_equal(got, np.bincount(hh[attended], minlength=n).astype(float))
    assert np.array_equal(attendance, np.bincount(org[attended], minlength=m))
    assert np.array_equal(members, np.bincount(org, minlength=m))
    assert np.array_equal(mem_attended, attended)


def _economy_numpy(shock, usual_shock, usual_var, noise, base_income, income_loss, attended,
                   hours_used, poor, savings, size, c):
    """The economy phase's numpy code before it was compiled (the reference)."""
    rho = c["rho"]
    shock = rho * shock + np.sqrt(1.0 - rho * rho) * c["sigma"] * noise[0]
    r = c["r"]
    step_var = (1.0 - r * r) * c["usual_sigma"] ** 2
    usual_shock = r * usual_shock + np.sqrt(step_var) * noise[1]
    usual_var = r * r * usual_var + step_var
    usual = base_income * np.exp(usual_shock - 0.5 * usual_var)
    free = c["free"] * np.where(poor, c["poor_ratio"], 1.0)
    work_lost = np.maximum(hours_used - free, 0.0) / c["work_hours"]
    gain = 1.0 + c["gain"] * np.minimum(attended.astype(np.float64), c["cap"])
    keep = (1.0 - np.clip(income_loss, 0.0, 1.0)) * (1.0 - c["covariate"])
    earned = usual * np.exp(shock - 0.5 * c["sigma"] ** 2) * keep
    income = earned * np.maximum(gain - work_lost, 0.0)
    cash = savings + income
    need = c["line"] * size
    consumption = np.minimum(cash, np.maximum(c["mpc_i"] * income + c["mpc_s"] * savings, need))
    return shock, usual_shock, usual_var, income, consumption, cash - consumption, \
        consumption < need


def test_economy_kernels_are_the_numpy_code():
    rng = np.random.default_rng(9)
    n = 4000
    c = {"rho": 0.6, "sigma": 0.4, "r": 0.74 ** (1 / 12), "usual_sigma": 0.3, "free": 15.0,
         "poor_ratio": 0.7, "work_hours": 160.0, "gain": 0.01, "cap": 3.0, "covariate": 0.1,
         "line": 6e5, "mpc_i": 0.82, "mpc_s": 0.13}
    shock, usual_shock = rng.normal(0, 0.3, n), rng.normal(0, 0.2, n)
    noise = rng.standard_normal((2, n))
    base = rng.lognormal(15, 0.5, n)
    loss = rng.normal(0.1, 0.4, n)  # outside 0-1 too, for the clip
    attended = rng.integers(0, 6, n).astype(np.int32)
    hours_used = rng.random(n) * 40
    poor = rng.random(n) < 0.2
    savings = rng.lognormal(14, 1, n)
    size = rng.integers(1, 7, n).astype(np.float64)
    want = _economy_numpy(shock, usual_shock, 0.05, noise, base, loss, attended, hours_used,
                          poor, savings, size, c)

    shock2, usual2 = shock.copy(), usual_shock.copy()
    step_var = (1.0 - c["r"] ** 2) * c["usual_sigma"] ** 2
    usual_var = c["r"] * c["r"] * 0.05 + step_var
    x_usual, x_shock = kernels.income_shocks(
        shock2, usual2, noise, c["rho"], np.sqrt(1.0 - c["rho"] ** 2) * c["sigma"], c["r"],
        np.sqrt(step_var), 0.5 * usual_var, 0.5 * c["sigma"] ** 2)
    got = kernels.budget_step(base, np.exp(x_usual), np.exp(x_shock), loss, c["covariate"],
                              attended, c["gain"], c["cap"], hours_used, poor, c["poor_ratio"],
                              c["free"], c["work_hours"], savings, size, c["line"], c["mpc_i"],
                              c["mpc_s"])
    assert np.array_equal(shock2, want[0]) and np.array_equal(usual2, want[1])
    assert usual_var == want[2]
    for ours, theirs in zip(got, want[3:], strict=True):
        assert np.array_equal(ours, theirs)


def test_onset_and_aid_kernels_are_the_numpy_code():
    rng = np.random.default_rng(11)
    n, k = 3000, 10
    import scipy.sparse as sp

    adj = sp.random(n, n, density=0.0005, random_state=3, format="csr")  # some rows empty
    adj = ((adj + adj.T) > 0).astype(np.float64).tocsr()
    degree = np.asarray(adj.sum(axis=1)).ravel()
    assert (degree == 0).any()
    solidarity = rng.random(n)
    total = adj @ solidarity
    attended = rng.integers(0, 4, n).astype(np.int32)
    mean = np.where(degree > 0, total / np.maximum(degree, 1), solidarity)
    assert np.array_equal(kernels.neighbour_mean_of(total, degree, solidarity), mean)
    support = 0.7 * mean + 0.3 * np.minimum(attended, 1).astype(np.float64)
    want = 1.2 * (0.5 - solidarity) - 0.8 * (support - 0.5)
    got = kernels.onset_exponent(adj.indptr, adj.indices, adj.data, degree, solidarity,
                                 attended, 0.3, 1.2, 0.8)
    assert np.array_equal(got, want)
    got = kernels.onset_exponent(adj.indptr, adj.indices, adj.data, degree, solidarity,
                                 attended, 0.3, 1.2, 0.8, True)  # 0/1: weights not read
    assert np.array_equal(got, want)
    adj.data[::3] = 2.0  # a weighted network: the sums must read the weights
    want_w = 1.2 * (0.5 - solidarity) - 0.8 * (
        0.7 * np.where(degree > 0, (adj @ solidarity) / np.maximum(degree, 1), solidarity)
        + 0.3 * np.minimum(attended, 1).astype(np.float64) - 0.5)
    got = kernels.onset_exponent(adj.indptr, adj.indices, adj.data, degree, solidarity,
                                 attended, 0.3, 1.2, 0.8)
    assert np.array_equal(got, want_w) and not np.array_equal(got, want)
    adj.data[:] = 1.0

    poor = rng.random(n) < 0.1
    active = rng.random((n, k)) < 0.03
    served = active & (rng.random((n, k)) < 0.5)
    need = poor | (active & ~served).any(axis=1)
    assert np.array_equal(kernels.needy_flags(poor, active, served), need.astype(np.float64))

    savings = rng.lognormal(14, 1.5, n)
    size = rng.integers(1, 6, n).astype(np.float64)
    u = rng.random(n)
    neighbours = rng.integers(0, 3, n).astype(np.float64)
    give, per_link = kernels.aid_offers(savings, size, 3e6, u, 0.4, solidarity, neighbours, 0.1)
    surplus = np.maximum(0.0, savings - 3e6 * size)
    willing = u < 0.4 * solidarity
    want_give = np.where(willing & (neighbours > 0), 0.1 * surplus, 0.0)
    assert np.array_equal(give, want_give)
    assert np.array_equal(per_link, want_give / np.maximum(neighbours, 1.0))

    incoming = rng.random(n) * 1e5 * (rng.random(n) < 0.5)
    s2, sol2 = savings.copy(), solidarity.copy()
    received = kernels.aid_receive(need.astype(np.float64), incoming, give, s2, sol2, 0.05)
    want_r = np.where(need, incoming, 0.0)
    assert np.array_equal(received, want_r)
    assert np.array_equal(s2, savings + (want_r - give))
    assert np.array_equal(sol2, np.where(want_r > 0, solidarity + 0.05 * (1 - solidarity),
                                         solidarity))


def test_aid_on_the_network_is_the_two_products():
    import networkx as nx
    import scipy.sparse as sp

    rng = np.random.default_rng(13)
    n = 2500
    g = nx.watts_strogatz_graph(n, 6, 0.3, seed=4)
    adj = sp.csr_matrix(nx.to_scipy_sparse_array(g, format="csr", dtype=np.float64))
    extra = sp.random(n, n, density=0.001, random_state=5, format="csr")  # far ties
    adj = ((adj + extra + extra.T) > 0).astype(np.float64).tocsr()
    assert adj.has_sorted_indices and (adj != adj.T).nnz == 0
    need = (rng.random(n) < 0.3).astype(np.uint8)  # as kernels.needy_flags gives it
    savings = rng.lognormal(15, 1.5, n)
    size = rng.integers(1, 6, n).astype(np.float64)
    u, solidarity = rng.random(n), rng.random(n)
    args = (savings, size, 2e6, u, 0.5, solidarity)
    want_give, want_link = kernels.aid_offers(*args, adj @ need, 0.1)
    give, per_link = kernels.aid_offers_on(adj.indptr, adj.indices, need, *args, 0.1)
    assert np.array_equal(give, want_give) and np.array_equal(per_link, want_link)
    assert (give > 0).any() and (give == 0).any()
    incoming = kernels.aid_incoming(adj.indptr, adj.indices, need, per_link)
    assert np.array_equal(incoming, np.where(need > 0, adj @ per_link, 0.0))


def test_active_memberships_and_beyond_hours_are_numpys():
    rng = np.random.default_rng(21)
    n, e = 300, 2500
    hh, org = _memberships(rng, n, e, 40)
    hh[-200:] = rng.integers(0, n, 200)  # joins appended out of household order
    active = rng.random(e) < 0.9
    idx, h2, o2 = kernels.active_memberships(active, hh, org)
    want = np.flatnonzero(active)
    assert np.array_equal(idx, want) and np.array_equal(h2, hh[want])
    assert np.array_equal(o2, org[want]) and h2.dtype == hh.dtype

    attended = rng.random(e) < 0.7
    most = rng.integers(0, 4, n).astype(np.float64)
    rows, _ = kernels.over_hours(hh, attended, most, n)
    r = np.round(rng.random(rows.size), 1)  # ties, which go in row order
    order = rows[np.lexsort((r, hh[rows]))]
    h = hh[order]
    starts = np.flatnonzero(np.r_[True, h[1:] != h[:-1]])
    rank = np.arange(h.size) - np.repeat(starts, np.diff(np.r_[starts, h.size]))
    want_drop = order[rank >= most[h]]
    got = kernels.beyond_hours(rows, r, hh, most)
    assert got.size > 0 and np.array_equal(np.sort(got), np.sort(want_drop))
