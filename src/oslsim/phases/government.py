"""Phase 8, government: budget, grants to WKSBM, Diklat / PDPS training, referral, direction."""

from __future__ import annotations

import numpy as np

from oslsim.community import found_organisations
from oslsim.params import Params
from oslsim.state import GOVERNMENT, SCOPE_RW, State


def government(state: State, params: Params, rng: np.random.Generator) -> None:
    """Run the local government's month as a facilitator (study III-IV).

    The monthly budget (``budget_per_household`` per household) is split: grants shared
    equally among WKSBM organisations; a training fund that pays for Diklat / PDPS of WKSBM
    pengurus first, then of other living organisations, the least able first within each
    (``capacity += gain * (1 - capacity)``); the rest is next
    month's referral budget. In directive mode government also founds organisations and
    steers them into the forum, and its direction crowds out voluntary effort (see meetings,
    organisation life and drift). ``gov_spending`` sums grants, training and referral service.
    """
    g = params.government
    m = state.m
    spending = state.gov_spent_referral
    if not state.gov_active or state.gov_mode == "none":
        state.referral_budget = 0.0
        state.direction = 0.0
        _account(state, spending)
        return
    budget = g.budget_per_household * state.n

    forum = np.flatnonzero(state.alive[:m] & state.wksbm[:m])
    if forum.size and g.grant_share > 0:
        grant = g.grant_share * budget / forum.size
        state.treasury[forum] += grant
        state.grants_received[forum] += grant
        state.ledger.grants += grant * forum.size
        spending += grant * forum.size

    state.training_fund += g.training_share * budget
    slots = int(state.training_fund // g.training_cost)
    if slots > 0:
        living = np.flatnonzero(state.alive[:m])
        order = np.lexsort((state.capacity[living], ~state.wksbm[living]))
        chosen = living[order[:slots]]
        train(state, chosen, g.training_gain)
        cost = chosen.size * g.training_cost
        state.training_fund -= cost
        spending += cost

    state.referral_budget = max(0.0, 1.0 - g.grant_share - g.training_share) * budget
    state.direction = state.gov_direction if state.gov_mode == "directive" else 0.0
    if state.gov_mode == "directive":
        expected = g.founding_rate * state.n / 1000 / 12
        count = int(rng.poisson(expected))
        found_organisations(state, params, rng, count, origin=GOVERNMENT, scope=SCOPE_RW,
                            wksbm=True)
    _account(state, spending)


def train(state: State, rows: np.ndarray, gain: float) -> None:
    """Diklat / PDPS: raise the pengurus capacity of ``rows`` by ``gain`` of the gap to 1."""
    state.capacity[rows] += gain * (1.0 - state.capacity[rows])
    state.trained[rows] += 1


def _account(state: State, spending: float) -> None:
    state.gov_spending += spending
    state.gov_spending_total += spending
