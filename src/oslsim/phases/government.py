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
    """The monthly social-welfare budget (Rp): ``budget_per_household`` per household.

    In a region it is the Dinas Sosial budget its allocation rule shared among the
    kelurahan (``state.kel_budget``, see :mod:`oslsim.allocation`).
    """
    if not active(state):
        return 0.0
    if state.kel_budget is not None:
        return float(state.kel_budget.sum())
    return params.government.budget_per_household * state.n


def kelurahan_budget(state: State) -> np.ndarray:
    """Each kelurahan's monthly budget for grants, training and referral (Rp).

    What a region's rule reserved for forming WKSBM (``state.kel_formation``) is not in it.
    """
    if not active(state) or state.kel_budget is None:
        return np.zeros(state.n_kel)
    formation = 0.0 if state.kel_formation is None else state.kel_formation
    return np.maximum(state.kel_budget - formation, 0.0)


def referral_budget(state: State, params: Params) -> float | np.ndarray:
    """This month's budget for Dinas Sosial service of registered and referred cases (Rp).

    One number for a kelurahan; in a region, an array with one budget per kelurahan.
    """
    g = params.government
    share = max(0.0, 1.0 - g.grant_share - g.training_share)
    if state.kel_budget is not None:
        return share * kelurahan_budget(state)
    return share * budget(state, params)


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
    if state.kel_referral is not None:
        state.kel_spending += state.kel_referral
    if not active(state):
        state.direction = 0.0
        return
    if state.kel_budget is not None:
        _by_kelurahan(state, params, rng)
        return
    money = budget(state, params)

    living = np.flatnonzero(state.alive[:m])
    weight = state.cases_served[living] * (1.0 + g.grant_wksbm_priority * state.wksbm[living])
    if weight.sum() > 0 and g.grant_share > 0:
        grant(state, living, g.grant_share * money * weight / weight.sum())

    state.training_fund += g.training_share * money
    slots = int(state.training_fund // g.training_cost)
    if slots > 0:
        order = training_order(state, params, living)
        state.training_fund -= train(state, params, living[order[:slots]])

    state.direction = directed(state)
    if state.gov_mode == "directive":
        expected = g.founding_rate * state.n / 1000 / 12
        count = int(rng.poisson(expected))
        found_organisations(state, params, rng, count, origin=GOVERNMENT, scope=SCOPE_RW,
                            wksbm=True)


def _by_kelurahan(state: State, params: Params, rng: np.random.Generator) -> None:
    """A region's month: the same grants and training, each kelurahan within its own budget.

    Grants are shared among a kelurahan's living organisations as in :func:`government`;
    each kelurahan keeps its own training fund (``state.kel_training_fund``) and trains in
    the same order. Direction and directive founding are the region's.
    """
    g = params.government
    m = state.m
    money = kelurahan_budget(state)
    if state.kel_training_fund is None:
        state.kel_training_fund = np.zeros(state.n_kel)
    living = np.flatnonzero(state.alive[:m])
    kel = state.org_kelurahan(living)
    weight = state.cases_served[living] * (1.0 + g.grant_wksbm_priority * state.wksbm[living])
    per_kel = np.bincount(kel, weights=weight, minlength=state.n_kel)
    paid = per_kel[kel] > 0
    if paid.any() and g.grant_share > 0:
        grant(state, living[paid],
              g.grant_share * money[kel[paid]] * weight[paid] / per_kel[kel[paid]])
    state.kel_training_fund += g.training_share * money
    for k in np.flatnonzero(state.kel_training_fund >= g.training_cost):
        rows = living[kel == k]
        slots = int(state.kel_training_fund[k] // g.training_cost)
        order = training_order(state, params, rows)
        state.kel_training_fund[k] -= train(state, params, rows[order[:slots]])
    state.training_fund = float(state.kel_training_fund.sum())

    state.direction = directed(state)
    if state.gov_mode == "directive":
        expected = g.founding_rate * state.n / 1000 / 12
        count = int(rng.poisson(expected))
        found_organisations(state, params, rng, count, origin=GOVERNMENT, scope=SCOPE_RW,
                            wksbm=True)


def training_order(state: State, params: Params, rows: np.ndarray) -> np.ndarray:
    """Who of ``rows`` is trained first: WKSBM first (``training_wksbm_first``), least able."""
    first = (~state.wksbm[rows] if params.government.training_wksbm_first
             else np.zeros(rows.size, bool))
    return np.lexsort((state.capacity[rows], first))


def grant(state: State, rows: np.ndarray, amounts: np.ndarray | float) -> float:
    """Pay grants into the treasuries of ``rows``; the money enters the community."""
    amounts = np.broadcast_to(np.asarray(amounts, np.float64), rows.shape)
    np.add.at(state.treasury, rows, amounts)
    np.add.at(state.grants_received, rows, amounts)
    total = float(amounts.sum())
    state.ledger.grants += total
    account(state, total)
    if state.kel_budget is not None:  # a region books spending kelurahan by kelurahan
        np.add.at(state.kel_spending, state.org_kelurahan(rows), amounts)
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
    if state.kel_budget is not None:
        np.add.at(state.kel_spending, state.org_kelurahan(rows), g.training_cost)
    return cost


def account(state: State, spending: float) -> None:
    """Book government spending for this month and the run."""
    state.gov_spending += spending
    state.gov_spending_total += spending
