"""What every method shares: column names, table checks and bootstrap helpers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

#: Column names of the run table.
DOSE = "dose"
REPLICATE = "replicate"
#: Columns that, with ``replicate``, identify a run within a dose: runs sharing these values
#: across doses share a seed (common random numbers) and can be paired.
PAIR_CONTEXT = ("site", "condition")
VERDICTS = ("supported", "reversed", "no_effect", "mixed")




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
