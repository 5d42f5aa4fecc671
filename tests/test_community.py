"""The community builder: layout, composition, network, organisations and memberships."""

from __future__ import annotations

import math

import numpy as np
import pytest

from oslsim.community import build_community
from oslsim.founding import (
    area_bounds,
    beta_draw,
    covering_index,
    found_organisations,
    join_propensity,
)
from oslsim.params import Params
from oslsim.pmks import CATEGORIES, code_index
from oslsim.state import GOVERNMENT, SCOPE_KELURAHAN, SCOPE_RT, SCOPE_RW
from tiny import P, add_org, make_state


@pytest.fixture(scope="module")
def built():
    params = Params(households=3000)
    return params, build_community(params, np.random.default_rng(2024))


def test_layout_rt_within_rw(built):
    params, st = built
    c = params.community
    assert st.n == 3000
    assert st.n_rt == math.ceil(3000 / c.hh_per_rt) == 75
    assert st.n_rw == math.ceil(75 / c.rt_per_rw) == 8
    # Households are numbered RT by RT; every RT lies inside one RW.
    assert (np.diff(st.rt) >= 0).all() and (st.rt == np.arange(3000) // c.hh_per_rt).all()
    assert (st.rw == st.rt // c.rt_per_rw).all()
    assert area_bounds(st, params, SCOPE_RT, 2) == (80, 120)
    assert area_bounds(st, params, SCOPE_RW, 7) == (2800, 3000)  # the last RW is short
    assert area_bounds(st, params, SCOPE_KELURAHAN, 0) == (0, 3000)


def test_network_is_symmetric_simple_and_bonding_ties_stay_in_the_rt(built):
    _, st = built
    a = st.adjacency
    assert (abs(a - a.T)).nnz == 0
    assert set(np.unique(a.data)) == {1.0}
    assert a.diagonal().sum() == 0
    same = st.same_rt_tie.tocoo()
    assert (st.rt[same.row] == st.rt[same.col]).all()
    # Every RT tie is also a tie of the network; kin ties add about kin_degree per household.
    assert (st.same_rt_tie - st.same_rt_tie.multiply(a)).nnz == 0
    # Watts-Strogatz k = 6 inside the RT: mean RT degree 6 (rewiring keeps the edge count).
    assert st.degree_rt.mean() == pytest.approx(6.0, abs=0.2)
    # Kin ties: G(n, 2 / (n - 1)) adds a mean degree of 2; standard error about 0.03 (2n
    # edges' worth of Poisson noise), overlaps with RT ties are rare; allow 0.25.
    assert st.degree.mean() - st.degree_rt.mean() == pytest.approx(2.0, abs=0.25)


def test_poverty_rate_and_household_size_match_the_calibration(built):
    params, st = built
    e, c = params.economy, params.community
    # Poor at the start: usual per-capita income below the line. 3,000 households at 8.47%:
    # standard error 0.005; allow four.
    assert st.poor.mean() == pytest.approx(e.poverty_rate, abs=0.02)
    assert (st.poor == (st.base_income < e.poverty_line * st.size)).all()
    # Mean size 3.9 (BPS 2018), standard error sqrt(2.9 / 3000) = 0.031; allow four.
    assert st.size.mean() == pytest.approx(c.household_size_mean, abs=0.13)
    # Poor households are larger (about 4.6 vs 3.9): at least 0.3 persons on 250 poor
    # households (standard error of the difference about 0.11).
    assert st.size[st.poor].mean() - st.size[~st.poor].mean() > 0.3
    # Income rank is the position in the usual per-capita income distribution.
    per_capita = st.base_income / st.size
    order = np.argsort(per_capita)
    assert (np.diff(st.income_rank[order]) >= 0).all()


def test_eligibility_follows_composition(built):
    _, st = built
    for k, cat in enumerate(CATEGORIES):
        if cat.eligible == "any":
            assert st.eligible[:, k].all(), cat.code
    school = st.eligible[:, code_index("putus_sekolah")]
    children = st.eligible[:, code_index("anak_terlantar")]
    assert (school <= children).all()  # school-age children are children
    assert 0.01 < st.eligible[:, code_index("keluarga_cacat")].mean() < 0.15  # ~6%
    # Conditions only where the household is eligible.
    assert (st.active <= st.eligible).all()
    assert 0 < st.active.any(axis=1).mean() < 0.6


def test_organisations_and_wksbm_at_the_start(built):
    params, st = built
    o = params.organisations
    m0 = round(o.per_1000 * 3000 / 1000)  # 75
    # 3,000 households: 75 RT, 8 RW; coverage 0.5 covers round(4.0) = 4 RW, one WKSBM each,
    # each an RW-level group of its RW (none had to be founded at this density).
    assert st.m == m0
    rows = np.flatnonzero(st.wksbm[: st.m])
    assert rows.size == round(o.wksbm_coverage * st.n_rw) == 4
    assert (st.scope[rows] == SCOPE_RW).all() and np.unique(st.area[rows]).size == 4
    assert (st.origin[: st.m] == GOVERNMENT).sum() == round(o.government_share * m0)
    _, org = st.members()
    members = np.bincount(org, minlength=st.m)
    assert (members >= o.min_members).all()
    assert (st.n_members[: st.m] == members).all()
    # Initial treasury: some months of members' dues.
    assert np.allclose(st.treasury[: st.m],
                       o.initial_treasury_months * st.dues[: st.m] * members)
    assert ((st.capacity[: st.m] >= 0) & (st.capacity[: st.m] <= 1)).all()
    assert set(np.unique(st.scope[: st.m])) <= {SCOPE_RT, SCOPE_RW, SCOPE_KELURAHAN}


def test_members_live_in_the_area_of_their_organisation(built):
    params, st = built
    hh, org = st.members()
    scope, area = st.scope[org], st.area[org]
    assert (st.rt[hh][scope == SCOPE_RT] == area[scope == SCOPE_RT]).all()
    assert (st.rw[hh][scope == SCOPE_RW] == area[scope == SCOPE_RW]).all()
    per_household = st.memberships_per_household()
    assert per_household.max() <= params.organisations.max_memberships


def test_poorer_households_join_less(built):
    _, st = built
    per_household = st.memberships_per_household()
    low = per_household[st.income_rank < 0.25].mean()
    high = per_household[st.income_rank > 0.75].mean()
    # wealth_gradient 1: propensity exp(rank - 0.5), about 1.7 times higher at the top
    # quartile than at the bottom; 750 households each, so require a clear 20% gap.
    assert high > 1.2 * low


def test_exclusive_membership_keeps_the_poorer_half_out():
    params = Params(households=1200).with_overrides({"organisations.exclusivity": 1.0})
    st = build_community(params, np.random.default_rng(5))
    per_household = st.memberships_per_household()
    assert per_household[st.income_rank < 0.5].sum() == 0
    assert per_household[st.income_rank >= 0.5].mean() > 1


def test_coverage_chooses_rw_at_random_and_overlap_stays_inside_them():
    # 4,000 households: 10 RW. Coverage 0.3: three RW, one WKSBM each, not the strongest.
    base = Params(households=4000).with_overrides({"organisations.wksbm_coverage": 0.3})
    picked_capacity_rank = []
    for seed in range(20):
        st = build_community(base, np.random.default_rng(seed))
        rows = np.flatnonzero(st.wksbm[: st.m])
        assert rows.size == 3 and np.unique(st.area[rows]).size == 3
        for r in rows:
            same = np.flatnonzero((st.scope[: st.m] == SCOPE_RW) & (st.area[: st.m] == st.area[r]))
            picked_capacity_rank.append((st.capacity[same] > st.capacity[r]).mean())
    # Drawn at random among the RW's groups: on average half of the others are abler. The
    # strongest-first rule would give 0; 60 draws of a uniform rank: sd about 0.04.
    assert 0.3 < np.mean(picked_capacity_rank) < 0.7
    # Overlap: 6 per 1,000 asks for 24 WKSBM; the extra 21 go only to the three covered RW.
    st = build_community(base.with_overrides({"organisations.wksbm_per_1000": 6.0}),
                         np.random.default_rng(1))
    rows = np.flatnonzero(st.wksbm[: st.m])
    assert np.unique(st.area[rows]).size == 3 and (st.scope[rows] == SCOPE_RW).all()
    # Spread evenly: 24 over three RW is 8 each, as far as each RW has groups.
    per_rw = np.bincount(st.area[rows])[np.unique(st.area[rows])]
    groups = np.array([((st.scope[: st.m] == SCOPE_RW) & (st.area[: st.m] == a)).sum()
                       for a in np.unique(st.area[rows])])
    assert (per_rw == np.minimum(8, groups)).all()


def test_an_rw_without_groups_gets_a_new_wksbm_founded():
    params = Params(households=1000).with_overrides({"organisations.per_1000": 0.0,
                                                     "organisations.wksbm_coverage": 1.0})
    st = build_community(params, np.random.default_rng(1))
    # 1,000 households: 3 RW, no organisations at all: three RW-level WKSBM are founded.
    assert st.m == 3 and st.wksbm[:3].all() and (st.scope[:3] == SCOPE_RW).all()
    assert sorted(st.area[:3].tolist()) == [0, 1, 2]
    assert (st.origin[:3] == GOVERNMENT).all() and (st.treasury[:3] >= 0).all()


def test_same_seed_same_community_different_seed_different():
    params = Params(households=400)
    a = build_community(params, np.random.default_rng(9))
    b = build_community(params, np.random.default_rng(9))
    c = build_community(params, np.random.default_rng(10))
    for name in ("base_income", "size", "solidarity", "eligible", "active"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert (a.adjacency != b.adjacency).nnz == 0
    assert np.array_equal(a.mem_org[: a.e], b.mem_org[: b.e])
    assert not np.array_equal(a.base_income, c.base_income)


def test_covering_index_lists_rt_rw_and_kelurahan_groups():
    st = make_state(40, rt=np.arange(40) // 10, rw=np.arange(40) // 20, n_rt=4, n_rw=2,
                    edges=[(i, i + 1) for i in range(39)])
    st.rt_per_rw = 2
    rt1 = add_org(st, "arisan", scope=SCOPE_RT, area=1)
    rw1 = add_org(st, "pkk", scope=SCOPE_RW, area=1)
    kel = add_org(st, "adat", scope=SCOPE_KELURAHAN, area=0)
    dead = add_org(st, "pkk", scope=SCOPE_RT, area=0)
    st.alive[dead] = False
    index = covering_index(st)
    rts = np.arange(4)
    rws = rts // 2
    assert index.counts(rts, rws).tolist() == [1, 2, 2, 2]
    # Uniforms across [0, 1) reach every covering group of an RT, and only those.
    u = (np.arange(40) + 0.5) / 40
    cover = [sorted(set(index.pick(np.full(40, r), np.full(40, r // 2), u).tolist()))
             for r in rts]
    assert cover == [[kel], [rt1, kel], [rw1, kel], [rw1, kel]]
    # An RT nobody covers gets -1.
    none = covering_index(st, mask=np.zeros(st.m, bool))
    assert none.pick(np.array([0]), np.array([0]), np.array([0.3])).tolist() == [-1]


def test_found_organisations_recruits_founders_in_its_area():
    n = 80
    st = make_state(n, rt=np.arange(n) // 10, rw=np.arange(n) // 40, n_rt=8, n_rw=2,
                    edges=[(i, i + 1) for i in range(n - 1)])
    params = P({"community.hh_per_rt": 10, "community.rt_per_rw": 4}, households=n)
    st.rt_per_rw = 4
    rows = found_organisations(st, params, np.random.default_rng(0), 3, origin=GOVERNMENT,
                               scope=SCOPE_RT, area=np.array([0, 3, 7]), founders=4)
    assert rows.tolist() == [0, 1, 2]
    assert (st.origin[rows] == GOVERNMENT).all()
    assert (st.vitality[rows] == params.organisations.initial_vitality).all()
    hh, org = st.members()
    assert np.bincount(org).tolist() == [4, 4, 4]
    assert (st.rt[hh] == st.area[org]).all()


def test_join_propensity_is_normalised_and_exclusive():
    st = make_state(4, income_rank=[0.1, 0.4, 0.6, 0.9], edges=[(0, 1)])
    p = join_propensity(st, P({"organisations.wealth_gradient": 2.0}, households=4))
    # exp(2 (rank - 0.5)) normalised to mean one: increasing in rank
    w = np.exp(2 * (np.array([0.1, 0.4, 0.6, 0.9]) - 0.5))
    assert np.allclose(p, w / w.mean())
    p = join_propensity(st, P({"organisations.wealth_gradient": 0.0,
                               "organisations.exclusivity": 0.5}, households=4))
    assert np.allclose(p, [0.5, 0.5, 1.0, 1.0])


def test_beta_draw_mean_and_sd():
    x = beta_draw(np.random.default_rng(1), 0.55, 0.15, 20_000)
    # 20,000 draws: standard error of the mean 0.001; allow 0.005.
    assert x.mean() == pytest.approx(0.55, abs=0.005)
    assert x.std() == pytest.approx(0.15, abs=0.005)
    assert ((x >= 0) & (x <= 1)).all()
    assert (beta_draw(np.random.default_rng(1), 0.3, 0.0, 5) == 0.3).all()
