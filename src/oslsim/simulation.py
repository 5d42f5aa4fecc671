"""One run as a pure function: a scenario and a seed in, tables and a manifest out.

``simulate(scenario, months, rng)`` resolves the scenario's site and parameters, applies any
extra overrides, installs the scenario's dated interventions as model hooks, runs the model
and returns a :class:`RunResult` whose manifest records everything needed to repeat it.
"""

from __future__ import annotations

import platform
import subprocess
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from oslsim.model import OSLModel, as_seed
from oslsim.scenarios import Scenario, load_scenario
from oslsim.seeds import fresh_seed
from oslsim.warmup import WARMUP_DEFAULTS, warm_start

__all__ = ["Prepared", "RunResult", "checkout", "prepare", "simulate", "seed_summary",
           "versions"]

#: Built-in scenario used when none is given.
DEFAULT_SCENARIO = "baseline"
#: Columns of :attr:`RunResult.events`.
EVENT_COLUMNS = ("month", "action", "event", "result", "args")


@dataclass
class RunResult:
    """What one run yields: the monthly table, the logic-model table, a manifest, the model.

    Attributes
    ----------
    timeseries : pandas.DataFrame
        One row per month ``0..months`` with :meth:`OSLModel.timeseries` columns.
    logic_model : pandas.DataFrame
        The study's MASUKAN / PROSES / KELUARAN / DAMPAK / HASIL table, start vs end.
    manifest : dict
        Scenario name and source, site, months, seed, the overrides, the full resolved
        parameters (flat), the interventions (and those a shorter run does not reach), every
        scheduled event and whether it happened (``events``), parameter changes made mid-run,
        the model class, the versions of oslsim, Python, numpy, Mesa, pandas, DuckDB and
        SciPy, and the checkout's git commit (``commit``, ``None`` outside a checkout).
    model : OSLModel
        The model after the run, for inspection.
    scenario : Scenario
        The scenario that was run.
    events : pandas.DataFrame
        What the interventions did: month, action, event (pulse/start/end), result and the
        intervention's arguments.
    warmup : pandas.DataFrame
        A warm start's burn-in rows, months up to 0 (empty for a cold start).
    """

    timeseries: pd.DataFrame
    logic_model: pd.DataFrame
    manifest: dict[str, Any]
    model: OSLModel = field(repr=False)
    scenario: Scenario | None = field(default=None, repr=False)
    events: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=EVENT_COLUMNS),
                                 repr=False)
    warmup: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    #: A region's long table, one row per month and kelurahan (``None`` for one kelurahan).
    kelurahan: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def final(self) -> pd.Series:
        """The last month's row of the time series."""
        return self.timeseries.iloc[-1]


@lru_cache(maxsize=1)
def _library_versions() -> tuple[tuple[str, str], ...]:
    out = []
    for name in ("duckdb", "scipy"):
        try:
            out.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:  # pragma: no cover - both are dependencies
            out.append((name, "missing"))
    return tuple(out)


def versions() -> dict[str, str]:
    """Versions of oslsim, Python, numpy, Mesa, pandas, DuckDB and SciPy, for the manifest."""
    from oslsim import __version__

    return {"oslsim": __version__, "python": platform.python_version(),
            "numpy": np.__version__, "mesa": mesa.__version__, "pandas": pd.__version__,
            **dict(_library_versions())}


@lru_cache(maxsize=1)
def checkout() -> dict[str, Any]:
    """The git commit oslsim runs from (and whether files differ from it), once per process.

    ``{"commit": None, "dirty": None}`` when the package is not in a git checkout (an
    installed wheel) or git is not available. Nothing is fetched; git reads the local files.
    """
    here = Path(__file__).resolve().parent
    try:
        head = subprocess.run(["git", "-C", str(here), "rev-parse", "HEAD"], capture_output=True,
                              text=True, timeout=10, check=False)
        if head.returncode != 0:
            return {"commit": None, "dirty": None}
        status = subprocess.run(["git", "-C", str(here), "status", "--porcelain",
                                 "--untracked-files=no"], capture_output=True, text=True,
                                timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    dirty = bool(status.stdout.strip()) if status.returncode == 0 else None
    return {"commit": head.stdout.strip(), "dirty": dirty}


def _plain(value: Any) -> Any:
    """A value as JSON-ready plain data (NumPy scalars to Python)."""
    return value.item() if isinstance(value, np.generic) else value


def _event_records(sc: Scenario, log: list[dict[str, Any]], not_reached: Iterable[Any],
                   ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each logged event with its intervention's arguments; and every scheduled event.

    The second list adds the interventions a shorter run does not reach, with
    ``happened = False``, so a store shows what was planned as well as what ran.
    """
    def args_of(entry: dict[str, Any]) -> dict[str, Any]:
        for iv in sc.interventions:
            if iv.action != entry["action"]:
                continue
            month, kind = entry["month"], entry["event"]
            if (kind == "pulse" and month in iv.pulse_months()) or \
                    (kind == "start" and month == iv.start) or \
                    (kind == "end" and iv.end is not None and month == iv.end + 1):
                return {k: _plain(v) for k, v in iv.args.items() if not k.startswith("_")}
        return {}

    happened = [{**e, "result": _plain(e["result"]), "args": args_of(e)} for e in log]
    planned = [{**e, "happened": True} for e in happened]
    for iv in not_reached:
        planned.append({"month": int(iv.start), "action": iv.action, "event": "planned",
                        "result": None, "happened": False,
                        "args": {k: _plain(v) for k, v in iv.args.items()
                                 if not k.startswith("_")}})
    return happened, planned


def seed_summary(rng: np.random.Generator) -> dict[str, Any]:
    """Summarise a generator for the manifest: its seed sequence (if any) and current state."""
    bg = rng.bit_generator
    summary: dict[str, Any] = {"bit_generator": type(bg).__name__}
    seq = getattr(bg, "seed_seq", None)
    if isinstance(seq, np.random.SeedSequence):
        summary["entropy"] = seq.entropy
        summary["spawn_key"] = list(seq.spawn_key)
    state = bg.state.get("state")
    if isinstance(state, dict):
        summary["state"] = {k: v for k, v in state.items() if isinstance(v, int)}
    return summary


def _warmup_settings(warmup: bool | Mapping[str, Any]) -> dict[str, Any] | None:
    """Normalise ``simulate``'s ``warmup``: None for a cold start, else the options."""
    if warmup is False or warmup is None:
        return None
    options = dict(WARMUP_DEFAULTS)
    if warmup is not True:
        if not isinstance(warmup, Mapping):
            raise TypeError(f"warmup must be true, false or a mapping of max_months and "
                            f"tolerance, got {warmup!r}")
        unknown = sorted(set(warmup) - set(options))
        if unknown:
            raise ValueError(f"warmup.{unknown[0]}: unknown; allowed keys are max_months and "
                             "tolerance")
        options.update(warmup)
    return options


@dataclass
class Prepared:
    """A model ready to run: its scenario, parameters, installed interventions and seed."""

    scenario: Scenario
    params: Any
    model: OSLModel
    log: list[dict[str, Any]]
    seed: Any
    warm: Any = None
    warmup: dict[str, Any] | None = None


def prepare(
    scenario: Scenario | str | Path | None = None,
    rng: int | float | np.random.Generator | np.random.SeedSequence | None = None,
    *,
    overrides: Mapping[str, Any] | None = None,
    model_cls: type[OSLModel] = OSLModel,
    model_kwargs: Mapping[str, Any] | None = None,
    warmup: bool | Mapping[str, Any] = False,
) -> Prepared:
    """Build the model of a run and install its scenario; the one way every run starts.

    :func:`simulate`, the sweeps (through it) and the teaching page call this. The arguments
    are :func:`simulate`'s; ``rng=None`` draws a fresh seed (:func:`oslsim.seeds.fresh_seed`)
    and the seed is returned for the manifest.
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(
        DEFAULT_SCENARIO if scenario is None else scenario)
    from oslsim.region import Region, RegionError

    if isinstance(sc, Region):  # a region runs through simulate(), not one OSLModel
        raise RegionError(f"{sc.source}: is a region of {len(sc.kelurahan)} kelurahan; run it "
                          "with oslsim run / oslsim.simulate (warm starts too), or show one "
                          "kelurahan of it with oslsim serve --scenario NAME --kelurahan K")
    params = sc.build_params(overrides)
    if not (isinstance(model_cls, type) and issubclass(model_cls, OSLModel)):
        raise TypeError(f"model_cls must be OSLModel or a subclass of it, got {model_cls!r}")
    rng = as_seed(fresh_seed() if rng is None else rng)
    if isinstance(rng, np.random.Generator):
        seed: Any = seed_summary(rng)
    elif isinstance(rng, np.random.SeedSequence):
        seed = {"entropy": rng.entropy, "spawn_key": list(rng.spawn_key)}
    else:
        seed = rng
    settings = _warmup_settings(warmup)
    warm = None
    if settings is None:
        model = model_cls(params, rng=rng, **dict(model_kwargs or {}))
    else:
        model, warm = warm_start(params, rng, model_cls=model_cls,
                                 model_kwargs=model_kwargs, **settings)
    log = sc.install(model)
    return Prepared(sc, params, model, log, seed, warm, settings)


def simulate(
    scenario: Scenario | str | Path | None = None,
    months: int | None = None,
    rng: int | float | np.random.Generator | np.random.SeedSequence | None = None,
    *,
    overrides: Mapping[str, Any] | None = None,
    progress: Callable[[Iterable[int]], Iterable[int]] | None = None,
    model_cls: type[OSLModel] = OSLModel,
    model_kwargs: Mapping[str, Any] | None = None,
    warmup: bool | Mapping[str, Any] = False,
) -> RunResult:
    """Run one scenario and return its tables and manifest.

    Parameters
    ----------
    scenario : Scenario, str or Path, optional
        A loaded scenario, a built-in name, or a path to a ``.toml`` file; default
        ``"baseline"``.
    months : int, optional
        Months to simulate; default the scenario's ``months``. A shorter run does not reach
        the interventions that start later (listed in ``manifest["not_reached"]``).
    rng : int, float, numpy.random.Generator or numpy.random.SeedSequence, optional
        The run's seed (a float must be whole) or generator (SPEC 7); ``None`` draws a fresh
        seed and records it.
    overrides : mapping, optional
        Dotted parameter overrides applied on top of the scenario's (and its site's).
    progress : callable, optional
        Wraps the month loop, e.g. ``tqdm``.
    model_cls : type, optional
        The model class, ``OSLModel`` or a subclass of it (a model variant).
    model_kwargs : mapping, optional
        More keyword arguments for the model, e.g. ``phases`` or ``reporters``.
    warmup : bool or mapping, optional
        Warm start (:func:`oslsim.warmup.warm_start`): burn in without WKSBM until burden is
        stationary, then apply the scenario's dose and run ``months`` measured months. True
        uses the defaults; a mapping gives ``max_months`` and ``tolerance``. The burn-in's
        rows are in :attr:`RunResult.warmup` and its length in ``manifest["warmup"]``.
        Interventions are counted from the start of the measured period.

    Returns
    -------
    RunResult
        For a region (:mod:`oslsim.region`: a built-in region's name, a region file or a
        ``Region``), ``timeseries`` is the region's table and ``kelurahan`` the long table,
        one row per month and kelurahan.

    Raises
    ------
    oslsim.scenarios.ScenarioError
        A bad scenario, override or number of months (before anything runs).

    Examples
    --------
    >>> r = simulate("baseline", months=6, rng=1, overrides={"households": 300})
    >>> len(r.timeseries)
    7
    """
    from oslsim.region import Region, is_region, simulate_region

    if is_region(scenario) or isinstance(scenario, Region):
        return simulate_region(scenario, months, rng, overrides=overrides, progress=progress,
                               warmup=warmup)
    p = prepare(scenario, rng, overrides=overrides, model_cls=model_cls,
                model_kwargs=model_kwargs, warmup=warmup)
    sc, params, model, log, seed, warm, settings = (p.scenario, p.params, p.model, p.log,
                                                     p.seed, p.warm, p.warmup)
    run_months = sc.months if months is None else months
    not_reached = sc.check_months(run_months)
    model.run(run_months, progress=progress)
    ts = model.timeseries()
    happened, planned = _event_records(sc, log, not_reached)
    manifest: dict[str, Any] = {
        "scenario": sc.name, "source": sc.source, "site": sc.site, "months": int(run_months),
        "seed": seed, "overrides": {k: _plain(v) for k, v in (overrides or {}).items()},
        "params": params.to_dict(),
        "interventions": [dict(iv.spec) for iv in sc.interventions],
        "not_reached": [dict(iv.spec) for iv in not_reached],
        "events": planned,
        "param_changes": [{k: _plain(v) for k, v in c.items()} for c in model.param_changes],
        "model": f"{model_cls.__module__}.{model_cls.__qualname__}",
        "warmup": None if warm is None else {**settings, "months": warm.months,
                                             "stationary": warm.stationary,
                                             "slope": _plain(warm.slope)},
        "versions": versions(), **checkout(),
    }
    return RunResult(timeseries=ts, logic_model=model.logic_model(), manifest=manifest,
                     model=model, scenario=sc,
                     events=pd.DataFrame(happened, columns=list(EVENT_COLUMNS)),
                     warmup=model.warmup_timeseries())
