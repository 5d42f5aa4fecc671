"""Phase 7, organisation life: vitality, dissolution, joining, new KPS and the WKSBM forum."""

from __future__ import annotations

import numpy as np

from oslsim import kernels
from oslsim.ahead import draw_ahead
from oslsim.founding import area_bounds, covering_index, found_organisations, join_propensity
from oslsim.params import Params
from oslsim.state import NATURAL, SCOPE_RT, State


def organisation_life(state: State, params: Params, rng: np.random.Generator) -> None:
    """Let organisations thrive, shrink, dissolve, be founded, and join or leave WKSBM.

    Organisations and the RTs' kas spend ``activity_share`` of their money on their own
    activities; opaque books leak money (``leakage * (1 - accountability)`` of the treasury).
    Both leave the community.
    Vitality moves toward ``w * attendance rate + (1 - w) * money health``. Members of
    lifeless groups drift away; groups below ``min_members`` or, at random, with low vitality
    dissolve and share their treasury among their members. Households join a group in their
    area at a rate that falls with poverty. New natural KPS emerge in RTs where solidarity
    and unmet need are high (less so under top-down direction). Able groups join the WKSBM
    forum, faster when government facilitates; lifeless ones leave it.
    """
    o = params.organisations
    m = state.m
    alive = state.alive[:m]
    e = state.e
    # The members' uniforms for drifting away are drawn on a second thread while each RT's
    # need (for new KPS) is counted and the groups' money and vitality are worked out:
    # nothing before the new KPS emerge changes solidarity or the cases.
    take_u = draw_ahead(rng.random, int(np.count_nonzero(state.mem_active[:e])))
    rt_need = kernels.rt_need(state.rt, state.solidarity, state.active, state.served,
                              state.n_rt)

    # Own activities and leakage from opaque books leave the community.
    spent = np.where(alive, state.treasury[:m] * o.activity_share, 0.0)
    rt_spent = state.rt_fund * o.activity_share
    state.treasury[:m] -= spent
    state.rt_fund -= rt_spent
    state.ledger.activities += float(spent.sum() + rt_spent.sum())
    lost = np.where(alive, state.treasury[:m] * o.leakage * (1 - state.accountability[:m]), 0)
    state.treasury[:m] -= lost
    state.ledger.leakage += float(lost.sum())

    # Vitality and pengurus capacity.
    members = np.maximum(state.n_members[:m], 1)
    rate = state.attendance[:m] / members
    target = o.healthy_treasury_months * state.dues[:m] * members
    health = np.where(target > 0, np.minimum(1.0, state.treasury[:m] / np.maximum(target, 1e-9)),
                      1.0)
    goal = o.vitality_attendance_weight * rate + (1 - o.vitality_attendance_weight) * health
    state.vitality[:m] += np.where(alive, o.vitality_rate * (goal - state.vitality[:m]), 0.0)
    state.capacity[:m] *= 1.0 - o.capacity_decay

    # Members drift away from lifeless groups; what is left of each group is counted in the
    # same pass, and the counts are kept up to date from here on (whole numbers).
    count = kernels.drift_count(state.mem_active[:e], state.mem_org[:e], state.vitality,
                                take_u(), o.leave_rate, m)

    have = _dissolve(state, params, rng, count)
    e = state.e
    _join(state, params, rng, have)
    _emerge(state, params, rng, rt_need)
    _forum(state, params, rng)

    # The memberships added since (joining, new KPS) are all active, each once.
    members = kernels.count_active(state.mem_active[e: state.e], state.mem_org[e: state.e],
                                   state.m)
    members[:m] += count
    # Ended memberships stay in the arrays until they are 5% of them (every membership loop
    # passes them); dropping them keeps the others' order, so no number changes.
    if state.e > 1.05 * max(1, int(members.sum())):
        state.compact_memberships()
    state.n_members[: state.m] = members


def _dissolve(state: State, params: Params, rng: np.random.Generator,
              count: np.ndarray) -> np.ndarray:
    """Dissolve groups too small or, at random, too weak; ``count`` (members) is updated.

    Returns each household's active memberships after it.
    """
    o = params.organisations
    m = state.m
    e = state.e
    weak = np.maximum(0.0, (o.dissolve_threshold - state.vitality[:m])
                      / max(o.dissolve_threshold, 1e-9))
    ends = state.alive[:m] & ((count < o.min_members) | (rng.random(m) < o.dissolve_rate * weak))
    rows = np.flatnonzero(ends)
    if rows.size == 0:
        return state.memberships_per_household()
    # The treasury is shared among the members; a group with none gives it to a household
    # of its area (its last pengurus).
    share = np.where(count[rows] > 0, state.treasury[rows] / np.maximum(count[rows], 1), 0.0)
    per_org = np.zeros(m)
    per_org[rows] = share
    # The shares reach the members, and their memberships end (one compiled pass that
    # also counts the memberships each household keeps).
    shares, have = kernels.dissolve_count(state.mem_active[:e], state.mem_hh[:e],
                                          state.mem_org[:e], ends, per_org, state.n)
    state.savings += shares
    for row in rows[count[rows] == 0]:
        state.savings[_household_in_area(state, params, rng, row)] += state.treasury[row]
    state.treasury[rows] = 0.0
    state.alive[rows] = False
    state.wksbm[rows] = False
    state.dissolved[rows] = state.month
    count[rows] = 0
    return have


def _household_in_area(state: State, params: Params, rng: np.random.Generator, row: int) -> int:
    lo, hi = area_bounds(state, params, int(state.scope[row]), int(state.area[row]))
    return int(rng.integers(lo, hi))


def _join(state: State, params: Params, rng: np.random.Generator, have: np.ndarray) -> None:
    """Households join a group of their area; ``have``: their active memberships now."""
    o = params.organisations
    # flatnonzero(u < join_rate * propensity * (have < max_memberships)), in one pass
    seekers = kernels.seekers(rng.random(state.n), o.join_rate, join_propensity(state, params),
                              have, o.max_memberships)
    if seekers.size == 0:
        return
    org = covering_index(state).pick(state.rt[seekers], state.rw[seekers],
                                     rng.random(seekers.size))
    state.add_memberships(seekers[org >= 0], org[org >= 0])


def _emerge(state: State, params: Params, rng: np.random.Generator,
            need: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    """New natural KPS in RTs of high solidarity and unmet need.

    ``need``: per RT, households, their summed solidarity and those with an unmet case
    (:func:`oslsim.kernels.rt_need`).
    """
    o = params.organisations
    n_in, total, unmet = need
    solidarity = total / n_in
    need = unmet / n_in
    p = (o.emergence_rate * solidarity * need
         * (1.0 - params.government.crowd_out * state.direction))
    rts = np.flatnonzero(rng.random(state.n_rt) < p)
    if rts.size:
        found_organisations(state, params, rng, rts.size, origin=NATURAL, scope=SCOPE_RT,
                            area=rts)


def _forum(state: State, params: Params, rng: np.random.Generator) -> None:
    o = params.organisations
    m = state.m
    alive = state.alive[:m]
    facilitated = state.gov_active and state.gov_mode != "none"
    pull = 1.0 + params.government.forum_facilitation * facilitated
    join = (alive & ~state.wksbm[:m]
            & (rng.random(m) < o.wksbm_join_rate * state.capacity[:m] * pull))
    leave = (alive & state.wksbm[:m] & (state.vitality[:m] < o.dissolve_threshold)
             & (rng.random(m) < o.wksbm_leave_rate))
    state.wksbm[:m] = (state.wksbm[:m] | join) & ~leave
