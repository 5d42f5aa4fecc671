"""pyabc's model (every site at one parameter vector) and distance (excess over the intervals)."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from oslsim.patterns import ROLES, Pattern, excess, pattern_values, run_patterns


def apply_draw(scenario: Any, overrides: Mapping[str, Any], draw: Mapping[str, Any],
               ) -> dict[str, Any]:
    """Overrides with a draw of calibrated values, under the site's and the run's own.

    A value the scenario (its site profile) or the run itself sets wins over the draw: a
    mechanism check (e.g. no capacity) stays a check, and a site keeps what it states.
    """
    own = set(scenario.overrides()) | set(overrides)
    return {**{k: v for k, v in draw.items() if k not in own}, **dict(overrides)}


def _seed_of(theta: Mapping[str, float], root: int) -> int:
    """A run's seed from its parameter values and the root seed (no shared random state)."""
    text = json.dumps({"root": int(root), **{k: float(v) for k, v in sorted(theta.items())}},
                      sort_keys=True)
    return int(hashlib.sha256(text.encode()).hexdigest()[:15], 16)


def _safe(name: str) -> str:
    return name.replace(".", "__")


@dataclass(frozen=True)
class PatternModel:
    """pyabc's model: run every site at one parameter vector and return the statistics.

    The statistics are keyed ``role.statistic``; ``seed`` is the run's seed (a hash of the
    parameters and the root seed), so each particle's runs can be repeated exactly.
    """

    sites: Mapping[str, str]
    names: Mapping[str, str]  # pyabc-safe name -> dotted parameter
    constants: Mapping[str, Any]
    months: int
    warmup_months: int
    root: int

    def __call__(self, pars: Mapping[str, float]) -> dict[str, float]:
        """Simulate the sites at ``pars`` (pyabc calls this in its workers)."""
        from oslsim.scenarios import load_scenario

        theta = {self.names[k]: float(v) for k, v in pars.items() if k in self.names}
        seed = _seed_of(theta, self.root)
        out: dict[str, float] = {"seed": float(seed)}
        for role, site in self.sites.items():
            sc = load_scenario(site)
            over = apply_draw(sc, self.constants, theta)
            r = run_patterns(sc, self.months, rng=seed, overrides=over,
                             warmup={"max_months": self.warmup_months})
            for k, v in r.timeseries.iloc[0].items():
                if k != "month":
                    out[f"{role}.{k}"] = float(v)
        return out


def split_stats(stats: Mapping[str, float]) -> dict[str, dict[str, float]]:
    """``{"urban.poverty_persons": x}`` -> ``{"urban": {"poverty_persons": x}}``."""
    out: dict[str, dict[str, float]] = {}
    for key, value in stats.items():
        role, sep, stat = str(key).partition(".")
        if sep:
            out.setdefault(role, {})[stat] = float(value)
    return out


@dataclass(frozen=True)
class PatternDistance:
    """Root mean square of the calibrated patterns' excess over their intervals (0 inside)."""

    patterns: tuple[Pattern, ...]
    weights: Mapping[str, float]

    def __call__(self, x: Mapping[str, float], x0: Mapping[str, float] | None = None) -> float:
        """The distance of one simulation ``x`` (``x0``, pyabc's observation, is not used)."""
        roles = {r: r for r in ROLES}
        values = pattern_values(split_stats(x), roles, self.patterns)
        w = np.array([self.weights.get(p.key, 1.0) for p in self.patterns])
        e = np.array([excess(p, values[p.key]) for p in self.patterns])
        return float(math.sqrt(np.sum(w * e * e) / max(np.sum(w), 1e-12)))
