"""The dose–response table and the dose beyond which more WKSBM stops clearly helping."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from oslsim.analysis._common import DOSE, _boot_mean_ci, _check_ci, _check_n_boot, _clean, _require

__all__ = ["dose_response", "saturation_point"]


def dose_response(
    df: pd.DataFrame,
    outcome: str = "burden",
    by: Sequence[str] | None = None,
    n_boot: int = 2000,
    ci: float = 0.95,
    rng: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Summarise the outcome per dose: n, mean, sd and a bootstrap CI of the mean.

    The CI is the percentile bootstrap of the mean, resampling the runs (replicates)
    within each dose and group; it is NaN where a cell has fewer than two runs.

    Parameters
    ----------
    df : DataFrame
        One row per run, with columns ``dose`` and ``outcome`` (and those in ``by``).
    outcome : str
        Outcome column to summarise.
    by : list of str, optional
        Further grouping columns, e.g. ``["site"]`` or ``["condition"]``.
    n_boot : int
        Bootstrap resamples per cell.
    ci : float
        Confidence level of the interval.
    rng : int or numpy.random.Generator, optional
        Seed or generator for the bootstrap (SPEC 7).

    Returns
    -------
    DataFrame
        Columns ``*by, dose, n, mean, sd, ci_lo, ci_hi``, sorted by group then dose.
    """
    by = list(by or [])
    _check_ci(ci)
    _check_n_boot(n_boot)
    data = _clean(df, outcome, by)
    gen = np.random.default_rng(rng)
    keys = [*by, DOSE]
    rows = []
    for key, cell in data.groupby(keys, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        values = cell[outcome].to_numpy()
        lo, hi = _boot_mean_ci(values, int(n_boot), ci, gen)
        rows.append(
            {
                **dict(zip(keys, key, strict=True)),
                "n": int(values.size),
                "mean": float(values.mean()),
                "sd": float(values.std(ddof=1)) if values.size > 1 else float("nan"),
                "ci_lo": lo,
                "ci_hi": hi,
            }
        )
    return pd.DataFrame(rows, columns=[*keys, "n", "mean", "sd", "ci_lo", "ci_hi"])


def saturation_point(
    dr: pd.DataFrame, tolerance: float | None = None, better: str = "lower"
) -> float | None:
    """Smallest dose beyond which more WKSBM no longer clearly improves the mean outcome.

    Rule, on a :func:`dose_response` table sorted by dose: a larger dose ``d'`` is a *clear
    improvement* on dose ``d`` when their confidence intervals do not overlap in the better
    direction — for ``better="lower"``, ``ci_hi[d'] < ci_lo[d]`` (for "higher",
    ``ci_lo[d'] > ci_hi[d]``). With symmetric intervals this is ``m_d − m_d' > h_d + h_d'``,
    the improvement exceeding the sum of the two CI half-widths ``h``. When ``tolerance``
    is given instead, ``d'`` is a clear improvement when ``m_d − m_d' > tolerance``
    (outcome units). The saturation dose is the smallest dose ``d`` that no larger dose
    clearly improves on.

    If that dose is the largest dose, the mean is still improving at the end of the sweep
    and there is no evidence of saturation: the function returns None. A flat curve
    saturates at the lowest dose (no dose helps). A dose with fewer than two runs (NaN CI)
    uses its mean for both bounds.

    Requiring non-overlapping intervals is deliberately conservative (per comparison it is
    roughly a test at the 0.6% level for 95% intervals of equal width): one plateau dose
    is compared with every later dose, and a looser rule would often push the saturation
    dose past the true plateau by chance.

    Parameters
    ----------
    dr : DataFrame
        Output of :func:`dose_response` for one group: columns ``dose``, ``mean`` and,
        unless ``tolerance`` is given, ``ci_lo`` and ``ci_hi``.
    tolerance : float, optional
        Fixed improvement (in outcome units) regarded as negligible; replaces the CI rule.
    better : {"lower", "higher"}
        Direction of improvement: "lower" for burden, "higher" for e.g. coverage.

    Returns
    -------
    float or None
        The saturation dose, or None if the mean still improves at the largest dose.
    """
    if better not in ("lower", "higher"):
        raise ValueError(f"better must be 'lower' or 'higher', got {better!r}")
    needed = [DOSE, "mean"] + ([] if tolerance is not None else ["ci_lo", "ci_hi"])
    _require(dr, needed)
    if tolerance is not None and tolerance < 0:
        raise ValueError(f"tolerance must be non-negative, got {tolerance}")
    if len(dr) == 0:
        raise ValueError("the dose_response table has no rows")
    if not dr[DOSE].is_unique:
        raise ValueError(
            "dose_response table has repeated doses; pass one group (e.g. one site) at a time"
        )
    table = dr.sort_values(DOSE)
    doses = table[DOSE].to_numpy(dtype=float)
    means = table["mean"].to_numpy(dtype=float)
    sign = 1.0 if better == "lower" else -1.0  # work in "lower is better" units
    if tolerance is None:
        lo = table["ci_lo"].to_numpy(dtype=float)
        hi = table["ci_hi"].to_numpy(dtype=float)
        lo = np.where(np.isnan(lo), means, lo)
        hi = np.where(np.isnan(hi), means, hi)
        # the bound of each interval facing the better direction, and the one facing away
        near, far = (lo, hi) if better == "lower" else (-hi, -lo)
    for i in range(doses.size - 1):
        if tolerance is None:
            clear = far[i + 1 :] < near[i]
        else:
            clear = sign * (means[i] - means[i + 1 :]) > tolerance
        if not clear.any():
            return float(doses[i])
    return None
