"""One run as a pure function: a scenario and a seed in, tables and a manifest out.

``simulate(scenario, months, rng)`` resolves the scenario's site and parameters, applies any
extra overrides, installs the scenario's dated interventions as model hooks, runs the model
and returns a :class:`RunResult` whose manifest records everything needed to repeat it.
"""

from __future__ import annotations

import platform
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from oslsim.model import OSLModel
from oslsim.scenarios import Scenario, load_scenario

__all__ = ["RunResult", "simulate", "seed_summary", "versions"]

#: Built-in scenario used when none is given.
DEFAULT_SCENARIO = "baseline"
#: Columns of :attr:`RunResult.events`.
EVENT_COLUMNS = ("month", "action", "event", "result")


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
        parameters (flat), the interventions (and those a shorter run does not reach) and the
        versions of oslsim, Python, numpy, Mesa and pandas.
    model : OSLModel
        The model after the run, for inspection.
    scenario : Scenario
        The scenario that was run.
    events : pandas.DataFrame
        What the interventions did: month, action, event (pulse/start/end) and result.
    """

    timeseries: pd.DataFrame
    logic_model: pd.DataFrame
    manifest: dict[str, Any]
    model: OSLModel = field(repr=False)
    scenario: Scenario | None = field(default=None, repr=False)
    events: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=EVENT_COLUMNS),
                                 repr=False)

    @property
    def final(self) -> pd.Series:
        """The last month's row of the time series."""
        return self.timeseries.iloc[-1]


def versions() -> dict[str, str]:
    """Versions of oslsim, Python, numpy, Mesa and pandas, for the manifest."""
    from oslsim import __version__

    return {"oslsim": __version__, "python": platform.python_version(),
            "numpy": np.__version__, "mesa": mesa.__version__, "pandas": pd.__version__}


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


def _fresh_seed() -> int:
    """A new 63-bit seed from operating-system entropy (recorded, so the run can be repeated)."""
    return int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> np.uint64(1))


def simulate(
    scenario: Scenario | str | Path | None = None,
    months: int | None = None,
    rng: int | np.random.Generator | None = None,
    *,
    overrides: Mapping[str, Any] | None = None,
    progress: Callable[[Iterable[int]], Iterable[int]] | None = None,
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
    rng : int or numpy.random.Generator, optional
        The run's seed or generator (SPEC 7); ``None`` draws a fresh seed and records it.
    overrides : mapping, optional
        Dotted parameter overrides applied on top of the scenario's (and its site's).
    progress : callable, optional
        Wraps the month loop, e.g. ``tqdm``.

    Returns
    -------
    RunResult

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
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(
        DEFAULT_SCENARIO if scenario is None else scenario)
    run_months = sc.months if months is None else months
    params = sc.build_params(overrides)
    not_reached = sc.check_months(run_months)
    if rng is None:
        rng = _fresh_seed()
    if isinstance(rng, np.random.Generator):
        seed: Any = seed_summary(rng)
    elif isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        seed = int(rng)
    else:
        raise TypeError(f"rng must be an int or a numpy.random.Generator, got {type(rng).__name__}")
    model = OSLModel(params, rng=rng)
    log = sc.install(model)
    model.run(run_months, progress=progress)
    ts = model.timeseries()
    manifest: dict[str, Any] = {
        "scenario": sc.name, "source": sc.source, "site": sc.site, "months": int(run_months),
        "seed": seed, "overrides": dict(overrides or {}), "params": params.to_dict(),
        "interventions": [dict(iv.spec) for iv in sc.interventions],
        "not_reached": [dict(iv.spec) for iv in not_reached],
        "versions": versions(),
    }
    return RunResult(timeseries=ts, logic_model=model.logic_model(), manifest=manifest,
                     model=model, scenario=sc,
                     events=pd.DataFrame(log, columns=list(EVENT_COLUMNS)))
