"""EMA Workbench adapter: a scenario, uncertainties, levers and outcomes as an EMA model.

``ema_model(...)`` returns an ``ema_workbench.ReplicatorModel`` whose function runs
:func:`oslsim.simulate`. Uncertainties and levers are named by parameter path
(``"organisations.capacity_mean"``); EMA sees them under identifier names
(``organisations_capacity_mean``) and hands them back by path through ``variable_name``.
Seeds are EMA *replications*: replication ``r`` runs with the ``r``-th seed of
``SeedSequence(seed).spawn(replications)`` at every experiment (common random numbers, as
:func:`oslsim.sweep` does), and each outcome is reduced over the replications (mean by
default). Needs the optional extra: ``pip install "oslsim[ema]"`` (EMA Workbench 2.5).

Examples
--------
>>> from ema_workbench import MultiprocessingEvaluator  # doctest: +SKIP
>>> model = ema_model("baseline", uncertainties=["organisations.capacity_mean"],
...                   outcomes=["burden"], months=24, replications=3, seed=1,
...                   overrides={"households": 500})  # doctest: +SKIP
>>> with MultiprocessingEvaluator(model, n_processes=2) as ev:  # doctest: +SKIP
...     experiments, outcomes = ev.perform_experiments(scenarios=8)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from oslsim.experiments.designs import replicate_seeds
from oslsim.model import OSLModel
from oslsim.params import Params, param_info
from oslsim.scenarios import Scenario, load_scenario
from oslsim.simulation import simulate

__all__ = ["OslsimFunction", "ema_model", "ema_name", "ema_parameters"]

#: Outcome kinds by word, as EMA's ScalarOutcome takes them.
KINDS = {"info": 0, "minimize": -1, "maximize": 1}


def _ema() -> Any:
    """Import EMA Workbench, or say in one line how to install it."""
    try:
        import ema_workbench
    except ImportError:
        raise ImportError("oslsim.ema needs EMA Workbench 2.5: pip install 'oslsim[ema]'"
                          ) from None
    return ema_workbench


def ema_name(path: str) -> str:
    """The identifier EMA shows for a parameter path: dots become underscores."""
    return path.replace(".", "_")


@dataclass(frozen=True)
class OslsimFunction:
    """The picklable run function of an EMA model: parameters by path and a seed in, outcomes out.

    Each call runs one replication: ``simulate(scenario, months, rng=seed, overrides=...)``
    and returns, per outcome, the mean over the last ``window`` months (1: the final month).
    """

    scenario: Scenario
    months: int | None
    outcomes: tuple[str, ...]
    overrides: Mapping[str, Any] = field(default_factory=dict)
    window: int = 1
    model_cls: type[OSLModel] = OSLModel
    model_kwargs: Mapping[str, Any] = field(default_factory=dict)

    def __call__(self, seed: int | float | None = None, **params: Any) -> dict[str, float]:
        """Run one replication; ``params`` are dotted parameter paths and their values."""
        result = simulate(self.scenario, self.months, rng=seed,
                          overrides={**self.overrides, **params}, model_cls=self.model_cls,
                          model_kwargs=self.model_kwargs)
        tail = result.timeseries.iloc[-self.window:]
        return {name: float(tail[name].mean()) for name in self.outcomes}


def _parameter(ema: Any, path: str, spec: Any) -> Any:
    """One EMA parameter for a parameter path: a range, a list of choices, or the declared range."""
    if isinstance(spec, ema.em_framework.parameters.Parameter):
        return spec
    try:
        info = param_info(path)
    except ValueError as exc:
        raise ValueError(f"uncertainties/levers: {exc}") from None
    name = ema_name(path)
    if spec is None:
        if info.type is bool:
            return ema.BooleanParameter(name, variable_name=path)
        if info.choices:
            return ema.CategoricalParameter(name, list(info.choices), variable_name=path)
        if info.low is None or info.high is None:
            raise ValueError(f"{path}: has no declared range; give one, e.g. (low, high)")
        spec = (info.low, info.high)
    if isinstance(spec, (list, set)) or (isinstance(spec, tuple) and len(spec) != 2):
        values = list(spec)
        for v in values:
            Params().with_overrides({path: v})  # a bad choice fails here, in one line
        return ema.CategoricalParameter(name, values, variable_name=path)
    if isinstance(spec, tuple):
        low, high = spec
        if info.type not in (int, float):
            raise ValueError(f"{path}: a range needs a numeric parameter; give a list of "
                             f"choices ({info.allowed()})")
        if not low < high:
            raise ValueError(f"{path}: range ({low}, {high}) needs low < high")
        for v in (low, high):
            Params().with_overrides({path: v})  # outside the declared range fails here
        if info.type is int:
            return ema.IntegerParameter(name, int(low), int(high), variable_name=path)
        return ema.RealParameter(name, float(low), float(high), variable_name=path)
    raise ValueError(f"{path}: {spec!r} is not allowed; give (low, high), a list of choices, "
                     "or None for the declared range")


def ema_parameters(specs: Mapping[str, Any] | Iterable[str] | None) -> list[Any]:
    """EMA parameters for ``{path: (low, high) | [choices] | None}`` or a list of paths."""
    ema = _ema()
    if specs is None:
        return []
    items = specs.items() if isinstance(specs, Mapping) else ((p, None) for p in specs)
    out = [_parameter(ema, path, spec) for path, spec in items]
    names = [p.name for p in out]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise ValueError(f"two parameters share the EMA name {dup!r}; name one of them with an "
                         "ema_workbench Parameter of your own")
    return out


def ema_model(
    scenario: Scenario | str | Path = "baseline",
    *,
    uncertainties: Mapping[str, Any] | Iterable[str] | None = None,
    levers: Mapping[str, Any] | Iterable[str] | None = None,
    outcomes: Mapping[str, str] | Sequence[str] = ("burden",),
    months: int | None = None,
    replications: int = 1,
    seed: int = 0,
    overrides: Mapping[str, Any] | None = None,
    window: int = 1,
    aggregate: Callable[[Sequence[float]], float] | None = np.mean,
    model_cls: type[OSLModel] = OSLModel,
    model_kwargs: Mapping[str, Any] | None = None,
    name: str | None = None,
) -> Any:
    """Build an EMA Workbench ``ReplicatorModel`` that runs an oslsim scenario.

    Parameters
    ----------
    scenario : Scenario, str or Path
        A loaded scenario, a built-in name or a ``.toml`` file.
    uncertainties, levers : mapping or list of parameter paths
        ``{path: (low, high)}`` (real or integer by the parameter's type), ``{path: [choices]}``
        or ``{path: None}`` / a list of paths for the declared range or choices. EMA
        Parameter objects whose ``variable_name`` is a path are passed through.
    outcomes : list of names, or mapping of name to "info", "minimize" or "maximize"
        Time-series columns (custom reporters too) reported to EMA.
    months : int, optional
        Months per run (default: the scenario's).
    replications : int
        Seeds per experiment; replication ``r`` uses the same seed in every experiment.
    seed : int
        Root of the replication seeds.
    overrides : mapping, optional
        Dotted parameter overrides held constant in every run.
    window : int
        Each outcome is the mean of its last ``window`` months (1: the final month).
    aggregate : callable or None
        Reduces an outcome over the replications (default ``numpy.mean``); ``None`` keeps
        every replication (an ``ArrayOutcome``; EMA 2.5 then refuses the same outcome name
        as a ``ScalarOutcome`` in the same process).
    model_cls, model_kwargs
        A model variant and its keyword arguments (``phases``, ``reporters``); for a process
        pool they must be importable or defined before the pool starts.
    name : str, optional
        The EMA model's name (letters and digits); default ``oslsim<scenario>``.

    Returns
    -------
    ema_workbench.ReplicatorModel
    """
    ema = _ema()
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
        raise ValueError(f"replications: {replications!r} is not allowed; use 1 or more")
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise ValueError(f"window: {window!r} is not allowed; use 1 or more months")
    kinds = dict(outcomes) if isinstance(outcomes, Mapping) else dict.fromkeys(outcomes, "info")
    if not kinds:
        raise ValueError("outcomes: name at least one outcome column, e.g. ['burden']")
    bad_kind = next((k for k in kinds.values() if k not in KINDS), None)
    if bad_kind is not None:
        raise ValueError(f"outcomes: kind {bad_kind!r} is not allowed; use one of "
                         f"{', '.join(KINDS)}")
    base = dict(overrides or {})
    kwargs = dict(model_kwargs or {})
    # which columns a run yields: month 0 of the model as configured (cheap, and exact)
    columns = model_cls(sc.build_params(base), rng=0, **kwargs).timeseries().columns
    missing = [o for o in kinds if o not in columns]
    if missing:
        raise ValueError(f"outcomes: {missing[0]!r} is not a column of the run's time series; "
                         f"use one of {', '.join(c for c in columns if c != 'month')}")
    unc, lev = ema_parameters(uncertainties), ema_parameters(levers)
    fn = OslsimFunction(sc, months, tuple(kinds), base, window, model_cls, kwargs)
    # EMA 2.5 wants a model name of letters and digits only
    model = ema.ReplicatorModel(name or "oslsim" + "".join(ch for ch in sc.name if ch.isalnum()),
                                function=fn)
    model.uncertainties = unc
    model.levers = lev
    if aggregate is None:
        model.outcomes = [ema.ArrayOutcome(o) for o in kinds]
    else:
        model.outcomes = [ema.ScalarOutcome(o, kind=KINDS[k], function=aggregate)
                          for o, k in kinds.items()]
    model.replications = [{"seed": s} for s in replicate_seeds(int(seed), replications)]
    return model
