"""Phase 1, economy, on three hand-made households with values worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from oslsim import OSLModel, Params
from oslsim.phases import economy
from tiny import P, make_state

# No income shock and no change of usual income, a poverty line of Rp100,000 per person,
# the default propensities (mpc_income 0.9, mpc_savings 0.05).
CALM = {"economy.shock_sigma": 0.0, "economy.usual_sigma": 0.0,
        "economy.poverty_line": 100_000.0, "economy.mpc_income": 0.9,
        "economy.mpc_savings": 0.05}


def three_households():
    return make_state(size=[2, 4, 3], base_income=[1_000_000, 300_000, 500_000],
                      savings=[2_000_000, 50_000, 0])


def test_consumption_savings_poverty_and_ledger(rng):
    st = three_households()
    economy(st, P(CALM), rng)
    # shock_sigma = 0 and nobody attended a meeting: income = base income.
    assert_allclose(st.income, [1_000_000, 300_000, 500_000])
    # consumption = min(cash, max(0.9 income + 0.05 savings, line * size))
    # hh0: need 200,000; desired 900,000 + 100,000 = 1,000,000; cash 3,000,000 -> 1,000,000
    # hh1: need 400,000; desired 270,000 + 2,500 = 272,500 -> 400,000; cash 350,000 -> 350,000
    # hh2: need 300,000; desired 450,000 + 0 = 450,000; cash 500,000 -> 450,000
    assert_allclose(st.consumption, [1_000_000, 350_000, 450_000])
    # savings = cash - consumption
    assert_allclose(st.savings, [2_000_000, 0, 50_000])
    # poor: consumption below line * size -> only hh1 (350,000 < 400,000)
    assert st.poor.tolist() == [False, True, False]
    # The ledger: 1.8 million came in as income, 1.8 million left as consumption.
    assert st.ledger.income == pytest.approx(1_800_000)
    assert st.ledger.consumption == pytest.approx(1_800_000)


def test_memberships_raise_income_and_hours_beyond_the_free_ones_cost_income(rng):
    st = three_households()
    st.attended[:] = [2, 0, 6]
    st.hours_used[:] = [6.0, 0.0, 27.0]
    st.poor[:] = [False, False, True]  # last month's status sets the free hours
    params = P({**CALM, "economy.membership_income_gain": 0.015,
                "economy.membership_gain_cap": 4, "time.free_hours": 8.0,
                "time.poor_hours_ratio": 0.5, "time.work_hours": 100.0})
    economy(st, params, rng)
    # gain = 1 + 0.015 * min(attended, 4) - max(0, hours - free) / work_hours
    # hh0: 6 h <= 8 free: 1 + 0.030 = 1.030
    # hh1: 1
    # hh2 (poor: 4 free hours): 1 + 0.060 - (27 - 4) / 100 = 0.83
    assert_allclose(st.income, [1_030_000, 300_000, 415_000])


def test_income_loss_and_covariate_shock_cut_income(rng):
    st = three_households()
    st.income_loss[:] = [0.5, 0.0, 2.0]  # the loss is clipped to [0, 1]
    economy(st, P({**CALM, "economy.covariate_shock": 0.2}), rng)
    # keep = (1 - loss) * (1 - 0.2): 0.4, 0.8, 0
    assert_allclose(st.income, [400_000, 240_000, 0])
    # hh2 has no income and no savings: it consumes nothing and is poor.
    assert st.consumption[2] == 0.0
    assert st.poor[2]


def test_ar1_shock_follows_the_formula():
    st = three_households()
    st.shock[:] = [0.1, -0.2, 0.0]
    sigma, rho = 0.3, 0.5
    economy(st, P({**CALM, "economy.shock_sigma": sigma,
                   "economy.shock_persistence": rho}), np.random.default_rng(7))
    # The phase's only draw is two standard normals per household: row 0 the shock.
    noise = np.random.default_rng(7).standard_normal((2, 3))[0]
    shock = rho * np.array([0.1, -0.2, 0.0]) + math.sqrt(1 - rho**2) * sigma * noise
    assert_allclose(st.shock, shock)
    # income = base * exp(shock - sigma^2 / 2): mean-preserving lognormal shock
    assert_allclose(st.income, [1_000_000, 300_000, 500_000] * np.exp(shock - sigma**2 / 2))


def test_money_in_and_out_matches_the_ledger(rng):
    st = three_households()
    before = st.total_money()
    economy(st, P({**CALM, "economy.shock_sigma": 0.4}), rng)
    assert st.total_money() - before == pytest.approx(st.ledger.income - st.ledger.consumption)
    assert (st.savings >= 0).all()


def test_income_shock_is_mean_preserving_from_the_first_month():
    # exp(shock - sigma^2 / 2) has mean 1 only if Var(shock) = sigma^2; a first shock of
    # sqrt(1 - rho^2) * sigma * noise gives exp(-rho^2 sigma^2 / 2) = 0.987 at the defaults.
    params = Params(households=20_000).with_overrides(
        {"economy.membership_income_gain": 0.0, "time.free_hours": 80.0})
    model = OSLModel(params, rng=1)
    model.step()
    ratio = model.state.income / model.state.base_income
    # 20,000 households, ratio sd about 0.12: standard error 0.0008; allow 0.004 (5 SE),
    # a third of the 0.013 bias.
    assert ratio.mean() == pytest.approx(1.0, abs=0.004)


def test_usual_income_follows_its_ar1_around_the_long_run_level():
    st = three_households()
    st.usual_shock[:] = [0.2, -0.4, 0.0]
    st.usual_var = 0.05
    sigma_u, rho_year = 0.3, 0.5
    economy(st, P({**CALM, "economy.usual_sigma": sigma_u,
                   "economy.usual_persistence": rho_year}), np.random.default_rng(3))
    # monthly coefficient r = 0.5^(1/12) = 0.94387; step variance (1 - r^2) * 0.09
    r = 0.5 ** (1 / 12)
    assert r == pytest.approx(0.943874, abs=1e-6)
    step = (1 - r * r) * sigma_u**2
    eta = np.random.default_rng(3).standard_normal((2, 3))[1]
    u = r * np.array([0.2, -0.4, 0.0]) + math.sqrt(step) * eta
    assert_allclose(st.usual_shock, u)
    # v_t = r^2 v_{t-1} + step: 0.8909 * 0.05 + 0.009819 = 0.054364
    assert st.usual_var == pytest.approx(r * r * 0.05 + step)
    assert st.usual_var == pytest.approx(0.054364, abs=1e-6)
    # no transitory shock (sigma 0): income = base * exp(u - v / 2)
    assert_allclose(st.income, [1_000_000, 300_000, 500_000] * np.exp(u - st.usual_var / 2))


def test_usual_income_is_mean_preserving_and_reaches_its_long_run_spread():
    # From u = 0 (every household at its long-run level), v_t = s^2 (1 - r^(2t)) exactly, so
    # exp(u - v / 2) has mean 1 in every month and log-sd s in the long run.
    n = 20_000
    st = make_state(n, base_income=1_000_000.0, size=2.0, savings=0.0, edges=((0, 1),))
    params = P({**CALM, "economy.usual_sigma": 0.4, "economy.usual_persistence": 0.6}, n)
    rng = np.random.default_rng(11)
    for month in range(1, 61):
        economy(st, params, rng)
        if month in (1, 60):
            ratio = st.income / 1_000_000.0
            # ratio sd at most about 0.42: standard error 0.003; allow 0.012 (4 SE)
            assert ratio.mean() == pytest.approx(1.0, abs=0.012)
    r = 0.6 ** (1 / 12)
    assert st.usual_var == pytest.approx(0.16 * (1 - r ** 120))
    # after 5 years, 1 - r^120 = 1 - 0.6^10 = 0.994: log-sd 0.399; 20,000 draws give it
    # within about 0.002 (sd of a sample sd: s / sqrt(2 n)); allow 0.01
    assert np.log(st.income).std() == pytest.approx(0.4 * math.sqrt(1 - 0.6**10), abs=0.01)


def test_no_mobility_keeps_the_usual_income_at_its_long_run_level(rng):
    st = three_households()
    for _ in range(5):
        economy(st, P(CALM), rng)
    assert_allclose(st.usual_shock, 0.0)
    assert st.usual_var == 0.0
    assert_allclose(st.income, [1_000_000, 300_000, 500_000])
