"""Parameters of the community's hours (``time``) and its own money (``funds``)."""

from __future__ import annotations

from dataclasses import dataclass

from oslsim.params._declare import ASSUMPTION, _Validated, param

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
        15.0, "hours per household per month", 0.0, 80.0,
        "calibrated (docs/validation.md §7): posterior mean 15.0 (5-95% 9.2-21.1) against the "
        "membership premium; was 8, an assumption",
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
