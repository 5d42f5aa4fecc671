"""Figures of a region: burden by kelurahan under each allocation rule.

Kept apart from :mod:`oslsim.plots` (figures of one kelurahan) so the two grow separately.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

from oslsim.region import load_region

__all__ = ["burden_by_kelurahan", "burden_table_from_store", "rule_runs_from_store",
           "rule_summary"]

_TEXT = {
    "title": ("Beban warga per kelurahan menurut aturan alokasi anggaran",
              "Burden by kelurahan under each budget rule"),
    "y": ("Beban warga (rerata, 95% SK antar-ulangan)", "Burden (mean, 95% CI over replicates)"),
    "x": ("Kelurahan / desa (urut menurut beban pada aturan pertama di legenda)",
          "Kelurahan / desa (ordered by burden under the first rule in the legend)"),
}


def _rule_of(scenario: object) -> str:
    """The rule's name from a scenario label ``.../kab_<rule>.toml``."""
    return Path(str(scenario)).stem.removeprefix("kab_")


def _run_means(store: str | Path, from_month: int | None, keep) -> pd.DataFrame:
    """``scenario, replicate`` and each run's mean of the columns ``keep`` accepts.

    Over the run's kept months from ``from_month`` on (the last kept month alone when None).
    """
    from oslsim import load_results

    tables = load_results(str(store))
    ts, runs = tables["timeseries"], tables["runs"]
    start = int(ts["month"].max()) if from_month is None else from_month
    cols = sorted(c for c in ts.columns if keep(c))
    ts = ts[ts["month"] >= start].merge(runs[["run_id", "scenario", "replicate"]], on="run_id")
    return ts.groupby(["scenario", "replicate"], as_index=False)[cols].mean()


def burden_table_from_store(store: str | Path, from_month: int | None = None,
                            region: str = "kabupaten_contoh") -> pd.DataFrame:
    """Burden by kelurahan from a sweep store: ``rule, kelurahan, name, replicate, burden``.

    Each run's ``burden_kel_NN`` averaged over its kept months from ``from_month`` on (the
    last kept month alone by default); the rule is the scenario label's name
    (``.../kab_<rule>.toml``); kelurahan names come from ``region``.
    """
    ts = _run_means(store, from_month, lambda c: c.startswith("burden_kel_"))
    cols = [c for c in ts.columns if c.startswith("burden_kel_")]
    names = [k.name for k in load_region(region).kelurahan]
    long = ts.melt(id_vars=["scenario", "replicate"], value_vars=cols, var_name="col",
                   value_name="burden")
    long["kelurahan"] = long["col"].str[-2:].astype(int)
    long["name"] = [names[i - 1] if i <= len(names) else str(i) for i in long["kelurahan"]]
    long["rule"] = long["scenario"].map(_rule_of)
    return long[["rule", "kelurahan", "name", "replicate", "burden"]]


#: The region's columns the allocation experiment compares (docs/regions.md).
RULE_COLUMNS = ("burden", "burden_gini", "burden_max_min", "wksbm_count")


def rule_runs_from_store(store: str | Path, from_month: int | None = None,
                         columns: tuple[str, ...] = RULE_COLUMNS) -> pd.DataFrame:
    """Each run's mean of ``columns`` over its kept months from ``from_month`` on.

    Returns ``rule, replicate`` and the columns, one row per run (the last kept month alone
    by default); the rule is the scenario label's name (``.../kab_<rule>.toml``).
    """
    out = _run_means(store, from_month, lambda c: c in columns)
    out.insert(0, "rule", out.pop("scenario").map(_rule_of))
    return out[["rule", "replicate", *columns]]


def _mean_ci(x: np.ndarray) -> tuple[float, float]:
    """Mean and the half-width of its 95% t-interval (NaN with fewer than two values)."""
    x = np.asarray(x, np.float64)
    if x.size < 2:
        return float(x.mean()) if x.size else float("nan"), float("nan")
    half = stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size)
    return float(x.mean()), float(half)


def rule_summary(runs: pd.DataFrame, reference: str = "equal_per_household",
                 columns: tuple[str, ...] = RULE_COLUMNS,
                 relative: tuple[str, ...] = ("burden",)) -> pd.DataFrame:
    """Each rule's mean of ``columns`` over replicates and its paired difference from ``reference``.

    ``runs`` has ``rule``, ``replicate`` and the columns, one row per run (e.g. from
    :func:`rule_runs_from_store`); replicate ``r`` has the same seed under every rule (common
    random numbers), so the difference is taken replicate by replicate: in per cent of the
    reference for the ``relative`` columns, in the column's units for the others. Each value
    ``c`` comes with ``c_ci``, the half-width of its 95% t-interval over replicates.
    """
    ref = runs[runs["rule"] == reference].set_index("replicate")
    rows = []
    for rule in dict.fromkeys(runs["rule"]):
        mine = runs[runs["rule"] == rule].set_index("replicate")
        row: dict[str, object] = {"rule": rule, "replicates": len(mine)}
        for c in columns:
            row[c], row[f"{c}_ci"] = _mean_ci(mine[c].to_numpy())
            both = mine.index.intersection(ref.index)
            diff = mine.loc[both, c] - ref.loc[both, c]
            if c in relative:
                diff = 100.0 * diff / ref.loc[both, c]
            row[f"{c}_vs_ref"], row[f"{c}_vs_ref_ci"] = _mean_ci(diff.to_numpy())
        rows.append(row)
    return pd.DataFrame(rows)


def burden_by_kelurahan(table: pd.DataFrame, lang: str = "id",
                        reference: str | None = None) -> Figure:
    """Draw each kelurahan's burden under each rule, with 95% intervals over replicates.

    ``table`` has columns ``rule``, ``name`` and ``burden`` (one row per replicate), e.g.
    from :func:`burden_table_from_store`. Kelurahan are ordered by their burden under the
    first rule listed (or ``reference``, which is then drawn first), so the rules' effect on
    the worst-off places reads left to right.
    """
    i = 0 if lang == "id" else 1
    rules = list(dict.fromkeys(table["rule"]))
    if reference is not None and reference in rules:
        rules = [reference] + [r for r in rules if r != reference]
    stat = table.groupby(["rule", "name"], sort=False)["burden"].agg(["mean", "std", "count"])
    first = stat.loc[rules[0]].sort_values("mean", ascending=False)
    order = list(first.index)
    fig, ax = plt.subplots(figsize=(max(8.0, 0.45 * len(order) + 3), 4.8))
    x = np.arange(len(order))
    width = 0.8 / len(rules)
    for j, rule in enumerate(rules):
        s = stat.loc[rule].reindex(order)
        t = stats.t.ppf(0.975, np.maximum(s["count"] - 1, 1))
        half = np.where(s["count"] > 1, t * s["std"] / np.sqrt(s["count"]), 0.0)
        ax.errorbar(x - 0.4 + width * (j + 0.5), s["mean"], yerr=half, fmt="o", ms=4,
                    capsize=2, label=rule)
    ax.set_xticks(x, order, rotation=60, ha="right", fontsize=8)
    ax.set_ylabel(_TEXT["y"][i])
    ax.set_xlabel(_TEXT["x"][i])
    ax.set_title(_TEXT["title"][i])
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig
