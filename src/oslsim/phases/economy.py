"""Phase 1, economy: income shocks, consumption, the savings buffer and poverty status."""

from __future__ import annotations

import math

import numpy as np

from oslsim.params import Params
from oslsim.state import State


def community_hours(state: State, params: Params) -> tuple[np.ndarray, np.ndarray]:
    """Each household's most and free community hours a month; the poor have fewer of both."""
    t = params.time
    ratio = np.where(state.poor, t.poor_hours_ratio, 1.0)
    return t.household_hours * ratio, t.free_hours * ratio


def economy(state: State, params: Params, rng: np.random.Generator) -> None:
    """Draw this month's incomes, consume from income and savings, and mark the poor.

    The usual income moves slowly around its long-run level (a persistent AR(1) log
    deviation: jobs gained and lost, illness, household events; income mobility); the month's
    income follows a transitory AR(1) log shock around the usual income, gains a little per
    attended membership (Grootaert 1999, up to a cap) and loses the hours that last month's
    meetings and volunteering took beyond the household's free hours, at its hourly income.
    Households consume a share of income and savings, but at least the subsistence basket
    while cash lasts; a household whose consumption falls below the poverty line is poor.
    Income enters the community and consumption leaves it; both are recorded in the ledger.
    """
    e = params.economy
    rho = e.shock_persistence
    noise = rng.standard_normal((2, state.n))  # the transitory shock, then the usual income
    state.shock = rho * state.shock + math.sqrt(1.0 - rho * rho) * e.shock_sigma * noise[0]
    # Usual income: u_t = r u_{t-1} + sqrt(1 - r^2) s eta_t, r the monthly persistence; its
    # variance v_t (0 at the start) makes exp(u_t - v_t / 2) mean 1 in every month.
    r = e.usual_persistence ** (1.0 / 12.0)
    step_var = (1.0 - r * r) * e.usual_sigma**2
    state.usual_shock = r * state.usual_shock + math.sqrt(step_var) * noise[1]
    state.usual_var = r * r * state.usual_var + step_var
    usual = state.base_income * np.exp(state.usual_shock - 0.5 * state.usual_var)
    attended = state.attended.astype(np.float64)
    _, free = community_hours(state, params)
    work_lost = np.maximum(state.hours_used - free, 0.0) / params.time.work_hours
    gain = 1.0 + e.membership_income_gain * np.minimum(attended, e.membership_gain_cap)
    keep = (1.0 - np.clip(state.income_loss, 0.0, 1.0)) * (1.0 - e.covariate_shock)
    earned = usual * np.exp(state.shock - 0.5 * e.shock_sigma**2) * keep
    income = earned * np.maximum(gain - work_lost, 0.0)
    cash = state.savings + income
    need = e.poverty_line * state.size
    desired = e.mpc_income * income + e.mpc_savings * state.savings
    consumption = np.minimum(cash, np.maximum(desired, need))
    state.savings = cash - consumption
    state.income = income
    state.consumption = consumption
    state.poor = consumption < need
    state.ledger.income += float(income.sum())
    state.ledger.consumption += float(consumption.sum())
