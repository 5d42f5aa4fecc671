"""The identification and service kernels give the numpy code they replace, to the bit.

Each reference below is the numpy expression the phases used before the kernel; inputs are
random, with the edge cases the phases can meet (nothing to do, ties, NaN, sizes that are
not a multiple of the 8-cell words the scans read).
"""

from __future__ import annotations

import numpy as np
import pytest

from oslsim import kernels
from oslsim.kernels.service import _active_cells

#: Every kernel test runs with the rows in one pass and in two halves on two threads.
pytestmark = pytest.mark.usefixtures("split_both_ways")

MAX_PASSES = 16
SHAPES = [(1000, 10), (7, 3), (0, 10), (50, 1), (13, 7), (1, 1), (333, 10)]


def same_bits(a, b):
    """Equal values, dtype and sign of zero, NaN equal to NaN (bit for bit)."""
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def case_arrays(rng, shape, p=0.2):
    active = rng.random(shape) < p
    served = active & (rng.random(shape) < 0.4)
    identified = np.where(active, rng.integers(0, 8, shape), rng.integers(0, 8, shape))
    return active, served, identified.astype(np.int8)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("p", [0.0, 0.03, 0.5, 1.0])
def test_active_cells_equal_flatnonzero(shape, p):
    a = np.random.default_rng(1).random(shape) < p
    got = _active_cells(a)
    assert got.dtype == np.int64
    assert np.array_equal(got, np.flatnonzero(a))
    assert np.array_equal(kernels.active_cells(a), got)


def test_the_cells_of_any_rows_are_those_of_flatnonzero():
    from oslsim.kernels.service import _cells_in

    rng = np.random.default_rng(8)
    for k in (1, 3, 8, 10):
        a = rng.random((41, k)) < 0.4
        for start in range(0, 42, 3):
            for stop in range(start, 42, 5):  # rows that begin and end inside words
                want = np.flatnonzero(a[start:stop]) + start * k
                assert np.array_equal(_cells_in(a, start, stop), want), (k, start, stop)


@pytest.mark.parametrize("shape", SHAPES)
def test_case_scans_equal_numpys(shape):
    rng = np.random.default_rng(5)
    active, served, identified = case_arrays(rng, shape)
    k = shape[1]
    for everything in (np.int8(7), np.int8(3)):
        want = np.flatnonzero((active & (identified != everything)).any(axis=1))
        assert np.array_equal(kernels.unknown_cells(active, identified, everything)[0], want)
    ok = rng.random(k) < 0.7
    for known in (1, 2, 4, 6, 7):
        hh, cat = kernels.open_cases(active, served, identified, np.int8(known), ok)
        want = np.nonzero(active & ~served & ((identified & known) > 0) & ok)
        assert hh.dtype == cat.dtype == np.int64
        assert np.array_equal(hh, want[0]) and np.array_equal(cat, want[1])
        h, c = kernels.open_in_cells(kernels.active_cells(active), served, identified,
                                     np.int8(known), ok)
        assert np.array_equal(h, want[0]) and np.array_equal(c, want[1])


def own_requests_numpy(mem_active, mem_hh, mem_org, active, identified, known, serves, kind):
    """The selection the service phase made in numpy: membership order, then category."""
    knows = active & ((identified & known) != 0)
    x = np.flatnonzero(mem_active)
    can = knows[mem_hh[x]] & serves[kind[mem_org[x]]]
    r, j = np.nonzero(can)
    return mem_hh[x][r].astype(np.int64), mem_org[x][r].astype(np.int64), j.astype(np.int64)


@pytest.mark.parametrize("n,m,e", [(300, 40, 2000), (5, 3, 0), (0, 3, 0), (17, 2, 60)])
def test_own_requests_equal_numpys_selection(n, m, e):
    rng = np.random.default_rng(n + e)
    k = 10
    active, _, identified = case_arrays(rng, (n, k), 0.3)
    mem_hh = np.sort(rng.integers(0, max(n, 1), e)).astype(np.int32)
    mem_hh[: e // 10] = rng.integers(0, max(n, 1), e // 10)  # not all in household order
    mem_org = rng.integers(0, m, e).astype(np.int32)
    mem_active = rng.random(e) < 0.8
    kind = rng.integers(0, 4, m).astype(np.int8)
    serves = rng.random((4, k)) < 0.5
    want = own_requests_numpy(mem_active, mem_hh, mem_org, active, identified, 1, serves, kind)
    # The slots number the known cases in case order; picking one request per slot equals
    # the lexsort pick over (household, category), also with ties among the uniforms.
    hh, org, cat, slot, n_slots = kernels.own_request_slots(
        kernels.active_cells(active), mem_active, mem_hh, mem_org, identified, np.int8(1),
        serves, kind)
    for g, w in zip((hh, org, cat), want, strict=True):
        assert g.dtype == np.int64 and np.array_equal(g, w)
    known = np.flatnonzero(active & ((identified & 1) != 0))
    assert n_slots == known.size and np.array_equal(known[slot], hh * k + cat)
    for u in (rng.random(hh.size), np.round(rng.random(hh.size), 1)):
        assert np.array_equal(kernels.first_in_slot(slot, u, n_slots),
                              first_numpy(hh, cat, u, k))


@pytest.mark.parametrize("e", [0, 1, 2500])
def test_attended_rows_equal_bincount_at_the_rows(e):
    rng = np.random.default_rng(e)
    n, m = 400, 30
    hh, org = rng.integers(0, n, e), rng.integers(0, m, e)
    active, attended = rng.random(e) < 0.8, rng.random(e) < 0.6
    own_o, forum_o = np.log1p(-rng.random(m) * 0.9), np.log1p(-rng.random(m) * 0.3)
    sel = active & attended
    # (bincount of nothing is integer; the sums are float64)
    full_own = np.bincount(hh[sel], weights=own_o[org[sel]], minlength=n).astype(np.float64)
    full_forum = np.bincount(hh[sel], weights=forum_o[org[sel]], minlength=n).astype(float)
    for rows in (np.flatnonzero(rng.random(n) < 0.3), np.arange(n), np.zeros(0, np.int64)):
        own, forum = kernels.attended_rows(active, attended, hh, org, own_o, forum_o, rows, n)
        assert same_bits(own, full_own[rows]) and same_bits(forum, full_forum[rows])


def first_numpy(hh, cat, u, k):
    case = hh * k + cat
    order = np.lexsort((u, case))
    return order[np.r_[True, case[order][1:] != case[order][:-1]]] if hh.size else order


@pytest.mark.parametrize("size", [0, 1, 2, 50, 3000])
def test_first_in_slot_equals_lexsort(size):
    rng = np.random.default_rng(size)
    k = 10
    hh = rng.integers(0, 40, size)
    cat = rng.integers(0, k, size)
    cases, slot = np.unique(hh * k + cat, return_inverse=True)
    nan = rng.random(size)
    nan[rng.random(size) < 0.3] = np.nan
    for u in (rng.random(size), np.round(rng.random(size), 1), nan):  # ties, NaN last
        assert np.array_equal(kernels.first_in_slot(slot, u, cases.size),
                              first_numpy(hh, cat, u, k))


def greedy_numpy(holder, cost, score, money, hours, hours_each):
    """The service phase's allocation as it was written in numpy."""
    done = np.zeros(holder.size, bool)
    pending = np.lexsort((-score, holder))
    for _ in range(MAX_PASSES):
        h = holder[pending]
        affordable = (cost[pending] <= money[h] + 1e-6) & (hours[h] >= hours_each - 1e-9)
        pending, h = pending[affordable], h[affordable]
        if pending.size == 0:
            break
        c = cost[pending]
        starts = np.flatnonzero(np.r_[True, h[1:] != h[:-1]])
        group = np.repeat(np.arange(starts.size), np.diff(np.r_[starts, h.size]))
        rank = np.arange(h.size) - starts[group]
        spent = np.cumsum(c)
        spent -= (spent - c)[starts][group]
        ok = (spent <= money[h] + 1e-6) & ((rank + 1) * hours_each <= hours[h] + 1e-9)
        take = pending[ok]
        done[take] = True
        np.subtract.at(money, holder[take], cost[take])
        np.subtract.at(hours, holder[take], hours_each)
        pending = pending[~ok]
    return done


def greedy_cases(rng):
    """Allocation problems like the phase's: skipping, many passes, ties, NaN, free hours."""
    for size, holders in ((0, 3), (1, 1), (40, 3), (2000, 60), (3000, 1), (500, 200)):
        holder = rng.integers(0, holders, size)
        cost = rng.choice([250_000.0, 300_000.0, 400_000.0], size) * (1 + 0.1 * rng.random(size))
        score = rng.choice([0.6, 1.0, 1.2], size) + 1e-6 * rng.random(size)
        money = rng.random(holders) * 2e6
        hours = rng.integers(0, 8, holders) * 1.0
        yield holder, cost, score, money, hours, 1.0
        yield holder, cost, np.round(score, 0), money, hours, 1.0  # ties: index order
        nan = score.copy()
        nan[rng.random(size) < 0.2] = np.nan
        yield holder, cost, nan, money, hours, 1.0
        yield holder, np.zeros(size), score, np.zeros(holders), hours, 2.5  # hours only
        yield holder, cost, score, money, np.full(holders, np.inf), 0.0  # money only
        yield holder.astype(np.int32), cost, -score, money, hours + 0.5, 1.0


def test_greedy_serve_equals_the_numpy_allocation():
    rng = np.random.default_rng(9)
    checked = 0
    for holder, cost, score, money, hours, each in greedy_cases(rng):
        m1, h1, m2, h2 = money.copy(), hours.copy(), money.copy(), hours.copy()
        want = greedy_numpy(holder, cost, score, m1, h1, each)
        got = kernels.greedy_serve(holder, cost, score, m2, h2, each, MAX_PASSES)
        assert np.array_equal(got, want)
        assert same_bits(m2, m1) and same_bits(h2, h1)  # the budgets left, to the bit
        checked += int(want.sum())
    assert checked > 1000  # the cases above do serve (the test is not vacuous)


def deliver_numpy(hh, cat, paid, quality, by, savings, aid, served, quality_of, served_by):
    to_hh = np.bincount(hh, weights=paid, minlength=savings.size)
    savings += to_hh
    aid += to_hh
    served[hh, cat] = True
    quality_of[hh, cat] = quality
    served_by[hh, cat] = by


@pytest.mark.parametrize("ordered", [True, False])
@pytest.mark.parametrize("size", [0, 1, 300])
def test_deliver_cases_equals_bincount_and_assignment(ordered, size):
    rng = np.random.default_rng(size + ordered)
    n, k = 200, 10
    cells = rng.choice(n * k, size, replace=False)
    if ordered:
        cells = np.sort(cells)
    hh, cat = cells // k, cells % k
    paid = rng.random(size) * 3e5
    quality = rng.random(size)  # float64, cast to the float32 table
    by = rng.integers(-3, 40, size)
    savings = rng.normal(0, 1e6, n)
    savings[:20] = -0.0  # adding numpy's zeros turns these into 0.0
    savings[20:25] = np.nan
    aid = np.zeros(n)
    aid[:5] = -0.0
    arrays = (np.zeros((n, k), bool), np.zeros((n, k), np.float32),
              np.full((n, k), -2, np.int32))
    want = (savings.copy(), aid.copy()) + tuple(a.copy() for a in arrays)
    got = (savings.copy(), aid.copy()) + tuple(a.copy() for a in arrays)
    deliver_numpy(hh, cat, paid, quality, by, *want)
    kernels.deliver_cases(hh, cat, paid, quality, by, *got, True)
    for g, w in zip(got, want, strict=True):
        assert same_bits(g, w)
    # A later delivery of the month: the zeros are 0.0 already, no pass over them.
    later = tuple(a.copy() for a in got)
    deliver_numpy(hh, cat, paid, np.float32(0.6) + np.zeros(size, np.float32), by, *got)
    kernels.deliver_cases(hh, cat, paid, np.full(size, np.float32(0.6)), by, *later, False)
    for g, w in zip(later, got, strict=True):
        assert same_bits(g, w)


@pytest.mark.parametrize("shape", SHAPES)
def test_identification_kernels_equal_numpys(shape):
    rng = np.random.default_rng(sum(shape))
    active, _, identified = case_arrays(rng, shape, 0.3)
    everything = np.int8(7)
    rows, cell_row, cell_cat = kernels.unknown_cells(active, identified, everything)
    unknown = active & (identified != everything)
    assert np.array_equal(rows, np.flatnonzero(unknown.any(axis=1)))
    r_i, r_j = np.nonzero(unknown)
    assert np.array_equal(rows[cell_row], r_i) and np.array_equal(cell_cat, r_j)
    # What each channel finds, in numpy: the new flags of the rows' active cases.
    k = shape[1]
    u = rng.random((3, rows.size, k))
    p_own, p_forum, p_register = rng.random(rows.size), rng.random(rows.size), 0.3
    found = (np.where(u[0] < p_own[:, None], 1, 0) | np.where(u[1] < p_forum[:, None], 2, 0)
             | np.where(u[2] < p_register, 4, 0)).astype(np.int8)
    old = identified[rows]
    new = found & ~old & np.where(active[rows], -1, 0).astype(np.int8)
    want = identified.copy()
    want[rows] = old | new
    got = identified.copy()
    count = kernels.identify_cells(rows, cell_row, cell_cat, got, u, p_own, p_forum,
                                   p_register, np.int8(1), np.int8(2), np.int8(4))
    assert same_bits(got, want) and count == int((new != 0).sum())


@pytest.mark.parametrize("n_kel", [1, 3])
def test_forum_miss_equals_numpys(n_kel):
    rng = np.random.default_rng(n_kel)
    n, n_rt, n_rw = 500, 40, 4
    rt = rng.integers(0, n_rt, n).astype(np.int32)
    rw, kel = (rt // 10).astype(np.int32), rng.integers(0, n_kel, n).astype(np.int32)
    rank = rng.random(n)
    rows = np.flatnonzero(rng.random(n) < 0.4)
    mem = np.log1p(-rng.random(rows.size))
    miss_rt, miss_rw = np.log1p(-rng.random(n_rt)), np.log1p(-rng.random(n_rw))
    miss_kel = np.log1p(-rng.random(n_kel))
    factor = 1.0 - 0.7 * 0.4
    bias = np.where(rank[rows] < 0.5, factor, 1.0)
    kel_term = miss_kel[0] if n_kel == 1 else miss_kel[kel[rows]]  # a scalar in a kelurahan
    want = mem + (miss_rt[rt[rows]] + miss_rw[rw[rows]] + kel_term) * bias
    got = kernels.forum_miss(rows, mem, miss_rt, miss_rw, miss_kel, rt, rw,
                             kel if n_kel > 1 else np.zeros(n, np.int32), rank, factor)
    assert same_bits(got, want)


@pytest.mark.parametrize("size", [0, 1, 2, 33, 5000])
def test_stable_argsort_is_numpys(size):
    from oslsim.kernels.service import _stable_argsort

    rng = np.random.default_rng(size)
    key = rng.normal(0, 1, size)
    pick = rng.random(size)
    key[pick < 0.1] = np.nan
    key[(pick >= 0.1) & (pick < 0.2)] = 0.0
    key[(pick >= 0.2) & (pick < 0.3)] = -0.0
    key[(pick >= 0.3) & (pick < 0.35)] = np.inf
    key[(pick >= 0.35) & (pick < 0.4)] = -np.inf
    key[(pick >= 0.4) & (pick < 0.6)] = np.round(key[(pick >= 0.4) & (pick < 0.6)], 1)
    assert np.array_equal(_stable_argsort(key), np.argsort(key, kind="stable"))
    assert np.array_equal(_stable_argsort(-key), np.argsort(-key, kind="stable"))


def test_case_scans_take_any_layout():
    # The scans read C-contiguous tables eight cells at a time; views and Fortran-ordered
    # copies must give the same answers (they are made contiguous first, or indexed in 2-D).
    rng = np.random.default_rng(17)
    active, served, identified = case_arrays(rng, (300, 20), 0.2)
    for a, s, ident in ((active[:, ::2], served[:, ::2], identified[:, ::2]),
                        (np.asfortranarray(active), np.asfortranarray(served),
                         np.asfortranarray(identified))):
        assert np.array_equal(kernels.active_cells(a), np.flatnonzero(a))
        no_poor = np.zeros(a.shape[0], bool)
        assert np.array_equal(kernels.needy_flags(no_poor, a, s), (a & ~s).any(axis=1))
        assert np.array_equal(kernels.unknown_cells(a, ident, np.int8(7))[0],
                              np.flatnonzero((a & (ident != 7)).any(axis=1)))
        ok = np.ones(a.shape[1], bool)
        hh, cat = kernels.open_cases(a, s, ident, np.int8(6), ok)
        want = np.nonzero(a & ~s & ((ident & 6) > 0))
        assert np.array_equal(hh, want[0]) and np.array_equal(cat, want[1])


def test_only_served_cells_hold_a_quality_or_a_server():
    # reset_served writes only the served cells: the rest must already be 0 and "none".
    import oslsim
    from oslsim.state import SERVED_NONE

    model = oslsim.OSLModel(oslsim.Params(households=800), rng=12)
    for _ in range(30):
        model.step()
        st = model.state
        assert st.served.any()
        assert not st.quality[~st.served].any()
        assert (st.served_by[~st.served] == SERVED_NONE).all()
    served, quality, by = st.served.copy(), st.quality.copy(), st.served_by.copy()
    kernels.reset_served(served, quality, by, SERVED_NONE)
    assert not served.any() and not quality.any() and (by == SERVED_NONE).all()
