"""``oslsim export``: write every table of a results store as Parquet (or CSV) files."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``export`` subcommand."""
    p = sub.add_parser(
        "export", help="export a results store's tables as Parquet or CSV",
        description="Write the experiments, design, runs and timeseries tables of a DuckDB "
                    "results store to DIR/<table>.parquet (or .csv).",
        epilog="example:\n  oslsim export results/example_sweep.duckdb --parquet out/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("store", type=Path, metavar="STORE", help="a .duckdb file from 'oslsim sweep'")
    fmt = p.add_mutually_exclusive_group(required=True)
    fmt.add_argument("--parquet", type=Path, metavar="DIR", help="write Parquet files into DIR")
    fmt.add_argument("--csv", type=Path, metavar="DIR", help="write CSV files into DIR")
    p.add_argument("--experiment", metavar="NAME", help="only this experiment's rows")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Export the tables and list the files written."""
    from oslsim.commands.common import check_folder_destination
    from oslsim.experiments.store import export_tables

    fmt, folder = ("parquet", args.parquet) if args.parquet else ("csv", args.csv)
    check_folder_destination(f"--{fmt}", folder)
    for path in export_tables(args.store, folder, fmt, args.experiment):
        print(f"wrote {path}")
    return 0
