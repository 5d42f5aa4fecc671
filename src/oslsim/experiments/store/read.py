"""Reading a results store back: :func:`load_results`, :func:`tidy`, :func:`export_tables`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import duckdb
import pandas as pd

from oslsim.errors import InputError
from oslsim.experiments.store.connection import StoreWriteError, _cause
from oslsim.experiments.store.result_store import ResultStore
from oslsim.experiments.store.schema import DONE, TABLES


def load_results(path: str | Path, experiment: str | None = None) -> dict[str, pd.DataFrame]:
    """Read a results store into pandas: one DataFrame per table of :data:`TABLES`.

    Parameters
    ----------
    path : str or Path
        A ``.duckdb`` file written by :func:`oslsim.sweep` / ``oslsim sweep``.
    experiment : str, optional
        Only this experiment's rows (a store may hold several).

    Returns
    -------
    dict of pandas.DataFrame
        ``runs`` (one row per run, with ``status``, ``seed``, ``params`` as JSON text),
        ``design`` (one row per point, a column per factor), ``timeseries`` (kept months
        and outcomes per run), ``events`` (what each run's interventions did), ``outcomes``
        (units and meanings) and ``experiments``. Join them with :func:`tidy`, or read the
        ``final`` view with SQL (``docs/experiments.md``).

    Examples
    --------
    >>> res = load_results("results/example_sweep.duckdb")  # doctest: +SKIP
    >>> tidy(res).groupby("organisations.wksbm_coverage")["burden"].mean()  # doctest: +SKIP
    """
    with ResultStore(path, read_only=True) as store:
        if experiment is not None and experiment not in store.experiment_names():
            names = ", ".join(store.experiment_names()) or "none"
            raise InputError(f"{path}: experiment {experiment!r} is not in the store; stored: "
                             f"{names}")
        try:
            return store.tables(experiment)
        except duckdb.Error as exc:
            raise InputError(f"{path}: cannot be read as a results store ({_cause(exc)}); it "
                             "may be truncated or damaged") from None


def tidy(results: Mapping[str, pd.DataFrame], month: int | str | None = "last",
         ) -> pd.DataFrame:
    """One tidy table of the done runs: run keys, seed, factor values and outcomes.

    Parameters
    ----------
    results : mapping
        What :func:`load_results` returns.
    month : int, "last" or None
        ``"last"``: each run's last kept month; an int: that month; ``None``: every month.

    Returns
    -------
    pandas.DataFrame
        Columns ``experiment, run_id, point, replicate, scenario, seed``, the factor columns,
        ``month`` and the outcome columns; one row per run (per month with ``None``).
    """
    runs, design, ts = results["runs"], results["design"], results["timeseries"]
    keys = ["experiment", "run_id", "point", "replicate", "scenario", "seed"]
    if runs.empty:
        return pd.DataFrame(columns=keys + ["month"])
    done = runs.loc[runs["status"] == DONE, keys]
    factors = design.drop(columns=["scenario"], errors="ignore")
    table = done.merge(factors, on=["experiment", "point"], how="left")
    if month == "last":
        ts = ts.loc[ts.groupby("run_id")["month"].transform("max") == ts["month"]]
    elif month is not None:
        ts = ts.loc[ts["month"] == int(month)]
    out = table.merge(ts, on="run_id", how="inner")
    return out.sort_values(["experiment", "point", "replicate", "month"]).reset_index(drop=True)


def export_tables(path: str | Path, folder: str | Path, fmt: str = "parquet",
                  experiment: str | None = None) -> list[Path]:
    """Write every table of a store to ``folder/<table>.parquet`` (or ``.csv``); return paths.

    DuckDB streams each table straight to the file, so stores larger than memory export.
    """
    if fmt not in ("parquet", "csv"):
        raise InputError(f"format {fmt!r} is not allowed; use parquet or csv")
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder}: is a file; give a folder for the exported tables")
    written: list[Path] = []
    with ResultStore(path, read_only=True) as store:
        if experiment is not None and experiment not in store.experiment_names():
            names = ", ".join(store.experiment_names()) or "none"
            raise InputError(f"{path}: experiment {experiment!r} is not in the store; stored: "
                             f"{names}")
        folder.mkdir(parents=True, exist_ok=True)
        for table in TABLES:
            if not store.has_table(table):
                continue
            target = folder / f"{table}.{fmt}"
            query = f"SELECT * FROM {table}"
            if experiment is not None:
                query += {"experiments": " WHERE name = $e", "design": " WHERE experiment = $e",
                          "runs": " WHERE experiment = $e",
                          "timeseries": " WHERE run_id IN (SELECT run_id FROM runs WHERE "
                                        "experiment = $e)",
                          "events": " WHERE run_id IN (SELECT run_id FROM runs WHERE "
                                    "experiment = $e)",
                          "outcomes": ""}[table]
            literal = "'" + str(target).replace("'", "''") + "'"
            options = "FORMAT PARQUET" if fmt == "parquet" else "FORMAT CSV, HEADER"
            try:
                store.con.execute(f"COPY ({query}) TO {literal} ({options})",
                                  {"e": experiment} if experiment is not None else None)
            except duckdb.IOException as exc:
                if "read" not in str(exc).lower():
                    raise StoreWriteError(f"{target}: cannot be written: {_cause(exc)}"
                                          ) from None
                raise InputError(f"{path}: cannot be read as a results store "
                                 f"({_cause(exc)}); it may be truncated or damaged") from None
            except duckdb.Error as exc:
                raise InputError(f"{path}: cannot be read as a results store "
                                 f"({_cause(exc)}); it may be truncated or damaged") from None
            written.append(target)
    return written
