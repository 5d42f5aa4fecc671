"""Argument helpers shared by several subcommands."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from oslsim.errors import InputError


def int_in(low: int, high: int | None = None, allowed: str | None = None):  # noqa: ANN201
    """Return an argparse type that parses a whole number in [low, high]."""
    words = allowed or (f"a whole number of {low} or more" if high is None
                        else f"a whole number from {low} to {high}")

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{value} is not allowed; use {words}")
        return value

    return parse


#: Whole numbers of at least 1 and at least 0.
positive_int = int_in(1)
non_negative_int = int_in(0)


def param_int(path: str):  # noqa: ANN201 - an argparse type
    """Return an argparse type that parses an integer within a parameter's declared range."""
    from oslsim.params import param_info

    info = param_info(path)
    return int_in(int(info.low), None if info.high is None else int(info.high), info.allowed())


def add_runner_options(parser: argparse.ArgumentParser, dask_local: bool = True) -> None:
    """Add where runs execute: ``--workers N`` | ``--scheduler ADDR`` [| ``--dask-local N``]."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=non_negative_int, metavar="N",
                       help="local worker processes (default: all cores; 0 runs in this "
                            "process)")
    where.add_argument("--scheduler", metavar="ADDR",
                       help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786")
    if dask_local:
        where.add_argument("--dask-local", type=positive_int, metavar="N",
                           help="start a local Dask cluster of N single-threaded workers")


def parse_sets(items: list[str] | None) -> dict[str, str]:
    """Turn repeated ``--set key=value`` into a mapping; the values are coerced later."""
    result: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--set {item!r}: expected key=value, e.g. "
                             "organisations.capacity_mean=0.4")
        result[key.strip()] = value.strip()
    return result


def add_set_option(parser: argparse.ArgumentParser) -> None:
    """Add the repeatable ``--set key=value`` option."""
    parser.add_argument("--set", action="append", metavar="KEY=VALUE", dest="sets",
                        help="override a parameter by its dotted name, e.g. "
                             "--set organisations.capacity_mean=0.4 (repeatable; names in "
                             "docs/parameters.md)")


def write_table(df: pd.DataFrame, path: Path) -> None:
    """Write a table as Parquet when the name ends in .parquet, else as CSV."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise InputError(f"--out {path}: use a name ending in .csv or .parquet")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".parquet":
        df.to_parquet(path, index=False)
    else:
        df.to_csv(path, index=False)
