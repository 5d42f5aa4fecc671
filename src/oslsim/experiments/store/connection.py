"""Opening a results store: one-line errors for the usual problems, and write failures."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from oslsim.errors import InputError


class StoreWriteError(RuntimeError):
    """The store could not be written (disk full, read-only, …); what was committed is kept.

    The message is one line with the real cause, for the command line to print as is.
    """


def _cause(exc: BaseException) -> str:
    """One line naming an I/O failure: DuckDB's own message, or the system's."""
    text = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return " ".join(text.split())[:300] or type(exc).__name__


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back after a failure; DuckDB may have ended the transaction itself already."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:  # noqa: S110 - no transaction left: nothing to undo, keep the cause
        pass


def default_store(name: str) -> Path:
    """Where a sweep writes unless told: ``results/<experiment-name>.duckdb``."""
    return Path("results") / f"{name}.duckdb"


def _connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file with one-line errors for the usual problems."""
    if read_only and not path.exists():
        raise InputError(f"{path}: file not found; give a results store written by "
                         "'oslsim sweep' (a .duckdb file)")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a results store (.duckdb)")
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{path}: cannot create its folder ({_cause(exc)}); give --out "
                             "in a folder you can write") from None
        if path.exists() and not os.access(path, os.W_OK):
            raise InputError(f"{path}: the store cannot be written (permission denied); give "
                             "another --out, or read it with 'oslsim results'")
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        msg = str(exc)
        if "lock" in msg.lower():
            raise InputError(f"{path}: the store is in use by another process (a running "
                             "sweep?); wait for it to finish") from None
        if not read_only and ("permission" in msg.lower() or "read-only" in msg.lower()):
            raise InputError(f"{path}: the store cannot be written ({_cause(exc)}); give "
                             "another --out") from None
        raise InputError(f"{path}: not a results store DuckDB can open "
                         f"({' '.join(msg.split())[:200]})") from None
    except duckdb.Error as exc:
        raise InputError(f"{path}: not a results store DuckDB can open "
                         f"({' '.join(str(exc).split())[:200]})") from None
