"""Warm start: run a community without WKSBM until its burden is stationary, then apply the dose.

A cold community starts far from its steady state (no services yet, empty kas), so its burden
falls for years whatever the dose. A warm start burns in at WKSBM coverage 0, with no forum
joining, until the yearly mean burden has stopped moving, then chooses the WKSBM the run's
parameters ask for among the organisations living then and starts the measured period at
month 0. With common random numbers the burn-in is the same for every dose of a seed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from oslsim.model import OSLModel
from oslsim.params import Params

__all__ = ["WarmUp", "warm_start", "stationary", "BURN_IN", "WARMUP_DEFAULTS"]

#: What the burn-in holds: no WKSBM and nobody joins the forum.
BURN_IN = {"organisations.wksbm_coverage": 0.0, "organisations.wksbm_per_1000": 0.0,
           "organisations.wksbm_join_rate": 0.0}


#: The defaults of a warm start: at most 30 years; stationary at 2% of the mean a year.
WARMUP_DEFAULTS = {"max_months": 360, "tolerance": 0.02}


@dataclass(frozen=True)
class WarmUp:
    """How a warm start went: months of burn-in, whether burden became stationary, its slope."""

    months: int
    stationary: bool
    slope: float
    tolerance: float


def stationary(burden: np.ndarray, tolerance: float, years: int = 3) -> tuple[bool, float]:
    """Test stationarity: the slope of yearly mean burden over the last ``years`` years.

    Returns ``(|slope| <= tolerance * mean, slope / mean)``; the slope is a least-squares line
    through the yearly means, per year, relative to their mean.
    """
    months = years * 12
    if burden.size < months:
        return False, float("nan")
    yearly = burden[-months:].reshape(years, 12).mean(axis=1)
    mean = float(yearly.mean())
    if mean <= 0:
        return True, 0.0
    slope = float(np.polyfit(np.arange(years), yearly, 1)[0]) / mean
    return abs(slope) <= tolerance, slope


def warm_start(params: Params, rng: int | np.random.Generator | None = None, *,
               max_months: int = 360, tolerance: float = 0.02,
               model_cls: type[OSLModel] = OSLModel,
               model_kwargs: Mapping[str, Any] | None = None) -> tuple[OSLModel, WarmUp]:
    """Build a model, burn it in without WKSBM until stationary, then apply ``params``' dose.

    The burn-in runs at least three years and at most ``max_months``, checked once a year: it
    stops when the yearly mean burden of the last three years moves by at most ``tolerance``
    of its mean per year. The model then takes ``params`` (its WKSBM coverage, overlap and
    joining), the WKSBM are chosen, and the month counter restarts at 0; the burn-in's rows
    are kept in ``model.warmup_timeseries()``.
    """
    if isinstance(max_months, bool) or not isinstance(max_months, int) or max_months < 36:
        raise ValueError(f"warmup.max_months: {max_months!r} is not allowed; use a whole number "
                         "of months of at least 36 (three years)")
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) \
            or not 0 < tolerance <= 1:
        raise ValueError(f"warmup.tolerance: {tolerance!r} is not allowed; use a number in "
                         "(0, 1], the yearly change allowed as a share of the mean")
    model = model_cls(params.with_overrides(BURN_IN), rng=rng, **dict(model_kwargs or {}))
    ok, slope = False, float("nan")
    while model.month < max_months:
        model.run(12)
        if model.month >= 36:
            burden = model.timeseries()["burden"].to_numpy()[1:]
            ok, slope = stationary(burden, tolerance)
            if ok:
                break
    model.begin_measurement(params)
    return model, WarmUp(months=len(model.warmup_timeseries()) - 1, stationary=ok, slope=slope,
                         tolerance=tolerance)
