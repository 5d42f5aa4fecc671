"""A plain-text account of a results store: runs done and failed, factors, outcomes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from oslsim.experiments.store import DONE, FAILED, PENDING, load_results, tidy

__all__ = ["describe_store"]

#: Distinct values listed in full for a factor; beyond this only the range is shown.
MAX_LISTED = 8
#: Design points shown in the by-point table.
MAX_POINTS = 30
#: Distinct error messages shown for failed runs.
MAX_ERRORS = 5


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}"
    return str(value)


def _n(count: object, word: str) -> str:
    n = int(count)  # type: ignore[call-overload]
    return f"{n:,} {word}{'s' * (n != 1)}"


def _factor_line(name: str, values: pd.Series) -> str:
    distinct = pd.unique(values.dropna())
    if len(distinct) <= MAX_LISTED:
        shown = ", ".join(_fmt(v) for v in sorted(distinct, key=lambda v: (str(type(v)), v)))
    else:
        shown = f"{_fmt(values.min())} to {_fmt(values.max())} ({len(distinct)} values)"
    return f"    {name:<40} {shown}"


def describe_store(path: str | Path, experiment: str | None = None) -> str:
    """Describe every experiment in a store (or one): counts, factors, final outcomes."""
    res = load_results(path, experiment)
    lines = [f"store {path}"]
    experiments = res["experiments"]
    if experiments.empty:
        lines.append("  (no experiments yet)")
        return "\n".join(lines)
    for _, exp in experiments.iterrows():
        name = exp["name"]
        sub = load_results(path, name) if experiment is None else res
        runs, design = sub["runs"], sub["design"]
        definition = json.loads(exp["definition"]) if exp["definition"] else {}
        months = exp["months"] if pd.notna(exp["months"]) else "scenario's own"
        scenarios = ", ".join(definition.get("scenarios", [])) or "?"
        lines += [
            "",
            f"experiment {name}: {exp['design']} design, {_n(exp['points'], 'point')} x "
            f"{_n(exp['replicates'], 'replicate')} = {_n(exp['runs'], 'run')}; months {months}; "
            f"root seed {int(exp['root_seed'])}",
            f"  scenario(s): {scenarios}",
        ]
        status = runs["status"].value_counts()
        lines.append(f"  runs: {int(status.get(DONE, 0))} done, {int(status.get(FAILED, 0))} "
                     f"failed, {int(status.get(PENDING, 0))} pending")
        factor_cols = [c for c in design.columns
                       if c not in ("experiment", "point", "sample", "scenario")]
        if factor_cols or design["scenario"].nunique() > 1:
            lines.append("  factors:")
            if design["scenario"].nunique() > 1:
                lines.append(_factor_line("scenario", design["scenario"]))
            lines += [_factor_line(c, design[c]) for c in factor_cols]
        table = tidy(sub, month="last")
        outcome_cols = [c for c in sub["timeseries"].columns if c not in ("run_id", "month")]
        if not table.empty and outcome_cols:
            last = table["month"].max()
            stats = table[outcome_cols].astype(float).agg(["mean", "std", "min", "max"]).T
            lines.append(f"  outcomes at the last month ({last}), over {len(table)} done runs:")
            lines += ["    " + row for row in stats.to_string(
                float_format=lambda x: f"{x:,.4g}").splitlines()]
            first = "burden" if "burden" in outcome_cols else outcome_cols[0]
            if 1 < design["point"].nunique() <= MAX_POINTS:
                keys = ["point", *(["scenario"] if design["scenario"].nunique() > 1 else []),
                        *factor_cols]
                by = table.groupby(keys, dropna=False)[first].agg(["mean", "std", "count"])
                lines.append(f"  {first} at the last month by design point (over replicates):")
                lines += ["    " + row for row in by.to_string(
                    float_format=lambda x: f"{x:,.4g}").splitlines()]
        failed = runs.loc[runs["status"] == FAILED, "error"].fillna("(no message)")
        if len(failed):
            lines.append("  failed runs, by error:")
            for msg, n in failed.value_counts().head(MAX_ERRORS).items():
                lines.append(f"    {n} x {msg}")
    return "\n".join(lines)
