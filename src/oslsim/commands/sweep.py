"""``oslsim sweep``: run an experiment file's sweep into a DuckDB results store."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from oslsim.commands.common import (
    add_runner_options,
    check_file_destination,
    check_folder_destination,
)

EPILOG = """examples:
  oslsim sweep experiments/example_sweep.toml                 # all cores, progress bar
  oslsim sweep exp.toml --workers 2 --out results/exp.duckdb
  oslsim sweep exp.toml --scheduler tcp://10.0.0.5:8786       # a running Dask cluster
  oslsim sweep exp.toml --dask-local 4                        # a local Dask cluster
  oslsim sweep exp.toml --resume                              # only missing or failed runs
"""


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``sweep`` subcommand."""
    p = sub.add_parser(
        "sweep", help="run an experiment (a sweep of scenarios and parameters)",
        description="Run every run of an experiment file (factors x design x replicates) on "
                    "local processes or a Dask cluster, committing each finished run to a "
                    "DuckDB store. The format is in docs/experiments.md.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("experiment", type=Path, metavar="EXPERIMENT.toml",
                   help="the experiment file")
    add_runner_options(p)
    p.add_argument("--out", type=Path, metavar="STORE",
                   help="the DuckDB results file (default results/<experiment-name>.duckdb)")
    p.add_argument("--resume", action="store_true",
                   help="run only the runs that are missing or failed in the store")
    p.add_argument("--overwrite", action="store_true",
                   help="replace a stored experiment of the same name whose definition changed")
    p.add_argument("--no-progress", action="store_true", help="do not show the progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load the experiment, run the sweep, print where the results are."""
    from oslsim.experiments import SweepInterrupted, load_experiment, sweep
    from oslsim.experiments.store import StoreWriteError, default_store

    exp = load_experiment(args.experiment)
    if args.out is not None:
        check_file_destination("--out", args.out)
    else:
        check_folder_destination("--out", default_store(exp.name).parent)
    print(f"oslsim sweep: experiment {exp.name} ({exp.design} design, {exp.replicates} "
          f"replicate{'s' * (exp.replicates > 1)} per point)", file=sys.stderr)
    store = args.out if args.out is not None else default_store(exp.name)
    again = f"oslsim sweep {args.experiment} --out {store} --resume"
    try:
        report = sweep(exp, out=store, workers=args.workers, scheduler=args.scheduler,
                       dask_local=args.dask_local, resume=args.resume,
                       overwrite=args.overwrite, progress=not args.no_progress)
    except SweepInterrupted as stop:
        r = stop.report
        print(f"oslsim sweep: {r.summary()}; continue with: {again}", file=sys.stderr)
        return 143 if r.stopped_by == "SIGTERM" else 130
    except KeyboardInterrupt as stop:  # before the first run: the store may hold the plan
        term = getattr(stop, "signal_name", None) == "SIGTERM"
        print(f"oslsim sweep: {'stopped by SIGTERM' if term else 'interrupted'} before any run "
              f"finished; continue with: {again}", file=sys.stderr)
        return 143 if term else 130
    except StoreWriteError as exc:
        print(f"oslsim sweep: error: {' '.join(str(exc).split())}; when the cause is fixed, "
              f"continue with: {again}", file=sys.stderr)
        return 1
    if exp.seed is None:
        print(f"oslsim sweep: root seed {report.root_seed} (add 'seed = {report.root_seed}' to "
              "the file to repeat these numbers elsewhere)", file=sys.stderr)
    if report.to_run == 0:
        print(f"oslsim sweep: nothing to run: all {report.total} runs are done in {report.store} "
              "(run without --resume to run them again)")
    else:
        print(f"oslsim sweep: {report.summary()} [{report.runner}, {report.workers} workers]")
    if report.failed_now:
        print(f"oslsim sweep: {report.failed_now} runs failed; see their errors with: "
              f"oslsim results {report.store}", file=sys.stderr)
    return 0
