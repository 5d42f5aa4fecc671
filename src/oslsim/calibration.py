"""Pattern-oriented calibration: ABC-SMC (pyabc) of assumption parameters against the patterns.

The distance of a run is how far its patterns (:data:`oslsim.patterns.PATTERNS` marked
``calibrate``) lie outside their target intervals, in half-widths; a run with every pattern
inside has distance 0. pyabc's ABC-SMC (Klinger, Rickert & Hasenauer 2018) shrinks the
tolerance generation by generation; a final tolerance of 0 means the last population is a
sample of the *not-ruled-out* space (every calibrated pattern within tolerance), weighted by
the prior. The history is pyabc's SQLite file, so an interrupted calibration resumes; the
pattern table before and after runs through the sweep machinery and its DuckDB store.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from oslsim.errors import InputError
from oslsim.patterns import (
    MEASURE_MONTHS,
    PATTERNS,
    ROLES,
    STATISTICS,
    Pattern,
    excess,
    pattern_table,
    pattern_values,
    run_patterns,
    table_markdown,
)

__all__ = [
    "CalibrationError",
    "CalibrationConfig",
    "DEFAULT_PARAMETERS",
    "PatternModel",
    "apply_draw",
    "calibrate",
    "load_config",
    "parse_config",
]

#: The assumption parameters calibrated by default, with their prior ranges (uniform).
#: Why these: each enters the equation of a calibrated pattern (docs/validation.md): the
#: marginal propensities to consume set the savings buffer that decides who falls below the
#: line (poverty level, entry, persistence, crisis smoothing); the shock's size and
#: persistence decide how much poverty is transient; the free hours decide how much income
#: meetings cost, which the membership premium nets out.
DEFAULT_PARAMETERS: dict[str, tuple[float, float]] = {
    "economy.mpc_income": (0.75, 1.0),
    "economy.mpc_savings": (0.0, 0.3),
    "economy.shock_sigma": (0.1, 0.6),
    "economy.shock_persistence": (0.3, 0.95),
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


# --------------------------------------------------------------------------- the model


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


# --------------------------------------------------------------------------- running


@dataclass
class CalibrationResult:
    """What :func:`calibrate` did: the posterior, the tables and where they are."""

    posterior: pd.DataFrame
    summary: pd.DataFrame
    before: pd.DataFrame
    after: pd.DataFrame
    generations: pd.DataFrame
    paths: dict[str, Path]
    seconds: float
    manifest: dict[str, Any]


def _sampler(workers: int | None, scheduler: str | None) -> Any:
    import pyabc

    if scheduler is not None:
        from distributed import Client

        try:
            client = Client(scheduler, timeout=30)
        except (OSError, TimeoutError) as exc:
            raise ConnectionError(f"cannot reach the Dask scheduler at {scheduler} "
                                  f"({' '.join(str(exc).split())}); is 'dask scheduler' "
                                  "running there?") from None
        return pyabc.sampler.DaskDistributedSampler(dask_client=client)
    if workers == 0:
        return pyabc.sampler.SingleCoreSampler()
    if workers is None:
        from oslsim.experiments.coordinator import default_workers

        workers = default_workers()
    return pyabc.sampler.MulticoreEvalParallelSampler(n_procs=max(1, int(workers)))


def _quiet_pyabc() -> None:
    import logging

    for name in ("ABC", "pyabc", "Sampler", "Distance", "Epsilon", "Acceptor", "History",
                 "ABC.Sampler", "ABC.History", "ABC.Distance", "ABC.Epsilon",
                 "ABC.Predictor", "ABC.Transition", "ABC.Population"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    order = np.argsort(x)
    x, w = x[order], w[order]
    cw = np.cumsum(w) / np.sum(w)
    return float(np.interp(q, cw - w / np.sum(w) / 2, x))


def posterior_summary(post: pd.DataFrame, cfg: CalibrationConfig) -> pd.DataFrame:
    """Per calibrated parameter: prior range, default, weighted mean, sd and quantiles."""
    from oslsim.params import param_info

    w = post["weight"].to_numpy(float)
    rows = []
    for name, (lo, hi) in cfg.parameters.items():
        x = post[name].to_numpy(float)
        mean = float(np.average(x, weights=w))
        sd = float(math.sqrt(np.average((x - mean) ** 2, weights=w)))
        rows.append({"parameter": name, "default": float(param_info(name).default),
                     "prior_low": lo, "prior_high": hi, "mean": mean, "sd": sd,
                     "q05": _weighted_quantile(x, w, 0.05), "median": _weighted_quantile(x, w, 0.5),
                     "q95": _weighted_quantile(x, w, 0.95),
                     "sd_over_prior_sd": sd / ((hi - lo) / math.sqrt(12.0))})
    return pd.DataFrame(rows)


def _summary_markdown(summary: pd.DataFrame) -> str:
    lines = ["| parameter | default | prior | posterior mean | sd | 5% … 95% | sd / prior sd |",
             "|---|---|---|---|---|---|---|"]
    for r in summary.to_dict("records"):
        lines.append(f"| `{r['parameter']}` | {r['default']:.4g} | {r['prior_low']:.4g} – "
                     f"{r['prior_high']:.4g} | {r['mean']:.4g} | {r['sd']:.3g} | "
                     f"{r['q05']:.4g} … {r['q95']:.4g} | {r['sd_over_prior_sd']:.2f} |")
    return "\n".join(lines) + "\n"


def _load_average() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except (AttributeError, OSError):  # pragma: no cover - not on Unix
        return "?"


def _pattern_experiment(cfg: CalibrationConfig, name: str, replicates: int) -> dict[str, Any]:
    """The sweep that measures the pattern table: every site, ``replicates`` seeds."""
    sites = list(dict.fromkeys(cfg.sites.values()))
    return {"name": name, "description": "pattern table runs of oslsim calibrate",
            "factors": {"scenario": sites}, "replicates": replicates, "months": cfg.months,
            "seed": cfg.seed, "params": cfg.constants(),
            "warmup": {"max_months": cfg.warmup_months},
            "keep": {"outcomes": list(STATISTICS), "months": "last"}}


def measure_table(cfg: CalibrationConfig, store: Path, name: str, replicates: int,
                  run_fn: Any, *, workers: int | None, scheduler: str | None, resume: bool,
                  progress: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sweep the pattern runs into ``store`` and return (pattern table, per-replicate values)."""
    from oslsim.experiments import load_results, parse_experiment, sweep, tidy

    exp = parse_experiment(_pattern_experiment(cfg, name, replicates),
                           source=f"<{name}>", outcomes=STATISTICS)
    sweep(exp, out=store, workers=workers, scheduler=scheduler, resume=resume,
          overwrite=not resume, progress=progress, run_fn=run_fn)
    runs = tidy(load_results(store, name))
    rows = []
    for _, group in runs.groupby("replicate"):
        stats = {}
        for rec in group.to_dict("records"):
            for role, site in cfg.sites.items():
                if rec["scenario"] == site:
                    stats[role] = {k: rec[k] for k in STATISTICS if k in rec}
        rows.append(pattern_values(stats, {r: r for r in ROLES}, cfg.patterns))
    values = pd.DataFrame(rows)
    return pattern_table(values, cfg.patterns), values


def calibrate(out: str | Path = "calibration", *, quick: bool = False,
              config: str | Path | CalibrationConfig | None = None,
              workers: int | None = None, scheduler: str | None = None,
              resume: bool = False, progress: bool = True,
              log: Any = None) -> CalibrationResult:
    """Run the calibration and write the posterior, its manifest and the pattern tables.

    Parameters
    ----------
    out : path
        Output folder: ``calibration.db`` (pyabc history), ``posterior.csv``,
        ``posterior_summary.csv``/``.md``, ``draws.csv``, ``generations.csv``,
        ``screening.csv``, ``patterns_before.*``, ``patterns_after.*``, ``patterns.md``,
        ``calibration.duckdb`` (the pattern runs) and ``manifest.json``.
    quick : bool
        A small calibration (:data:`QUICK`): at most about ten minutes on 2 cores.
    config : path or CalibrationConfig, optional
        A calibration TOML file (parameters, pattern tolerances and weights, sites, sizes).
    workers, scheduler : optional
        Local processes, or the address of a Dask scheduler.
    resume : bool
        Continue the calibration stored in ``out`` and run only missing pattern runs.
    """
    from datetime import timedelta

    import pyabc
    from tqdm import tqdm

    from oslsim.simulation import checkout, versions

    say = log or (lambda line: print(line, file=sys.stderr, flush=True))
    started = time.perf_counter()
    load_before = _load_average()
    cfg = config if isinstance(config, CalibrationConfig) else load_config(config, quick=quick)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    db_path = folder / HISTORY_NAME
    manifest_path = folder / "manifest.json"
    fingerprint = cfg.fingerprint()
    if resume:
        if not db_path.is_file():
            raise CalibrationError(f"{db_path}: no calibration to resume; run without --resume")
        try:
            old = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = {}
        if old.get("fingerprint") != fingerprint:
            raise CalibrationError(f"{manifest_path}: the stored calibration has another "
                                   "definition (parameters, patterns, sites or sizes); run "
                                   "without --resume, or give another --out")
    _quiet_pyabc()
    names = {_safe(k): k for k in cfg.parameters}
    prior = pyabc.Distribution(**{_safe(k): pyabc.RV("uniform", lo, hi - lo)
                                  for k, (lo, hi) in cfg.parameters.items()})
    model = PatternModel(dict(cfg.sites), names, cfg.constants(), cfg.months,
                         cfg.warmup_months, cfg.seed)
    distance = PatternDistance(cfg.calibrated, dict(cfg.weights))
    np.random.seed(cfg.seed % 2**32)  # pyabc draws its proposals from numpy's global state
    # A new calibration starts from a prior sample (tolerance infinite); a resumed one takes
    # the median distance of its last stored generation, as an uninterrupted run would.
    first = "from_sample" if resume else np.inf
    abc = pyabc.ABCSMC(model, prior, distance, population_size=cfg.population,
                       eps=pyabc.QuantileEpsilon(initial_epsilon=first, alpha=0.5),
                       sampler=_sampler(workers, scheduler))
    db = f"sqlite:///{db_path.resolve()}"
    if resume:
        history = abc.load(db, abc_id=_last_run_id(db_path))
    else:
        history = abc.new(db, {"distance": 0.0},
                          meta_info={"oslsim_fingerprint": fingerprint})
    manifest: dict[str, Any] = {
        "fingerprint": fingerprint, "config": cfg.to_dict(), "quick": quick,
        "method": "ABC-SMC (pyabc), distance = RMS excess of the calibrated patterns over "
                  "their intervals; QuantileEpsilon(alpha=0.5) from an infinite first "
                  "tolerance (generation 0 is a prior sample)",
        "pyabc_version": pyabc.__version__, "abc_id": int(history.id),
        "versions": versions(), **checkout(), "load_average_start": load_before,
        "workers": scheduler if scheduler is not None else workers,
        "status": "running",
    }
    manifest_path.write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
    done_t = history.max_t + 1 if history.max_t is not None and history.max_t >= 0 else 0
    deadline = None if cfg.minutes is None else started + cfg.minutes * 60.0
    say(f"oslsim calibrate: ABC-SMC over {len(cfg.parameters)} parameters "
        f"({', '.join(cfg.parameters)}), {len(cfg.calibrated)} patterns, population "
        f"{cfg.population}, up to {cfg.generations} generations; sites "
        f"{', '.join(f'{r}={s}' for r, s in cfg.sites.items())}; history {db_path}")
    bar = tqdm(total=cfg.generations, initial=min(done_t, cfg.generations),
               desc="calibrate", unit="generation", file=sys.stderr, disable=not progress,
               dynamic_ncols=True)
    last_seconds = 0.0
    stopped = "generations"
    try:
        while done_t < cfg.generations:
            # a generation needs about twice the simulations of the one before (alpha 0.5)
            if deadline is not None and done_t > 0 and \
                    time.perf_counter() + 2.0 * last_seconds > deadline:
                stopped = "time budget"
                break
            t0 = time.perf_counter()
            kwargs: dict[str, Any] = {"max_nr_populations": 1, "minimum_epsilon": 0.0}
            if deadline is not None:
                kwargs["max_walltime"] = timedelta(seconds=max(1.0, deadline - time.perf_counter()))
            history = abc.run(**kwargs)
            last_seconds = time.perf_counter() - t0
            done_t = history.max_t + 1
            pops = history.get_all_populations()
            eps = float(pops["epsilon"].iloc[-1])
            bar.set_postfix_str(f"epsilon {eps:.3g}", refresh=False)
            bar.update(1)
            if eps <= 0.0:
                stopped = "tolerance 0 reached"
                break
    finally:
        bar.close()
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0].reset_index(drop=True)
    sims = pops["samples"].to_numpy(float)
    generations = pd.DataFrame({"generation": pops["t"], "epsilon": pops["epsilon"],
                                "simulations": pops["samples"],
                                "particles": cfg.population,
                                "acceptance_rate": cfg.population / np.maximum(sims, 1)})
    post = _population(history, history.max_t, names)
    post = post[[*cfg.parameters, "weight", "distance"]]
    summary = posterior_summary(post, cfg)
    screening = _screening(history, cfg, names)
    gen = np.random.default_rng(cfg.seed)
    pick = gen.choice(len(post), size=cfg.draws, replace=True, p=post["weight"].to_numpy())
    draws = post.iloc[pick][list(cfg.parameters)].reset_index(drop=True)
    draws.insert(0, "draw", range(len(draws)))
    paths = {"history": db_path}
    paths["posterior"] = _write(folder / "posterior.csv", post)
    paths["summary"] = _write(folder / "posterior_summary.csv", summary)
    (folder / "posterior_summary.md").write_text(_summary_markdown(summary), encoding="utf-8")
    paths["draws"] = _write(folder / "draws.csv", draws)
    paths["generations"] = _write(folder / "generations.csv", generations)
    paths["screening"] = _write(folder / "screening.csv", screening)
    abc_seconds = time.perf_counter() - started
    say(f"ABC: {len(generations)} generations, {int(sims.sum())} simulations, final "
        f"tolerance {float(generations['epsilon'].iloc[-1]):.3g} ({stopped}); "
        f"{abc_seconds / 60:.1f} minutes")
    store = folder / STORE_NAME
    from oslsim.study.posterior import PosteriorRun

    before, _ = measure_table(cfg, store, "patterns_defaults", cfg.draws, run_patterns,
                              workers=workers, scheduler=scheduler, resume=resume,
                              progress=progress)
    from oslsim.experiments.designs import replicate_seeds

    seeds = replicate_seeds(cfg.seed, cfg.draws)
    post_run = PosteriorRun(tuple(draws[list(cfg.parameters)].to_dict("records")),
                            tuple(seeds), run=run_patterns)
    # named after the draws: a resumed calibration with a new posterior is a new experiment
    digest = hashlib.sha256(draws.to_csv(index=False).encode()).hexdigest()[:8]
    after, _ = measure_table(cfg, store, f"patterns_posterior_{digest}", cfg.draws,
                             post_run, workers=workers, scheduler=scheduler, resume=resume,
                             progress=progress)
    paths["before"] = _write(folder / "patterns_before.csv", before)
    paths["after"] = _write(folder / "patterns_after.csv", after)
    (folder / "patterns_before.md").write_text(table_markdown(before), encoding="utf-8")
    (folder / "patterns_after.md").write_text(table_markdown(after), encoding="utf-8")
    paths["patterns"] = folder / "patterns.md"
    paths["patterns"].write_text(
        "# Patterns before and after calibration\n\n"
        f"Before: the defaults, {cfg.draws} seeds per site. After: {cfg.draws} draws from "
        "the posterior, one seed each (common random numbers with the defaults' runs).\n\n"
        "## Before (defaults)\n\n" + table_markdown(before) +
        "\n## After (posterior draws)\n\n" + table_markdown(after) +
        "\n## Posterior\n\n" + _summary_markdown(summary), encoding="utf-8")
    seconds = time.perf_counter() - started
    manifest.update({
        "status": "done", "stopped_by": stopped, "generations": len(generations),
        "simulations": int(sims.sum()), "final_epsilon": float(generations["epsilon"].iloc[-1]),
        "not_ruled_out": bool(float(generations["epsilon"].iloc[-1]) <= 0.0),
        "abc_seconds": abc_seconds, "seconds": seconds,
        "load_average_end": _load_average(), "store": str(store),
        "draws_seeds": [int(s) for s in seeds],
    })
    manifest_path.write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
    paths["manifest"] = manifest_path
    return CalibrationResult(post, summary, before, after, generations, paths, seconds,
                             manifest)


def _write(path: Path, df: pd.DataFrame) -> Path:
    df.to_csv(path, index=False)
    return path


def _last_run_id(db_path: Path) -> int:
    """The id of the newest calibration in a pyabc history file."""
    import sqlite3

    try:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT MAX(id) FROM abc_smc").fetchone()
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise CalibrationError(f"{db_path}: cannot be read as a pyabc history ({exc})") from None
    if not row or row[0] is None:
        raise CalibrationError(f"{db_path}: holds no calibration to resume")
    return int(row[0])


def _population(history: Any, t: int, names: Mapping[str, str], stats: bool = False,
                ) -> pd.DataFrame:
    """One generation's particles: dotted parameters, normalised weight, distance."""
    pop = history.get_population(t=t)
    rows = []
    for particle in pop.particles:
        row = {names[k]: float(v) for k, v in particle.parameter.items() if k in names}
        row["weight"] = float(particle.weight)
        row["distance"] = float(particle.distance)
        if stats:
            row["sum_stat"] = dict(particle.sum_stat)
        rows.append(row)
    df = pd.DataFrame(rows)
    df["weight"] = df["weight"] / df["weight"].sum()
    return df


def _screening(history: Any, cfg: CalibrationConfig, names: Mapping[str, str]) -> pd.DataFrame:
    """Spearman correlations of each parameter with each pattern over generation 0.

    Generation 0 is accepted at an infinite tolerance, so it is a sample of the prior: the
    correlations say which parameter moves which pattern (a screening, not a Sobol index).
    """
    from scipy.stats import spearmanr

    try:
        df = _population(history, 0, names, stats=True)
    except Exception:  # noqa: BLE001 - a history without generation 0: no screening
        return pd.DataFrame()
    roles = {r: r for r in ROLES}
    vals = pd.DataFrame([pattern_values(split_stats(s), roles, cfg.patterns)
                         for s in df["sum_stat"]])
    rows = []
    for name in cfg.parameters:
        row: dict[str, Any] = {"parameter": name}
        for p in cfg.patterns:
            x, y = df[name].to_numpy(float), vals[p.key].to_numpy(float)
            ok = np.isfinite(x) & np.isfinite(y)
            row[p.key] = (float(spearmanr(x[ok], y[ok]).statistic)
                          if ok.sum() > 3 and np.ptp(y[ok]) > 0 else float("nan"))
        rows.append(row)
    return pd.DataFrame(rows)
