"""Warm start: run a community without WKSBM until its burden is stationary, then apply the dose.

A cold community starts far from its steady state (no services yet, empty kas), so its burden
falls for years whatever the dose. A warm start burns in at WKSBM coverage 0, with no forum
joining, until the yearly mean burden has stopped moving, then chooses the WKSBM the run's
parameters ask for among the organisations living then and starts the measured period at
month 0. With common random numbers the burn-in is the same for every dose of a seed, so a
process keeps the last few burn-ins (:data:`CACHE_HOUSEHOLDS`) and starts the next dose of the
same seed from a copy: the same numbers, without running the burn-in again.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from oslsim.model import OSLModel
from oslsim.params import Params

__all__ = ["WarmUp", "warm_start", "burn_in", "stationary", "BURN_IN", "WARMUP_DEFAULTS"]

#: What the burn-in holds: no WKSBM and nobody joins the forum.
BURN_IN = {"organisations.wksbm_coverage": 0.0, "organisations.wksbm_per_1000": 0.0,
           "organisations.wksbm_join_rate": 0.0}


#: The defaults of a warm start: at most 30 years; stationary when the yearly mean burden of
#: the last five years moves by at most 1% of its mean a year. (The first model's 2% over three
#: years stopped after 8-17 years and left a drift of -2.4% a year in the measured period at
#: coverage 0; over 8 seeds of Klender and Cibodas, 1% over five years stops after 9-21 years,
#: leaving about -1.5% and -0.5% a year: docs/hypothesis.md, "Warm start".)
WARMUP_DEFAULTS = {"max_months": 360, "tolerance": 0.01}
#: The window of the stationarity test, in years (shorter only when ``max_months`` is).
WINDOW_YEARS = 5
#: How many households' worth of burned-in models a process keeps for the next dose.
CACHE_HOUSEHOLDS = 60_000
_burn_ins: OrderedDict[tuple, tuple[OSLModel, bool, float]] = OrderedDict()


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

    The burn-in runs at least :data:`WINDOW_YEARS` years (three when ``max_months`` is
    shorter) and at most ``max_months``, checked once a year: it stops when the yearly mean
    burden of the last five (or three) years moves by at most ``tolerance`` of its mean per
    year. A burn-in this process already ran for the same seed and parameters (bar the dose)
    is reused from a copy; the result is the same. The model then takes ``params`` (its WKSBM
    coverage, overlap and joining), the WKSBM are chosen, and the month counter restarts at 0;
    the burn-in's rows are kept in ``model.warmup_timeseries()``.
    """
    check_settings(max_months, tolerance)
    burn = params.with_overrides(BURN_IN)
    key = _cache_key(burn, rng, max_months, tolerance, model_cls, model_kwargs)
    if key is not None and key in _burn_ins:
        _burn_ins.move_to_end(key)
        cached, ok, slope = _burn_ins[key]
        model = copy.deepcopy(cached)
    else:
        model, ok, slope = _burn_in(burn, rng, max_months, tolerance, model_cls, model_kwargs)
        if key is not None:
            _remember(key, model, ok, slope)
    model.begin_measurement(params)
    return model, WarmUp(months=len(model.warmup_timeseries()) - 1, stationary=ok, slope=slope,
                         tolerance=tolerance)


def _burn_in(burn: Params, rng: Any, max_months: int, tolerance: float,
             model_cls: type[OSLModel], model_kwargs: Mapping[str, Any] | None,
             ) -> tuple[OSLModel, bool, float]:
    """Run the burn-in: yearly checks of stationarity until it holds or ``max_months``."""
    model = model_cls(burn, rng=rng, **dict(model_kwargs or {}))
    ok, slope = burn_in(model, max_months, tolerance)
    return model, ok, slope


def check_settings(max_months: Any, tolerance: Any) -> None:
    """Reject a warm start's ``max_months`` or ``tolerance`` that is not allowed (ValueError)."""
    if isinstance(max_months, bool) or not isinstance(max_months, int) or max_months < 36:
        raise ValueError(f"warmup.max_months: {max_months!r} is not allowed; use a whole number "
                         "of months of at least 36 (three years)")
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) \
            or not 0 < tolerance <= 1:
        raise ValueError(f"warmup.tolerance: {tolerance!r} is not allowed; use a number in "
                         "(0, 1], the yearly change allowed as a share of the mean")


def burn_in(model: OSLModel, max_months: int, tolerance: float) -> tuple[bool, float]:
    """Run a built model a year at a time until its burden is stationary or ``max_months``.

    At least :data:`WINDOW_YEARS` years (three when ``max_months`` is shorter); returns
    whether it became stationary and the last slope (:func:`stationary`). A region's warm
    start (:func:`oslsim.region.warm.warm_start_region`) uses it too.
    """
    years = max(3, min(WINDOW_YEARS, max_months // 12))
    ok, slope = False, float("nan")
    while model.month < max_months:
        model.run(12)
        if model.month >= 12 * years:
            burden = model.timeseries()["burden"].to_numpy()[1:]
            ok, slope = stationary(burden, tolerance, years)
            if ok:
                break
    return ok, slope


def _cache_key(burn: Params, rng: Any, max_months: int, tolerance: float,
               model_cls: type[OSLModel], model_kwargs: Mapping[str, Any] | None,
               ) -> tuple | None:
    """What makes two burn-ins the same; None (no reuse) unless the seed is a plain integer."""
    if model_kwargs or isinstance(rng, bool) or not isinstance(rng, (int, np.integer)):
        return None
    return (model_cls, repr(sorted(burn.to_dict().items())), int(rng), max_months,
            float(tolerance))


def _remember(key: tuple, model: OSLModel, ok: bool, slope: float) -> None:
    """Keep a copy of a burn-in, dropping the oldest beyond :data:`CACHE_HOUSEHOLDS`."""
    _burn_ins[key] = (copy.deepcopy(model), ok, slope)
    while len(_burn_ins) > 1 and sum(m.state.n for m, _, _ in _burn_ins.values()) \
            > CACHE_HOUSEHOLDS:
        _burn_ins.popitem(last=False)
