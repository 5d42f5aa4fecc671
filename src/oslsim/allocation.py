"""A region's Dinas Sosial budget and the rules that share it among its kelurahan.

The study's fourth recommendation (V.B.4) asks the provincial and district Dinas Sosial to
"menganggarkan dana, dan daya dalam pembentukan WKSBM lokal diseluruh wilayahnya sesuai
dengan karakter daerah masing-masing". A region (:mod:`oslsim.region`) has one fixed monthly
budget; a rule decides each kelurahan's part of it, once a budget year (``every`` months).
Every rule shares the same rupiah: the parts always add up to the budget. Inside a
kelurahan its part is spent as a single kelurahan's budget is (grants, Diklat / PDPS
training, Dinas Sosial referral; :mod:`oslsim.phases.government`), except what the
"WKSBM formation first" rule reserves for forming WKSBM (:func:`form_wksbm`).

Every rule falls back to "equal per household" where its own weights are all zero (no
registered case anywhere, no organisation anywhere, no uncovered RW), so the budget is
always spent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from oslsim.founding import found_organisations
from oslsim.params import Params
from oslsim.phases.government import account, active
from oslsim.pmks import category_vectors, severity_sum
from oslsim.state import GOVERNMENT, KNOWN_REGISTER, SCOPE_RW, State, col_count

__all__ = ["Allocation", "KelurahanSummary", "RULES", "Rule", "RuleParam", "allocate",
           "check_rule_params", "form_wksbm", "summarise"]


@dataclass(frozen=True)
class RuleParam:
    """One parameter of an allocation rule: default, allowed range, unit and meaning."""

    name: str
    default: float
    low: float
    high: float
    unit: str
    doc: str

    def allowed(self) -> str:
        """The allowed values, for error messages."""
        return f"a number from {self.low:g} to {self.high:g} ({self.unit})"


@dataclass(frozen=True)
class KelurahanSummary:
    """What the Dinas Sosial knows of each kelurahan when it allocates (one entry each)."""

    households: np.ndarray
    registered: np.ndarray  # active PMKS cases on the lurah's register
    need: np.ndarray  # severity-weighted active cases nobody serves (burden x households)
    capacity: np.ndarray  # mean pengurus capacity of the living organisations (0 if none)
    uncovered_rw: np.ndarray  # RW without a living WKSBM working in them


@dataclass(frozen=True)
class Allocation:
    """Each kelurahan's monthly budget (Rp) and the part of it reserved for WKSBM formation."""

    budget: np.ndarray
    formation: np.ndarray


@dataclass(frozen=True)
class Rule:
    """An allocation rule: its name, what it models (and its source), its parameters."""

    name: str
    doc: str
    params: tuple[RuleParam, ...]
    weights: Callable[[KelurahanSummary, Mapping[str, float], np.random.Generator],
                      tuple[np.ndarray, np.ndarray, float]]


def _per_household(s: KelurahanSummary) -> np.ndarray:
    return s.households.astype(np.float64)


def _or_households(w: np.ndarray, s: KelurahanSummary) -> np.ndarray:
    """``w``, or the households where every weight is zero (the common fallback)."""
    return w if w.sum() > 0 else _per_household(s)


def _equal(s: KelurahanSummary, p: Mapping[str, float], rng: np.random.Generator):
    return _per_household(s), np.zeros_like(_per_household(s)), 0.0


def _registered(s: KelurahanSummary, p: Mapping[str, float], rng: np.random.Generator):
    # floor: that share per household, the rest by the register.
    w = _or_households(s.registered.astype(np.float64), s)
    return _mix(s, w, p["floor"]), np.zeros(s.households.size), 0.0


def _need_capacity(s: KelurahanSummary, p: Mapping[str, float], rng: np.random.Generator):
    intensity = s.need / np.maximum(s.households, 1)
    w = s.households * intensity ** p["need_exponent"] * s.capacity ** p["capacity_exponent"]
    return _mix(s, _or_households(w, s), p["floor"]), np.zeros(s.households.size), 0.0


def _competitive(s: KelurahanSummary, p: Mapping[str, float], rng: np.random.Generator):
    # A proposal's quality is the pengurus' capacity plus the reviewers' noise; the best
    # ``winners`` share of kelurahan (at least one) split the competed part by households.
    k = s.households.size
    score = s.capacity + p["score_noise"] * rng.standard_normal(k)
    n_win = max(1, int(np.ceil(p["winners"] * k - 1e-9)))
    won = np.zeros(k, bool)
    won[np.argsort(-score, kind="stable")[:n_win]] = True
    w = np.where(won, _per_household(s), 0.0)
    return _mix(s, w, 1.0 - p["share"]), np.zeros(k), 0.0


def _formation_first(s: KelurahanSummary, p: Mapping[str, float], rng: np.random.Generator):
    # formation_share of the budget to the kelurahan by their RW without a WKSBM, reserved
    # for forming WKSBM there; the rest per household.
    uncovered = s.uncovered_rw.astype(np.float64)
    share = p["formation_share"] if uncovered.sum() > 0 else 0.0
    hh = _per_household(s)
    formation = share * (uncovered / uncovered.sum() if uncovered.sum() > 0 else 0.0)
    total = (1.0 - share) * hh / hh.sum() + formation
    return total, formation, p["formation_cost"]


def _mix(s: KelurahanSummary, w: np.ndarray, floor: float) -> np.ndarray:
    """Shares: ``floor`` of the budget per household, the rest in proportion to ``w``."""
    hh = _per_household(s)
    return floor * hh / hh.sum() + (1.0 - floor) * w / w.sum()


_FLOOR = RuleParam("floor", 0.0, 0.0, 1.0, "share of the budget",
                   "share given equally per household before the rule's own weights")

#: The allocation rules, by name.
RULES: dict[str, Rule] = {r.name: r for r in (
    Rule("equal_per_household",
         "Each kelurahan gets the budget's share of its households (the default; a single "
         "kelurahan's budget_per_household, made regional). No parameters.", (), _equal),
    Rule("registered_pmks",
         "By registered PMKS: in proportion to the active cases on each lurah's register (the "
         "PMKS data Dinas Sosial plans from, Pusdatin Kesos 2004), after a per-household "
         "floor. Kelurahan that register more get more.", (_FLOOR,), _registered),
    Rule("need_capacity",
         "By need x capacity: in proportion to households x burden^need_exponent x (mean "
         "pengurus capacity)^capacity_exponent, after a per-household floor: money where "
         "need is and where organisations can use it.",
         (RuleParam("need_exponent", 1.0, 0.0, 3.0, "exponent",
                    "weight of need (burden per household)"),
          RuleParam("capacity_exponent", 1.0, 0.0, 3.0, "exponent",
                    "weight of the organisations' pengurus capacity"), _FLOOR),
         _need_capacity),
    Rule("competitive",
         "Competitive proposal round: each kelurahan's proposal scores its mean pengurus "
         "capacity plus reviewer noise; the best `winners` share of kelurahan split the "
         "competed `share` of the budget by households, the rest goes per household to all.",
         (RuleParam("share", 1.0, 0.0, 1.0, "share of the budget", "share that is competed"),
          RuleParam("winners", 0.5, 0.0, 1.0, "share of kelurahan",
                    "share of kelurahan whose proposals are funded (at least one)"),
          RuleParam("score_noise", 0.1, 0.0, 1.0, "capacity units",
                    "sd of the reviewers' noise on a proposal's score")), _competitive),
    Rule("wksbm_formation_first",
         "WKSBM formation first (study V.B.4: Dinas Sosial 'menganggarkan dana, dan daya "
         "dalam pembentukan WKSBM lokal diseluruh wilayahnya'): formation_share of the budget "
         "goes to kelurahan by their RW without a WKSBM and pays for forming one there "
         "(formation_cost each: socialisation, forming the pengurus, the lurah's decree; "
         "Perbup Bantul 16/2020), the rest per household. Formation money left when every RW "
         "of a kelurahan has a WKSBM trains its pengurus.",
         (RuleParam("formation_share", 0.3, 0.0, 1.0, "share of the budget",
                    "share reserved for forming WKSBM"),
          RuleParam("formation_cost", 5_000_000.0, 0.0, 1e9, "Rp per WKSBM",
                    "cost of forming one WKSBM (assumption)")), _formation_first),
)}


def check_rule_params(rule: str, given: Mapping[str, Any]) -> dict[str, float]:
    """Return the rule's parameters with defaults filled in; ``ValueError`` for a bad one.

    The message names the parameter and what is allowed, without the file (the caller's).
    """
    if rule not in RULES:
        raise ValueError(f"rule {rule!r} is not known; use one of {', '.join(RULES)}")
    spec = {p.name: p for p in RULES[rule].params}
    out = {name: p.default for name, p in spec.items()}
    for key, value in given.items():
        if key not in spec:
            allowed = ", ".join(spec) if spec else "none (this rule takes no parameters)"
            raise ValueError(f"{key}: not a parameter of rule {rule}; allowed: {allowed}")
        p = spec[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value \
                or not p.low <= value <= p.high:
            raise ValueError(f"{key}: {value!r} is not allowed; use {p.allowed()}")
        out[key] = float(value)
    return out


def summarise(state: State, params: Params) -> KelurahanSummary:
    """Measure what the rules read, kelurahan by kelurahan, from the state now."""
    k = state.n_kel
    v = category_vectors(params)
    households = np.bincount(state.kel, minlength=k)
    on_register = state.active & ((state.identified & KNOWN_REGISTER) > 0)
    unserved = state.active & ~state.served
    registered = np.zeros(k)
    need = np.zeros(k)
    for i in range(k):
        lo, hi = state.kel_start[i], state.kel_start[i + 1]
        registered[i] = col_count(on_register[lo:hi]).sum()
        need[i] = severity_sum(col_count(unserved[lo:hi]), v.severity)
    m = state.m
    living = np.flatnonzero(state.alive[:m])
    kel = state.org_kelurahan(living)
    count = np.bincount(kel, minlength=k)
    capacity = np.where(count > 0, np.bincount(kel, weights=state.capacity[living], minlength=k)
                        / np.maximum(count, 1), 0.0)
    covered = np.zeros(state.n_rw, bool)
    forum = living[state.wksbm[living] & (state.scope[living] == SCOPE_RW)]
    covered[state.area[forum]] = True
    uncovered = np.bincount(state.rw_kel[~covered], minlength=k)
    return KelurahanSummary(households, registered, need, capacity, uncovered)


def allocate(total: float, rule: str, rule_params: Mapping[str, float],
             summary: KelurahanSummary, rng: np.random.Generator) -> Allocation:
    """Share the monthly ``total`` (Rp) among the kelurahan by ``rule``.

    The parts add up to ``total`` (up to floating-point rounding).
    """
    shares, formation, _ = RULES[rule].weights(summary, rule_params, rng)
    shares = shares / shares.sum()
    return Allocation(budget=total * shares, formation=total * np.asarray(formation, float)
                      * np.ones_like(shares))


def form_wksbm(state: State, params: Params, rng: np.random.Generator, *,
               cost: float) -> None:
    """Spend the formation money: form a WKSBM in RW that have none, ``cost`` each.

    Each kelurahan's reserved money (``state.kel_formation``) builds up in its formation fund;
    while the fund holds ``cost``, an RW of that kelurahan without a living WKSBM, drawn at
    random, gets one: one of its RW-level groups drawn at random joins the forum (legalised by
    the lurah), or, where it has none, a new government-initiated one is founded. The cost
    pays facilitators (it does not enter the community). Money left in a kelurahan whose RW
    are all covered moves to its training fund.
    """
    if state.kel_formation is None or not active(state):
        return
    if state.kel_formation_fund is None:
        state.kel_formation_fund = np.zeros(state.n_kel)
    state.kel_formation_fund += state.kel_formation
    m = state.m
    living = np.flatnonzero(state.alive[:m] & (state.scope[:m] == SCOPE_RW))
    covered = np.zeros(state.n_rw, bool)
    covered[state.area[living[state.wksbm[living]]]] = True
    new_rw: list[int] = []
    for k in np.flatnonzero(state.kel_formation_fund > 0):
        bare = np.flatnonzero(~covered & (state.rw_kel == k))
        if bare.size == 0:
            if state.kel_training_fund is None:
                state.kel_training_fund = np.zeros(state.n_kel)
            state.kel_training_fund[k] += state.kel_formation_fund[k]
            state.kel_formation_fund[k] = 0.0
            continue
        slots = bare.size if cost <= 0 else int(state.kel_formation_fund[k] // cost)
        chosen = rng.permutation(bare)[: min(slots, bare.size)]
        for rw in chosen:
            groups = living[(state.area[living] == rw) & ~state.wksbm[living]]
            if groups.size:
                state.wksbm[rng.choice(groups)] = True
            else:
                new_rw.append(int(rw))
        spent = chosen.size * cost
        state.kel_formation_fund[k] -= spent
        account(state, spent)
        state.kel_spending[k] += spent
    if new_rw:
        found_organisations(state, params, rng, len(new_rw), origin=GOVERNMENT, scope=SCOPE_RW,
                            area=np.array(new_rw), wksbm=True)
