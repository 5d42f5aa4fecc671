"""``oslsim results``: describe a sweep's results store (runs, factors, final outcomes)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``results`` subcommand."""
    p = sub.add_parser(
        "results", help="summarise a sweep's results store",
        description="Print, for each experiment in a DuckDB results store: runs done, failed "
                    "and pending, the factors' values, outcome summaries at the last month and "
                    "the errors of failed runs.",
        epilog="example:\n  oslsim results results/example_sweep.duckdb",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("store", type=Path, metavar="STORE", help="a .duckdb file from 'oslsim sweep'")
    p.add_argument("--experiment", metavar="NAME", help="only this experiment of the store")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the store's summary."""
    from oslsim.experiments.summary import describe_store

    print(describe_store(args.store, args.experiment))
    return 0
