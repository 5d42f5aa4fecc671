"""Effect sizes against the lowest dose, paired by seed, and the same per site."""

from __future__ import annotations

import numpy as np
import pandas as pd

from oslsim.analysis._common import (
    DOSE,
    PAIR_CONTEXT,
    REPLICATE,
    _check_ci,
    _check_n_boot,
    _clean,
    _finite_percentiles,
    _relative_reduction,
)
from oslsim.analysis.trend import trend_test

__all__ = ["effect_sizes", "site_differences"]


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
