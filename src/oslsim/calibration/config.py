"""What to calibrate, against which patterns, at which sites and sizes; the calibration file."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oslsim.errors import InputError
from oslsim.patterns import MEASURE_MONTHS, PATTERNS, ROLES, Pattern

#: The assumption parameters calibrated by default, with their prior ranges (uniform).
#: Why these: each enters the equation of a calibrated pattern (docs/validation.md): the
#: marginal propensities to consume set the savings buffer that decides who falls below the
#: line (poverty level, entry, persistence, crisis smoothing); the shock's size and
#: persistence decide how much poverty is transient; the usual income's long-run spread and
#: yearly persistence (income mobility) decide how many households cross the line for years
#: (persistence and entry over 24 months); the free hours decide how much income meetings
#: cost, which the membership premium nets out. The mobility priors: the spread from none to
#: the cross-section's own spread (0.6), the persistence around Newhouse's 0.74 a year, from
#: 0.4 (shocks gone in about two years) to 0.95 (near the rich-country estimates).
DEFAULT_PARAMETERS: dict[str, tuple[float, float]] = {
    "economy.mpc_income": (0.75, 1.0),
    "economy.mpc_savings": (0.0, 0.3),
    "economy.shock_sigma": (0.1, 0.6),
    "economy.shock_persistence": (0.3, 0.95),
    "economy.usual_sigma": (0.0, 0.6),
    "economy.usual_persistence": (0.4, 0.95),
    "time.free_hours": (0.0, 24.0),
}
#: Sizes of the full and the quick calibration.
FULL = {"population": 200, "generations": 8, "draws": 20, "minutes": None,
        "households": 1000, "warmup_months": 120}
#: The quick run: smaller sites and population, and a time budget for the ABC part (the
#: next generation is not started when it would likely end after it).
QUICK = {"population": 24, "generations": 5, "draws": 6, "minutes": 7.0,
         "households": 600, "warmup_months": 96}
TOP_KEYS = ("households", "months", "warmup_months", "seed", "population", "generations",
            "draws", "minutes", "sites", "parameters", "patterns")
PATTERN_KEYS = ("low", "high", "weight", "calibrate")
STORE_NAME = "calibration.duckdb"
HISTORY_NAME = "calibration.db"


class CalibrationError(InputError):
    """A calibration file or folder that cannot be used: one line naming file and key."""


@dataclass(frozen=True)
class CalibrationConfig:
    """What to calibrate, against which patterns, at which sites and sizes."""

    parameters: Mapping[str, tuple[float, float]] = field(
        default_factory=lambda: dict(DEFAULT_PARAMETERS))
    patterns: tuple[Pattern, ...] = PATTERNS
    weights: Mapping[str, float] = field(default_factory=dict)
    sites: Mapping[str, str] = field(default_factory=lambda: dict(ROLES))
    households: int = 1000
    months: int = MEASURE_MONTHS
    warmup_months: int = 120
    seed: int = 20251201
    population: int = FULL["population"]
    generations: int = FULL["generations"]
    draws: int = FULL["draws"]
    minutes: float | None = None
    source: str = "<built-in>"

    @property
    def calibrated(self) -> tuple[Pattern, ...]:
        """The patterns the distance uses."""
        return tuple(p for p in self.patterns if p.calibrate and self.weights.get(p.key, 1.0))

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the manifest and the fingerprint."""
        return {
            "parameters": {k: list(v) for k, v in self.parameters.items()},
            "patterns": {p.key: {"low": p.low, "high": p.high, "calibrate": p.calibrate,
                                 "weight": self.weights.get(p.key, 1.0)} for p in self.patterns},
            "sites": dict(self.sites), "households": self.households, "months": self.months,
            "warmup_months": self.warmup_months, "seed": self.seed,
            "population": self.population, "generations": self.generations,
            "draws": self.draws, "minutes": self.minutes, "source": self.source,
        }

    def fingerprint(self) -> str:
        """A hash of everything that decides the calibration's numbers."""
        data = self.to_dict()
        data.pop("source")
        data.pop("minutes")
        data.pop("generations")  # more generations continue the same calibration
        text = json.dumps(data, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def constants(self) -> dict[str, Any]:
        """Overrides every run gets besides the calibrated parameters."""
        return {"households": self.households}


# --------------------------------------------------------------------------- the file


def _number(ctx: Any, where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ctx.error(where, f"{value!r} is not a number")
    return float(value)


def _whole(ctx: Any, where: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ctx.error(where, f"{value!r} is not allowed; use a whole number from {low:,} to "
                        f"{high:,}")
    return value


def parse_config(data: Mapping[str, Any], source: str = "<dict>", text: str | None = None,
                 quick: bool = False) -> CalibrationConfig:
    """Validate calibration data (as read from TOML) into a :class:`CalibrationConfig`.

    Every problem is one line naming the file (and line), the key, what is allowed and, for
    a misspelling, the close match: an unknown parameter or pattern (target) is refused.
    """
    from oslsim.scenarios import load_scenario
    from oslsim.tomlcheck import MAX_MONTHS, Context, check_param, find_param, suggest, type_name

    ctx = Context(source, text, CalibrationError)
    if not isinstance(data, Mapping):
        raise ctx.error("calibration", f"expected a table, got {type_name(data)}")
    for key in data:
        if key not in TOP_KEYS:
            raise ctx.error(key, f"unknown key; allowed {', '.join(TOP_KEYS)}"
                            f"{suggest(key, TOP_KEYS)}")
    size = dict(QUICK if quick else FULL)
    kw: dict[str, Any] = {"source": source}
    if "households" in data:
        size["households"] = _whole(ctx, "households", data["households"], 100, 2_000_000)
    if "months" in data:
        kw["months"] = _whole(ctx, "months", data["months"], 36, MAX_MONTHS)
    if "warmup_months" in data:
        size["warmup_months"] = _whole(ctx, "warmup_months", data["warmup_months"], 36,
                                       MAX_MONTHS)
    if "seed" in data:
        kw["seed"] = _whole(ctx, "seed", data["seed"], 0, 2**63 - 1)
    for key in ("population", "generations", "draws"):
        if key in data:
            size[key] = _whole(ctx, key, data[key], 2 if key != "generations" else 1, 100_000)
    if "minutes" in data:
        minutes = _number(ctx, "minutes", data["minutes"])
        if minutes <= 0:
            raise ctx.error("minutes", f"{minutes:g} is not allowed; use a number of minutes "
                            "above 0")
        size["minutes"] = minutes
    kw.update(size)

    sites = dict(ROLES)
    raw_sites = data.get("sites", {})
    if not isinstance(raw_sites, Mapping):
        raise ctx.error("sites", f"expected a table of role = scenario, got "
                        f"{type_name(raw_sites)}")
    for role, name in raw_sites.items():
        if role not in ROLES:
            raise ctx.error(f"sites.{role}", f"unknown site role; allowed {', '.join(ROLES)}"
                            f"{suggest(role, ROLES)}")
        if not isinstance(name, str):
            raise ctx.error(f"sites.{role}", f"expected a scenario name, got {type_name(name)}")
        try:
            load_scenario(name)
        except InputError as exc:
            raise ctx.error(f"sites.{role}", " ".join(str(exc).split())) from None
        sites[role] = name
    kw["sites"] = sites

    params = dict(DEFAULT_PARAMETERS)
    if "parameters" in data:
        raw = data["parameters"]
        if not isinstance(raw, Mapping) or not raw:
            raise ctx.error("parameters", 'expected a table of parameter = { low, high }, e.g. '
                            '"economy.mpc_income" = { low = 0.75, high = 1.0 }')
        params = {}
        from oslsim.tomlcheck import flatten

        for path, value in flatten(raw, is_value=lambda t: bool(set(t) & {"low", "high"})):
            where = f"parameters.{path}"
            try:
                info = find_param(path)
            except ValueError as exc:
                raise ctx.error(where, str(exc)) from None
            if info.type is not float:
                raise ctx.error(where, f"only numeric (real-valued) parameters can be "
                                f"calibrated; this one is {info.allowed()}")
            if not isinstance(value, Mapping) or set(value) != {"low", "high"}:
                raise ctx.error(where, "expected { low = …, high = … }")
            low = _number(ctx, f"{where}.low", value["low"])
            high = _number(ctx, f"{where}.high", value["high"])
            for bound, x in (("low", low), ("high", high)):
                try:
                    check_param(path, x)
                except ValueError as exc:
                    raise ctx.error(f"{where}.{bound}", str(exc)) from None
            if not low < high:
                raise ctx.error(where, f"low ({low:g}) must be below high ({high:g})")
            params[path] = (low, high)
    kw["parameters"] = params

    patterns = list(PATTERNS)
    weights: dict[str, float] = {}
    raw_patterns = data.get("patterns", {})
    if not isinstance(raw_patterns, Mapping):
        raise ctx.error("patterns", f"expected a table of patterns, got "
                        f"{type_name(raw_patterns)}")
    keys = [p.key for p in PATTERNS]
    for key, spec in raw_patterns.items():
        where = f"patterns.{key}"
        if key not in keys:
            raise ctx.error(where, f"unknown pattern (target); allowed {', '.join(keys)}"
                            f"{suggest(key, keys)}")
        if not isinstance(spec, Mapping):
            raise ctx.error(where, f"expected a table with {', '.join(PATTERN_KEYS)}, got "
                            f"{type_name(spec)}")
        for k in spec:
            if k not in PATTERN_KEYS:
                raise ctx.error(f"{where}.{k}", f"unknown key; allowed {', '.join(PATTERN_KEYS)}"
                                f"{suggest(k, PATTERN_KEYS)}")
        i = keys.index(key)
        p = patterns[i]
        changes: dict[str, Any] = {}
        for bound in ("low", "high"):
            if bound in spec:
                changes[bound] = _number(ctx, f"{where}.{bound}", spec[bound])
        lo, hi = changes.get("low", p.low), changes.get("high", p.high)
        if lo is not None and hi is not None and not lo < hi:
            raise ctx.error(where, f"low ({lo:g}) must be below high ({hi:g})")
        if "calibrate" in spec:
            if not isinstance(spec["calibrate"], bool):
                raise ctx.error(f"{where}.calibrate", f"{spec['calibrate']!r} is not allowed; "
                                "use true or false")
            changes["calibrate"] = spec["calibrate"]
        if (changes.get("calibrate", p.calibrate) and lo is None and hi is None):
            raise ctx.error(where, "has no target interval, so it cannot be calibrated")
        if "weight" in spec:
            w = _number(ctx, f"{where}.weight", spec["weight"])
            if w < 0:
                raise ctx.error(f"{where}.weight", f"{w:g} is not allowed; use 0 or more")
            weights[key] = w
        if changes:
            from dataclasses import replace

            patterns[i] = replace(p, **changes,
                                  why=p.why + f" (changed in {source})" if changes else p.why)
    kw["patterns"] = tuple(patterns)
    kw["weights"] = weights
    cfg = CalibrationConfig(**kw)
    if not cfg.calibrated:
        raise ctx.error("patterns", "no pattern is left to calibrate against")
    return cfg


def load_config(path: str | Path | None = None, quick: bool = False) -> CalibrationConfig:
    """Read a calibration TOML file (or the built-in defaults when ``path`` is None)."""
    from oslsim.tomlcheck import loads, read_text

    if path is None:
        return parse_config({}, source="<built-in>", quick=quick)
    path = Path(path).expanduser()
    text = read_text(path, str(path), "a calibration file", CalibrationError,
                     "give the path to a calibration .toml file (see docs/validation.md)")
    data = loads(text, str(path), CalibrationError, "docs/validation.md")
    return parse_config(data, source=str(path), text=text, quick=quick)
