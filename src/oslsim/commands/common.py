"""Argument helpers shared by several subcommands."""

from __future__ import annotations

import argparse
import os
import tempfile
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
#: Largest seed: seeds are stored as 64-bit signed integers.
MAX_SEED = 2**63 - 1
#: A seed: a whole number from 0 to MAX_SEED (argparse names the option in its error).
seed_int = int_in(0, MAX_SEED, f"a whole number from 0 to 2**63 - 1 ({MAX_SEED})")


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


def parse_sets(items: list[str] | None, taken: dict[str, str] | None = None) -> dict[str, str]:
    """Turn repeated ``--set key=value`` into a mapping, refusing what would be ignored.

    Each key is checked against the parameters (name and value) here, before any work; a
    key given twice, or also given by its own option (``taken``: key -> option, e.g.
    ``{"households": "--households"}``), is refused rather than one silently winning.
    """
    from oslsim.tomlcheck import check_param

    result: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            raise InputError(f"--set {item!r}: expected key=value, e.g. "
                             "organisations.capacity_mean=0.4")
        if key in result:
            raise InputError(f"--set {key}: given twice ({key}={result[key]} and {key}={value}); "
                             "give each parameter once")
        if taken and key in taken:
            raise InputError(f"--set {key}: also given as {taken[key]}; use one of the two")
        try:
            check_param(key, value)
        except ValueError as exc:
            raise InputError(f"--set {key}={value}: {' '.join(str(exc).split())}") from None
        result[key] = value
    return result


def _probe_folder(option: str, path: Path, folder: Path) -> None:
    """Refuse a folder this process cannot create a file in (tried, then removed)."""
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".oslsim-probe-"):
            pass
    except OSError as exc:
        raise InputError(f"{option} {path}: cannot write in {folder} "
                         f"({exc.strerror or type(exc).__name__}); choose another place"
                         ) from None


def _existing_parent(option: str, path: Path) -> Path:
    """The nearest folder above ``path`` that exists; a file in the way is refused."""
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise InputError(f"{option} {path}: {parent} is a file, not a folder")
    return parent


def check_file_destination(option: str, path: Path) -> None:
    """Check, before any work, that a file can be written at ``path``; exit 2 if not.

    An existing directory, a non-regular file or an unwritable place is refused in one line
    naming the option, so a finished computation is never lost at the end.
    """
    if path.is_dir():
        raise InputError(f"{option} {path}: is a folder; give a file name")
    if path.exists():
        if not path.is_file():
            raise InputError(f"{option} {path}: is not a regular file; give a file name")
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_APPEND))  # opens, writes nothing
        except OSError as exc:
            raise InputError(f"{option} {path}: cannot be written "
                             f"({exc.strerror or type(exc).__name__})") from None
        return
    _probe_folder(option, path, _existing_parent(option, path))


def check_folder_destination(option: str, path: Path) -> None:
    """Check, before any work, that files can be written into folder ``path``; exit 2 if not."""
    if path.exists():
        if not path.is_dir():
            raise InputError(f"{option} {path}: is a file; give a folder")
        _probe_folder(option, path, path)
        return
    _probe_folder(option, path, _existing_parent(option, path))


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
