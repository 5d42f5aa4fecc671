"""Experiment designs: full grids, Latin hypercubes, Sobol (Saltelli) and Morris samples.

Samplers return unit-free arrays in the factors' own bounds; :func:`build_design` crosses
the listed factors (and scenarios) with the sampled points and numbers every point. All
randomness comes from a generator derived from the experiment's root seed (SPEC 7).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from oslsim.experiments.spec import SCENARIO_FACTOR, Experiment
from oslsim.seeds import as_generator, design_rng, replicate_seeds

__all__ = [
    "MAX_RUNS",
    "build_design",
    "check_size",
    "design_size",
    "design_rng",
    "grid",
    "latin_hypercube",
    "morris",
    "replicate_seeds",
    "sobol",
]

#: Most runs (points x replicates) an experiment may plan: a million runs of a second each is
#: eleven days on one core, and the store's pending rows are made before the first run.
MAX_RUNS = 1_000_000

_rng = as_generator


def _bounds(problem: Mapping[str, Any]) -> np.ndarray:
    bounds = np.asarray(problem["bounds"], dtype=float).reshape(-1, 2)
    if len(bounds) != problem["num_vars"] or np.any(bounds[:, 0] >= bounds[:, 1]):
        raise ValueError("problem bounds must be num_vars pairs [low, high] with low < high")
    return bounds


def grid(values: Mapping[str, tuple[Any, ...]] | list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Every combination of the factors' values, the first factor varying slowest."""
    lists = list(values.values()) if isinstance(values, Mapping) else list(values)
    return list(itertools.product(*lists))


def latin_hypercube(problem: Mapping[str, Any], n: int,
                    rng: int | np.random.Generator | None = None) -> np.ndarray:
    """``n`` Latin-hypercube points in the problem's bounds (SALib ``latin``), shape (n, d)."""
    from SALib.sample import latin

    _bounds(problem)
    return np.asarray(latin.sample(dict(problem), n, seed=_rng(rng)), dtype=float)


def sobol(problem: Mapping[str, Any], n: int, rng: int | np.random.Generator | None = None,
          second_order: bool = True) -> np.ndarray:
    """Saltelli's extension of a scrambled Sobol sequence (SALib ``sobol``).

    ``n`` must be a power of 2; the sample has ``n * (2d + 2)`` rows with second-order
    indices, ``n * (d + 2)`` without, in the order ``SALib.analyze.sobol`` expects.
    """
    from SALib.sample import sobol as saltelli

    _bounds(problem)
    if n < 1 or n & (n - 1):
        raise ValueError(f"Sobol needs a power of 2 base samples, got {n}")
    return np.asarray(saltelli.sample(dict(problem), n, calc_second_order=second_order,
                                      scramble=True, seed=_rng(rng)), dtype=float)


def morris(problem: Mapping[str, Any], n: int, rng: int | np.random.Generator | None = None,
           levels: int = 4) -> np.ndarray:
    """``n`` Morris trajectories on a ``levels`` grid (SALib ``morris``), ``n * (d + 1)`` rows."""
    from SALib.sample import morris as elementary

    _bounds(problem)
    return np.asarray(elementary.sample(dict(problem), n, num_levels=levels, seed=_rng(rng)),
                      dtype=float)


def design_size(exp: Experiment) -> int:
    """How many design points an experiment has, from its definition alone (no sampling).

    Grid ranges count their ``levels`` (an upper bound: integer levels may coincide).
    """
    points = 1
    for f in exp.listed:
        points *= len(f.values) if f.values is not None else int(f.levels or 1)
    if exp.design in ("lhs", "sobol", "morris"):
        d, n = len(exp.ranged), int(exp.samples or 0)
        points *= {"lhs": n, "morris": n * (d + 1),
                   "sobol": n * (2 * d + 2 if exp.second_order else d + 2)}[exp.design]
    return points


def check_size(exp: Experiment) -> int:
    """Return the number of runs, or raise a one-line error when it is over :data:`MAX_RUNS`.

    Checked before anything is sampled or allocated (a Sobol sample of 2**30 points would
    ask for many GiB).
    """
    from oslsim.experiments.spec import ExperimentError

    points = design_size(exp)
    runs = points * exp.replicates
    if runs > MAX_RUNS:
        raise ExperimentError(
            f"{exp.source}: the design has {runs:,} runs ({points:,} points x "
            f"{exp.replicates:,} replicates); at most {MAX_RUNS:,} are allowed; lower samples, "
            "levels, the listed values or replicates")
    return runs


def _sample(exp: Experiment, root: int) -> np.ndarray | None:
    problem = exp.problem()
    if problem is None:
        return None
    assert exp.samples is not None  # noqa: S101 - checked when the file was parsed
    rng = design_rng(root)
    if exp.design == "lhs":
        return latin_hypercube(problem, exp.samples, rng)
    if exp.design == "sobol":
        return sobol(problem, exp.samples, rng, second_order=exp.second_order)
    return morris(problem, exp.samples, rng, levels=exp.levels)


def build_design(exp: Experiment, root: int) -> pd.DataFrame:
    """Number every design point: columns ``point``, ``scenario``, ``sample`` and the factors.

    Listed factors (and the ``scenario`` factor) are crossed as a full grid, the first
    varying slowest; within each combination a sampled design's rows follow in sampler
    order, ``sample`` giving the row (so ``SALib.analyze`` can be fed per combination).
    ``sample`` is missing in a grid. Integer parameters are rounded to whole numbers.
    """
    check_size(exp)
    listed = exp.listed
    ranged = exp.ranged if exp.design != "grid" else ()
    combos = grid([f.grid_values() for f in listed])
    sample = _sample(exp, root)
    default_scenario = exp.scenario_labels[0]
    rows: list[dict[str, Any]] = []
    for combo in combos:
        base = dict(zip((f.name for f in listed), combo, strict=True))
        scenario = base.pop(SCENARIO_FACTOR, default_scenario)
        if sample is None:
            rows.append({"scenario": scenario, "sample": None, **base})
            continue
        for i, x in enumerate(sample):
            drawn = {f.name: f.coerce(v) for f, v in zip(ranged, x, strict=True)}
            rows.append({"scenario": scenario, "sample": i, **base, **drawn})
    order = [f.name for f in exp.factors if f.name != SCENARIO_FACTOR]
    df = pd.DataFrame(rows, columns=["scenario", "sample", *order])
    df.insert(0, "point", np.arange(len(df), dtype=np.int64))
    df["sample"] = df["sample"].astype("Int64")
    for f in exp.factors:
        if f.name != SCENARIO_FACTOR:
            df[f.name] = df[f.name].astype({int: "int64", float: "float64", bool: "bool",
                                            str: "object"}[f.type])
    return df
