"""Argument helpers shared by several subcommands."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from oslsim.errors import InputError


def positive_int(text: str) -> int:
    """Parse an integer of at least 1 (for argparse)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not allowed; use a whole number of 1 or more")
    return value


def param_int(path: str):  # noqa: ANN201 - an argparse type
    """Return an argparse type that parses an integer within a parameter's declared range."""
    from oslsim.params import param_info

    info = param_info(path)

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if (info.low is not None and value < info.low) or (
                info.high is not None and value > info.high):
            raise argparse.ArgumentTypeError(f"{value} is not allowed; use {info.allowed()}")
        return value

    return parse


def non_negative_int(text: str) -> int:
    """Parse an integer of at least 0 (for argparse)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is not allowed; use a whole number of 0 or more")
    return value


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
