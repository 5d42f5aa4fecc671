"""Statistics for the hypothesis experiment: dose–response, trend tests, effects, sensitivity.

The study's claim is that the more OSLs work as WKSBM per 1,000 households, the lower the
community's burden. These pure functions take a tidy table with one row per run — columns
``dose`` (WKSBM organisations per 1,000 households), ``replicate`` and an outcome, optionally
``site`` and ``condition`` — and return tables and numbers; the verdict of
:func:`summarise_hypothesis` is computed from those numbers alone.

Randomness (bootstrap resampling, SALib's confidence intervals) follows SPEC 7: every
function that needs it takes ``rng``, an int or a :class:`numpy.random.Generator`, and never
touches global random state.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "dose_response",
    "trend_test",
    "jonckheere_terpstra",
    "effect_sizes",
    "saturation_point",
    "site_differences",
    "sobol_indices",
    "morris_indices",
    "summarise_hypothesis",
    "cv_by_replicates",
    "stable_replicates",
    "replicates_needed",
]

DOSE = "dose"
REPLICATE = "replicate"
#: Columns that, with ``replicate``, identify a run within a dose: runs sharing these values
#: across doses share a seed (common random numbers) and can be paired.
PAIR_CONTEXT = ("site", "condition")
VERDICTS = ("supported", "reversed", "no_effect", "mixed")


# --------------------------------------------------------------------------------------
# validation and helpers
# --------------------------------------------------------------------------------------


def _require(df: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise ValueError naming the first required column missing from ``df``."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    for col in columns:
        if col not in df.columns:
            raise ValueError(f"missing column {col!r}; the table has columns {list(df.columns)}")


def _clean(df: pd.DataFrame, outcome: str, extra: Sequence[str] = ()) -> pd.DataFrame:
    """Check columns and values of a run table and return it with float dose and outcome.

    Missing values are an error, not silently dropped: a NaN outcome usually means a
    failed run, and dropping it would bias the comparison.
    """
    _require(df, [DOSE, outcome, *extra])
    if len(df) == 0:
        raise ValueError("the table has no rows")
    out = df.copy()
    for col in (DOSE, outcome):
        try:
            out[col] = pd.to_numeric(out[col]).astype(float)
        except (TypeError, ValueError) as err:
            raise ValueError(f"column {col!r} must be numeric") from err
        n_bad = int((~np.isfinite(out[col].to_numpy())).sum())
        if n_bad:
            raise ValueError(f"column {col!r} has {n_bad} missing or infinite values")
    return out


def _check_ci(ci: float) -> None:
    if not 0.0 < ci < 1.0:
        raise ValueError(f"ci must be in (0, 1), got {ci}")


def _check_n_boot(n_boot: int) -> None:
    if int(n_boot) < 1:
        raise ValueError(f"n_boot must be a positive integer, got {n_boot}")


def _percentiles(ci: float) -> tuple[float, float]:
    return 100.0 * (1.0 - ci) / 2.0, 100.0 * (1.0 + ci) / 2.0


def _boot_mean_ci(
    values: np.ndarray, n_boot: int, ci: float, gen: np.random.Generator
) -> tuple[float, float]:
    """Percentile bootstrap CI of the mean, resampling ``values`` with replacement."""
    n = values.size
    if n < 2:
        return float("nan"), float("nan")
    idx = gen.integers(0, n, size=(n_boot, n))
    boot = values[idx].mean(axis=1)
    lo, hi = np.percentile(boot, _percentiles(ci))
    return float(lo), float(hi)


def _finite_percentiles(boot: np.ndarray, ci: float) -> tuple[float, float]:
    """Percentile CI over the finite bootstrap values; NaN if fewer than half are finite."""
    finite = boot[np.isfinite(boot)]
    if finite.size < max(1, boot.size // 2):
        return float("nan"), float("nan")
    lo, hi = np.percentile(finite, _percentiles(ci))
    return float(lo), float(hi)


def _relative_reduction(mean_ref: np.ndarray | float, mean_d: np.ndarray | float) -> Any:
    """(mean_ref − mean_d) / mean_ref, NaN where the reference mean is zero."""
    mean_ref = np.asarray(mean_ref, dtype=float)
    mean_d = np.asarray(mean_d, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(mean_ref != 0.0, (mean_ref - mean_d) / mean_ref, np.nan)
    return out


# --------------------------------------------------------------------------------------
# 1. dose–response table
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# 2. trend tests
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# 3. effect sizes
# --------------------------------------------------------------------------------------


def _pair_keys(data: pd.DataFrame) -> list[str] | None:
    """Columns identifying a run across doses, or None when there is no replicate id."""
    if REPLICATE not in data.columns:
        return None
    return [REPLICATE, *(c for c in PAIR_CONTEXT if c in data.columns)]


def _paired_values(
    ref: pd.DataFrame, cell: pd.DataFrame, keys: list[str] | None, outcome: str
) -> tuple[np.ndarray, np.ndarray] | None:
    """Outcome at the reference and at a dose aligned by run id, or None if they do not pair.

    Runs pair when every id occurs once at each dose and both doses have the same ids.
    """
    if keys is None:
        return None
    ref_ids = ref.set_index(keys)[outcome]
    cell_ids = cell.set_index(keys)[outcome]
    if not (ref_ids.index.is_unique and cell_ids.index.is_unique):
        return None
    if len(ref_ids) != len(cell_ids) or not ref_ids.index.isin(cell_ids.index).all():
        return None
    cell_aligned = cell_ids.reindex(ref_ids.index)
    return ref_ids.to_numpy(dtype=float), cell_aligned.to_numpy(dtype=float)


def _cohens_d(ref: np.ndarray, val: np.ndarray) -> float:
    """Standardised reduction (mean_ref − mean) / pooled sd; NaN if the pooled sd is 0."""
    n1, n2 = ref.size, val.size
    if n1 + n2 <= 2:
        return float("nan")
    ss = (n1 - 1) * (ref.var(ddof=1) if n1 > 1 else 0.0) + (n2 - 1) * (
        val.var(ddof=1) if n2 > 1 else 0.0
    )
    pooled = np.sqrt(ss / (n1 + n2 - 2))
    if pooled == 0:
        return float("nan")
    return float((ref.mean() - val.mean()) / pooled)


def effect_sizes(
    df: pd.DataFrame,
    outcome: str = "burden",
    reference_dose: float | None = None,
    n_boot: int = 2000,
    rng: int | np.random.Generator | None = None,
    ci: float = 0.95,
    paired: bool | None = None,
) -> pd.DataFrame:
    """Relative reduction of the mean outcome from a reference dose, with bootstrap CIs.

    The effect at dose ``d`` is ``(mean_ref − mean_d) / mean_ref``: 0.2 means the burden is
    20% lower than at the reference (by default the lowest dose, i.e. no WKSBM). Sweeps use
    common random numbers — replicate ``r`` shares a seed at every dose — so where runs
    pair up across doses (same ``replicate``, and same ``site``/``condition`` where those
    columns exist, each once per dose) the bootstrap resamples run ids and keeps the pairs
    together; otherwise it resamples each dose independently. Cohen's ``d`` uses the
    pooled sd and is positive for a reduction.

    Parameters
    ----------
    df : DataFrame
        One row per run with columns ``dose``, ``outcome`` and, for pairing, ``replicate``.
    outcome : str
        Outcome column.
    reference_dose : float, optional
        Dose to compare against; defaults to the lowest dose in ``df``.
    n_boot : int
        Bootstrap resamples per dose.
    rng : int or numpy.random.Generator, optional
        Seed or generator for the bootstrap (SPEC 7).
    ci : float
        Confidence level of the interval.
    paired : bool, optional
        None (default) pairs where the runs allow it; True requires pairing and raises
        ValueError where runs do not pair; False always resamples independently.

    Returns
    -------
    DataFrame
        One row per dose: ``dose, n, mean, mean_ref, effect, effect_lo, effect_hi,
        cohens_d, paired``. The reference row has effect 0 with a zero-width interval.
        Effects are NaN when the reference mean is 0.
    """
    _check_ci(ci)
    _check_n_boot(n_boot)
    data = _clean(df, outcome)
    gen = np.random.default_rng(rng)
    doses = np.unique(data[DOSE].to_numpy())
    if reference_dose is None:
        reference_dose = float(doses[0])
    elif not np.isclose(doses, reference_dose).any():
        raise ValueError(f"reference_dose {reference_dose} is not among the doses {list(doses)}")
    else:
        reference_dose = float(doses[np.isclose(doses, reference_dose)][0])
    keys = None if paired is False else _pair_keys(data)
    if paired is True and keys is None:
        raise ValueError("paired=True needs a 'replicate' column")

    ref = data[data[DOSE] == reference_dose]
    ref_values = ref[outcome].to_numpy()
    mean_ref = float(ref_values.mean())
    rows = []
    for dose in doses:
        cell = data[data[DOSE] == dose]
        values = cell[outcome].to_numpy()
        row = {
            "dose": float(dose),
            "n": int(values.size),
            "mean": float(values.mean()),
            "mean_ref": mean_ref,
        }
        if dose == reference_dose:
            none = 0.0 if mean_ref != 0 else float("nan")  # no change from itself
            row.update(effect=none, effect_lo=none, effect_hi=none, cohens_d=0.0)
            rows.append({**row, "paired": keys is not None})
            continue
        pairs = _paired_values(ref, cell, keys, outcome)
        if paired is True and pairs is None:
            raise ValueError(
                f"runs at dose {dose} do not pair with the reference dose {reference_dose} "
                f"on columns {keys}"
            )
        if pairs is not None:
            r_vals, d_vals = pairs
            idx = gen.integers(0, r_vals.size, size=(int(n_boot), r_vals.size))
            boot_ref = r_vals[idx].mean(axis=1)
            boot_d = d_vals[idx].mean(axis=1)
        else:
            idx_r = gen.integers(0, ref_values.size, size=(int(n_boot), ref_values.size))
            idx_d = gen.integers(0, values.size, size=(int(n_boot), values.size))
            boot_ref = ref_values[idx_r].mean(axis=1)
            boot_d = values[idx_d].mean(axis=1)
        lo, hi = _finite_percentiles(_relative_reduction(boot_ref, boot_d), ci)
        rows.append(
            {
                **row,
                "effect": float(_relative_reduction(mean_ref, values.mean())),
                "effect_lo": lo,
                "effect_hi": hi,
                "cohens_d": _cohens_d(ref_values, values),
                "paired": pairs is not None,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------
# 4. saturation
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# 5. sites
# --------------------------------------------------------------------------------------


def site_differences(
    df: pd.DataFrame,
    outcome: str = "burden",
    site_col: str = "site",
    n_boot: int = 2000,
    ci: float = 0.95,
    rng: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Per site, the dose trend and the effect at the highest dose, each with a CI.

    Lets a report say where the dose–response is steep, flat or reversed.

    Parameters
    ----------
    df : DataFrame
        One row per run with columns ``dose``, ``outcome`` and ``site_col``.
    outcome : str
        Outcome column.
    site_col : str
        Column naming the site.
    n_boot : int
        Bootstrap resamples for the effect CI.
    ci : float
        Confidence level of both intervals.
    rng : int or numpy.random.Generator, optional
        Seed or generator for the bootstrap (SPEC 7).

    Returns
    -------
    DataFrame
        One row per site: ``site_col, n, slope, slope_lo, slope_hi, jt_p, rho,
        max_dose, effect, effect_lo, effect_hi, cohens_d``; effects are relative
        reductions from each site's lowest dose to its highest.
    """
    data = _clean(df, outcome, [site_col])
    gen = np.random.default_rng(rng)
    rows = []
    for site, sub in data.groupby(site_col, sort=True):
        trend = trend_test(sub, outcome=outcome, ci=ci)
        eff = effect_sizes(sub, outcome=outcome, n_boot=n_boot, rng=gen, ci=ci)
        top = eff.iloc[-1]
        rows.append(
            {
                site_col: site,
                "n": trend["n"],
                "slope": trend["slope"],
                "slope_lo": trend["slope_lo"],
                "slope_hi": trend["slope_hi"],
                "jt_p": trend["jt_p"],
                "rho": trend["rho"],
                "max_dose": float(top["dose"]),
                "effect": float(top["effect"]),
                "effect_lo": float(top["effect_lo"]),
                "effect_hi": float(top["effect_hi"]),
                "cohens_d": float(top["cohens_d"]),
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------
# 6. global sensitivity (SALib wrappers)
# --------------------------------------------------------------------------------------


def _salib_seed(rng: int | np.random.Generator | None) -> int:
    """Draw an int seed for SALib from ``rng``.

    Never 0: ``SALib.analyze.sobol`` treats a falsy seed as "no seed" and falls back to
    numpy's global random state.
    """
    return int(np.random.default_rng(rng).integers(1, 2**31 - 1))


def _problem_names(problem: dict) -> list[str]:
    if "names" not in problem or "num_vars" not in problem:
        raise ValueError("problem must be a SALib problem dict with 'names' and 'num_vars'")
    return list(problem["names"])


def sobol_indices(
    problem: dict,
    Y: np.ndarray,
    rng: int | np.random.Generator | None = None,
    calc_second_order: bool = True,
    num_resamples: int = 100,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """First-order and total Sobol indices per parameter, via ``SALib.analyze.sobol``.

    ``Y`` must be the model outputs at a ``SALib.sample.sobol.sample`` design made with the
    same ``calc_second_order``. The bootstrap confidence intervals are seeded from ``rng``.

    Parameters
    ----------
    problem : dict
        SALib problem (``num_vars``, ``names``, ``bounds``).
    Y : ndarray
        Outputs, one per sample row.
    rng : int or numpy.random.Generator, optional
        Seed or generator for the confidence-interval bootstrap (SPEC 7).
    calc_second_order : bool
        Whether the sample includes the second-order cross-matrices.
    num_resamples : int
        Bootstrap resamples for the confidence intervals.
    conf_level : float
        Confidence level.

    Returns
    -------
    DataFrame
        Indexed by parameter name, columns ``S1, S1_conf, ST, ST_conf``.
    """
    from SALib.analyze import sobol

    names = _problem_names(problem)
    y = np.asarray(Y, dtype=float).ravel()
    res = sobol.analyze(
        problem,
        y,
        calc_second_order=calc_second_order,
        num_resamples=num_resamples,
        conf_level=conf_level,
        print_to_console=False,
        seed=_salib_seed(rng),
    )
    out = pd.DataFrame(
        {k: np.asarray(res[k], dtype=float) for k in ("S1", "S1_conf", "ST", "ST_conf")},
        index=pd.Index(names, name="parameter"),
    )
    return out


def morris_indices(
    problem: dict,
    X: np.ndarray,
    Y: np.ndarray,
    rng: int | np.random.Generator | None = None,
    num_levels: int = 4,
    num_resamples: int = 1000,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Morris elementary-effect screening per parameter, via ``SALib.analyze.morris``.

    ``X`` and ``Y`` come from a ``SALib.sample.morris.sample`` design with the same
    ``num_levels``; ``mu_star`` ranks influence and ``sigma`` flags non-linearity or
    interactions.

    Parameters
    ----------
    problem : dict
        SALib problem (``num_vars``, ``names``, ``bounds``).
    X : ndarray
        The Morris sample, shape (n, num_vars).
    Y : ndarray
        Outputs, one per sample row.
    rng : int or numpy.random.Generator, optional
        Seed or generator for the ``mu_star`` confidence bootstrap (SPEC 7).
    num_levels : int
        Grid levels used by the sampler.
    num_resamples : int
        Bootstrap resamples for ``mu_star_conf``.
    conf_level : float
        Confidence level.

    Returns
    -------
    DataFrame
        Indexed by parameter name, columns ``mu, mu_star, sigma, mu_star_conf``.
    """
    from SALib.analyze import morris

    names = _problem_names(problem)
    res = morris.analyze(
        problem,
        np.asarray(X, dtype=float),
        np.asarray(Y, dtype=float).ravel(),
        num_resamples=num_resamples,
        conf_level=conf_level,
        print_to_console=False,
        num_levels=num_levels,
        seed=_salib_seed(rng),
    )
    return pd.DataFrame(
        {k: np.asarray(res[k], dtype=float) for k in ("mu", "mu_star", "sigma", "mu_star_conf")},
        index=pd.Index(names, name="parameter"),
    )


# --------------------------------------------------------------------------------------
# 7. verdict
# --------------------------------------------------------------------------------------


def summarise_hypothesis(
    df: pd.DataFrame,
    outcome: str = "burden",
    alpha: float = 0.05,
    min_effect: float = 0.05,
    rng: int | np.random.Generator | None = None,
    n_boot: int = 2000,
    ci: float = 0.95,
) -> dict[str, Any]:
    """Verdict on "more WKSBM, lower burden", computed from the numbers alone.

    The trend is judged by the two-sided Jonckheere–Terpstra test (the test designed for
    ordered dose groups); the effect is the relative reduction from the lowest to the
    highest dose (:func:`effect_sizes`). With ``p = jt_p``:

    - ``"reversed"``: ``p < alpha`` and the outcome rises with dose (``jt_z > 0``);
    - ``"supported"``: ``p < alpha``, the outcome falls with dose (``jt_z < 0``), the effect
      CI lower bound is > 0 and the effect is ≥ ``min_effect``;
    - ``"no_effect"``: ``p ≥ alpha`` (or undefined) and the effect CI contains 0;
    - ``"mixed"``: anything else — e.g. a significant fall too small to matter, or a
      non-monotone curve whose endpoints differ without a trend.

    Spearman's rho, the OLS slope and the saturation dose are reported alongside.

    Parameters
    ----------
    df : DataFrame
        One row per run for one condition: columns ``dose``, ``outcome``, ``replicate``
        (optional, enables pairing), ``site`` (optional; sites are pooled).
    outcome : str
        Outcome column; lower is better.
    alpha : float
        Significance level of the trend test.
    min_effect : float
        Smallest relative reduction at the highest dose that counts as support.
    rng : int or numpy.random.Generator, optional
        Seed or generator for the bootstraps (SPEC 7).
    n_boot : int
        Bootstrap resamples.
    ci : float
        Confidence level of the intervals.

    Returns
    -------
    dict
        ``verdict`` (one of ``VERDICTS``), ``criteria`` (the booleans behind it), the
        trend numbers of :func:`trend_test`, ``max_dose``, ``effect``, ``effect_lo``,
        ``effect_hi``, ``cohens_d``, ``saturation_dose`` and the settings used.
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    data = _clean(df, outcome)
    if "condition" in data.columns and data["condition"].nunique() > 1:
        raise ValueError(
            "the table mixes conditions "
            f"{sorted(data['condition'].unique().tolist())}; summarise one at a time"
        )
    gen = np.random.default_rng(rng)
    trend = trend_test(data, outcome=outcome, ci=ci)
    eff = effect_sizes(data, outcome=outcome, n_boot=n_boot, rng=gen, ci=ci)
    top = eff.iloc[-1]
    dr = dose_response(data, outcome=outcome, n_boot=n_boot, ci=ci, rng=gen)
    saturation = saturation_point(dr)

    p, z = trend["jt_p"], trend["jt_z"]
    significant = bool(np.isfinite(p) and p < alpha)
    effect, lo, hi = float(top["effect"]), float(top["effect_lo"]), float(top["effect_hi"])
    criteria = {
        "trend_significant": significant,
        "trend_decreasing": significant and z < 0,
        "trend_increasing": significant and z > 0,
        "effect_ci_above_zero": bool(lo > 0),
        "effect_ci_contains_zero": bool(lo <= 0 <= hi),
        "effect_at_least_min": bool(effect >= min_effect),
    }
    if criteria["trend_increasing"]:
        verdict = "reversed"
    elif (
        criteria["trend_decreasing"]
        and criteria["effect_ci_above_zero"]
        and criteria["effect_at_least_min"]
    ):
        verdict = "supported"
    elif not significant and criteria["effect_ci_contains_zero"]:
        verdict = "no_effect"
    else:
        verdict = "mixed"
    return {
        "verdict": verdict,
        "criteria": criteria,
        "outcome": outcome,
        "alpha": alpha,
        "min_effect": min_effect,
        "ci": ci,
        **trend,
        "reference_dose": float(eff["dose"].iloc[0]),
        "max_dose": float(top["dose"]),
        "effect": effect,
        "effect_lo": lo,
        "effect_hi": hi,
        "cohens_d": float(top["cohens_d"]),
        "paired": bool(top["paired"]),
        "saturation_dose": saturation,
    }


# --------------------------------------------------------------------------------------
# 8. how many replicates (Lee et al. 2015)
# --------------------------------------------------------------------------------------


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
