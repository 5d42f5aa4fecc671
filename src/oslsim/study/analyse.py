"""Every statistic of the report, computed from the per-run table (numbers, no words).

:func:`analyse` runs :mod:`oslsim.analysis` per condition and per site and returns a
:class:`HypothesisAnalysis`; :func:`replicate_study` and :func:`sobol_summary` add how many
replicates the numbers call for and what the effect's size depends on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from oslsim import analysis as an
from oslsim.study.collect import SIDE_OUTCOMES
from oslsim.study.plan import CONDITIONS, DOSE_FACTOR, Condition, _factor

__all__ = ["ALPHA", "MIN_EFFECT", "N_BOOT", "STATIONARY", "HypothesisAnalysis", "analyse",
           "discovery", "overlap_summary", "replicate_study", "sobol_summary", "stationarity"]

#: Significance level of the trend test and smallest relative reduction counted as support.
ALPHA = 0.05
MIN_EFFECT = 0.05
#: Bootstrap resamples for every interval of the report.
N_BOOT = 2000


def sobol_summary(effects: pd.DataFrame, exp: Any,
                  rng: np.random.Generator) -> dict[str, Any] | None:
    """Sobol indices of the effect, from :func:`~oslsim.study.collect.sensitivity_effects`.

    ``None`` when there are no effects; ``{"complete": False, ...}`` when the sample is
    incomplete (some runs failed or are missing).
    """
    if effects.empty:
        return None
    from oslsim.experiments.designs import sobol as sobol_sample

    problem = exp.problem()
    expected = len(sobol_sample(problem, exp.samples, 0, second_order=exp.second_order))
    y = effects["effect"].to_numpy(dtype=float)
    if len(effects) != expected or not np.isfinite(y).all():
        return {"complete": False, "points": int(len(effects)), "expected": int(expected)}
    table = an.sobol_indices(problem, y, rng=rng, calc_second_order=exp.second_order)
    low, high = sorted(float(v) for v in _factor(exp, DOSE_FACTOR).values)
    return {
        "complete": True, "table": table, "points": int(len(effects)), "expected": expected,
        "samples": int(exp.samples), "effect_mean": float(y.mean()),
        "effect_sd": float(y.std(ddof=1)), "sum_s1": float(table["S1"].clip(lower=0).sum()),
        "dose_low": low, "dose_high": high, "scenario": exp.scenario_labels[0],
    }


def replicate_study(runs: pd.DataFrame, min_effect: float = MIN_EFFECT, tolerance: float = 0.2,
                    rng: int | np.random.Generator | None = None) -> dict[str, Any]:
    """How many replicates the numbers call for (Lee et al. 2015), from a per-run table.

    Uses the lowest- and highest-dose runs of each site: the CV of burden as replicates are
    added (:func:`oslsim.analysis.cv_by_replicates`), the fewest replicates after which the
    CV stays within ``tolerance`` of its all-runs value, and the replicates that detect a
    paired reduction of ``min_effect`` of the mean burden (alpha 0.05, power 0.8).
    """
    gen = np.random.default_rng(rng)
    doses = np.sort(runs["dose"].unique())
    ends = runs[runs["dose"].isin([doses[0], doses[-1]])]
    by = ["site", "dose"] if "site" in runs.columns else ["dose"]
    cv = an.cv_by_replicates(ends, "burden", by=by, rng=gen)
    stable = an.stable_replicates(cv, tolerance) if len(cv) else None
    rows = []
    groups = runs.groupby("site") if "site" in runs.columns else [("all", runs)]
    for site, sub in groups:
        wide = sub.pivot_table(index="replicate", columns="dose", values="burden")
        if doses[0] not in wide.columns or doses[-1] not in wide.columns:
            continue
        pair = wide[[doses[0], doses[-1]]].dropna()
        if len(pair) < 3:
            continue
        diff = pair[doses[0]] - pair[doses[-1]]
        base = float(pair[doses[0]].mean())
        sd_d = float(diff.std(ddof=1))
        sd_u = float(np.sqrt(pair[doses[0]].var(ddof=1) + pair[doses[-1]].var(ddof=1)))
        delta = min_effect * base if base > 0 else float("nan")
        rows.append({
            "site": site, "runs": int(len(pair)), "mean_burden": base,
            "cv": float(pair[doses[0]].std(ddof=1) / base) if base > 0 else float("nan"),
            "sd_paired": sd_d, "sd_unpaired": sd_u,
            "needed_paired": an.replicates_needed(sd_d, delta) if delta > 0 else None,
            "needed_unpaired": an.replicates_needed(sd_u, delta) if delta > 0 else None,
        })
    return {"cv": cv, "stable": stable, "tolerance": tolerance, "power": pd.DataFrame(rows),
            "min_effect": min_effect, "doses": (float(doses[0]), float(doses[-1]))}


@dataclass
class HypothesisAnalysis:
    """Everything the report says, as numbers and tables (no words)."""

    runs: pd.DataFrame
    summaries: dict[str, dict[str, Any]]
    site_summaries: dict[tuple[str, str], dict[str, Any]]
    dose_response: pd.DataFrame
    dose_response_sites: pd.DataFrame
    effects: pd.DataFrame
    sites: pd.DataFrame
    side: pd.DataFrame
    trajectory: pd.DataFrame | None = None
    sensitivity: dict[str, Any] | None = None
    replicates: dict[str, Any] | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, Condition] = field(default_factory=dict)
    stationarity: dict[str, Any] | None = None
    discovery: list[Any] | None = None
    overlap: pd.DataFrame | None = None

    @property
    def reference(self) -> str:
        """The condition the headline is about (the baseline)."""
        return next(iter(self.summaries))

    def verdicts(self) -> dict[str, Any]:
        """Verdicts and their key numbers, per condition and per (condition, site), as data."""
        keys = ("verdict", "jt_p", "rho", "slope", "slope_lo", "slope_hi", "effect",
                "effect_lo", "effect_hi", "cohens_d", "max_dose", "saturation_dose")
        def one(s: Mapping[str, Any]) -> dict[str, Any]:
            return {**{k: s[k] for k in keys}, "ci_low": s["effect_lo"], "ci_high": s["effect_hi"]}

        return {
            "conditions": {c: one(s) for c, s in self.summaries.items()},
            "sites": {f"{c}/{site}": one(s) for (c, site), s in self.site_summaries.items()},
        }


def _labels_for(conditions: Sequence[str]) -> dict[str, Condition]:
    known = {c.name: c for c in CONDITIONS}
    return {c: known.get(c, Condition(c, "", c, c, "", "")) for c in conditions}


def analyse(runs: pd.DataFrame, trajectory: pd.DataFrame | None = None,
            sensitivity: dict[str, Any] | None = None, alpha: float = ALPHA,
            min_effect: float = MIN_EFFECT, n_boot: int = N_BOOT,
            rng: int | np.random.Generator | None = None,
            meta: Mapping[str, Any] | None = None,
            progress: Callable[[Any], Any] | None = None) -> HypothesisAnalysis:
    """Compute every statistic of the report from a per-run table.

    Parameters
    ----------
    runs : DataFrame
        One row per run: ``condition``, ``dose``, ``replicate``, ``burden`` and optionally
        ``site``, ``realised_dose`` and the side outcomes (see :func:`collect`).
    trajectory, sensitivity : optional
        From :func:`collect` and the Sobol step; carried into the report.
    alpha, min_effect : float
        Settings of :func:`oslsim.analysis.summarise_hypothesis`.
    n_boot : int
        Bootstrap resamples of every interval.
    rng : int or numpy.random.Generator, optional
        Seed or generator of the bootstraps (SPEC 7); the same seed gives the same report.
    meta : mapping, optional
        Facts about the run (replicates, timings…) shown in the report.
    progress : callable, optional
        Wraps an iterable to show progress (e.g. ``tqdm``).
    """
    for col in ("condition", "dose", "replicate", "burden"):
        if col not in runs.columns:
            raise ValueError(f"the run table needs a {col!r} column; it has {list(runs.columns)}")
    gen = np.random.default_rng(rng)
    runs = runs.copy()
    if "site" not in runs.columns:
        runs["site"] = "all"
    known = [c.name for c in CONDITIONS]
    present = list(dict.fromkeys(runs["condition"]))
    conditions = [c for c in known if c in present] + [c for c in present if c not in known]
    sites = sorted(runs["site"].unique())
    steps = [("c", c, None) for c in conditions] + [("s", c, s) for c in conditions
                                                     for s in sites if len(sites) > 1]
    summaries: dict[str, dict[str, Any]] = {}
    site_summaries: dict[tuple[str, str], dict[str, Any]] = {}
    cols = ["dose", "replicate", "site", "burden"]
    for kind, cond, site in (progress(steps) if progress else steps):
        sub = runs.loc[runs["condition"] == cond, cols]
        if kind == "s":
            sub = sub[sub["site"] == site]
        if sub["dose"].nunique() < 2 or len(sub) < 3:
            continue
        res = an.summarise_hypothesis(sub, "burden", alpha=alpha, min_effect=min_effect,
                                      rng=gen, n_boot=n_boot)
        if kind == "c":
            summaries[cond] = res
        else:
            site_summaries[(cond, site)] = res
    if not summaries:
        raise ValueError("no condition has two doses and three runs to analyse")

    dr = an.dose_response(runs, "burden", by=["condition"], n_boot=n_boot, rng=gen)
    if "realised_dose" in runs.columns:
        realised = runs.groupby(["condition", "dose"])["realised_dose"].mean()
        dr = dr.join(realised, on=["condition", "dose"])
    drs = an.dose_response(runs, "burden", by=["condition", "site"], n_boot=n_boot, rng=gen)
    effects = []
    for cond in conditions:
        sub = runs.loc[runs["condition"] == cond, cols]
        if sub["dose"].nunique() >= 2:
            eff = an.effect_sizes(sub, "burden", n_boot=n_boot, rng=gen)
            effects.append(eff.assign(condition=cond))
    effects_df = pd.concat(effects, ignore_index=True) if effects else pd.DataFrame()
    ref = conditions[0]
    base = runs[runs["condition"] == ref]
    if len(sites) > 1:
        site_tab = an.site_differences(base[cols], "burden", n_boot=n_boot, rng=gen)
    else:
        site_tab = pd.DataFrame()
    side = []
    for col in SIDE_OUTCOMES:
        if col in runs.columns and runs[col].notna().all():
            t = an.dose_response(runs[["condition", "dose", col]], col, by=["condition"],
                                 n_boot=max(200, n_boot // 4), rng=gen)
            side.append(t.assign(outcome=col))
    side_df = pd.concat(side, ignore_index=True) if side else pd.DataFrame()
    reps = None
    if base.groupby(["site", "dose"]).size().min() >= 3:
        reps = replicate_study(base, min_effect=min_effect, rng=gen)
    info = dict(meta or {})
    info.setdefault("alpha", alpha)
    info.setdefault("min_effect", min_effect)
    info.setdefault("n_boot", n_boot)
    info.setdefault("doses", [float(d) for d in np.sort(runs["dose"].unique())])
    info.setdefault("sites", sites)
    info.setdefault("replicates", int(base.groupby(["site", "dose"]).size().min()))
    info.setdefault("runs", int(len(runs)))
    return HypothesisAnalysis(
        runs=runs, summaries=summaries, site_summaries=site_summaries, dose_response=dr,
        dose_response_sites=drs, effects=effects_df, sites=site_tab, side=side_df,
        trajectory=trajectory, sensitivity=sensitivity, replicates=reps, meta=info,
        labels=_labels_for(conditions),
        stationarity=stationarity(trajectory, ref) if trajectory is not None else None)


#: The measured period counts as stationary at dose 0 when the yearly mean burden moves by
#: at most this share of its mean a year (the warm start's own test, over the whole period).
STATIONARY = 0.02


def stationarity(trajectory: pd.DataFrame, condition: str,
                 tolerance: float = STATIONARY) -> dict[str, Any] | None:
    """Is the measured period stationary at dose 0?  The slope of its yearly mean burden.

    From the mean burden trajectory of ``condition`` at its lowest dose: the least-squares
    slope of the yearly means (months 1-12, 13-24, ...) per year, relative to their mean.
    """
    sub = trajectory[(trajectory["condition"] == condition)]
    if sub.empty:
        return None
    sub = sub[sub["dose"] == sub["dose"].min()].sort_values("month")
    months = sub[sub["month"] >= 1]
    years = len(months) // 12
    if years < 2:
        return None
    yearly = months["mean"].to_numpy()[: years * 12].reshape(years, 12).mean(axis=1)
    mean = float(yearly.mean())
    slope = float(np.polyfit(np.arange(years), yearly, 1)[0]) / mean if mean > 0 else 0.0
    return {"condition": condition, "dose": float(sub["dose"].min()), "years": int(years),
            "slope_per_year": slope, "tolerance": tolerance,
            "stationary": bool(abs(slope) <= tolerance),
            "first_year": float(yearly[0]), "last_year": float(yearly[-1])}




def overlap_summary(runs: pd.DataFrame, n_boot: int = N_BOOT,
                    rng: int | np.random.Generator | None = None) -> pd.DataFrame | None:
    """Paired change of burden with 2 or 3 WKSBM per RW against 1, at full coverage.

    From :func:`~oslsim.study.collect.overlap_runs`: one row per WKSBM-per-RW level with the
    relative reduction against the lowest level (positive = lighter), its bootstrap 95%
    interval, the mean burden and the mean coordination hours.
    """
    if runs is None or runs.empty or runs["per_rw"].nunique() < 2:
        return None
    table = runs.rename(columns={"per_rw": "dose"})
    eff = an.effect_sizes(table[["dose", "replicate", "burden"]], "burden", n_boot=n_boot,
                          rng=rng)
    extra = table.groupby("dose")[[c for c in ("burden", "coordination_hours", "wksbm_count")
                                   if c in table.columns]].mean()
    return eff.join(extra.add_prefix("mean_"), on="dose").rename(columns={"dose": "per_rw"})


#: Fewest sample points scenario discovery is run on (fewer cannot support a box).
MIN_DISCOVERY_POINTS = 20


def discovery(effects: pd.DataFrame, exp: Any) -> list[Any] | None:
    """PRIM boxes where full coverage helps, does nothing or harms, over the sampled ranges.

    From :func:`~oslsim.study.collect.sensitivity_effects` (one effect per sample point, the
    relative burden reduction at coverage 1 against 0); see
    :func:`oslsim.analysis.discover`. ``None`` when there are too few finite points.
    """
    if effects is None or effects.empty:
        return None
    names = [f.name for f in exp.ranged]
    ok = effects[np.isfinite(effects["effect"])]
    if len(ok) < MIN_DISCOVERY_POINTS:
        return None
    bounds = {f.name: (float(f.low), float(f.high)) for f in exp.ranged}
    return an.discover(ok[names].reset_index(drop=True), ok["effect"].reset_index(drop=True),
                       bounds=bounds)
