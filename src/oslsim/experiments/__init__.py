"""Experiments: sweeps of scenarios and parameters, from a laptop to a Dask cluster.

An experiment file (TOML) names the scenario(s), the factors and a design (grid, Latin
hypercube, Sobol, Morris), replicates, months and what to keep. :func:`sweep` runs it on a
local process pool or a Dask cluster and commits every finished run to an embedded DuckDB
store; :func:`load_results` reads the store back as pandas tables. See ``docs/experiments.md``.
"""

from oslsim.experiments.coordinator import (
    SweepInterrupted,
    SweepPlan,
    SweepReport,
    plan_sweep,
    run_id,
    sweep,
)
from oslsim.experiments.designs import (
    build_design,
    grid,
    latin_hypercube,
    morris,
    replicate_seeds,
    sobol,
)
from oslsim.experiments.runner import RunOutcome, RunTask, execute_run
from oslsim.experiments.spec import (
    DESIGNS,
    Experiment,
    ExperimentError,
    Factor,
    Keep,
    load_experiment,
    parse_experiment,
)
from oslsim.experiments.store import TABLES, ResultStore, default_store, load_results, tidy

__all__ = [
    "DESIGNS",
    "TABLES",
    "Experiment",
    "ExperimentError",
    "Factor",
    "Keep",
    "ResultStore",
    "RunOutcome",
    "RunTask",
    "SweepInterrupted",
    "SweepPlan",
    "SweepReport",
    "build_design",
    "default_store",
    "execute_run",
    "grid",
    "latin_hypercube",
    "load_experiment",
    "load_results",
    "morris",
    "parse_experiment",
    "plan_sweep",
    "replicate_seeds",
    "run_id",
    "sobol",
    "sweep",
    "tidy",
]
