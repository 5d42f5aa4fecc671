"""Every parameter of the model in one frozen dataclass tree.

Each field carries a default, a unit, a plausible range (for validation, sweeps and
sensitivity analysis) and a source or the word "assumption". ``docs/parameters.md`` is
rendered from these definitions by :func:`render_markdown`; a test keeps it in sync.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

import numpy as np

from oslsim.pmks import CATEGORIES, KINDS

__all__ = [
    "Params",
    "ParamInfo",
    "iter_params",
    "param_info",
    "render_markdown",
    "coerce_value",
]

ASSUMPTION = "assumption"


def param(
    default: Any,
    unit: str,
    low: float | None = None,
    high: float | None = None,
    source: str = ASSUMPTION,
    doc: str = "",
    choices: tuple[str, ...] | None = None,
) -> Any:
    """Declare one parameter: its default and the metadata rendered into the docs."""
    meta = {"unit": unit, "range": (low, high), "source": source, "doc": doc, "choices": choices}
    return field(default=default, metadata=meta)


def group(factory: Any, doc: str = "") -> Any:
    """Declare a nested parameter group."""
    return field(default_factory=factory, metadata={"group": True, "doc": doc})


@dataclass(frozen=True)
class ParamInfo:
    """What the docs, the CLI and the scenario loader need to know about one parameter."""

    path: str
    default: Any
    unit: str
    low: float | None
    high: float | None
    source: str
    doc: str
    type: type
    choices: tuple[str, ...] | None

    def allowed(self) -> str:
        """Describe the allowed values in a few words, for error messages."""
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.type is bool:
            return "true or false"
        kind = "an integer" if self.type is int else "a number"
        return f"{kind} in [{_fmt(self.low)}, {_fmt(self.high)}]"


def _fmt(x: Any) -> str:
    if isinstance(x, float) and x.is_integer() and abs(x) >= 1000:
        return f"{int(x):,}"
    return f"{x:,}" if isinstance(x, int) and not isinstance(x, bool) else str(x)


class _Validated:
    """Mixin: validate every scalar field against its declared range when built."""

    def __post_init__(self) -> None:
        for f in fields(self):  # type: ignore[arg-type]
            if f.metadata.get("group"):
                continue
            value = getattr(self, f.name)
            _check(f, value, f.name)


def _check(f: dataclasses.Field, value: Any, path: str) -> None:
    kind = type(f.default)
    if kind is bool:
        if not isinstance(value, bool):
            raise ValueError(f"{path}: expected true or false, got {value!r}")
        return
    if kind is str:
        choices = f.metadata.get("choices")
        if not isinstance(value, str) or (choices and value not in choices):
            raise ValueError(f"{path}: {value!r} is not allowed; use one of {', '.join(choices)}")
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{path}: expected a number, got {value!r}")
    if kind is int and not float(value).is_integer():
        raise ValueError(f"{path}: expected an integer, got {value!r}")
    low, high = f.metadata["range"]
    if value != value or (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(
            f"{path}: {value!r} is out of range; allowed {_fmt(low)} to {_fmt(high)}"
            f" ({f.metadata['unit']})"
        )


# --------------------------------------------------------------------------- community


@dataclass(frozen=True)
class CommunityParams(_Validated):
    """The kelurahan's layout and its households' composition."""

    hh_per_rt: int = param(
        40, "households per RT", 10, 120,
        "Permendagri 7/1983 (RT of 10-50 KK); Jakarta averages ~78 KK per RT",
        "Households (KK) in one Rukun Tetangga.",
    )
    rt_per_rw: int = param(
        10, "RT per RW", 2, 30, "Jakarta: 30,120 RT in 2,705 RW, about 11 RT per RW",
        "Rukun Tetangga in one Rukun Warga.",
    )
    household_size_mean: float = param(
        3.9, "persons", 2.0, 6.0, "BPS 2018: about 3.9 persons per household nationally",
        "Mean household size; poorer households are larger (see poor_size_extra).",
    )
    poor_size_extra: float = param(
        0.7, "persons", 0.0, 2.0, "BPS 2018: about 4.6 persons in poor households",
        "Extra persons in households at the bottom of the income distribution.",
    )
    children_share: float = param(
        0.55, "share of households", 0.1, 0.9, ASSUMPTION,
        "Households with at least one child under 18.",
    )
    school_age_share: float = param(
        0.75, "share of households with children", 0.2, 1.0, ASSUMPTION,
        "Of households with children, those with a child of school age (7-18).",
    )
    elderly_share: float = param(
        0.25, "share of households", 0.05, 0.6, ASSUMPTION,
        "Households with a member aged 60 or more.",
    )
    disability_share: float = param(
        0.06, "share of households", 0.0, 0.3, ASSUMPTION,
        "Households with a member living with a disability.",
    )
    neighbour_degree: int = param(
        6, "ties", 2, 20, ASSUMPTION,
        "Neighbour ties per household inside its RT (Watts-Strogatz k).",
    )
    neighbour_rewire: float = param(
        0.1, "probability", 0.0, 1.0, ASSUMPTION,
        "Watts-Strogatz rewiring probability of neighbour ties inside an RT.",
    )
    kin_degree: float = param(
        2.0, "ties", 0.0, 10.0, ASSUMPTION,
        "Mean kin ties per household to households anywhere in the kelurahan.",
    )
    solidarity_mean: float = param(
        0.55, "0-1", 0.05, 0.95, ASSUMPTION,
        "Initial mean solidarity (kesetiakawanan, gotong royong propensity).",
    )
    solidarity_sd: float = param(
        0.15, "0-1", 0.01, 0.3, ASSUMPTION, "Spread of initial solidarity (beta distribution).",
    )


# --------------------------------------------------------------------------- economy


@dataclass(frozen=True)
class EconomyParams(_Validated):
    """Incomes, shocks, consumption and savings."""

    poverty_line: float = param(
        609_160.0, "Rp per capita per month", 100_000.0, 2_000_000.0,
        "BPS, March 2025: Rp609,160 (March 2006: Rp152,847)",
        "Per-capita monthly consumption below which a household is poor.",
    )
    poverty_rate: float = param(
        0.0847, "share of households", 0.01, 0.6,
        "BPS, March 2025: 8.47% (urban 6.73%, rural 11.03%); March 2006: 17.75%",
        "Share of households whose usual per-capita income is below the line at the start.",
    )
    income_sigma: float = param(
        0.6, "log Rp", 0.2, 1.2, ASSUMPTION,
        "Spread (log-sd) of usual per-capita income across households.",
    )
    shock_sigma: float = param(
        0.2, "log Rp", 0.0, 0.8, ASSUMPTION, "Monthly idiosyncratic income shock (log-sd).",
    )
    shock_persistence: float = param(
        0.8, "AR(1) coefficient", 0.0, 0.99, ASSUMPTION,
        "Persistence of income shocks from month to month.",
    )
    mpc_income: float = param(
        0.9, "share", 0.5, 1.0, ASSUMPTION, "Share of monthly income consumed.",
    )
    mpc_savings: float = param(
        0.05, "share per month", 0.0, 0.5, ASSUMPTION, "Share of savings consumed each month.",
    )
    initial_savings_months: float = param(
        2.0, "months of surplus income", 0.0, 24.0, ASSUMPTION,
        "Savings at the start, in months of income above the subsistence basket.",
    )
    membership_income_gain: float = param(
        0.015, "share of income per membership", 0.0, 0.05,
        "Grootaert 1999 (Indonesia): one more membership, ~1.5% higher spending per person",
        "Income gain per active (attended) membership: networks, information, credit.",
    )
    membership_gain_cap: int = param(
        4, "memberships", 0, 10, ASSUMPTION, "Memberships beyond this add no further gain.",
    )
    covariate_shock: float = param(
        0.0, "share of income lost", 0.0, 0.9, ASSUMPTION,
        "Income loss of a community-wide shock while one is active (scenario-driven).",
    )


# --------------------------------------------------------------------------- PMKS


@dataclass(frozen=True)
class CategoryParams(_Validated):
    """Onset, recovery, severity and cost of one PMKS category."""

    onset: float = param(0.001, "probability per month", 0.0, 0.5, ASSUMPTION,
                         "Onset hazard for an eligible, non-poor household.")
    poverty_ratio: float = param(4.0, "ratio", 1.0, 100.0, ASSUMPTION,
                                 "Hazard multiplier when the household is poor.")
    recovery: float = param(0.03, "probability per month", 0.0, 1.0, ASSUMPTION,
                            "Recovery probability without service.")
    nonpoor_recovery_ratio: float = param(1.0, "ratio", 1.0, 20.0, ASSUMPTION,
                                          "Recovery multiplier when the household is not poor.")
    served_recovery: float = param(0.12, "probability per month", 0.0, 1.0, ASSUMPTION,
                                   "Extra recovery when served by a fully capable server.")
    severity: float = param(0.7, "weight", 0.05, 1.0, ASSUMPTION,
                            "Weight of one active, unserved case in the burden.")
    cost: float = param(200_000.0, "Rp per case-month", 0.0, 2_000_000.0, ASSUMPTION,
                        "Money a month of service costs; it reaches the household as aid.")


def _cat(**kw: float) -> Any:
    return field(default_factory=lambda: CategoryParams(**kw), metadata={"group": True})


@dataclass(frozen=True)
class PmksParams(_Validated):
    """The study's ten PMKS categories (section IV.4) and what shapes every one."""

    support_effect: float = param(
        1.0, "log hazard per unit support", 0.0, 5.0, ASSUMPTION,
        "How much network support (neighbours' solidarity, attended memberships) lowers onset.",
    )
    solidarity_effect: float = param(
        1.0, "log hazard per unit solidarity", 0.0, 5.0, ASSUMPTION,
        "How much a household's own low solidarity (isolation) raises onset.",
    )
    membership_support_weight: float = param(
        0.5, "0-1", 0.0, 1.0, ASSUMPTION,
        "Weight of attended memberships (vs neighbours' solidarity) in a household's support.",
    )
    putus_sekolah: CategoryParams = _cat(onset=0.0015, poverty_ratio=6.0, recovery=0.03,
                                         served_recovery=0.12, severity=0.8, cost=150_000.0)
    lansia_miskin: CategoryParams = _cat(onset=0.0008, poverty_ratio=40.0, recovery=0.01,
                                         nonpoor_recovery_ratio=6.0, served_recovery=0.06,
                                         severity=0.7, cost=200_000.0)
    korban_kekerasan: CategoryParams = _cat(onset=0.0008, poverty_ratio=2.5, recovery=0.08,
                                            served_recovery=0.25, severity=1.0, cost=250_000.0)
    anak_terlantar: CategoryParams = _cat(onset=0.0006, poverty_ratio=6.0, recovery=0.04,
                                          served_recovery=0.15, severity=0.9, cost=300_000.0)
    keluarga_miskin: CategoryParams = _cat(onset=0.002, poverty_ratio=50.0, recovery=0.02,
                                           nonpoor_recovery_ratio=8.0, served_recovery=0.08,
                                           severity=0.6, cost=300_000.0)
    narkoba_hiv: CategoryParams = _cat(onset=0.0003, poverty_ratio=2.0, recovery=0.02,
                                       served_recovery=0.06, severity=1.0, cost=400_000.0)
    keluarga_bermasalah: CategoryParams = _cat(onset=0.0015, poverty_ratio=2.5, recovery=0.05,
                                               served_recovery=0.15, severity=0.6,
                                               cost=100_000.0)
    keluarga_cacat: CategoryParams = _cat(onset=0.008, poverty_ratio=4.0, recovery=0.01,
                                          nonpoor_recovery_ratio=3.0, served_recovery=0.05,
                                          severity=0.7, cost=250_000.0)
    anak_jalanan: CategoryParams = _cat(onset=0.0003, poverty_ratio=10.0, recovery=0.05,
                                        served_recovery=0.15, severity=0.9, cost=300_000.0)
    kenakalan_anak: CategoryParams = _cat(onset=0.002, poverty_ratio=2.0, recovery=0.08,
                                          served_recovery=0.2, severity=0.5, cost=100_000.0)

    def category(self, code: str) -> CategoryParams:
        """Return the parameters of one category by its code."""
        return getattr(self, code)


# --------------------------------------------------------------------------- organisations


@dataclass(frozen=True)
class KindParams(_Validated):
    """How common one kind of OSL is, what it costs its members and where it works."""

    share: float = param(0.1, "weight", 0.0, 1.0, ASSUMPTION, "Relative frequency of the kind.")
    dues: float = param(10_000.0, "Rp per member per month", 0.0, 500_000.0, ASSUMPTION,
                        "Iuran wajib paid at each attended meeting.")
    scope_rt: float = param(0.4, "weight", 0.0, 1.0, ASSUMPTION, "Weight of RT scope.")
    scope_rw: float = param(0.4, "weight", 0.0, 1.0, ASSUMPTION, "Weight of RW scope.")
    scope_kelurahan: float = param(0.2, "weight", 0.0, 1.0, ASSUMPTION,
                                   "Weight of kelurahan-wide scope.")


def _kind(**kw: float) -> Any:
    return field(default_factory=lambda: KindParams(**kw), metadata={"group": True})


@dataclass(frozen=True)
class KindsParams(_Validated):
    """The study's kinds of OSL (section IV.1): typical mix, dues and scope."""

    majelis_taklim: KindParams = _kind(share=0.25, dues=10_000.0, scope_rt=0.5, scope_rw=0.4,
                                       scope_kelurahan=0.1)
    arisan: KindParams = _kind(share=0.2, dues=10_000.0, scope_rt=0.8, scope_rw=0.2,
                               scope_kelurahan=0.0)
    pkk: KindParams = _kind(share=0.12, dues=5_000.0, scope_rt=0.3, scope_rw=0.5,
                            scope_kelurahan=0.2)
    paguyuban: KindParams = _kind(share=0.1, dues=10_000.0, scope_rt=0.2, scope_rw=0.3,
                                  scope_kelurahan=0.5)
    karang_taruna: KindParams = _kind(share=0.08, dues=5_000.0, scope_rt=0.1, scope_rw=0.6,
                                      scope_kelurahan=0.3)
    kube: KindParams = _kind(share=0.08, dues=15_000.0, scope_rt=0.4, scope_rw=0.5,
                             scope_kelurahan=0.1)
    kesenian_olahraga: KindParams = _kind(share=0.1, dues=10_000.0, scope_rt=0.3, scope_rw=0.5,
                                          scope_kelurahan=0.2)
    adat: KindParams = _kind(share=0.07, dues=5_000.0, scope_rt=0.2, scope_rw=0.4,
                             scope_kelurahan=0.4)

    def kind(self, code: str) -> KindParams:
        """Return the parameters of one kind by its code."""
        return getattr(self, code)


@dataclass(frozen=True)
class OrganisationParams(_Validated):
    """Organisations: how many, how capable, how members take part and how groups live."""

    per_1000: float = param(
        25.0, "organisations per 1,000 households", 0.0, 100.0,
        "Sosio Konsepsia 12(1) 2007, Tanete Riattang (Bone): >50 groups per village",
        "Organisations at the start.",
    )
    wksbm_coverage: float = param(
        0.5, "share of RW", 0.0, 1.0,
        "Kota Yogyakarta: WKSBM at RW level, ~25 chairs for 45 kelurahan (2021), about half "
        "covered; Bontang: 15 WKSBM for 15 kelurahan (2012)",
        "The dose: share of RW whose households are covered by a coordinating WKSBM at the "
        "start; each chosen RW gets one WKSBM drawn at random among its RW-level groups.",
    )
    wksbm_per_1000: float = param(
        0.0, "WKSBM organisations per 1,000 households", 0.0, 50.0,
        "Design: overlap is a separate question from coverage",
        "Overlap: if this asks for more WKSBM than coverage gives, the extra ones are drawn "
        "at random among the other groups of the covered RW. It never adds coverage.",
    )
    government_share: float = param(
        0.2, "share", 0.0, 1.0, ASSUMPTION,
        "Share of organisations initiated by government (prakarsa pemerintah) at the start.",
    )
    memberships_mean: float = param(
        2.0, "memberships per household", 0.0, 6.0, ASSUMPTION,
        "Mean memberships per household at the start.",
    )
    wealth_gradient: float = param(
        1.0, "log odds per income rank", 0.0, 4.0, "Beard 2005, 2007: the poor participate less",
        "How much lower-income households are less likely to join.",
    )
    exclusivity: float = param(
        0.0, "0-1", 0.0, 1.0, "Mansuri & Rao 2013 (elite capture)",
        "Exclusive membership: at 1 only the better-off half can join.",
    )
    elite_reach_bias: float = param(
        1.0, "0-1", 0.0, 1.0, "Mansuri & Rao 2013: captured groups also target the better-off",
        "How far exclusive membership also biases outreach and forum targeting: the poorer "
        "half is reached and ranked at (1 - exclusivity * this).",
    )
    poor_priority: float = param(
        1.0, "extra weight", 0.0, 10.0, "study IV.4: priority to the poor (prioritas pengentasan)",
        "Priority of a case is severity * (1 + this if the household is poor).",
    )
    capacity_mean: float = param(
        0.4, "0-1", 0.0, 1.0, ASSUMPTION, "Mean skill of the pengurus at the start.",
    )
    capacity_sd: float = param(0.15, "0-1", 0.0, 0.3, ASSUMPTION, "Spread of pengurus capacity.")
    government_capacity_bonus: float = param(
        0.1, "0-1", 0.0, 0.5, ASSUMPTION,
        "Extra initial capacity of government-initiated organisations (trained at founding).",
    )
    accountability_sd: float = param(
        0.15, "0-1", 0.0, 0.3, ASSUMPTION, "Spread of accountability across organisations.",
    )
    initial_vitality: float = param(
        0.6, "0-1", 0.0, 1.0, ASSUMPTION, "Vitality of an organisation when founded.",
    )
    initial_treasury_months: float = param(
        3.0, "months of dues", 0.0, 24.0, ASSUMPTION,
        "Treasury at the start of a run, in months of its members' dues.",
    )
    initial_tie: float = param(
        0.3, "0-1", 0.0, 1.0, ASSUMPTION,
        "Tie strength of a member to co-members when the membership starts at founding.",
    )
    capacity_decay: float = param(
        0.004, "per month", 0.0, 0.05, ASSUMPTION,
        "Monthly loss of pengurus capacity (turnover, forgetting).",
    )
    accountability_mean: float = param(
        0.5, "0-1", 0.0, 1.0, ASSUMPTION,
        "Transparency and orderly books (tertib administrasi dan keuangan).",
    )
    leakage: float = param(
        0.05, "share of treasury per month", 0.0, 0.3, ASSUMPTION,
        "Money lost each month by an organisation with no accountability at all.",
    )
    activity_share: float = param(
        0.1, "share of treasury per month", 0.0, 0.5, ASSUMPTION,
        "What organisations and the RT's kas spend each month on their own activities "
        "(pengajian speakers, events, ronda, upkeep), bought like household consumption; "
        "without it treasuries grow without end.",
    )
    dues_scale: float = param(
        1.0, "multiplier", 0.0, 5.0, ASSUMPTION, "Scales every kind's dues.",
    )
    arisan_contribution: float = param(
        50_000.0, "Rp per attendee per month", 0.0, 500_000.0, ASSUMPTION,
        "Paid into the arisan pot, which one attendee takes home each month.",
    )
    attendance_base: float = param(
        0.35, "probability", 0.0, 1.0, ASSUMPTION, "Attendance of a member with no solidarity.",
    )
    attendance_solidarity: float = param(
        0.4, "probability per unit", 0.0, 1.0, ASSUMPTION, "Extra attendance per unit solidarity.",
    )
    attendance_vitality: float = param(
        0.25, "probability per unit", 0.0, 1.0, ASSUMPTION,
        "Extra attendance per unit organisational vitality.",
    )
    trust_effect: float = param(
        0.3, "0-1", 0.0, 1.0, ASSUMPTION,
        "Attendance lost in an organisation with opaque books (accountability 0).",
    )
    unaffordable_attendance: float = param(
        0.3, "multiplier", 0.0, 1.0, "Beard 2005, 2007: the poor participate less",
        "Attendance multiplier for a member who cannot afford this month's dues.",
    )
    government_origin_pull: float = param(
        0.8, "multiplier", 0.0, 1.0, ASSUMPTION,
        "Attendance multiplier in government-initiated groups without local roots.",
    )
    solidarity_gain: float = param(
        0.02, "per meeting", 0.0, 0.2, ASSUMPTION,
        "Solidarity gained toward 1 at each attended meeting.",
    )
    tie_growth: float = param(0.2, "per meeting", 0.0, 1.0, ASSUMPTION,
                              "Growth toward 1 of a member's ties to co-members per meeting.")
    tie_decay: float = param(0.05, "per month", 0.0, 1.0, ASSUMPTION,
                             "Decay of ties to co-members in a month without meeting.")
    service_enabled: bool = param(
        True, "switch", source="mechanism check (null model)",
        doc="Whether organisations serve cases at all; off gives the null model.",
    )
    forum_enabled: bool = param(
        True, "switch", source="mechanism check (coordination null)",
        doc="Whether WKSBM do forum work: shared case data, outreach, pooling and referral. "
            "Off keeps the label, the money and the people but removes the coordination.",
    )
    identification_rate: float = param(
        0.6, "probability per month at full capacity", 0.0, 1.0, ASSUMPTION,
        "Chance an attended organisation learns of a member's case.",
    )
    area_identification_rate: float = param(
        0.15, "probability per month at full capacity", 0.0, 1.0, ASSUMPTION,
        "Chance a WKSBM organisation finds a case in its service area by outreach, when it "
        "gives its full outreach hours (time.outreach_hours).",
    )
    service_budget_share: float = param(
        0.3, "share of treasury per month", 0.0, 1.0, ASSUMPTION,
        "Treasury an organisation is willing to spend on services in a month.",
    )
    serve_quality_floor: float = param(
        0.3, "0-1", 0.0, 1.0, ASSUMPTION,
        "Service quality at zero capacity; quality = floor + (1 - floor) * capacity.",
    )
    vitality_rate: float = param(
        0.1, "per month", 0.01, 1.0, ASSUMPTION, "How fast vitality follows attendance and money.",
    )
    vitality_attendance_weight: float = param(
        0.7, "0-1", 0.0, 1.0, ASSUMPTION,
        "Weight of attendance (vs money) in an organisation's vitality.",
    )
    healthy_treasury_months: float = param(
        3.0, "months of dues", 0.1, 24.0, ASSUMPTION,
        "Treasury, in months of members' dues, at which money counts as fully healthy.",
    )
    dissolve_threshold: float = param(
        0.2, "vitality", 0.0, 1.0, ASSUMPTION, "Vitality below which an organisation may dissolve.",
    )
    dissolve_rate: float = param(
        0.1, "probability per month", 0.0, 1.0, ASSUMPTION,
        "Dissolution probability of an organisation at zero vitality.",
    )
    min_members: int = param(
        3, "members", 1, 20, ASSUMPTION, "An organisation with fewer members dissolves.",
    )
    leave_rate: float = param(
        0.01, "probability per month", 0.0, 0.2, ASSUMPTION,
        "A member of a lifeless organisation leaves at this rate times (1 - vitality).",
    )
    join_rate: float = param(
        0.01, "probability per month", 0.0, 0.2, ASSUMPTION,
        "Chance a household seeks to join one more organisation in its area in a month.",
    )
    max_memberships: int = param(
        6, "memberships", 1, 20, ASSUMPTION, "Households hold at most this many memberships.",
    )
    emergence_rate: float = param(
        0.005, "probability per RT per month", 0.0, 0.2,
        "Study IV.1: KPS grow alamiah from the community's needs and aspirations",
        "New natural KPS per RT per month at full solidarity and unmet need.",
    )
    founding_members: int = param(
        10, "members", 3, 100, ASSUMPTION, "Members recruited by a newly founded organisation.",
    )
    wksbm_join_rate: float = param(
        0.001, "probability per month", 0.0, 0.2, ASSUMPTION,
        "An able organisation joins the WKSBM forum at this rate times its capacity.",
    )
    wksbm_leave_rate: float = param(
        0.02, "probability per month", 0.0, 0.5, ASSUMPTION,
        "A WKSBM organisation below the dissolve threshold leaves the forum at this rate.",
    )


# --------------------------------------------------------------------------- government


@dataclass(frozen=True)
class GovernmentParams(_Validated):
    """The lurah, Pemda and Dinas Sosial as one facilitator (study III-IV)."""

    mode: str = param(
        "facilitator", "mode", source="study III-IV: government as facilitator and motivator",
        doc="none: no support; facilitator: grants, training, referral; directive: also "
            "founds and directs organisations, which can crowd out voluntary effort.",
        choices=("none", "facilitator", "directive"),
    )
    budget_per_household: float = param(
        1_500.0, "Rp per household per month", 0.0, 50_000.0, ASSUMPTION,
        "Kelurahan social-welfare budget for OSL, training and referral services.",
    )
    grant_share: float = param(0.4, "share of budget", 0.0, 1.0, ASSUMPTION,
                               "Budget given as grants to WKSBM organisations.")
    training_share: float = param(0.2, "share of budget", 0.0, 1.0, ASSUMPTION,
                                  "Budget spent on Diklat / PDPS training of pengurus.")
    training_cost: float = param(
        2_000_000.0, "Rp per organisation trained", 100_000.0, 20_000_000.0, ASSUMPTION,
        "Cost of training one organisation's pengurus (Diklat / PDPS).",
    )
    training_gain: float = param(
        0.3, "share of the gap to 1", 0.0, 1.0, ASSUMPTION,
        "Capacity gained by trained pengurus: capacity += gain * (1 - capacity).",
    )
    referral_cost_ratio: float = param(
        1.5, "ratio", 0.5, 5.0, ASSUMPTION,
        "Government service of a referred case costs this times the category's cost.",
    )
    register_rate: float = param(
        0.05, "probability per month", 0.0, 1.0,
        "Permensos 08/2012: PMKS data collected through the lurah, TKSK and PSM; rate an "
        "assumption",
        "Chance a month that an active case enters the lurah's PMKS register through TKSK / PSM "
        "case-finding, with or without a WKSBM (only while government is active).",
    )
    register_targeting: float = param(
        0.3, "0-1", 0.0, 1.0, ASSUMPTION,
        "How well government service from the register alone follows need: 1 serves in order "
        "of severity and poverty, 0 in random order.",
    )
    forum_targeting: float = param(
        0.8, "0-1", 0.0, 1.0,
        "Kepmensos 42/HUK/2004: the WKSBM shares case data with government; value an assumption",
        "Targeting of government service for cases the WKSBM forum reported with its case data.",
    )
    grant_wksbm_priority: float = param(
        1.0, "extra weight", 0.0, 10.0,
        "Kepmensos 42/HUK/2004: WKSBM as the channel of stimulant aid; weight an assumption",
        "Grants are shared among organisations in proportion to the cases they served last "
        "month times (1 + this for WKSBM); the grant budget is the same with or without WKSBM.",
    )
    training_wksbm_first: bool = param(
        True, "switch",
        source="study IV (Diklat / PDPS for WKSBM pengurus); Kepmensos 42/HUK/2004",
        doc="Whether Diklat / PDPS slots go to WKSBM pengurus first (then the least able); off "
            "trains the least able first whatever their label. The coordination null turns it "
            "off so that the label brings no government resource.",
    )
    forum_facilitation: float = param(
        1.0, "ratio", 0.0, 10.0, ASSUMPTION,
        "Extra rate at which organisations join the WKSBM forum while government facilitates.",
    )
    service_quality: float = param(
        0.6, "0-1", 0.0, 1.0, ASSUMPTION, "Quality of government service to a referred case.",
    )
    direction: float = param(
        0.6, "0-1", 0.0, 1.0, ASSUMPTION, "Intensity of top-down direction in directive mode.",
    )
    crowd_out: float = param(
        0.5, "0-1", 0.0, 1.0, "Design: heavy direction can replace voluntary effort",
        "Share of voluntary attendance displaced at full direction.",
    )
    crowd_out_drift: float = param(
        0.003, "solidarity per month", 0.0, 0.05, ASSUMPTION,
        "Solidarity lost each month at full direction; it does not come back by itself.",
    )
    founding_rate: float = param(
        0.5, "organisations per 1,000 households per year", 0.0, 10.0, ASSUMPTION,
        "Government-initiated organisations founded per year in directive mode.",
    )


# --------------------------------------------------------------------------- time


@dataclass(frozen=True)
class TimeParams(_Validated):
    """Hours: households' time for community life and the organisations' volunteer hours.

    Attending, volunteering, outreach and forum work all draw on the same hours, so the
    WKSBM forum's coordination is paid for in service not given (DESIGN, rule 2).
    """

    household_hours: float = param(
        20.0, "hours per household per month", 2.0, 80.0, ASSUMPTION,
        "Most hours a household gives to meetings and volunteering in a month.",
    )
    free_hours: float = param(
        8.0, "hours per household per month", 0.0, 80.0, ASSUMPTION,
        "Community hours that cost no income (evenings, weekends); hours beyond them are "
        "taken from work at the household's hourly income.",
    )
    poor_hours_ratio: float = param(
        0.5, "ratio", 0.0, 1.0, "Beard 2005, 2007: the poor participate less (time, money)",
        "Household and free hours of a poor household, as a share of the others'.",
    )
    work_hours: float = param(
        173.0, "hours per month", 40.0, 320.0,
        "40 hours a week; BPS Sakernas: most workers work 35 hours a week or more",
        "Working hours behind a household's monthly income (its hourly income = income / "
        "this).",
    )
    meeting_hours: float = param(
        2.5, "hours per meeting", 0.5, 8.0, ASSUMPTION,
        "Hours one monthly meeting (pengajian, arisan, PKK) takes an attending member.",
    )
    volunteer_hours: float = param(
        2.0, "hours per attending member per month", 0.0, 20.0, ASSUMPTION,
        "Hours an attending member gives to the organisation's work (pengurus and volunteers "
        "together) besides the meeting; the organisation's monthly hours are their sum.",
    )
    case_hours: float = param(
        6.0, "hours per case-month", 0.5, 40.0,
        "Kept near the first version's 0.3 cases per attending member (2 h / 0.3)",
        "Volunteer hours one case-month of service takes (visits, paperwork, accompaniment).",
    )
    forum_hours: float = param(
        6.0, "hours per WKSBM per month", 0.0, 40.0, ASSUMPTION,
        "Hours each WKSBM member gives to the forum: its monthly meeting, reporting, case "
        "data.",
    )
    forum_hours_per_member: float = param(
        0.5, "hours per other forum member per month", 0.0, 10.0, ASSUMPTION,
        "Extra coordination hours per other forum member: the cost grows with the forum.",
    )
    outreach_hours: float = param(
        8.0, "hours per WKSBM per month", 0.0, 80.0, ASSUMPTION,
        "Hours a WKSBM spends on outreach across its area for the full outreach rate.",
    )
    rt_hours: float = param(
        6.0, "hours per RT per month", 0.0, 40.0, ASSUMPTION,
        "Hours the ketua RT and helpers give to the kas sosial's cases each month.",
    )


# --------------------------------------------------------------------------- local funds


@dataclass(frozen=True)
class FundsParams(_Validated):
    """Money the kelurahan raises itself, with or without WKSBM, and the forum's pooling."""

    giving_share: float = param(
        0.01, "share of surplus income per month", 0.0, 0.1,
        "Jimpitan of Rp500-1,000 a night is Rp15-30k a month; zakat penghasilan is 2.5% of "
        "income (BAZNAS), only part of it given locally; share an assumption",
        "A household's giving budget: this share of its income above subsistence, times its "
        "solidarity, split across the collections that ask it (donor fatigue).",
    )
    rt_weight: float = param(
        1.0, "weight", 0.0, 10.0, ASSUMPTION,
        "Weight of the RT's kas sosial (jimpitan) in a household's giving, against 1 for "
        "each organisation it belongs to.",
    )
    rt_identification_rate: float = param(
        0.1, "probability per month", 0.0, 1.0,
        "Permendagri 18/2018: the ketua RT helps with social data of residents; rate an "
        "assumption",
        "Chance a month that the ketua RT learns of an active case in the RT (and puts it on "
        "the lurah's register).",
    )
    rt_service_quality: float = param(
        0.3, "0-1", 0.0, 1.0, ASSUMPTION,
        "Quality of kas sosial help (santunan: cash, no casework).",
    )
    pool_share: float = param(
        0.5, "share", 0.0, 1.0, ASSUMPTION,
        "Share of the spendable money of WKSBM members and of the kas of RTs they cover that "
        "the forum pools each month for cases its members can serve.",
    )
    pool_cost: float = param(
        0.05, "share of pooled money spent", 0.0, 0.5, ASSUMPTION,
        "Transaction cost of routing money through the forum (transport, admin); it leaves "
        "the community.",
    )


# --------------------------------------------------------------------------- who serves what


def _serve_row_class() -> type:
    """A frozen dataclass with one true/false parameter per PMKS category."""
    namespace: dict[str, Any] = {"__annotations__": {}, "__module__": __name__,
                                 "__doc__": "Which PMKS categories one kind of server serves."}
    for c in CATEGORIES:
        namespace["__annotations__"][c.code] = "bool"
        namespace[c.code] = param(False, "switch", source="study IV.4; cells an assumption",
                                  doc=f"Can serve {c.name_en.lower()} ({c.name_id}).")
    return dataclass(frozen=True)(type("ServeRow", (_Validated,), namespace))


ServeRow = _serve_row_class()

#: Categories the RT's kas sosial helps with: cash santunan, no casework (assumption).
KAS_RT_SERVES = ("lansia_miskin", "keluarga_miskin", "keluarga_cacat")


def _row(kind: str | None) -> Any:
    def make() -> Any:
        return ServeRow(**{c.code: (c.code in KAS_RT_SERVES if kind is None
                                    else kind in c.served_by) for c in CATEGORIES})
    return field(default_factory=make, metadata={"group": True})


@dataclass(frozen=True)
class ServesParams(_Validated):
    """The kind-category table: which kind of OSL (and the RT's kas) can serve which PMKS."""

    breadth: float = param(
        0.0, "0-1", 0.0, 1.0, ASSUMPTION,
        "Fit of a server to a category its row does not list: 0 cannot serve it; b serves it "
        "at b times its usual quality (a scalar for sensitivity analysis).",
    )
    majelis_taklim: Any = _row("majelis_taklim")
    arisan: Any = _row("arisan")
    pkk: Any = _row("pkk")
    paguyuban: Any = _row("paguyuban")
    karang_taruna: Any = _row("karang_taruna")
    kube: Any = _row("kube")
    kesenian_olahraga: Any = _row("kesenian_olahraga")
    adat: Any = _row("adat")
    kas_rt: Any = _row(None)

    def row(self, name: str) -> Any:
        """Return one server's row by kind code (or ``kas_rt``)."""
        return getattr(self, name)


# --------------------------------------------------------------------------- drift


@dataclass(frozen=True)
class DriftParams(_Validated):
    """Exogenous change: globalisation and the erosion of values (study III-D)."""

    solidarity_decay: float = param(
        0.004, "share per month", 0.0, 0.05, "study III-D: globalisation erodes local values",
        "Monthly erosion of solidarity toward zero.",
    )
    neighbour_influence: float = param(
        0.02, "share per month", 0.0, 0.5, ASSUMPTION,
        "Pull of a household's solidarity toward its network neighbours' mean.",
    )
    aid_solidarity_gain: float = param(
        0.02, "per help received", 0.0, 0.2, ASSUMPTION,
        "Solidarity gained by a household that received help this month.",
    )


@dataclass(frozen=True)
class MutualAidParams(_Validated):
    """Gotong royong between network neighbours."""

    help_probability: float = param(
        0.5, "probability per month at full solidarity", 0.0, 1.0, ASSUMPTION,
        "Chance a household with a surplus helps needy neighbours this month.",
    )
    help_share: float = param(
        0.01, "share of surplus per month", 0.0, 0.5, ASSUMPTION,
        "Share of its surplus a helper gives in a month.",
    )
    surplus_months: float = param(
        1.0, "months of subsistence", 0.0, 12.0, ASSUMPTION,
        "Savings above this many months of subsistence count as surplus.",
    )


# --------------------------------------------------------------------------- root


@dataclass(frozen=True)
class Params(_Validated):
    """All parameters of one run: ``oslsim.Params(households=5000)``.

    Nested groups are replaced with dotted overrides:
    ``Params().with_overrides({"organisations.capacity_mean": 0.4})``.
    """

    households: int = param(
        2000, "households", 3, 2_000_000, ASSUMPTION,
        "Households (KK) in the kelurahan.",
    )
    community: CommunityParams = group(CommunityParams)
    economy: EconomyParams = group(EconomyParams)
    pmks: PmksParams = group(PmksParams)
    organisations: OrganisationParams = group(OrganisationParams)
    kinds: KindsParams = group(KindsParams)
    government: GovernmentParams = group(GovernmentParams)
    time: TimeParams = group(TimeParams)
    funds: FundsParams = group(FundsParams)
    serves: ServesParams = group(ServesParams)
    mutual_aid: MutualAidParams = group(MutualAidParams)
    drift: DriftParams = group(DriftParams)

    def with_overrides(self, overrides: Mapping[str, Any] | None = None, **kw: Any) -> Params:
        """Return a copy with dotted overrides applied and validated.

        Raises ``ValueError`` naming the key and its allowed values on an unknown key or a
        bad value; a close match is suggested for misspellings.
        """
        items = dict(overrides or {})
        items.update(kw)
        result: Any = self
        for key, value in items.items():
            result = _replace_path(result, key.split("."), coerce_value(key, value), key)
        return result

    def get(self, path: str) -> Any:
        """Read a parameter by its dotted path."""
        info = param_info(path)
        obj: Any = self
        for part in info.path.split("."):
            obj = getattr(obj, part)
        return obj

    def to_dict(self) -> dict[str, Any]:
        """Return every parameter as a flat ``{dotted.path: value}`` mapping."""
        return {info.path: self.get(info.path) for info in iter_params()}

    def changed(self) -> dict[str, Any]:
        """Return the parameters that differ from the defaults."""
        base = Params()
        return {k: v for k, v in self.to_dict().items() if base.get(k) != v}


def _replace_path(obj: Any, parts: list[str], value: Any, full: str) -> Any:
    name = parts[0]
    if len(parts) == 1:
        try:
            return dataclasses.replace(obj, **{name: value})
        except ValueError as exc:
            msg = str(exc)
            if msg.startswith(f"{name}:"):
                msg = full + msg[len(name):]
            raise ValueError(msg) from None
    return dataclasses.replace(obj, **{name: _replace_path(getattr(obj, name), parts[1:],
                                                           value, full)})


def _walk(instance: Any, prefix: str = "") -> Iterator[ParamInfo]:
    # Recurse into the nested default *instance*: per-category and per-kind groups have
    # defaults of their own, not their class's.
    for f in fields(instance):
        path = f"{prefix}{f.name}"
        value = getattr(instance, f.name)
        if f.metadata.get("group") or is_dataclass(value):
            yield from _walk(value, path + ".")
            continue
        low, high = f.metadata["range"]
        yield ParamInfo(path, value, f.metadata["unit"], low, high, f.metadata["source"],
                        f.metadata["doc"], type(value), f.metadata.get("choices"))


_INFO: dict[str, ParamInfo] = {}


def iter_params() -> list[ParamInfo]:
    """Return every parameter's definition in declaration order."""
    if not _INFO:
        _INFO.update({i.path: i for i in _walk(Params())})
    return list(_INFO.values())


#: Parameters of the first version that the second replaced, and what to use instead.
REMOVED: dict[str, str] = {
    "organisations.jimpitan": "local giving no longer depends on WKSBM; use funds.giving_share "
                              "(and funds.rt_weight for the RT's kas sosial)",
    "economy.meeting_time_cost": "meetings now cost hours; use time.meeting_hours and "
                                 "time.free_hours",
    "organisations.time_elasticity": "households now have an hours budget; use "
                                     "time.household_hours",
    "organisations.cases_per_attendee": "service now costs hours; use time.volunteer_hours and "
                                        "time.case_hours",
}


def param_info(path: str) -> ParamInfo:
    """Return one parameter's definition; unknown paths raise a ``ValueError`` with a hint."""
    iter_params()
    if path in _INFO:
        return _INFO[path]
    if path in REMOVED:
        raise ValueError(f"parameter {path!r} was removed: {REMOVED[path]}")
    close = difflib.get_close_matches(path, _INFO, n=1, cutoff=0.6)
    if not close:  # try the last part alone, e.g. "capacity_man" -> organisations.capacity_mean
        tails = {k.rsplit(".", 1)[-1]: k for k in _INFO}
        hit = difflib.get_close_matches(path.rsplit(".", 1)[-1], tails, n=1, cutoff=0.6)
        close = [tails[hit[0]]] if hit else []
    hint = f"; did you mean {close[0]}?" if close else "; see docs/parameters.md for all names"
    raise ValueError(f"unknown parameter {path!r}{hint}")


def coerce_value(path: str, value: Any) -> Any:
    """Convert a value (possibly a string from the command line) to the parameter's type.

    NumPy scalars (``np.int64(300)``, ``np.bool_(True)``, ``np.str_``) count as the Python
    value they hold, so rows from pandas, NumPy or EMA Workbench can be passed as they are;
    a value of the wrong kind (a boolean for a number, a fraction for an integer) is refused.
    """
    info = param_info(path)
    if isinstance(value, np.generic):
        value = value.item()
    try:
        if info.type is bool:
            if isinstance(value, str):
                low = value.strip().lower()
                if low in ("true", "1", "yes", "on"):
                    return True
                if low in ("false", "0", "no", "off"):
                    return False
                raise ValueError
            if not isinstance(value, bool):
                raise ValueError
            return value
        if info.type is str:
            if not isinstance(value, str):
                raise ValueError
            return value
        if isinstance(value, bool):
            raise ValueError
        if info.type is int:
            number = float(value) if isinstance(value, str) else value
            if not isinstance(number, (int, float)) or not float(number).is_integer():
                raise ValueError
            return int(number)
        if isinstance(value, str):
            return float(value.replace("_", ""))
        if not isinstance(value, (int, float)):
            raise ValueError
        return float(value)
    except (ValueError, TypeError, OverflowError):
        raise ValueError(f"{path}: {value!r} is not valid; allowed {info.allowed()}") from None


def render_markdown() -> str:
    """Render ``docs/parameters.md`` from the definitions (run ``python -m oslsim.params``)."""
    lines = [
        "# Parameters",
        "",
        "Generated from `src/oslsim/params.py` by `python -m oslsim.params > "
        "docs/parameters.md`; a test fails when this page is stale. Override any of them with "
        "`--set path=value` on the command line, in a scenario's `[params]` table, or with "
        "`Params().with_overrides({...})`.",
        "",
    ]
    current = None
    for info in iter_params():
        section = info.path.rsplit(".", 1)[0] if "." in info.path else "(root)"
        if section != current:
            current = section
            lines += ["", f"## `{section}`", "",
                      "| parameter | default | unit | range | source | meaning |",
                      "|---|---|---|---|---|---|"]
        rng = ", ".join(info.choices) if info.choices else (
            "true / false" if info.type is bool else f"{_fmt(info.low)} – {_fmt(info.high)}")
        lines.append(f"| `{info.path}` | {_fmt(info.default)} | {info.unit} | {rng} | "
                     f"{info.source} | {info.doc} |")
    return "\n".join(lines) + "\n"


def _check_codes() -> None:
    names = {f.name for f in fields(PmksParams)}
    missing = [c.code for c in CATEGORIES if c.code not in names]
    kinds = {f.name for f in fields(KindsParams)}
    missing += [k for k in KINDS if k not in kinds]
    if missing:  # pragma: no cover - a programming error caught at import
        raise RuntimeError(f"parameters missing for {missing}")


_check_codes()

if __name__ == "__main__":  # pragma: no cover
    print(render_markdown(), end="")
