"""The posterior as tables: particles of a generation, summary per parameter, screening."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from oslsim.calibration.config import CalibrationConfig
from oslsim.calibration.distance import split_stats
from oslsim.patterns import ROLES, pattern_values


def _weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    order = np.argsort(x)
    x, w = x[order], w[order]
    cw = np.cumsum(w) / np.sum(w)
    return float(np.interp(q, cw - w / np.sum(w) / 2, x))


def posterior_summary(post: pd.DataFrame, cfg: CalibrationConfig) -> pd.DataFrame:
    """Per calibrated parameter: prior range, default, weighted mean, sd and quantiles."""
    from oslsim.params import param_info

    w = post["weight"].to_numpy(float)
    rows = []
    for name, (lo, hi) in cfg.parameters.items():
        x = post[name].to_numpy(float)
        mean = float(np.average(x, weights=w))
        sd = float(math.sqrt(np.average((x - mean) ** 2, weights=w)))
        rows.append({"parameter": name, "default": float(param_info(name).default),
                     "prior_low": lo, "prior_high": hi, "mean": mean, "sd": sd,
                     "q05": _weighted_quantile(x, w, 0.05), "median": _weighted_quantile(x, w, 0.5),
                     "q95": _weighted_quantile(x, w, 0.95),
                     "sd_over_prior_sd": sd / ((hi - lo) / math.sqrt(12.0))})
    return pd.DataFrame(rows)


def _summary_markdown(summary: pd.DataFrame) -> str:
    lines = ["| parameter | default | prior | posterior mean | sd | 5% … 95% | sd / prior sd |",
             "|---|---|---|---|---|---|---|"]
    for r in summary.to_dict("records"):
        lines.append(f"| `{r['parameter']}` | {r['default']:.4g} | {r['prior_low']:.4g} – "
                     f"{r['prior_high']:.4g} | {r['mean']:.4g} | {r['sd']:.3g} | "
                     f"{r['q05']:.4g} … {r['q95']:.4g} | {r['sd_over_prior_sd']:.2f} |")
    return "\n".join(lines) + "\n"


def _write(path: Path, df: pd.DataFrame) -> Path:
    df.to_csv(path, index=False)
    return path


def _population(history: Any, t: int, names: Mapping[str, str], stats: bool = False,
                ) -> pd.DataFrame:
    """One generation's particles: dotted parameters, normalised weight, distance."""
    pop = history.get_population(t=t)
    rows = []
    for particle in pop.particles:
        row = {names[k]: float(v) for k, v in particle.parameter.items() if k in names}
        row["weight"] = float(particle.weight)
        row["distance"] = float(particle.distance)
        if stats:
            row["sum_stat"] = dict(particle.sum_stat)
        rows.append(row)
    df = pd.DataFrame(rows)
    df["weight"] = df["weight"] / df["weight"].sum()
    return df


def _screening(history: Any, cfg: CalibrationConfig, names: Mapping[str, str]) -> pd.DataFrame:
    """Spearman correlations of each parameter with each pattern over generation 0.

    Generation 0 is accepted at an infinite tolerance, so it is a sample of the prior: the
    correlations say which parameter moves which pattern (a screening, not a Sobol index).
    """
    from scipy.stats import spearmanr

    try:
        df = _population(history, 0, names, stats=True)
    except Exception:  # noqa: BLE001 - a history without generation 0: no screening
        return pd.DataFrame()
    roles = {r: r for r in ROLES}
    vals = pd.DataFrame([pattern_values(split_stats(s), roles, cfg.patterns)
                         for s in df["sum_stat"]])
    rows = []
    for name in cfg.parameters:
        row: dict[str, Any] = {"parameter": name}
        for p in cfg.patterns:
            x, y = df[name].to_numpy(float), vals[p.key].to_numpy(float)
            ok = np.isfinite(x) & np.isfinite(y)
            row[p.key] = (float(spearmanr(x[ok], y[ok]).statistic)
                          if ok.sum() > 3 and np.ptp(y[ok]) > 0 else float("nan"))
        rows.append(row)
    return pd.DataFrame(rows)
