"""The compiled loops (oslsim.kernels) give numpy's and Python's own numbers exactly."""

from __future__ import annotations

import random

import numpy as np
import pytest

from oslsim import kernels, netgen


@pytest.mark.parametrize("seed", [0, 1, 12345, 2**31 - 1, 2**31 + 5, 2**40 + 3])
def test_the_twister_is_pythons(seed):
    py = random.Random(seed)
    assert kernels.mt_words(seed, 1500).tolist() == [py.getrandbits(32) for _ in range(1500)]


def test_row_reductions_equal_numpys():
    rng = np.random.default_rng(3)
    for shape, p in (((1000, 10), 0.05), ((7, 3), 0.5), ((0, 10), 0.1), ((50, 1), 0.3)):
        a = rng.random(shape) < p
        assert np.array_equal(kernels.row_any(a), a.any(axis=1))
        assert np.array_equal(kernels.row_count(a), a.sum(axis=1))
        assert kernels.row_count(a).dtype == np.int32
        assert np.array_equal(kernels.col_count(a), a.sum(axis=0))


def test_compiled_rewiring_equals_the_python_loop():
    # The loop netgen keeps for blocks too large for the compiled one must agree with it.
    sizes = np.array([5, 9, 40, 78, 31])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    seeds = [3, 9, 27, 2**31 - 2, 0]
    for half, p in ((2, 0.2), (3, 0.5), (1, 0.9)):
        sizes_ok = np.maximum(sizes, 2 * half + 1)
        offsets = np.concatenate([[0], np.cumsum(sizes_ok)[:-1]])
        keep, pu, pw, pb = kernels.rewire_blocks(sizes_ok, offsets, np.array(seeds), half, p,
                                                 int(sizes_ok.sum()), int(sizes_ok.max()))
        for b, n in enumerate(sizes_ok):
            removed, pairs = netgen._rewire(int(n), half, p, seeds[b])
            ours = {(int(u), int(w)) for u, w in zip(pu[pb == b], pw[pb == b], strict=True)}
            assert ours == set(pairs)
            gone = {(u, j) for j in range(1, half + 1) for u in range(n)
                    if not keep[(j - 1) * sizes_ok.sum() + offsets[b] + u]}
            assert gone == set(removed)


def test_open_cases_equal_numpys_selection():
    rng = np.random.default_rng(8)
    active = rng.random((500, 10)) < 0.3
    served = active & (rng.random((500, 10)) < 0.4)
    identified = rng.integers(0, 8, (500, 10)).astype(np.int8)
    ok = rng.random(10) < 0.7
    for known in (1, 2, 4, 6):
        hh, cat = kernels.open_cases(active, served, identified, np.int8(known), ok)
        want = np.nonzero(active & ~served & ((identified & known) > 0) & ok)
        assert np.array_equal(hh, want[0]) and np.array_equal(cat, want[1])



def test_kel_case_counts_equal_numpys_reductions():
    rng = np.random.default_rng(11)
    n, k = 500, 6
    active = rng.random((n, k)) < 0.2
    served = active & (rng.random((n, k)) < 0.5)
    served[3, 2] = True  # a served cell without an active case still counts as served
    poor = rng.random(n) < 0.3
    start = np.array([0, 120, 121, 121, 400, n])  # an empty kelurahan too
    unserved, n_active, n_served, n_rows, n_poor = kernels.kel_case_counts(active, served,
                                                                           poor, start)
    for g, (lo, hi) in enumerate(zip(start[:-1], start[1:], strict=True)):
        assert np.array_equal(unserved[g], (active & ~served)[lo:hi].sum(axis=0))
        assert n_active[g] == active[lo:hi].sum() and n_served[g] == served[lo:hi].sum()
        assert n_rows[g] == active[lo:hi].any(axis=1).sum() and n_poor[g] == poor[lo:hi].sum()


def test_over_hours_equals_numpys_selection():
    rng = np.random.default_rng(5)
    n, e = 200, 1500
    hh, attended = rng.integers(0, n, e), rng.random(e) < 0.7
    for most in (np.floor(rng.random(n) * 8), np.full(n, 100.0)):
        rows, over = kernels.over_hours(hh, attended, most, n)
        too_many = np.bincount(hh, weights=attended, minlength=n) > most
        assert over == bool(too_many.any())
        expected = np.flatnonzero(attended & too_many[hh]) if over else np.zeros(0, np.int64)
        assert np.array_equal(rows, expected)


def test_give_step_equals_the_numpy_code():
    rng = np.random.default_rng(9)
    n, n_rt = 400, 13
    sol, income, size = rng.random(n), rng.random(n) * 3e6, rng.integers(1, 7, n) * 1.0
    savings = rng.normal(1e6, 1e6, n)
    per_household, rt = rng.integers(0, 4, n), rng.integers(0, n_rt, n)
    line, share, rt_weight = 4e5, 0.05, 0.5
    budget = share * sol * np.maximum(income - line * size, 0.0)
    budget = np.minimum(budget, np.maximum(savings, 0.0))
    askers = rt_weight + per_household
    per_weight = np.where(askers > 0, budget / np.maximum(askers, 1e-12), 0.0)
    left = savings - per_weight * askers
    pw, given, rt_sum = kernels.give_step(sol, income, size, savings, per_household, rt, n_rt,
                                          line, share, rt_weight)
    assert np.array_equal(pw, per_weight) and np.array_equal(given, per_weight * askers)
    assert np.array_equal(savings, left)  # taken in place
    assert np.array_equal(rt_sum, np.bincount(rt, weights=per_weight * rt_weight,
                                              minlength=n_rt))


def test_still_open_equals_a_fresh_scan_after_serving():
    rng = np.random.default_rng(21)
    n, k = 300, 8
    active = rng.random((n, k)) < 0.3
    served = np.zeros((n, k), bool)
    identified = rng.integers(0, 8, (n, k)).astype(np.int8)
    ok = rng.random(k) < 0.7
    hh, cat = kernels.open_cases(active, served, identified, np.int8(6), np.ones(k, bool))
    served[rng.random((n, k)) < 0.4] = True  # some get served in between
    for known in (np.int8(2), np.int8(4), np.int8(6)):
        h, c = kernels.still_open(hh, cat, active, served, identified, known, ok)
        h0, c0 = kernels.open_cases(active, served, identified, known, ok)
        assert np.array_equal(h, h0) and np.array_equal(c, c0)


def test_mutual_aid_kernels_equal_the_numpy_code():
    rng = np.random.default_rng(4)
    n = 500
    savings, size = rng.normal(2e6, 2e6, n), rng.integers(1, 7, n) * 1.0
    u, sol = rng.random(n), rng.random(n)
    nn = rng.integers(0, 4, n) * 1.0
    need, incoming = rng.random(n) < 0.4, rng.random(n) * 1e5
    surplus = np.maximum(0.0, savings - 3e5 * size)
    give = np.where((u < 0.3 * sol) & (nn > 0), 0.1 * surplus, 0.0)
    received = np.where(need, incoming, 0.0)
    left, sol2 = savings + (received - give), sol.copy()
    sol2[received > 0] += 0.05 * (1 - sol2[received > 0])
    g, per_link = kernels.aid_offers(savings, size, 3e5, u, 0.3, sol, nn, 0.1)
    assert np.array_equal(g, give) and np.array_equal(per_link, give / np.maximum(nn, 1.0))
    r = kernels.aid_receive(need, incoming, g, savings, sol, 0.05)
    assert np.array_equal(r, received)
    assert np.array_equal(savings, left) and np.array_equal(sol, sol2)  # both in place
