"""Trend tests over ordered doses: Jonckheere–Terpstra, Spearman and the OLS slope."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from oslsim.analysis._common import DOSE, _check_ci, _clean

__all__ = ["jonckheere_terpstra", "trend_test"]


def jonckheere_terpstra(groups: Sequence[Sequence[float]]) -> dict[str, float]:
    """Jonckheere–Terpstra test for an ordered alternative across groups.

    ``J`` sums, over every ordered pair of groups ``i < j``, the Mann–Whitney count of
    pairs ``(x in group i, y in group j)`` with ``x < y``, ties counting 0.5. Large ``J``
    means values rise along the group order. The p-values use the normal approximation
    with the tie-corrected null variance of Hollander, Wolfe & Chicken (2014),
    *Nonparametric Statistical Methods*, 3rd ed., §6.2, eq. (6.19)::

        Var0(J) = [N(N-1)(2N+5) - Σ n_i(n_i-1)(2n_i+5) - Σ t_k(t_k-1)(2t_k+5)] / 72
                + [Σ n_i(n_i-1)(n_i-2)] [Σ t_k(t_k-1)(t_k-2)] / [36 N(N-1)(N-2)]
                + [Σ n_i(n_i-1)] [Σ t_k(t_k-1)] / [8 N(N-1)]

    with ``n_i`` the group sizes, ``t_k`` the sizes of the tied blocks and
    ``E0(J) = (N² − Σ n_i²) / 4``. No continuity correction is applied.

    Parameters
    ----------
    groups : sequence of array-like
        Samples in the hypothesised order (here: by increasing dose).

    Returns
    -------
    dict
        ``j``, ``mean``, ``var``, ``z``, ``p`` (two-sided), ``p_decreasing`` (one-sided,
        values fall along the order) and ``p_increasing``. ``z`` and the p-values are NaN
        when the variance is zero (all values tied).
    """
    samples = [np.asarray(g, dtype=float).ravel() for g in groups]
    samples = [s for s in samples if s.size > 0]
    if len(samples) < 2:
        raise ValueError("the Jonckheere–Terpstra test needs at least two non-empty groups")
    j_stat = 0.0
    for i, lower in enumerate(samples[:-1]):
        lower_sorted = np.sort(lower)
        for upper in samples[i + 1 :]:
            below = np.searchsorted(lower_sorted, upper, side="left")
            at_or_below = np.searchsorted(lower_sorted, upper, side="right")
            # x < y counts 1, x == y counts 0.5
            j_stat += float(below.sum()) + 0.5 * float((at_or_below - below).sum())

    n_i = np.array([s.size for s in samples], dtype=float)
    n = float(n_i.sum())
    _, t_k = np.unique(np.concatenate(samples), return_counts=True)
    t_k = t_k.astype(float)
    mean = (n**2 - float((n_i**2).sum())) / 4.0
    var = (
        n * (n - 1) * (2 * n + 5)
        - float((n_i * (n_i - 1) * (2 * n_i + 5)).sum())
        - float((t_k * (t_k - 1) * (2 * t_k + 5)).sum())
    ) / 72.0
    if n > 2:
        var += (
            float((n_i * (n_i - 1) * (n_i - 2)).sum())
            * float((t_k * (t_k - 1) * (t_k - 2)).sum())
            / (36.0 * n * (n - 1) * (n - 2))
        )
    var += float((n_i * (n_i - 1)).sum()) * float((t_k * (t_k - 1)).sum()) / (8.0 * n * (n - 1))

    if var > 0:
        z = (j_stat - mean) / np.sqrt(var)
        p = float(2.0 * stats.norm.sf(abs(z)))
        p_dec = float(stats.norm.cdf(z))
        p_inc = float(stats.norm.sf(z))
    else:
        z = p = p_dec = p_inc = float("nan")
    return {
        "j": j_stat,
        "mean": mean,
        "var": float(var),
        "z": float(z),
        "p": p,
        "p_decreasing": p_dec,
        "p_increasing": p_inc,
    }


def trend_test(df: pd.DataFrame, outcome: str = "burden", ci: float = 0.95) -> dict[str, Any]:
    """Test for a monotone trend of the outcome in dose, three ways.

    Spearman's rank correlation, the Jonckheere–Terpstra test over dose groups (see
    :func:`jonckheere_terpstra`) and an OLS slope of outcome on dose with a t-based CI.
    The rank tests assume only monotonicity; the slope gives the size in outcome units
    per unit dose.

    Parameters
    ----------
    df : DataFrame
        One row per run with columns ``dose`` and ``outcome``; at least two distinct doses
        and three rows.
    outcome : str
        Outcome column.
    ci : float
        Confidence level of the slope interval.

    Returns
    -------
    dict
        ``n``, ``n_doses``; ``rho``, ``rho_p`` (Spearman, two-sided); ``jt``, ``jt_z``,
        ``jt_p`` (two-sided), ``jt_p_decreasing``, ``jt_p_increasing`` (one-sided);
        ``slope``, ``slope_lo``, ``slope_hi``, ``slope_p``, ``intercept``.
    """
    _check_ci(ci)
    data = _clean(df, outcome)
    x = data[DOSE].to_numpy()
    y = data[outcome].to_numpy()
    doses = np.unique(x)
    if doses.size < 2:
        raise ValueError("a trend test needs at least two distinct doses")
    if y.size < 3:
        raise ValueError("a trend test needs at least three runs")

    if np.ptp(y) == 0:
        # Spearman is undefined for constant input; there is no evidence of a trend.
        rho, rho_p = float("nan"), float("nan")
    else:
        res = stats.spearmanr(x, y)
        rho, rho_p = float(res.statistic), float(res.pvalue)

    jt = jonckheere_terpstra([y[x == d] for d in doses])

    reg = stats.linregress(x, y)
    t_q = float(stats.t.ppf((1.0 + ci) / 2.0, df=y.size - 2))
    half = t_q * float(reg.stderr)
    return {
        "n": int(y.size),
        "n_doses": int(doses.size),
        "rho": rho,
        "rho_p": rho_p,
        "jt": jt["j"],
        "jt_z": jt["z"],
        "jt_p": jt["p"],
        "jt_p_decreasing": jt["p_decreasing"],
        "jt_p_increasing": jt["p_increasing"],
        "slope": float(reg.slope),
        "slope_lo": float(reg.slope) - half,
        "slope_hi": float(reg.slope) + half,
        "slope_p": float(reg.pvalue),
        "intercept": float(reg.intercept),
    }
