"""The compiled loops of the monthly outcomes, organisation life and drift give numpy's numbers.

Each kernel is checked bit for bit against the numpy expression it replaced, on random
inputs and on the edge cases (no rows, no memberships, NaN, -0.0, values out of range).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from oslsim import OSLModel, Params, founding, kernels, metrics
from oslsim.kernels.outcomes import _clip
from oslsim.state import SCOPE_KELURAHAN, SCOPE_RT, SCOPE_RW

#: Every kernel test runs with the rows in one pass and in two halves on two threads.
pytestmark = pytest.mark.usefixtures("split_both_ways")

HI = 1.0 - 1e-12


def same(a, b) -> bool:
    """Equal bit for bit: the same values, NaN where NaN, the same sign of zero."""
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def specials(rng: np.random.Generator, size: int) -> np.ndarray:
    """Random floats with NaN, -0.0, 0.0, inf and values outside 0-1 mixed in."""
    x = rng.normal(0.5, 0.6, size)
    pick = rng.integers(0, 8, size)
    x[pick == 0] = np.nan
    x[pick == 1] = -0.0
    x[pick == 2] = 0.0
    x[pick == 3] = np.inf
    return x


def test_clip_keeps_numpys_rule_for_nan_and_signed_zero():
    x = np.array([np.nan, -0.0, 0.0, -1.0, 2.0, np.inf, -np.inf, 0.3, HI, 1.0])
    want = np.clip(x, 0.0, HI)
    got = np.array([_clip(v, 0.0, HI) for v in x])
    assert same(got, want)


def _kel_start(rng, n, n_kel):
    cuts = np.sort(rng.integers(0, n + 1, n_kel - 1))
    return np.concatenate([[0], cuts, [n]]).astype(np.int64)


@pytest.mark.parametrize("n, k, n_kel", [(2000, 10, 1), (2000, 10, 7), (0, 10, 1), (5, 3, 5),
                                         (300, 1, 3)])
def test_month_counts_equal_numpys_reductions(n, k, n_kel):
    rng = np.random.default_rng(n + k + n_kel)
    active = rng.random((n, k)) < 0.2
    served = (active & (rng.random((n, k)) < 0.5)) | (rng.random((n, k)) < 0.02)
    identified = rng.integers(0, 5, (n, k)).astype(np.int8)
    poor = rng.random(n) < 0.3
    kel_start = _kel_start(rng, n, n_kel)  # may hold empty kelurahan
    for views in (False, True):
        a, s, p = ((x.view(np.uint8) for x in (active, served, poor)) if views
                   else (active, served, poor))
        by_cat, unserved, n_served, n_ident, n_rows, n_poor = kernels.month_counts(
            a, s, identified, p, kel_start)
        for g in range(n_kel):
            lo, hi = kel_start[g], kel_start[g + 1]
            act, srv = active[lo:hi], served[lo:hi]
            assert np.array_equal(by_cat[g], act.sum(axis=0))
            assert np.array_equal(unserved[g], (act & ~srv).sum(axis=0))
            assert n_served[g] == np.count_nonzero(srv)
            assert n_ident[g] == np.count_nonzero(act & (identified[lo:hi] > 0))
            assert n_rows[g] == np.count_nonzero(act.any(axis=1))
            assert n_poor[g] == np.count_nonzero(poor[lo:hi])


def test_covered_counts_equal_numpys_selection():
    rng = np.random.default_rng(4)
    n, n_rt, n_rw, n_kel = 3000, 60, 12, 4
    rt = np.sort(rng.integers(0, n_rt, n)).astype(np.int32)
    rw = (rt // 5).astype(np.int32)
    kel = (rw // 3).astype(np.int32)
    kel_start = np.searchsorted(kel, np.arange(n_kel + 1)).astype(np.int64)
    for p in (0.0, 0.1, 0.5, 1.0):
        rt_cov, rw_cov = rng.random(n_rt) < p, rng.random(n_rw) < p / 2
        kel_cov = rng.random(n_kel) < p / 4
        covered = rt_cov[rt] | rw_cov[rw] | kel_cov[kel]
        got = kernels.covered_counts(rt, rw, kel, rt_cov, rw_cov, kel_cov, kel_start)
        assert np.array_equal(got, np.add.reduceat(covered, kel_start[:-1]))


def _memberships(rng, e, n, m, p_active=0.9):
    active = rng.random(e) < p_active
    attended = rng.random(e) < 0.5
    hh = rng.integers(0, n, e).astype(np.int32)
    org = rng.integers(0, m, e).astype(np.int32)
    tie = specials(rng, e)
    return active, attended, hh, org, tie


@pytest.mark.parametrize("e, n, m", [(5000, 700, 40), (0, 10, 3), (3, 2, 1)])
def test_membership_terms_give_the_numpy_definitions(e, n, m):
    rng = np.random.default_rng(e + n)
    active, attended, hh, org, tie = _memberships(rng, e, n, m)
    cross = rng.random(m)
    cross[: m // 3] = 0.0  # RT-level groups: no cross-RT share
    wksbm = rng.random(m) < 0.3
    n_act, n_att, n_members, bridge, link, link_hh = kernels.membership_terms(
        active, attended, hh, org, tie, cross, wksbm, n, True)
    assert n_act == np.count_nonzero(active)
    assert n_att == np.count_nonzero(active & attended)
    assert n_members == np.unique(hh[active]).size
    # bridging: bincount(hh, weights=log1p(-clip(tie * cross[org]))) over active memberships
    with np.errstate(invalid="ignore"):  # inf * 0 is NaN, as it is in the kernel
        miss = np.log1p(-np.clip(tie[active] * cross[org[active]], 0.0, HI))
    # (float64 even with no memberships, where numpy's bincount gives integers)
    want = np.bincount(hh[active], weights=miss, minlength=n).astype(np.float64)
    got = kernels.household_sums(active, hh, np.log1p(bridge), n)
    assert same(got, want)
    # linking: the same over active memberships of WKSBM, with the tie alone
    wk = wksbm[org[active]]
    assert np.array_equal(link_hh, hh[active][wk])
    assert same(link, -np.clip(tie[active][wk], 0.0, HI))
    none = kernels.membership_terms(active, attended, hh, org, tie, cross, wksbm, n, False)
    assert none[4].size == 0 and same(none[3], bridge)


def _random_csr(rng, n, density, ones=True):
    a = sp.random(n, n, density=density, format="csr", random_state=np.random.RandomState(1))
    a = a + a.T
    a.setdiag(0)
    a.eliminate_zeros()
    a = a.tocsr()
    if ones:
        a.data[:] = 1.0
    a.sort_indices()
    return a


@pytest.mark.parametrize("ones", [True, False])
def test_bonding_terms_equal_the_sparse_product(ones):
    rng = np.random.default_rng(6)
    n = 800
    t = _random_csr(rng, n, 0.004, ones)  # sparse enough that some rows have no tie
    assert (np.diff(t.indptr) == 0).any()
    s = specials(rng, n)
    s[np.isinf(s)] = 0.7
    degree = np.asarray(t.sum(axis=1), dtype=np.float64).ravel()
    nb = t @ s
    want = s * np.where(degree > 0, nb / np.maximum(degree, 1), 0.0)
    assert same(kernels.bonding_terms(t.indptr, t.indices, t.data, s, degree), want)
    if ones:  # a 0/1 matrix: the sums without reading its weights are the same numbers
        assert same(kernels.bonding_terms(t.indptr, t.indices, t.data, s, degree, True), want)


@pytest.mark.parametrize("ones", [True, False])
@pytest.mark.parametrize("influence, keep, lost", [(0.1, 0.99, 0.0), (0.5, 0.95, 0.02),
                                                   (0.0, 1.0, -0.3), (1.0, 0.5, 0.4)])
def test_drift_step_equals_the_numpy_drift(influence, keep, lost, ones):
    rng = np.random.default_rng(7)
    n = 900
    adj = _random_csr(rng, n, 0.003, ones)  # weighted too: a user's network may be
    s = specials(rng, n)
    degree = np.asarray(adj.sum(axis=1), dtype=np.float64).ravel()
    with np.errstate(invalid="ignore"):  # inf - inf is NaN, as it is in the kernel
        nb = np.where(degree > 0, (adj @ s) / np.maximum(degree, 1), s)
        want = np.clip((s + influence * (nb - s)) * keep - lost, 0.0, 1.0)
    got = kernels.drift_step(adj.indptr, adj.indices, adj.data, s, degree, influence, keep,
                             lost)
    assert same(got, want)
    if ones:  # every weight is 1.0: the same numbers without reading them
        got = kernels.drift_step(adj.indptr, adj.indices, adj.data, s, degree, influence,
                                 keep, lost, True)
        assert same(got, want)
    empty = sp.csr_matrix((0, 0))
    assert kernels.drift_step(empty.indptr, empty.indices.astype(np.int32), empty.data,
                              np.zeros(0), np.zeros(0), influence, keep, lost).size == 0


def test_drift_count_ends_memberships_then_counts():
    rng = np.random.default_rng(8)
    for e, m in ((4000, 50), (0, 5)):
        active, _, _, org, _ = _memberships(rng, e, 10, m, 0.8)
        vitality = specials(rng, m)
        u = rng.random(np.count_nonzero(active))
        # the r-th active membership ends where u[r] < rate * (1 - vitality of its group)
        before = active.copy()
        before[np.flatnonzero(active)] = ~(u < 0.3 * (1.0 - vitality[org[active]]))
        after = active.copy()
        count = kernels.drift_count(after, org, vitality, u, 0.3, m)
        assert np.array_equal(after, before)
        assert np.array_equal(count, np.bincount(org[after], minlength=m))


def test_rt_need_equals_the_bincounts():
    rng = np.random.default_rng(9)
    for n, n_rt in ((3000, 40), (0, 3)):
        rt = rng.integers(0, n_rt, n).astype(np.int32)  # not sorted: any order works
        solidarity = specials(rng, n)
        active = rng.random((n, 10)) < 0.1
        served = active & (rng.random((n, 10)) < 0.5)
        n_in, total, unmet = kernels.rt_need(rt, solidarity, active, served, n_rt)
        assert np.array_equal(n_in, np.bincount(rt, minlength=n_rt))
        # (as float64: with no households numpy's bincount gives integers)
        assert same(total, np.bincount(rt, weights=solidarity, minlength=n_rt)
                    .astype(np.float64))
        assert same(unmet, np.bincount(rt, weights=(active & ~served).any(axis=1),
                                       minlength=n_rt).astype(np.float64))


def test_seekers_equal_numpys_selection():
    rng = np.random.default_rng(10)
    for n in (5000, 0):
        u = rng.random(n)
        propensity = specials(rng, n)
        have = rng.integers(0, 6, n)
        for rate, most in ((0.05, 4), (1.0, 6), (0.5, 0)):
            with np.errstate(invalid="ignore"):  # inf * 0 is NaN, as it is in the kernel
                want = np.flatnonzero(u < rate * propensity * (have < most))
            assert np.array_equal(kernels.seekers(u, rate, propensity, have, most), want)


# ------------------------------------------------------------------ the phases' numbers


@pytest.fixture(scope="module")
def model():
    """A community a few months in, with WKSBM at every level and the government active."""
    m = OSLModel(Params(households=900).with_overrides(
        {"organisations.wksbm_coverage": 0.5}), rng=5)
    m.run(6)
    return m


def test_outcomes_equal_the_numpy_definitions(model):
    st, params = model.state, model.params
    st.wksbm[: st.m][st.scope[: st.m] == SCOPE_RT] |= st.alive[: st.m][
        st.scope[: st.m] == SCOPE_RT]  # WKSBM at RT level too
    assert st.gov_active and (st.scope[: st.m][st.wksbm[: st.m]] == SCOPE_RW).any()
    row = metrics.outcomes(st, params)
    hh, org = st.members()
    assert row["bonding_capital"] == metrics.bonding_capital(st)
    assert row["bridging_capital"] == metrics.bridging_capital(st, hh, org)
    assert row["linking_capital"] == metrics.linking_capital(st, hh, org)
    assert 0 < row["linking_capital"] and 0 < row["bridging_capital"]
    rows = np.flatnonzero(st.alive[: st.m] & st.wksbm[: st.m])
    assert row["wksbm_coverage"] == float(metrics.covered_households(st, rows).mean())
    assert metrics.wksbm_coverage(st) == row["wksbm_coverage"]
    assert row["poverty_rate"] == float(st.poor.mean())
    assert row["wksbm_count"] == int((st.alive[: st.m] & st.wksbm[: st.m]).sum())


def test_kelurahan_columns_equal_kelurahan_outcomes():
    from oslsim.region import RegionModel, kelurahan_outcomes
    from test_golden_region import region

    m = RegionModel(region(), rng=3)
    m.run(4)
    st = m.state
    assert st.n_kel == 3
    # a kelurahan-wide WKSBM covers its kelurahan: each level is counted
    kel_rows = np.flatnonzero(st.alive[: st.m] & (st.scope[: st.m] == SCOPE_KELURAHAN))
    st.wksbm[kel_rows[:1]] = True
    assert (st.scope[: st.m][st.wksbm[: st.m] & st.alive[: st.m]]
            == SCOPE_RW).any()
    want = kelurahan_outcomes(st, m.params)
    got = metrics.kelurahan_columns(st, m.params, metrics.month_counts(st))
    assert want.keys() == got.keys()
    for key in want:
        assert same(got[key], want[key]), key


def test_members_kept_up_to_date_equal_a_recount():
    # Weak groups dissolve and new KPS emerge often here, so every path of the count runs.
    m = OSLModel(Params(households=600).with_overrides({
        "organisations.dissolve_threshold": 0.9, "organisations.dissolve_rate": 0.3,
        "organisations.emergence_rate": 0.2}), rng=2)
    st = m.state
    m0 = st.m
    for _ in range(4):
        m.step()
        act = st.mem_active[: st.e]
        assert np.array_equal(st.n_members[: st.m],
                              np.bincount(st.mem_org[: st.e][act], minlength=st.m))
    assert (st.dissolved[: st.m] >= 0).any() and st.m > m0


def test_join_propensity_kept_only_while_ranks_and_parameters_hold(model):
    st, params = model.state, model.params

    def fresh(state, p):
        o = p.organisations
        w = np.exp(o.wealth_gradient * (state.income_rank - 0.5))
        w /= w.mean()
        return w * np.where(state.income_rank < 0.5, 1.0 - o.exclusivity, 1.0)

    first = founding.join_propensity(st, params)
    assert same(first, fresh(st, params))
    first[:] = -1.0  # the caller's copy: what is kept is not touched
    assert same(founding.join_propensity(st, params), fresh(st, params))
    other = params.with_overrides({"organisations.exclusivity": 0.5})
    assert same(founding.join_propensity(st, other), fresh(st, other))
    rank = st.income_rank.copy()
    try:
        st.income_rank[:10] = st.income_rank[10:20]  # changed in place: computed again
        assert same(founding.join_propensity(st, params), fresh(st, params))
    finally:
        st.income_rank[:] = rank
    assert same(founding.join_propensity(st, params), fresh(st, params))


def test_dissolve_count_ends_memberships_then_counts():
    rng = np.random.default_rng(11)
    for e, n, m in ((4000, 300, 30), (0, 4, 2)):
        active, _, hh, org, _ = _memberships(rng, e, n, m, 0.8)
        ends = rng.random(m) < 0.3
        per_org = np.where(ends, rng.random(m) * 1000, 0.0)
        gone = active & ends[org]  # the dissolved groups' memberships and their shares
        # (bincount of nothing gives integers even with weights; the kernel gives floats)
        want = np.bincount(hh[gone], weights=per_org[org[gone]], minlength=n).astype(float)
        before = active & ~gone
        after = active.copy()
        shares, have = kernels.dissolve_count(after, hh, org, ends, per_org, n)
        assert np.array_equal(after, before) and same(shares, want)
        assert np.array_equal(have, np.bincount(hh[after], minlength=n))


def test_memberships_held_equals_add_memberships_isin():
    # The clash check of State.add_memberships, for the lead to use there.
    rng = np.random.default_rng(12)
    big = 1 << 24
    for e, n, m, k in ((5000, 400, 50, 300), (0, 5, 3, 4), (50, 10, 4, 0)):
        active, _, mem_hh, mem_org, _ = _memberships(rng, e, n, m, 0.8)
        hh = rng.integers(0, n, k).astype(np.int32)
        org = rng.integers(0, m, k).astype(np.int32)
        codes, first = np.unique(hh.astype(np.int64) * big + org, return_index=True)
        hh = hh[first]
        mine = active & np.isin(mem_hh, hh, kind="table")
        held = mem_hh[mine].astype(np.int64) * big + mem_org[mine]
        want = np.isin(codes, held)
        got = kernels.memberships_held(active, mem_hh, mem_org, hh, codes, big, n)
        assert np.array_equal(got, want)
        assert e == 0 or k == 0 or want.any()  # some clash, so the check is tested


def test_log1p_in_halves_is_numpys_to_the_bit():
    # numpy's SIMD loops must give each element the same bits whichever half (and alignment)
    # it falls in; -0.0 and 0.0 included
    rng = np.random.default_rng(2)
    x = -rng.random(100_003) * HI
    x[::7], x[::11] = 0.0, -0.0
    for offset in range(9):
        y = x[offset:]
        assert np.array_equal(metrics._log1p(y).view(np.uint64), np.log1p(y).view(np.uint64))
