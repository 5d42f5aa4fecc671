"""Phase 1, economy: income shocks, consumption, the savings buffer and poverty status."""

from __future__ import annotations

import math

import numpy as np

from oslsim import kernels
from oslsim.ahead import take_drawn
from oslsim.params import Params
from oslsim.state import State


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
    t = params.time
    rho = e.shock_persistence
    noise = take_drawn(state, rng, "economy")  # drawn ahead by the model, or now:
    if noise is None:
        noise = rng.standard_normal((2, state.n))  # the transitory shock, the usual income
    # Usual income: u_t = r u_{t-1} + sqrt(1 - r^2) s eta_t, r the monthly persistence; its
    # variance v_t (0 at the start) makes exp(u_t - v_t / 2) mean 1 in every month.
    r = e.usual_persistence ** (1.0 / 12.0)
    step_var = (1.0 - r * r) * e.usual_sigma**2
    # The arithmetic in two compiled passes around numpy's exp (oslsim.kernels).
    state.usual_var = r * r * state.usual_var + step_var
    x_usual, x_shock = kernels.income_shocks(
        state.shock, state.usual_shock, noise, rho, math.sqrt(1.0 - rho * rho) * e.shock_sigma,
        r, math.sqrt(step_var), 0.5 * state.usual_var, 0.5 * e.shock_sigma**2)
    income, consumption, state.savings, state.poor = kernels.budget_step(
        state.base_income, np.exp(x_usual, out=x_usual), np.exp(x_shock, out=x_shock),
        state.income_loss, e.covariate_shock, state.attended, e.membership_income_gain,
        float(e.membership_gain_cap), state.hours_used, state.poor, t.poor_hours_ratio,
        t.free_hours, t.work_hours, state.savings, state.size, e.poverty_line, e.mpc_income,
        e.mpc_savings)
    state.income = income
    state.consumption = consumption
    state.ledger.income += float(income.sum())
    state.ledger.consumption += float(consumption.sum())
