"""Phase 3, meetings: attendance within households' hours, dues, giving, the arisan pot, ties."""

from __future__ import annotations

import numpy as np

from oslsim import kernels
from oslsim.ahead import draw_ahead, in_parallel
from oslsim.params import Params
from oslsim.pmks import KINDS
from oslsim.state import GOVERNMENT, State

ARISAN = KINDS.index("arisan")


def meetings(state: State, params: Params, rng: np.random.Generator) -> None:
    """Hold every organisation's monthly meeting and the month's local collections.

    A member attends with probability ``(base + a*solidarity + b*vitality)`` times the
    trust the books earn, the pull of government-founded groups, the crowding out by top-down
    direction, a penalty when the household cannot afford this month's dues, and
    ``min(1, H / (k * h))``: a household with ``k`` memberships has ``H`` community hours and
    each attended meeting takes ``h`` hours (meeting plus volunteering). No household attends
    more meetings than its hours allow. Attendees pay dues (scaled down when savings fall
    short) and, in an arisan, the contribution into a pot one attendee takes home. Every
    household then gives from its giving budget (see :func:`give`). Money only moves.
    Attending raises solidarity and strengthens the member's ties to co-members; an
    organisation's volunteer hours are its attendees' volunteering hours.
    """
    o, t = params.organisations, params.time
    n, m, e = state.n, state.m, state.e
    active = state.mem_active[:e]
    take_u = draw_ahead(rng.random, np.count_nonzero(active))  # while the chances are worked out
    idx, hh, org = kernels.active_memberships(active, state.mem_hh[:e], state.mem_org[:e])
    # What each organisation asks and its pull, once per organisation (the same numbers the
    # memberships used to work out one by one); the memberships' loops are compiled.
    is_arisan = state.kind[:m] == ARISAN
    charge_o = state.dues[:m] + is_arisan * o.arisan_contribution
    pull_o = np.where(state.origin[:m] == GOVERNMENT, o.government_origin_pull, 1.0)
    trust_o = 1.0 - o.trust_effect * (1.0 - state.accountability[:m])

    per_meeting = t.meeting_hours + t.volunteer_hours
    hours, most = kernels.household_hours(state.poor, t.household_hours, t.poor_hours_ratio,
                                          per_meeting)
    p, per_household = kernels.meeting_chance(
        hh, org, n, charge_o, state.savings, hours, per_meeting, state.solidarity,
        state.vitality, pull_o, trust_o, o.attendance_base, o.attendance_solidarity,
        o.attendance_vitality, 1.0 - params.government.crowd_out * state.direction,
        o.unaffordable_attendance)
    attended = take_u() < p
    attended = _within_hours(rng, hh, attended, most, n)

    def collect() -> None:
        """Dues and arisan contributions (scaled down where savings fall short), giving."""
        paid, dues_part, _, by_org, state.savings = kernels.meeting_dues(
            hh, org, attended, n, m, charge_o, state.dues, state.savings)
        state.treasury[:m] += by_org
        state.funds_raised += float(dues_part.sum())
        _rotate_arisan(state, rng, hh, org, kernels.pot_rows(org, attended, is_arisan), paid,
                       dues_part)
        give(state, params, hh, org, per_household)

    # The ties touch only the membership arrays and the money only savings and funds: the
    # ties on a second thread while the money moves (oslsim.ahead.in_parallel).
    (count, attendance, members), _ = in_parallel(
        lambda: kernels.meeting_ties(idx, hh, org, attended, n, m, state.mem_tie,
                                     state.mem_attended[:e], o.tie_growth, o.tie_decay),
        collect, hh.size)
    # (1 - gain) ** count by numpy's power, once per count (the same numbers as elementwise).
    keep = (1.0 - o.solidarity_gain) ** np.arange(per_household.max(initial=0) + 1.0)
    state.solidarity, state.attended, state.hours_used = kernels.attendance_results(
        state.solidarity, count, keep, per_meeting)
    state.volunteer_hours += float(state.hours_used.sum())
    state.attendance[:m] = attendance
    state.n_members[:m] = members
    state.hours[:m] = np.where(state.alive[:m], state.attendance[:m] * t.volunteer_hours, 0.0)
    state.rt_hours_left[:] = t.rt_hours


def _within_hours(rng: np.random.Generator, hh: np.ndarray, attended: np.ndarray,
                  most: np.ndarray, n: int) -> np.ndarray:
    """Drop, at random, the attendances of households beyond the meetings their hours allow."""
    rows, over = kernels.over_hours(hh, attended, most, n)
    if not over:
        return attended
    attended = attended.copy()
    attended[kernels.beyond_hours(rows, rng.random(rows.size), hh, most)] = False
    return attended


def give(state: State, params: Params, hh: np.ndarray, org: np.ndarray,
         per_household: np.ndarray | None = None) -> None:
    """Jimpitan, kas sosial RT, zakat-infak and donations, raised with or without WKSBM.

    Each household's giving budget is ``giving_share * solidarity * max(0, income - need)``
    (at most its savings). It is split across the collections that ask it: the RT's kas
    sosial with weight ``rt_weight`` and each organisation it belongs to with weight 1, so
    more groups split what a household gives rather than multiply it (donor fatigue).
    """
    f = params.funds
    if per_household is None:  # memberships per household (the caller may know them)
        per_household = np.bincount(hh, minlength=state.n)
    # One compiled pass per household (the numbers of the numpy code; savings in place).
    per_weight, given, rt_sum = kernels.give_step(
        state.solidarity, state.income, state.size, state.savings, per_household, state.rt,
        state.n_rt, params.economy.poverty_line, f.giving_share, f.rt_weight)
    state.rt_fund += rt_sum
    state.treasury[: state.m] += kernels.org_sum(org, hh, per_weight, state.m)
    state.funds_raised += float(given.sum())


def _rotate_arisan(state: State, rng: np.random.Generator, hh: np.ndarray, org: np.ndarray,
                   rows: np.ndarray, paid: np.ndarray, dues_part: np.ndarray) -> None:
    """Give each arisan's pot (what ``rows``, its attendees, paid beyond dues) to one of them."""
    if rows.size == 0:
        return
    contribution = paid[rows] - dues_part[rows]
    pot, winner = kernels.arisan_winners(org, rows, contribution, rng.random(rows.size),
                                         state.m)
    kernels.pay_pots(state.savings, hh, pot, winner)
