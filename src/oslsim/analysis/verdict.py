"""The verdict on "more WKSBM, lower burden", computed from the numbers alone."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from oslsim.analysis._common import VERDICTS, _clean
from oslsim.analysis.dose_response import dose_response, saturation_point
from oslsim.analysis.effects import effect_sizes
from oslsim.analysis.trend import trend_test

__all__ = ["VERDICTS", "summarise_hypothesis"]


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
