"""Phase 3, meetings: attendance, dues, the arisan pot, solidarity and ties."""

from __future__ import annotations

import numpy as np

from oslsim.community import covering_index
from oslsim.params import Params
from oslsim.pmks import KINDS
from oslsim.state import GOVERNMENT, State

ARISAN = KINDS.index("arisan")


def meetings(state: State, params: Params, rng: np.random.Generator) -> None:
    """Hold every organisation's monthly meeting.

    A member attends with probability
    ``(base + a*solidarity + b*vitality) * memberships^-elasticity`` times the trust the
    books earn, the pull of government-founded groups, the crowding out by top-down
    direction, and a penalty when the household cannot afford this month's dues. Attendees
    pay dues (scaled down when savings fall short) into the treasury and, in an arisan, the
    contribution into a pot that one attendee takes home. Households of the area, members or
    not, also give jimpitan to one WKSBM covering their home (see :func:`collect_jimpitan`).
    Money only moves. Attending raises solidarity and strengthens the member's ties to
    co-members.
    """
    o = params.organisations
    n, m, e = state.n, state.m, state.e
    idx = np.flatnonzero(state.mem_active[:e])
    hh, org = state.mem_hh[idx], state.mem_org[idx]
    per_household = np.bincount(hh, minlength=n)
    is_arisan = state.kind[org] == ARISAN
    charge = state.dues[org] + is_arisan * o.arisan_contribution
    affordable = state.savings >= np.bincount(hh, weights=charge, minlength=n)

    p = ((o.attendance_base + o.attendance_solidarity * state.solidarity[hh]
          + o.attendance_vitality * state.vitality[org])
         * (np.maximum(per_household, 1) ** -o.time_elasticity)[hh]
         * np.where(state.origin[org] == GOVERNMENT, o.government_origin_pull, 1.0)
         * (1.0 - o.trust_effect * (1.0 - state.accountability[org]))
         * (1.0 - params.government.crowd_out * state.direction)
         * np.where(affordable[hh], 1.0, o.unaffordable_attendance))
    attended = rng.random(idx.size) < p

    # Dues and arisan contributions, scaled down for households whose savings fall short.
    due = np.where(attended, charge, 0.0)
    owed = np.bincount(hh, weights=due, minlength=n)
    scale = np.where(owed > 0, np.minimum(1.0, state.savings / np.maximum(owed, 1e-12)), 0.0)
    paid = due * scale[hh]
    # Rounding can leave a household a hair below zero after paying all it has.
    state.savings = np.maximum(state.savings - np.bincount(hh, weights=paid, minlength=n), 0.0)
    dues_part = np.where(charge > 0, paid * state.dues[org] / np.maximum(charge, 1e-12), 0.0)
    state.treasury[:m] += np.bincount(org, weights=dues_part, minlength=m)
    _rotate_arisan(state, rng, hh, org, attended & is_arisan, paid - dues_part)

    collect_jimpitan(state, params, rng)

    count = np.bincount(hh, weights=attended, minlength=n)
    state.solidarity = 1.0 - (1.0 - state.solidarity) * (1.0 - o.solidarity_gain) ** count
    tie = state.mem_tie[idx]
    state.mem_tie[idx] = np.where(attended, tie + o.tie_growth * (1.0 - tie),
                                  tie * (1.0 - o.tie_decay))
    state.mem_attended[:e] = False
    state.mem_attended[idx] = attended
    state.attended = count.astype(np.int32)
    state.attendance[:m] = np.bincount(org, weights=attended, minlength=m).astype(np.int32)
    state.n_members[:m] = np.bincount(org, minlength=m).astype(np.int32)


def _rotate_arisan(state: State, rng: np.random.Generator, hh: np.ndarray, org: np.ndarray,
                   in_pot: np.ndarray, contribution: np.ndarray) -> None:
    """Give each arisan's pot to one of its attendees, drawn at random."""
    rows = np.flatnonzero(in_pot)
    if rows.size == 0:
        return
    pot = np.bincount(org[rows], weights=contribution[rows], minlength=state.m)
    order = np.lexsort((rng.random(rows.size), org[rows]))
    sorted_org = org[rows][order]
    last = np.r_[sorted_org[1:] != sorted_org[:-1], True]
    winners = rows[order][last]
    state.savings += np.bincount(hh[winners], weights=pot[org[winners]], minlength=state.n)


def collect_jimpitan(state: State, params: Params, rng: np.random.Generator) -> None:
    """WKSBM raise money locally: jimpitan and donations from the households they serve.

    Each non-poor household covered by at least one WKSBM organisation gives, with
    probability equal to its solidarity, ``jimpitan`` Rp (at most its savings) to one of
    them drawn at random. Money moves from savings to a treasury.
    """
    amount = params.organisations.jimpitan
    if amount <= 0:
        return
    index = covering_index(state, mask=state.wksbm)
    org = index.pick(state.rt, state.rw, rng.random(state.n))
    gives = (org >= 0) & ~state.poor & (rng.random(state.n) < state.solidarity)
    paid = np.where(gives, np.minimum(amount, np.maximum(state.savings, 0.0)), 0.0)
    state.savings -= paid
    state.treasury[: state.m] += np.bincount(org[gives], weights=paid[gives], minlength=state.m)
