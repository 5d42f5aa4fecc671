"""Empirical patterns the model should reproduce, with their sources, and how to measure them.

Pattern-oriented modelling (Grimm et al. 2005) asks a model to reproduce several patterns
observed at different levels at once. :data:`PATTERNS` is the table as data: each pattern has
a source, a target value or interval, a tolerance and why, and names the statistic that
measures it. :func:`run_patterns` makes one run of a site and measures every statistic;
:func:`pattern_values` and :func:`pattern_table` turn runs into the table (target, simulated
mean and interval, pass/fail). Where a source gives no number the pattern says so and has no
target; nothing here is a number that no source gives, except tolerances marked "assumption".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "MEASURE_MONTHS",
    "PATTERNS",
    "Pattern",
    "ROLES",
    "SHOCK",
    "SHOCK_MONTHS",
    "STATISTICS",
    "excess",
    "pattern_table",
    "pattern_values",
    "run_patterns",
    "table_markdown",
]

#: Measured months of a pattern run (after its warm start): 36 = a 24-month panel from each
#: of the first 12 months, the last 12 for the membership regression.
MEASURE_MONTHS = 36
#: The crisis: a covariate income loss of this share, for :data:`SHOCK_MONTHS`, after the
#: measured months (the issue's 30% shock, of the order of the 1997-98 crisis in IFLS).
SHOCK = 0.3
SHOCK_MONTHS = 6
#: Months of the panel that measures poverty persistence (the Susenas panels are two years).
PANEL_MONTHS = 24
#: Months an organisation must have lived to count as "older than 10 years" (Bone 2007).
TEN_YEARS = 120

#: Site roles a pattern refers to, and the study site that plays each by default.
ROLES = {"urban": "klender", "rural": "cibodas", "national": "baseline"}

#: The statistics one run measures (columns of its one-row table), with what each is.
STATISTICS = {
    "poverty_persons": "share of persons below the poverty line, mean of the measured months",
    "poverty_households": "share of households below the poverty line, mean of the months",
    "poverty_persistence": "share of households poor in month t still poor in month t+24 "
                           "(t = months 1-12, pooled)",
    "poverty_entry": "share of households not poor in month t poor in month t+24",
    "membership_premium": "OLS coefficient of log per-capita consumption (last 12 months) on "
                          "the number of memberships, controls: log household size, log usual "
                          "per-capita income, RW dummies",
    "membership_premium_se": "its classical standard error",
    "member_share_poor": "share of poor household-months holding at least one membership",
    "member_share_nonpoor": "the same among the non-poor",
    "meetings_poor": "meetings attended a month by a poor household",
    "meetings_nonpoor": "the same by a non-poor household",
    "participation_ratio": "meetings_poor / meetings_nonpoor",
    "shock_drop_members": "relative fall of members' mean consumption in a 30% income shock "
                          "(6 shock months against the 6 months before)",
    "shock_drop_nonmembers": "the same for households without a membership",
    "smoothing_gap": "shock_drop_nonmembers - shock_drop_members (positive: members smooth)",
    "groups_per_village": "living organisations at the end, scaled to the site's own number "
                          "of households",
    "dissolution_hazard": "organisations dissolved per living organisation-month",
    "share_older_10y": "exp(-120 x dissolution_hazard): the share of a stationary population "
                       "of groups older than 10 years at that hazard",
    "pmks_prevalence": "share of households with an active PMKS condition, mean of the months",
}


@dataclass(frozen=True)
class Pattern:
    """One empirical pattern: what is observed, where, and how close the model must come.

    Attributes
    ----------
    key : str
        Name of the pattern (used in calibration files).
    statistic : str
        The statistic of :data:`STATISTICS` that measures it.
    role : str
        The site it is measured at (``urban``, ``rural``, ``national``) or ``all`` (the mean
        over the calibration's sites).
    target : float or None
        The observed value, or ``None`` where the source gives no number.
    low, high : float or None
        The interval a simulated mean must lie in to pass (either may be open).
    status : str
        ``cited`` (the number is the source's), ``direction`` (the source gives a direction
        only), ``no target`` (reported, not judged).
    source : str
        The reference.
    why : str
        Why this tolerance.
    calibrate : bool
        Whether the calibration's distance uses the pattern.
    """

    key: str
    statistic: str
    role: str
    label: str
    target: float | None
    low: float | None
    high: float | None
    status: str
    source: str
    why: str
    calibrate: bool = True
    unit: str = "share"

    def passes(self, value: float) -> bool | None:
        """Whether ``value`` lies in the pattern's interval (``None`` without one)."""
        if self.low is None and self.high is None:
            return None
        if value is None or not math.isfinite(value):
            return False
        return (self.low is None or value >= self.low) and (self.high is None or
                                                             value <= self.high)

    def interval_text(self) -> str:
        """The interval as text: ``[a, b]``, ``>= a``, ``<= b`` or ``-``."""
        if self.low is None and self.high is None:
            return "-"
        if self.high is None:
            return f">= {self.low:g}"
        if self.low is None:
            return f"<= {self.high:g}"
        return f"[{self.low:g}, {self.high:g}]"


_BPS = ("BPS, Berita Resmi Statistik, Profil Kemiskinan di Indonesia Maret 2025 (persons below "
        "the poverty line)")
_POVERTY_WHY = ("assumption: +/-20% of the rate (about +/-1.3 to 2.2 points). A site profile "
                "sets its initial poverty to the national urban or rural rate, which is itself "
                "an assumption about that site; a steady state within a fifth of it keeps the "
                "site credible without asking more than the profile claims")

#: The pattern table. Tolerances that no source fixes say "assumption" in ``why``.
PATTERNS: tuple[Pattern, ...] = (
    Pattern("poverty_urban", "poverty_persons", "urban", "Poverty, persons, urban site",
            0.0673, 0.0538, 0.0808, "cited", _BPS + ": urban 6.73%", _POVERTY_WHY),
    Pattern("poverty_rural", "poverty_persons", "rural", "Poverty, persons, rural site",
            0.1103, 0.0882, 0.1324, "cited", _BPS + ": rural 11.03%", _POVERTY_WHY),
    Pattern("poverty_national", "poverty_persons", "national",
            "Poverty, persons, national-average kelurahan (baseline)",
            0.0847, 0.0678, 0.1016, "cited", _BPS + ": national 8.47%", _POVERTY_WHY),
    Pattern("poverty_persistence", "poverty_persistence", "all",
            "Poor households still poor two years later",
            0.28, 0.18, 0.45, "cited",
            "Dartanto & Nurkholis 2013, Bull. Indones. Econ. Stud. 49(1): Susenas panel 2005 and "
            "2007, 8,726 households: 28% of poor households remained poor in both rounds",
            "assumption: 0.18-0.45. The paper's 28% is two rounds two years apart; how its "
            "denominator was drawn is not restated here, and a second Susenas panel "
            "(Purwono et al. 2021, 2008-2010) finds chronic poverty a larger share, so the "
            "upper end is wide"),
    Pattern("poverty_entry", "poverty_entry", "all",
            "Non-poor households poor two years later",
            0.07, 0.035, 0.105, "cited",
            "Dartanto & Nurkholis 2013 (as above): 7% of non-poor households fell into "
            "poverty between the rounds",
            "assumption: +/-50% of the rate; the same panel, national, not the study's sites"),
    Pattern("membership_premium", "membership_premium", "all",
            "Consumption premium per membership (regression with controls)",
            0.015, 0.005, 0.025, "cited",
            "Grootaert 1999, Local Level Institutions Working Paper 6 (World Bank), Indonesia: "
            "one more membership, about 1.5% higher expenditure per person, estimated by a "
            "regression with household controls",
            "assumption: +/-1 point. The model's regression has a standard error near 0.2-0.3 "
            "points at 1,000 households a site; the paper's own interval is not restated"),
    Pattern("participation_poor", "participation_ratio", "all",
            "Meetings attended by the poor relative to the better-off",
            None, None, 1.0, "direction",
            "Beard 2005 (Environ. Plann. C 23), 2007 (World Dev. 35(4)): households of lower "
            "socio-economic status contribute less time and money to community organisations",
            "direction only: the sources report regression effects, not a ratio this model "
            "measures, so the pattern passes when the poor attend less (ratio < 1)",
            calibrate=False, unit="ratio"),
    Pattern("crisis_smoothing", "smoothing_gap", "all",
            "Extra consumption smoothing of members in a 30% income shock",
            0.0, -0.03, 0.03, "cited",
            "Begazo-Gomez et al. 2006, IFLS 1997-2000: participation in community "
            "organisations gave no significant consumption smoothing in the crisis",
            "assumption: +/-3 points. 'Not significant' has no number; 3 points is about "
            "a tenth of the shock, the smallest difference a survey of IFLS's size would "
            "plausibly have detected"),
    Pattern("group_density", "groups_per_village", "rural", "Groups per village (rural site)",
            50.0, 50.0, None, "cited",
            "Sosio Konsepsia 12(1) 2007, Kecamatan Tanete Riattang, Bone: on average more "
            "than 50 groups per village",
            "the source's own bound: more than 50 at the rural site's size",
            calibrate=False, unit="groups"),
    Pattern("group_age", "share_older_10y", "rural",
            "Share of groups older than 10 years (rural site)",
            0.5, 0.5, None, "cited",
            "Sosio Konsepsia 12(1) 2007 (as above): most groups older than 10 years",
            "the source's own bound: 'most' read as more than half"),
    Pattern("pmks_prevalence", "pmks_prevalence", "all",
            "Households with an active PMKS condition",
            None, None, None, "no target",
            "Pusdatin Kemensos publishes PMKS/PPKS counts by category and province, not a "
            "share of households with any condition in the model's ten categories",
            "no comparable number: reported, not judged", calibrate=False),
)
_BY_KEY = {p.key: p for p in PATTERNS}


# --------------------------------------------------------------------------- one run


@dataclass
class PatternRun:
    """What :func:`run_patterns` returns: the one-row table of statistics, and a manifest."""

    timeseries: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)


def _ols(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least squares coefficients and classical standard errors (numpy only)."""
    coef, _, rank, _ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ coef
    dof = max(len(y) - rank, 1)
    sigma2 = float(resid @ resid) / dof
    cov = sigma2 * np.linalg.pinv(x.T @ x)
    return coef, np.sqrt(np.maximum(np.diag(cov), 0.0))


def membership_premium(consumption: np.ndarray, size: np.ndarray, memberships: np.ndarray,
                       base_income: np.ndarray, rw: np.ndarray) -> tuple[float, float]:
    """Grootaert's regression: log per-capita consumption on memberships, with controls.

    Controls: log household size, log usual per-capita income (standing for the education
    and assets Grootaert controlled for) and RW dummies (location). Returns the membership
    coefficient and its standard error.
    """
    ok = consumption > 0
    y = np.log(consumption[ok] / size[ok])
    cols = [memberships[ok].astype(float), np.log(size[ok]), np.log(base_income[ok] / size[ok])]
    areas = np.unique(rw[ok])
    dummies = [(rw[ok] == a).astype(float) for a in areas]  # one per RW, no constant
    x = np.column_stack(cols + dummies)
    coef, se = _ols(y, x)
    return float(coef[0]), float(se[0])


def run_patterns(scenario: Any, months: int = MEASURE_MONTHS, rng: Any = None,
                 overrides: Mapping[str, Any] | None = None,
                 warmup: Mapping[str, Any] | bool | None = None) -> PatternRun:
    """Run one site and measure every statistic of :data:`STATISTICS` (a sweep run function).

    The run warms up (when ``warmup`` is given), measures ``months`` months (at least 36:
    the 24-month panel from each of the first 12), then applies a covariate income shock of
    :data:`SHOCK` for :data:`SHOCK_MONTHS` months and compares members' and non-members'
    consumption. Returns a one-row table (``month`` = ``months``) of the statistics.
    """
    from oslsim.scenarios import Scenario, load_scenario
    from oslsim.simulation import prepare

    if months < PANEL_MONTHS + 12:
        raise ValueError(f"months: {months} is too short for the patterns; use at least "
                         f"{PANEL_MONTHS + 12}")
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    site_households = int(sc.build_params({}).households)
    p = prepare(sc, rng, overrides=dict(overrides or {}), warmup=warmup or False)
    model, st = p.model, p.model.state
    n = st.n
    size = st.size.astype(float)
    poor, attended, members = [], [], []
    org_months = dissolved = 0
    cons_sum = np.zeros(n)
    pre_shock = np.zeros(n)
    for month in range(months):
        alive = st.alive[: st.m].copy()
        model.step()
        org_months += int(alive.sum())
        dissolved += int((alive & ~st.alive[: alive.size]).sum())
        poor.append(st.poor.copy())
        attended.append(st.attended.astype(float))
        members.append(st.memberships_per_household())
        if month >= months - 12:
            cons_sum += st.consumption
        if month >= months - SHOCK_MONTHS:
            pre_shock += st.consumption
    poor_a, att_a, mem_a = np.array(poor), np.array(attended), np.array(members)
    ts = model.timeseries()
    out: dict[str, float] = {"month": months}
    out["poverty_persons"] = float(ts["poverty_rate_persons"].iloc[1:].mean())
    out["poverty_households"] = float(ts["poverty_rate"].iloc[1:].mean())
    out["pmks_prevalence"] = float(ts["pmks_prevalence"].iloc[1:].mean())
    start, later = poor_a[:12], poor_a[PANEL_MONTHS:PANEL_MONTHS + 12]
    out["poverty_persistence"] = _share(start & later, start)
    out["poverty_entry"] = _share(~start & later, ~start)
    b, se = membership_premium(cons_sum / 12.0, size, mem_a[-1], st.base_income, st.rw)
    out["membership_premium"], out["membership_premium_se"] = b, se
    out["member_share_poor"] = _share(poor_a & (mem_a > 0), poor_a)
    out["member_share_nonpoor"] = _share(~poor_a & (mem_a > 0), ~poor_a)
    out["meetings_poor"] = float(att_a[poor_a].mean()) if poor_a.any() else float("nan")
    out["meetings_nonpoor"] = float(att_a[~poor_a].mean()) if (~poor_a).any() else float("nan")
    out["participation_ratio"] = (out["meetings_poor"] / out["meetings_nonpoor"]
                                  if out["meetings_nonpoor"] > 0 else float("nan"))
    # the crisis: the last six measured months against six months of it
    before = pre_shock / SHOCK_MONTHS
    is_member = st.memberships_per_household() > 0
    model.set_params({"economy.covariate_shock": SHOCK})
    during = np.zeros(n)
    for _ in range(SHOCK_MONTHS):
        model.step()
        during += st.consumption
    during /= SHOCK_MONTHS
    out["shock_drop_members"] = _drop(before, during, is_member)
    out["shock_drop_nonmembers"] = _drop(before, during, ~is_member)
    out["smoothing_gap"] = out["shock_drop_nonmembers"] - out["shock_drop_members"]
    alive_end = int(st.alive[: st.m].sum())
    out["groups_per_village"] = alive_end * site_households / n
    hazard = dissolved / org_months if org_months else float("nan")
    out["dissolution_hazard"] = hazard
    out["share_older_10y"] = math.exp(-TEN_YEARS * hazard) if math.isfinite(hazard) else hazard
    manifest = {"params": p.params.to_dict(), "seed": p.seed,
                "warmup": None if p.warm is None else {"months": p.warm.months,
                                                       "stationary": p.warm.stationary},
                "param_changes": list(model.param_changes)}
    return PatternRun(pd.DataFrame([out]), manifest)


#: The statistics a pattern run adds to the sweep's outcome columns.
run_patterns.outcomes = tuple(STATISTICS)  # type: ignore[attr-defined]


def _share(num: np.ndarray, den: np.ndarray) -> float:
    d = int(np.count_nonzero(den))
    return float(np.count_nonzero(num)) / d if d else float("nan")


def _drop(before: np.ndarray, during: np.ndarray, who: np.ndarray) -> float:
    if not who.any() or before[who].sum() <= 0:
        return float("nan")
    return float(1.0 - during[who].sum() / before[who].sum())


# --------------------------------------------------------------------------- the table


def pattern_values(stats: Mapping[str, Mapping[str, float]],
                   roles: Mapping[str, str] | None = None,
                   patterns: Iterable[Pattern] = PATTERNS) -> dict[str, float]:
    """The value of each pattern from one set of runs: ``stats[site][statistic]``.

    A pattern of a role reads that role's site; ``all`` takes the mean over the sites given.
    A pattern whose site is missing is NaN.
    """
    roles = dict(ROLES if roles is None else roles)
    out = {}
    for p in patterns:
        if p.role == "all":
            vals = [s.get(p.statistic, float("nan")) for s in stats.values()]
            vals = [v for v in vals if v is not None and math.isfinite(v)]
            out[p.key] = float(np.mean(vals)) if vals else float("nan")
        else:
            site = roles.get(p.role)
            s = stats.get(site) if site is not None else None
            out[p.key] = float(s.get(p.statistic, float("nan"))) if s else float("nan")
    return out


def excess(pattern: Pattern, value: float) -> float:
    """How far ``value`` lies outside the pattern's interval, in half-widths (0 inside).

    A one-sided interval uses its bound's magnitude (or 1) as the scale. NaN counts as 10.
    """
    if value is None or not math.isfinite(value):
        return 10.0
    lo, hi = pattern.low, pattern.high
    if lo is not None and hi is not None:
        scale = (hi - lo) / 2.0
    else:
        scale = abs(lo if lo is not None else hi) or 1.0  # type: ignore[arg-type]
    if lo is not None and value < lo:
        return (lo - value) / scale
    if hi is not None and value > hi:
        return (value - hi) / scale
    return 0.0


def pattern_table(values: pd.DataFrame, patterns: Iterable[Pattern] = PATTERNS,
                  level: float = 0.9) -> pd.DataFrame:
    """Target, simulated mean and interval, pass/fail, one row per pattern.

    ``values`` has one column per pattern key and one row per replicate (a seed, or a draw
    from the posterior with its own seed). The interval is the central ``level`` range of
    the replicates; a pattern passes when the mean lies in its target interval.
    """
    rows = []
    q = (1.0 - level) / 2.0
    for p in patterns:
        col = values[p.key].astype(float) if p.key in values else pd.Series(dtype=float)
        col = col[np.isfinite(col)]
        mean = float(col.mean()) if len(col) else float("nan")
        ok = p.passes(mean)
        rows.append({
            "pattern": p.key, "label": p.label, "site": p.role, "status": p.status,
            "target": p.target, "interval": p.interval_text(), "simulated_mean": mean,
            "simulated_low": float(col.quantile(q)) if len(col) else float("nan"),
            "simulated_high": float(col.quantile(1 - q)) if len(col) else float("nan"),
            "replicates": int(len(col)),
            "share_in_interval": (float(np.mean([bool(p.passes(v)) for v in col]))
                                  if ok is not None and len(col) else float("nan")),
            "result": "-" if ok is None else ("pass" if ok else "fail"),
            "calibrated": p.calibrate, "source": p.source, "why": p.why,
        })
    return pd.DataFrame(rows)


def table_markdown(table: pd.DataFrame) -> str:
    """The pattern table as Markdown (sources and reasons are in docs/validation.md)."""
    def num(x: Any) -> str:
        if x is None or (isinstance(x, float) and not math.isfinite(x)):
            return "-"
        return f"{x:.4g}"

    lines = ["| pattern | site | target | interval | simulated mean | 90% of runs | result |",
             "|---|---|---|---|---|---|---|"]
    for r in table.to_dict("records"):
        lines.append(f"| {r['label']} | {r['site']} | {num(r['target'])} | {r['interval']} | "
                     f"{num(r['simulated_mean'])} | {num(r['simulated_low'])} … "
                     f"{num(r['simulated_high'])} | {r['result']} |")
    return "\n".join(lines) + "\n"


def pattern(key: str) -> Pattern:
    """The pattern named ``key`` (``KeyError`` if there is none)."""
    return _BY_KEY[key]
