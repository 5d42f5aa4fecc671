"""How many replicates a run needs: the CV as replicates are added (Lee et al. 2015), power."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from oslsim.analysis._common import _check_ci, _percentiles, _require

__all__ = ["cv_by_replicates", "replicates_needed", "stable_replicates"]


def cv_by_replicates(
    df: pd.DataFrame,
    outcome: str = "burden",
    by: Sequence[str] | None = None,
    n_perm: int = 200,
    ci: float = 0.95,
    rng: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Coefficient of variation of the outcome over the first n replicates, n = 2 … N.

    Lee et al. (2015, JASSS 18(4) 4), after Lorscheid et al. (2012), judge the number of
    replicates by how the CV (sd / mean) settles as runs are added. The order of the runs
    is arbitrary, so each cell's runs are put in ``n_perm`` random orders; for every n the
    table gives the mean CV over the orders, its ``ci`` percentile band, and ``dev``, the
    ``ci`` percentile of ``|CV(n) / CV(N) - 1|``: how far n runs can leave the CV of all N.

    Parameters
    ----------
    df : DataFrame
        One row per run with the ``outcome`` column (and those in ``by``).
    outcome : str
        Outcome column.
    by : list of str, optional
        Cells, e.g. ``["site", "dose"]``; each gets its own curve.
    n_perm : int
        Random orders of the runs per cell.
    ci : float
        Level of the percentile band and of ``dev``.
    rng : int or numpy.random.Generator, optional
        Seed or generator for the orders (SPEC 7).

    Returns
    -------
    DataFrame
        Columns ``*by, n, cv, cv_lo, cv_hi, dev``; cells with a zero mean are skipped.
    """
    by = list(by or [])
    _check_ci(ci)
    if int(n_perm) < 1:
        raise ValueError(f"n_perm must be a positive integer, got {n_perm}")
    _require(df, [outcome, *by])
    gen = np.random.default_rng(rng)
    lo_q, hi_q = _percentiles(ci)
    rows = []
    groups = df.groupby(by, sort=True) if by else [((), df)]
    for key, cell in groups:
        key = key if isinstance(key, tuple) else (key,)
        values = pd.to_numeric(cell[outcome]).to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        if values.size < 3 or values.mean() == 0:
            continue
        orders = np.argsort(gen.random((int(n_perm), values.size)), axis=1)
        x = values[orders]
        n = np.arange(1, values.size + 1)
        csum = np.cumsum(x, axis=1)
        csq = np.cumsum(x * x, axis=1)
        mean = csum / n
        var = np.where(n > 1, (csq - n * mean**2) / np.maximum(n - 1, 1), np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            cv = np.sqrt(np.maximum(var, 0.0)) / np.abs(mean)
        full = cv[0, -1]
        dev = np.abs(cv / full - 1.0) if full > 0 else np.zeros_like(cv)
        for j in range(1, values.size):
            rows.append({
                **dict(zip(by, key, strict=True)),
                "n": int(j + 1),
                "cv": float(cv[:, j].mean()),
                "cv_lo": float(np.percentile(cv[:, j], lo_q)),
                "cv_hi": float(np.percentile(cv[:, j], hi_q)),
                "dev": float(np.percentile(dev[:, j], 100.0 * ci)),
            })
    return pd.DataFrame(rows, columns=[*by, "n", "cv", "cv_lo", "cv_hi", "dev"])


def stable_replicates(cv_table: pd.DataFrame, tolerance: float = 0.1) -> int | None:
    """Fewest replicates from which the CV stays within ``tolerance`` of the CV of all runs.

    Reads a :func:`cv_by_replicates` table: the answer is the smallest n such that ``dev``
    (the percentile of ``|CV(n) / CV(N) - 1|``) is at most ``tolerance`` at n and every larger
    n, taking the worst cell. None when some cell never settles before its last run.
    """
    _require(cv_table, ["n", "dev"])
    if tolerance <= 0:
        raise ValueError(f"tolerance must be positive, got {tolerance}")
    if len(cv_table) == 0:
        return None
    worst = cv_table.groupby("n")["dev"].max().sort_index()
    ns = worst.index.to_numpy()
    ok = worst.to_numpy() <= tolerance
    # the first n after the last n that is not ok
    bad = np.flatnonzero(~ok)
    if bad.size == 0:
        return int(ns[0])
    if bad[-1] == ns.size - 1:
        return None
    return int(ns[bad[-1] + 1])


def replicates_needed(sd: float, delta: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Replicates for a paired (common-random-numbers) difference of ``delta`` to be detected.

    The normal-approximation sample size ``n = ((z_{1-alpha/2} + z_power) * sd / delta)^2``,
    where ``sd`` is the standard deviation of the paired differences between two doses run
    with the same seeds. With ``power = 0.5`` it is the n at which the ``1 - alpha`` interval's
    half-width equals ``delta``.
    """
    if not (sd >= 0 and np.isfinite(sd)):
        raise ValueError(f"sd must be a finite non-negative number, got {sd}")
    if not delta > 0:
        raise ValueError(f"delta must be positive, got {delta}")
    if not 0.0 < alpha < 1.0 or not 0.0 < power < 1.0:
        raise ValueError("alpha and power must be in (0, 1)")
    z = stats.norm.ppf(1.0 - alpha / 2.0) + stats.norm.ppf(power)
    return max(2, int(np.ceil((z * sd / delta) ** 2)))
