"""Parameters of the OSL.

Their kinds (``kinds``), their life and work (``organisations``) and which kind
can serve which PMKS (``serves``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from oslsim.params._declare import ASSUMPTION, _Validated, param
from oslsim.pmks import CATEGORIES

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
