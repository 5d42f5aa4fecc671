"""Phase 8, government: the budget, grants, Diklat / PDPS training, direction.

The operations here (:func:`grant`, :func:`train`, :func:`referral_budget`) are the only
places government money is booked; the ``LocalGovernment`` agent's interventions choose rows
and call them.
"""

from __future__ import annotations

import numpy as np

from oslsim.founding import found_organisations
from oslsim.params import Params
from oslsim.state import GOVERNMENT, SCOPE_RW, State


def active(state: State) -> bool:
    """Whether government is in place and supporting (not withdrawn, not mode ``none``)."""
    return state.gov_active and state.gov_mode != "none"


def budget(state: State, params: Params) -> float:
    """The monthly social-welfare budget (Rp): ``budget_per_household`` per household."""
    return params.government.budget_per_household * state.n if active(state) else 0.0


def referral_budget(state: State, params: Params) -> float:
    """This month's budget for Dinas Sosial service of registered and referred cases (Rp)."""
    g = params.government
    return max(0.0, 1.0 - g.grant_share - g.training_share) * budget(state, params)


def set_policy(state: State, mode: str, direction: float) -> None:
    """Change the policy: the mode and the intensity of direction it would use."""
    state.gov_mode = mode
    state.gov_direction = direction


def directed(state: State) -> float:
    """The direction the policy puts in force: its intensity in directive mode, else 0."""
    return state.gov_direction if state.gov_mode == "directive" else 0.0


def start(state: State, params: Params) -> None:
    """Put the policy of ``params.government`` in force at the start of a run."""
    set_policy(state, params.government.mode, params.government.direction)
    state.direction = directed(state)


def government(state: State, params: Params, rng: np.random.Generator) -> None:
    """Run the local government's month as a facilitator (study III-IV).

    The budget is split: grants, shared among living organisations in proportion to the
    cases each served this month times ``1 + grant_wksbm_priority`` for WKSBM members (the
    grant budget is the same with or without WKSBM; unspent when nobody served); a training
    fund that pays for Diklat / PDPS of WKSBM pengurus first (``training_wksbm_first``), then
    of other living organisations, the least able first within each; and the referral budget
    that the service phase spends (:func:`referral_budget`). In directive mode government also
    founds organisations and steers them into the forum, and its direction crowds out
    voluntary effort (see meetings, organisation life and drift).
    """
    g = params.government
    m = state.m
    account(state, state.gov_spent_referral)
    if not active(state):
        state.direction = 0.0
        return
    money = budget(state, params)

    living = np.flatnonzero(state.alive[:m])
    weight = state.cases_served[living] * (1.0 + g.grant_wksbm_priority * state.wksbm[living])
    if weight.sum() > 0 and g.grant_share > 0:
        grant(state, living, g.grant_share * money * weight / weight.sum())

    state.training_fund += g.training_share * money
    slots = int(state.training_fund // g.training_cost)
    if slots > 0:
        first = ~state.wksbm[living] if g.training_wksbm_first else np.zeros(living.size, bool)
        order = np.lexsort((state.capacity[living], first))
        state.training_fund -= train(state, params, living[order[:slots]])

    state.direction = directed(state)
    if state.gov_mode == "directive":
        expected = g.founding_rate * state.n / 1000 / 12
        count = int(rng.poisson(expected))
        found_organisations(state, params, rng, count, origin=GOVERNMENT, scope=SCOPE_RW,
                            wksbm=True)


def grant(state: State, rows: np.ndarray, amounts: np.ndarray | float) -> float:
    """Pay grants into the treasuries of ``rows``; the money enters the community."""
    amounts = np.broadcast_to(np.asarray(amounts, np.float64), rows.shape)
    np.add.at(state.treasury, rows, amounts)
    np.add.at(state.grants_received, rows, amounts)
    total = float(amounts.sum())
    state.ledger.grants += total
    account(state, total)
    return total


def train(state: State, params: Params, rows: np.ndarray, gain: float | None = None) -> float:
    """Diklat / PDPS: raise the pengurus capacity of ``rows`` by ``gain`` of the gap to 1.

    Returns the cost (``training_cost`` each), booked as government spending; it pays the
    trainers and does not enter the community.
    """
    g = params.government
    gain = g.training_gain if gain is None else gain
    state.capacity[rows] += gain * (1.0 - state.capacity[rows])
    state.trained[rows] += 1
    cost = rows.size * g.training_cost
    account(state, cost)
    return cost


def account(state: State, spending: float) -> None:
    """Book government spending for this month and the run."""
    state.gov_spending += spending
    state.gov_spending_total += spending
