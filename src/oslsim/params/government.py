"""Parameters of the lurah, Pemda and Dinas Sosial (``government``)."""

from __future__ import annotations

from dataclasses import dataclass

from oslsim.params._declare import ASSUMPTION, _Validated, param

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
