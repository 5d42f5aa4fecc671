"""The levers a trainee pulls on the page, each tied to one declared parameter.

A slider's minimum and maximum are the parameter's declared range
(:func:`oslsim.params.param_info`), and every value the page sends to the model passes
through :func:`clamp`, so no slider can produce a value outside its parameter's range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from oslsim.params import Params, param_info

__all__ = ["Lever", "LEVERS", "HOUSEHOLD_CHOICES", "DEFAULT_HOUSEHOLDS", "DEFAULT_SEED",
           "lever", "clamp", "lever_values", "overrides_from"]


@dataclass(frozen=True)
class Lever:
    """One control on the page: the parameter it sets, its label keys and its slider step."""

    key: str
    path: str
    label: str
    tip: str
    step: float | None = None

    @property
    def choices(self) -> tuple[str, ...] | None:
        """The allowed values of a choice parameter (e.g. the government mode)."""
        return param_info(self.path).choices

    @property
    def low(self) -> float:
        """Slider minimum: the parameter's declared lower bound."""
        return float(param_info(self.path).low)

    @property
    def high(self) -> float:
        """Slider maximum: the parameter's declared upper bound."""
        return float(param_info(self.path).high)


#: The levers of the study's discussion, in the order the page shows them.
LEVERS: tuple[Lever, ...] = (
    Lever("wksbm", "organisations.wksbm_coverage", "lever_wksbm", "tip_wksbm", 0.1),
    Lever("capacity", "organisations.capacity_mean", "lever_capacity", "tip_capacity", 0.05),
    Lever("training", "government.training_share", "lever_training", "tip_training", 0.05),
    Lever("mode", "government.mode", "lever_mode", "tip_mode"),
    Lever("dues", "organisations.dues_scale", "lever_dues", "tip_dues", 0.1),
    Lever("shock", "economy.covariate_shock", "lever_shock", "tip_shock", 0.05),
)

#: Community sizes offered on the page (all inside the ``households`` parameter's range).
HOUSEHOLD_CHOICES: tuple[int, ...] = (300, 500, 1000, 2000, 5000, 8600)
DEFAULT_HOUSEHOLDS = 2000
DEFAULT_SEED = 1


def lever(key: str) -> Lever:
    """Return a lever by its key."""
    for lv in LEVERS:
        if lv.key == key:
            return lv
    raise KeyError(f"unknown lever {key!r}; use one of {', '.join(lv.key for lv in LEVERS)}")


def clamp(lv: Lever, value: Any) -> Any:
    """Bring a value from the page inside the lever's parameter range (or its choices).

    Numbers are rounded to the slider's step and clipped to ``[low, high]``; a choice that is
    not allowed falls back to the parameter's default. NaN falls back to the default too.
    """
    info = param_info(lv.path)
    if info.choices:
        return value if value in info.choices else info.default
    try:
        x = float(value)
    except (TypeError, ValueError):
        return info.default
    if math.isnan(x):
        return info.default
    x = min(max(x, info.low), info.high)  # first, so huge values cannot overflow the snap
    if lv.step:
        x = min(max(round(round(x / lv.step) * lv.step, 10), info.low), info.high)
    return int(round(x)) if info.type is int else x


def lever_values(params: Params) -> dict[str, Any]:
    """Read every lever's current value from a parameter set (e.g. a scenario's)."""
    return {lv.key: params.get(lv.path) for lv in LEVERS}


def overrides_from(values: dict[str, Any]) -> dict[str, Any]:
    """Turn lever values (by key) into dotted parameter overrides, clamped to their ranges."""
    return {lever(k).path: clamp(lever(k), v) for k, v in values.items()}
