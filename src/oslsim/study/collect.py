"""From the results store to tidy tables: one row per run, mean burden trajectories.

:func:`collect` averages every run's outcomes over its last :data:`WINDOW` months;
:func:`sensitivity_effects` pairs the Sobol experiment's low- and high-dose runs by seed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from oslsim.errors import InputError
from oslsim.study.plan import CONDITIONS, DOSE_FACTOR, OVERLAP_FACTOR, Plan, _factor

__all__ = ["SIDE_OUTCOMES", "WINDOW", "collect", "overlap_runs", "sensitivity_effects"]

#: Months at the end of a run over which the outcomes are averaged.
WINDOW = 12
#: Outcomes reported beside burden (averaged over the last ``WINDOW`` months).
SIDE_OUTCOMES = ("coverage", "pmks_prevalence", "solidarity", "gov_spending", "poverty_rate")


def _households(exp: Any) -> dict[str, int]:
    """Households of each scenario label under the experiment's constant parameters."""
    out = {}
    for label, sc in exp.scenarios.items():
        out[label] = int(sc.build_params(dict(exp.params)).households)
    return out


def _only(tables: Mapping[str, pd.DataFrame], names: Sequence[str] | Mapping[str, Any],
          ) -> dict[str, pd.DataFrame]:
    """The store's tables cut to the runs and design points of the named experiments."""
    keep = list(names)
    out = dict(tables)
    for key in ("runs", "design"):
        table = tables[key]
        out[key] = table[table["experiment"].isin(keep)] if len(table) else table
    return out


def collect(tables: Mapping[str, pd.DataFrame], plan: Plan,
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Turn the store's tables into the per-run table and the mean burden trajectories.

    Returns
    -------
    runs : DataFrame
        One row per finished run: ``condition, site, dose, replicate, seed``, the outcomes
        averaged over the last :data:`WINDOW` months (``burden``, ``coverage``, …),
        ``burden_end`` (last month), ``realised_dose`` (the share of households a WKSBM
        covers, same window), ``osl_per_1000`` and ``wksbm_per_1000`` (living WKSBM per
        1,000 households, same window).
    trajectory : DataFrame
        ``condition, dose, month, n, mean, lo, hi``: mean burden over the sites' runs with a
        normal 95% interval of the mean.
    """
    from oslsim.experiments import tidy

    names = {exp.name: cond.name for cond, exp in plan.conditions}
    ts = tidy(_only(tables, names), month=None)
    if ts.empty:
        raise InputError("the store holds no finished run of the hypothesis experiments")
    ts = ts.rename(columns={DOSE_FACTOR: "dose", "scenario": "site"})
    ts["condition"] = ts["experiment"].map(names)
    hh = {}
    for _cond, exp in plan.conditions:
        for label, n in _households(exp).items():
            hh[(exp.name, label)] = n
    ts["households"] = [hh[k] for k in zip(ts["experiment"], ts["site"], strict=True)]
    last = ts.groupby("run_id")["month"].transform("max")
    window = ts[ts["month"] > last - WINDOW].copy()
    window["realised_dose"] = window["wksbm_coverage"]
    window["osl_per_1000"] = window["osl_count"] * 1000.0 / window["households"]
    if "wksbm_count" in window.columns:
        window["wksbm_per_1000"] = window["wksbm_count"] * 1000.0 / window["households"]
    cols = [c for c in ("burden", *SIDE_OUTCOMES, "realised_dose", "osl_per_1000",
                        "wksbm_per_1000")
            if c in window.columns]
    keys = ["condition", "site", "dose", "replicate", "seed", "run_id"]
    runs = window.groupby(keys, sort=False)[cols].mean().reset_index()
    end = ts[ts["month"] == last].set_index("run_id")["burden"]
    runs["burden_end"] = runs["run_id"].map(end)
    order = {c.name: i for i, c in enumerate(CONDITIONS)}
    runs = runs.sort_values(["condition", "site", "dose", "replicate"],
                            key=lambda s: s.map(order) if s.name == "condition" else s)
    runs = runs.drop(columns="run_id").reset_index(drop=True)

    grouped = ts.groupby(["condition", "dose", "month"], sort=True)["burden"]
    traj = grouped.agg(n="count", mean="mean", sd="std").reset_index()
    half = 1.96 * traj["sd"].fillna(0.0) / np.sqrt(traj["n"])
    traj["lo"], traj["hi"] = traj["mean"] - half, traj["mean"] + half
    return runs, traj.drop(columns="sd")


def _last_months(tables: Mapping[str, pd.DataFrame], exp: Any,
                 ) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """One experiment's store tables, and its tidy rows of each run's last :data:`WINDOW` months."""
    from oslsim.experiments import tidy

    sub = _only(tables, [exp.name])
    if sub["runs"].empty:
        return sub, pd.DataFrame()
    ts = tidy(sub, month=None)
    if ts.empty:
        return sub, ts
    last = ts.groupby("run_id")["month"].transform("max")
    return sub, ts[ts["month"] > last - WINDOW]


def sensitivity_effects(tables: Mapping[str, pd.DataFrame], exp: Any) -> pd.DataFrame:
    """Per Sobol sample: burden at the low and high dose (same seed) and the effect.

    The effect is the relative reduction ``(b_low - b_high) / b_low`` of the burden averaged
    over the last :data:`WINDOW` months and over replicates (as in
    :func:`oslsim.analysis.effect_sizes`: a ratio of means). Columns: ``sample``, the
    sampled parameters, ``b_low``, ``b_high``, ``effect``; sorted by sample.
    """
    sub, ts = _last_months(tables, exp)
    if ts.empty:
        return pd.DataFrame()
    names = [f.name for f in exp.ranged]
    per_run = ts.groupby(["run_id", "sample", "replicate", DOSE_FACTOR])["burden"].mean()
    per_run = per_run.reset_index()
    low, high = sorted(float(v) for v in _factor(exp, DOSE_FACTOR).values)
    wide = per_run.pivot_table(index=["sample", "replicate"], columns=DOSE_FACTOR,
                               values="burden")
    if low not in wide.columns or high not in wide.columns:
        return pd.DataFrame()
    wide = wide[[low, high]].dropna()
    wide.columns = ["b_low", "b_high"]
    out = wide.groupby(level="sample").mean().reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["effect"] = (out["b_low"] - out["b_high"]) / out["b_low"]
    design = sub["design"].drop_duplicates("sample")[["sample", *names]]
    out = out.merge(design, on="sample", how="left")
    return out[["sample", *names, "b_low", "b_high", "effect"]].sort_values("sample")


def overlap_runs(tables: Mapping[str, pd.DataFrame], exp: Any) -> pd.DataFrame:
    """The overlap sub-experiment, one row per run: WKSBM per RW, replicate, burden, counts.

    ``per_rw`` is the design's WKSBM per 1,000 households turned into WKSBM per RW of the
    scenario; the outcomes are averaged over the last :data:`WINDOW` months.
    """
    _, ts = _last_months(tables, exp)
    if ts.empty:
        return pd.DataFrame()
    params = next(iter(exp.scenarios.values())).build_params(dict(exp.params))
    per_rw = params.community.hh_per_rt * params.community.rt_per_rw / 1000.0
    cols = [c for c in ("burden", "wksbm_count", "coordination_hours") if c in ts.columns]
    runs = ts.groupby(["run_id", "replicate", OVERLAP_FACTOR])[cols].mean().reset_index()
    runs["per_rw"] = (runs[OVERLAP_FACTOR] * per_rw).round(2)
    return runs.drop(columns="run_id")
