"""Phase 4, identification: who learns of which cases, and what WKSBM forum work costs."""

from __future__ import annotations

import numpy as np

from oslsim import kernels
from oslsim.ahead import draw_ahead
from oslsim.params import Params
from oslsim.state import (
    KNOWN_FORUM,
    KNOWN_OWN,
    KNOWN_REGISTER,
    SCOPE_KELURAHAN,
    SCOPE_RT,
    SCOPE_RW,
    State,
)


def forum_work(state: State, params: Params) -> None:
    """WKSBM members pay for the forum and their outreach out of their volunteer hours.

    Each member needs ``forum_hours + forum_hours_per_member * (F - 1)`` hours for a forum
    of ``F`` members; what it can give, as a share of that, is its ``forum_effort``. Then it
    gives up to ``outreach_hours`` to outreach (``outreach`` is the share given). What is
    left is for service. With ``forum_enabled`` off nobody does forum work: the label stays,
    the coordination goes (the coordination null).
    """
    t = params.time
    m = state.m
    forum = state.alive[:m] & state.wksbm[:m]
    state.forum_effort[:m] = 0.0
    state.outreach[:m] = 0.0
    if not forum.any() or not params.organisations.forum_enabled:
        return
    hours = state.hours[:m]
    if state.n_kel == 1:
        need = t.forum_hours + t.forum_hours_per_member * (int(forum.sum()) - 1)
    else:  # each kelurahan of a region has its own forum
        kel = state.org_kelurahan()
        size = np.bincount(kel[forum], minlength=state.n_kel)[kel]
        need = t.forum_hours + t.forum_hours_per_member * (size - 1.0)
    # A pengurus' own split (NaN: the rule above) caps forum and outreach hours.
    chosen_forum, chosen_out = state.forum_share[:m] * hours, state.outreach_share[:m] * hours
    given = np.where(forum, np.minimum(hours, np.fmin(need, chosen_forum)), 0.0)
    if state.n_kel == 1:
        state.forum_effort[:m] = np.where(forum, given / need if need > 0 else 1.0, 0.0)
    else:
        state.forum_effort[:m] = np.where(
            forum, np.where(need > 0, given / np.maximum(need, 1e-12), 1.0), 0.0)
    hours -= given
    state.coordination_hours += float(given.sum())
    out = np.where(forum, np.minimum(hours, np.fmin(t.outreach_hours, chosen_out)), 0.0)
    state.outreach[:m] = np.where(forum, out / t.outreach_hours if t.outreach_hours > 0 else 1.0,
                                  0.0)
    hours -= out


def identification(state: State, params: Params, rng: np.random.Generator) -> None:
    """Find the active cases, through three channels that exist with or without WKSBM.

    * An organisation whose meeting a household attended learns of its cases with
      probability ``identification_rate * capacity`` (flag ``KNOWN_OWN``); a WKSBM member
      shares what it finds with the forum with probability ``forum_effort``.
    * A WKSBM reaches out across its area at ``area_identification_rate * capacity *
      outreach``, the poorer half at ``1 - exclusivity * elite_reach_bias`` of that
      (``KNOWN_FORUM``).
    * The ketua RT (``rt_identification_rate``) and, while government is active, TKSK / PSM
      case-finding (``register_rate``) put cases on the lurah's register (``KNOWN_REGISTER``).

    The forum's and the register's knowledge need no membership; own knowledge does.
    """
    o = params.organisations
    n, m, e = state.n, state.m, state.e
    forum_work(state, params)
    # Only the households with a case some channel does not know yet are needed below, and
    # of their cases only those (a case every channel knows cannot be found anew).
    everything = np.int8(KNOWN_OWN | KNOWN_FORUM | KNOWN_REGISTER)
    rows, cell_row, cell_cat = kernels.unknown_cells(state.active, state.identified,
                                                     everything)
    # The three channels' uniforms, drawn on the drawing thread while the chances are
    # worked out (oslsim.ahead; the same numbers as drawing them where they are used).
    take_u = draw_ahead(rng.random, (3, rows.size, state.active.shape[1]))
    # The chance an organisation learns of a case (and shares it) is the organisation's, so
    # its log is taken once per organisation; one compiled pass sums them for those
    # households over their attended memberships, in membership order (as ``np.bincount``).
    rate = np.clip(o.identification_rate * state.capacity[:m], 0.0, 1.0 - 1e-12)
    shared = np.clip(rate * state.forum_effort[:m], 0.0, 1.0 - 1e-12)
    miss_own, miss_forum_mem = kernels.attended_rows(
        state.mem_active[:e], state.mem_attended[:e], state.mem_hh, state.mem_org,
        np.log1p(-rate).astype(np.float64), np.log1p(-shared).astype(np.float64), rows, n)

    wk = np.flatnonzero(state.alive[:m] & state.wksbm[:m])
    reach = o.area_identification_rate * state.capacity[wk] * state.outreach[wk]
    reach = np.log1p(-np.clip(reach, 0, 1 - 1e-12))
    scope, area = state.scope[wk], state.area[wk]
    at = scope == SCOPE_RT
    miss_rt = np.bincount(area[at], weights=reach[at], minlength=state.n_rt)
    at = scope == SCOPE_RW
    miss_rw = np.bincount(area[at], weights=reach[at], minlength=state.n_rw)
    at = scope == SCOPE_KELURAHAN
    if state.n_kel == 1:
        miss_kel = np.array([reach[at].sum()])
    else:  # a kelurahan-wide WKSBM reaches its own kelurahan
        miss_kel = np.bincount(area[at], weights=reach[at], minlength=state.n_kel)
    # + (miss_rt[rt] + miss_rw[rw] + miss_kel[kel]) * bias, the poorer half's bias lower
    miss_forum = kernels.forum_miss(rows, miss_forum_mem, miss_rt, miss_rw,
                                    miss_kel.astype(np.float64), state.rt, state.rw, state.kel,
                                    state.income_rank,
                                    float(1.0 - o.exclusivity * o.elite_reach_bias))

    f, g = params.funds, params.government
    gov_on = state.gov_active and state.gov_mode != "none"
    p_register = 1.0 - (1.0 - f.rt_identification_rate) * (1.0 - g.register_rate * gov_on)

    u = take_u()
    state.identified_now = kernels.identify_cells(
        rows, cell_row, cell_cat, state.identified, u, 1.0 - np.exp(miss_own),
        1.0 - np.exp(miss_forum), p_register, np.int8(KNOWN_OWN), np.int8(KNOWN_FORUM),
        np.int8(KNOWN_REGISTER))
