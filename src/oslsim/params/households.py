"""Parameters of the households.

The kelurahan's layout (``community``), incomes (``economy``) and the PMKS
categories (``pmks``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from oslsim.params._declare import ASSUMPTION, _Validated, param

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
        "Spread (log-sd) of usual per-capita income across households at the start (their "
        "long-run levels; usual incomes then spread further, see usual_sigma).",
    )
    shock_sigma: float = param(
        0.2, "log Rp", 0.0, 0.8, ASSUMPTION, "Monthly idiosyncratic income shock (log-sd).",
    )
    shock_persistence: float = param(
        0.8, "AR(1) coefficient", 0.0, 0.99, ASSUMPTION,
        "Persistence of income shocks from month to month.",
    )
    usual_sigma: float = param(
        0.3, "log Rp", 0.0, 1.0,
        "assumption: 0-0.6. The form (a persistent AR(1) component of log income beside a "
        "transitory one) is the permanent-transitory model of income dynamics, e.g. "
        "MaCurdy 1982 (J. Econometrics 18), Storesletten, Telmer & Yaron 2004 (J. Monetary "
        "Econ. 51); its size for Indonesian households is not fixed by a source",
        "Long-run spread (log-sd) of a household's usual income around its own long-run "
        "level: jobs gained and lost, illness, household events.",
    )
    usual_persistence: float = param(
        0.74, "AR(1) coefficient per year", 0.0, 0.99,
        "Newhouse 2005, Rev. Dev. Econ. 9(3), rural Indonesia (IFLS 1993-1997): about 30% of "
        "an income shock remains after four years, 0.3^(1/4) = 0.74 a year",
        "Persistence of the usual income's deviation from its long-run level, per year "
        "(the monthly coefficient is its twelfth root).",
    )
    mpc_income: float = param(
        0.82, "share", 0.5, 1.0,
        "calibrated (docs/validation.md §7): posterior mean 0.82 (5-95% 0.77-0.89) against "
        "poverty level and dynamics; was 0.9, an assumption",
        "Share of monthly income consumed.",
    )
    mpc_savings: float = param(
        0.13, "share per month", 0.0, 0.5,
        "calibrated (docs/validation.md §7): posterior mean 0.13 (5-95% 0.04-0.24), moved with "
        "mpc_income because the patterns fix the buffer (1 - mpc_income) / mpc_savings; was "
        "0.05, an assumption",
        "Share of savings consumed each month.",
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
