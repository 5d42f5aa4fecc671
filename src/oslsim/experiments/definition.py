"""What an experiment is: its factors, what each run keeps, and the :class:`Experiment`.

These are the validated pieces :mod:`oslsim.experiments.spec` builds from an experiment
file (and re-exports); the designs, the runner and the store read them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from oslsim.errors import InputError

#: The designs an experiment may use.
DESIGNS = ("grid", "lhs", "sobol", "morris")
#: Designs whose points are drawn from ranges rather than listed.
SAMPLED = ("lhs", "sobol", "morris")
#: The factor name that crosses scenarios (sites) instead of a parameter.
SCENARIO_FACTOR = "scenario"
#: Default Morris grid levels (SALib's default; even numbers keep the trajectories balanced).
MORRIS_LEVELS = 4


class ExperimentError(InputError):
    """An experiment that cannot be run: one line naming the file, the key and what is allowed."""


# --------------------------------------------------------------------------- the pieces


@dataclass(frozen=True)
class Factor:
    """One factor of an experiment: a parameter (or ``scenario``) and its values or range.

    A *list* factor has ``values`` and is crossed as a full grid in every design. A *range*
    factor has ``low`` and ``high``: sampled designs draw from it; a grid needs ``levels``
    evenly spaced values.
    """

    name: str
    values: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    levels: int | None = None
    type: type = float

    @property
    def is_range(self) -> bool:
        """Whether the factor is a ``{low, high}`` range (rather than a list of values)."""
        return self.values is None

    def grid_values(self) -> tuple[Any, ...]:
        """The values a grid design uses: the list, or ``levels`` evenly spaced in the range."""
        if self.values is not None:
            return self.values
        assert self.low is not None and self.high is not None and self.levels  # noqa: S101
        raw = np.linspace(self.low, self.high, self.levels)
        return tuple(dict.fromkeys(self.coerce(x) for x in raw))

    def coerce(self, x: Any) -> Any:
        """Convert one sampled number to the parameter's type (integers are rounded)."""
        if self.type is int:
            return int(round(float(x)))
        return float(x)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the store and the fingerprint."""
        if self.values is not None:
            return {"name": self.name, "values": list(self.values)}
        out: dict[str, Any] = {"name": self.name, "low": self.low, "high": self.high}
        if self.levels is not None:
            out["levels"] = self.levels
        return out


@dataclass(frozen=True)
class Keep:
    """Which outcome columns and months each run keeps in the store (all, by default).

    ``months`` is ``"all"``, ``"last"``, a tuple of month numbers, or ``None`` with ``every``
    set (months 0, every, 2·every, … and always the last).
    """

    outcomes: tuple[str, ...] | None = None
    months: str | tuple[int, ...] | None = "all"
    every: int | None = None

    def apply(self, ts: pd.DataFrame) -> pd.DataFrame:
        """Cut a run's monthly table down to the kept columns and months."""
        if self.outcomes is not None:
            missing = [c for c in self.outcomes if c not in ts.columns]
            if missing:
                raise KeyError(f"outcome {missing[0]!r} is not in the run's table")
            ts = ts[["month", *self.outcomes]]
        month = ts["month"].to_numpy()
        if self.every is not None:
            rows = (month % self.every == 0) | (month == month.max())
        elif self.months == "last":
            rows = month == month.max()
        elif isinstance(self.months, tuple):
            rows = np.isin(month, self.months)
        else:
            return ts.reset_index(drop=True)
        return ts.loc[rows].reset_index(drop=True)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the store and the fingerprint."""
        months: Any = {"every": self.every} if self.every is not None else (
            list(self.months) if isinstance(self.months, tuple) else self.months)
        return {"outcomes": list(self.outcomes) if self.outcomes is not None else "all",
                "months": months}


@dataclass(frozen=True)
class Experiment:
    """A validated sweep definition; build one with :func:`load_experiment`.

    Attributes
    ----------
    name : str
        Names the experiment in the store (and the default store file).
    factors : tuple of Factor
        In file order; ``scenario`` is one of them when sites are crossed.
    scenarios : dict
        Scenario label (as written in the file) -> loaded :class:`oslsim.scenarios.Scenario`.
    design : str
        One of ``grid``, ``lhs``, ``sobol``, ``morris``.
    samples : int or None
        LHS points, Sobol base sample size (a power of 2) or Morris trajectories.
    replicates : int
        Runs per design point; replicate ``r`` has the same seed at every point.
    months : int or None
        Months per run; ``None`` uses each scenario's own length.
    seed : int or None
        Root seed; ``None`` takes the one stored with the experiment, else fresh entropy.
    params : dict
        Constant dotted overrides applied to every run (under the factors).
    keep : Keep
        Outcome columns and months stored per run.
    warmup : dict or None
        A warm start for every run (``max_months``, ``tolerance``; see
        :func:`oslsim.warmup.warm_start`), or ``None`` for a cold start.
    """

    name: str
    factors: tuple[Factor, ...]
    scenarios: Mapping[str, Any]
    design: str = "grid"
    samples: int | None = None
    second_order: bool = True
    levels: int = MORRIS_LEVELS
    replicates: int = 1
    months: int | None = None
    seed: int | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    keep: Keep = field(default_factory=Keep)
    description: str = ""
    source: str = "<dict>"
    warmup: Mapping[str, Any] | None = None

    @property
    def ranged(self) -> tuple[Factor, ...]:
        """The range factors a sampled design draws from, in file order."""
        return tuple(f for f in self.factors if f.is_range)

    @property
    def listed(self) -> tuple[Factor, ...]:
        """The factors crossed as a grid (lists; in a grid design also ranges with levels)."""
        if self.design == "grid":
            return self.factors
        return tuple(f for f in self.factors if not f.is_range)

    @property
    def scenario_labels(self) -> tuple[str, ...]:
        """The scenario labels, in the order they are crossed."""
        return tuple(self.scenarios)

    def problem(self) -> dict[str, Any] | None:
        """The SALib problem (``num_vars``, ``names``, ``bounds``) of a sampled design."""
        if self.design not in SAMPLED:
            return None
        names = [f.name for f in self.ranged]
        return {"num_vars": len(names), "names": names,
                "bounds": [[float(f.low), float(f.high)] for f in self.ranged]}  # type: ignore[arg-type]

    def months_of(self, label: str) -> int:
        """Months a run of one scenario lasts."""
        return self.months if self.months is not None else int(self.scenarios[label].months)

    def to_dict(self) -> dict[str, Any]:
        """The definition as plain data (scenarios as their labels)."""
        return {
            "name": self.name, "description": self.description,
            "scenarios": list(self.scenarios), "design": self.design, "samples": self.samples,
            "second_order": self.second_order if self.design == "sobol" else None,
            "levels": self.levels if self.design == "morris" else None,
            "replicates": self.replicates, "months": self.months, "seed": self.seed,
            "factors": [f.to_dict() for f in self.factors], "params": dict(self.params),
            "keep": self.keep.to_dict(), "source": self.source,
            **({"warmup": dict(self.warmup)} if self.warmup else {}),
        }

    def fingerprint(self, seed: int) -> str:
        """A hash of everything that decides the runs' numbers, to guard a store's contents.

        Covers the definition (with the resolved root ``seed``) and each scenario's full
        content, so a changed scenario file is a different experiment. The replicate count is
        left out: replicate ``r``'s seed does not depend on it, so more replicates extend a
        stored experiment (``--resume``).
        """
        data = self.to_dict()
        data.pop("source")
        data.pop("description")
        data.pop("replicates")
        data["seed"] = int(seed)
        data["scenario_content"] = {k: _numbers_of(sc) for k, sc in self.scenarios.items()}
        text = json.dumps(data, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _numbers_of(scenario: Any) -> Any:
    """What of a scenario decides the numbers: its site, months, overrides, interventions."""
    if not hasattr(scenario, "to_dict"):
        return repr(scenario)
    data = scenario.to_dict()
    head = {k: v for k, v in data.get("scenario", {}).items()
            if not k.startswith(("title", "description"))}
    return {**data, "scenario": head}
