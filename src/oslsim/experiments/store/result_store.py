"""The :class:`ResultStore`: the coordinator's only writer, and what readers ask of it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from oslsim.errors import InputError
from oslsim.experiments.spec import Experiment, ExperimentError
from oslsim.experiments.store.connection import StoreWriteError, _cause, _connect, _rollback
from oslsim.experiments.store.schema import (
    _REQUIRED,
    _SCHEMA,
    DONE,
    FAILED,
    PENDING,
    TABLES,
    _quote,
    _sql_type,
    outcome_rows,
)

if TYPE_CHECKING:
    from oslsim.experiments.runner import RunOutcome, RunTask


def _interventions(scenario: Any) -> str:
    """A scenario's dated interventions as JSON (what a run does beyond its parameters)."""
    return json.dumps([dict(iv.spec) for iv in getattr(scenario, "interventions", ())],
                      default=str)


def _number(value: Any) -> float | None:
    """An event's result as a number for SQL (``None`` when it is not one)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        return None
    return float(value)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class ResultStore:
    """The DuckDB results file of one or more experiments; the coordinator's only writer.

    Parameters
    ----------
    path : str or Path
        The ``.duckdb`` file; created (with its folder) when writing.
    read_only : bool
        Open for reading only (several readers may share the file, never with a writer).
    """

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.con = _connect(self.path, read_only)
        if not read_only:
            # one thread: the coordinator's small inserts need no pool, and the cores are the
            # workers'
            self.con.execute("SET threads = 1")
            for statement in _SCHEMA:
                self.con.execute(statement)
        self._columns: dict[str, list[str]] = {}
        self._with_rows: set[str] = set()  # runs whose time series is in the store
        if read_only:
            self._check_schema()

    def _check_schema(self) -> None:
        """Refuse, in one line, a DuckDB file that is not a results store of this version."""
        try:
            found = {t: self.columns(t) for t in TABLES}
        except duckdb.Error as exc:
            self.con.close()
            raise InputError(f"{self.path}: cannot be read as a results store "
                             f"({_cause(exc)}); it may be truncated or damaged") from None
        if not found["experiments"] or not found["runs"]:
            self.con.close()
            raise InputError(f"{self.path}: a DuckDB file, but not a results store written by "
                             "'oslsim sweep' (it has no experiments and runs tables)")
        for table, cols in found.items():
            lacking = [c for c in _REQUIRED.get(table, ()) if cols and c not in cols]
            if lacking:
                self.con.close()
                raise InputError(f"{self.path}: not a results store this oslsim can read: "
                                 f"table {table} has no column {lacking[0]!r}")

    # ------------------------------------------------------------------ plumbing
    def close(self) -> None:
        """Checkpoint (when writing) and close the file."""
        if not self.read_only:
            try:
                self.con.execute("CHECKPOINT")
            except duckdb.Error:  # noqa: S110 - a failed checkpoint leaves a valid WAL
                pass
        self.con.close()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def columns(self, table: str) -> list[str]:
        """The columns of a table, in order (cached for the writer)."""
        if table not in self._columns or self.read_only:
            rows = self.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position", [table]).fetchall()
            self._columns[table] = [r[0] for r in rows]
        return self._columns[table]

    def has_table(self, table: str) -> bool:
        """Whether the store holds a table (a read-only store may be from an older version)."""
        return bool(self.columns(table))

    def _add_columns(self, table: str, df: pd.DataFrame | pa.Table) -> None:
        have = set(self.columns(table))
        types = dict(zip(df.schema.names, df.schema.types, strict=True)) \
            if isinstance(df, pa.Table) else df.dtypes.to_dict()
        new = [c for c in types if c not in have]
        for col in new:
            self.con.execute(f"ALTER TABLE {table} ADD COLUMN {_quote(col)} "
                             f"{_sql_type(types[col])}")
            self._columns[table].append(col)
        if table == "timeseries":
            self._describe_outcomes([c for c in types if c != "run_id"])

    def _describe_outcomes(self, names: list[str]) -> None:
        """Add the ``outcomes`` rows of columns not described yet."""
        known = getattr(self, "_described", None)
        if known is None:
            known = self._described = {r[0] for r in self.con.execute(
                "SELECT name FROM outcomes").fetchall()}
        todo = [n for n in names if n not in known]
        if not todo:
            return
        self.con.register("_outcomes", outcome_rows(todo))
        try:
            self.con.execute("INSERT INTO outcomes BY NAME SELECT * FROM _outcomes "
                             "ON CONFLICT DO NOTHING")
        finally:
            self.con.unregister("_outcomes")
        known.update(todo)

    def _insert(self, table: str, df: pd.DataFrame | pa.Table,
                extra: Mapping[str, Any] | None = None) -> None:
        """Insert a DataFrame or Arrow table by column name, adding columns the table lacks."""
        self._add_columns(table, df)
        self.con.register("_incoming", df)
        try:
            lits = "".join(f"${k} AS {_quote(k)}, " for k in (extra or {}))
            self.con.execute(f"INSERT INTO {table} BY NAME SELECT {lits}* FROM _incoming",
                             dict(extra or {}))
        finally:
            self.con.unregister("_incoming")

    # ------------------------------------------------------------------ experiments
    def experiment(self, name: str) -> dict[str, Any] | None:
        """The stored row of one experiment, or ``None``."""
        if not self.has_table("experiments"):
            return None
        df = self.con.execute("SELECT * FROM experiments WHERE name = ?", [name]).df()
        return None if df.empty else df.iloc[0].to_dict()

    def experiment_names(self) -> list[str]:
        """Names of the stored experiments, oldest first."""
        if not self.has_table("experiments"):
            return []
        return [r[0] for r in self.con.execute(
            "SELECT name FROM experiments ORDER BY created, name").fetchall()]

    def delete_experiment(self, name: str) -> None:
        """Remove one experiment and all its rows."""
        self._with_rows.clear()  # filled again by begin()
        self.con.execute("BEGIN TRANSACTION")
        try:
            for child in ("timeseries", "events"):
                self.con.execute(f"DELETE FROM {child} WHERE run_id IN "
                                 "(SELECT run_id FROM runs WHERE experiment = ?)", [name])
            for table, key in (("runs", "experiment"), ("design", "experiment"),
                               ("experiments", "name")):
                self.con.execute(f"DELETE FROM {table} WHERE {key} = ?", [name])
            self.con.execute("COMMIT")
        except BaseException:
            _rollback(self.con)
            raise

    def begin(self, exp: Experiment, root: int, fingerprint: str, design: pd.DataFrame,
              tasks: Iterable[RunTask], overwrite: bool = False) -> bool:
        """Register an experiment, its design and its planned runs (``pending``).

        Returns whether the experiment was already in the store. A stored experiment of the
        same name but another definition is refused unless ``overwrite``, which deletes it.
        More replicates than stored extend it: the new replicates' runs are added as pending.
        """
        info = self.experiment(exp.name)
        if info is not None and info["fingerprint"] != fingerprint:
            if not overwrite:
                raise ExperimentError(
                    f"{self.path}: experiment {exp.name!r} is already stored with a different "
                    "definition (factors, seed, months, scenarios or keep changed); use "
                    "--overwrite to replace it, or --out for another store")
            self.delete_experiment(exp.name)
            info = None
        tasks = list(tasks)
        if info is not None and exp.replicates < int(info["replicates"]):
            raise ExperimentError(
                f"{self.path}: experiment {exp.name!r} is stored with {int(info['replicates'])} "
                f"replicates; replicates: {exp.replicates} is not allowed: ask for at least "
                "as many (more extend it), or use --overwrite or another --out")
        now = _now()
        self.con.execute("BEGIN TRANSACTION")
        try:
            if info is None:
                self.con.execute(
                    "INSERT INTO experiments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [exp.name, fingerprint, exp.design, int(root), exp.replicates, exp.months,
                     len(design), len(tasks), json.dumps(exp.to_dict(), default=str),
                     json.dumps(exp.problem()), exp.source, now, now])
                self._insert("design", design, {"experiment": exp.name})
            new = tasks
            if info is not None:
                known = {r[0] for r in self.con.execute(
                    "SELECT run_id FROM runs WHERE experiment = ?", [exp.name]).fetchall()}
                new = [t for t in tasks if t.run_id not in known]
            if new:
                runs = pd.DataFrame({
                    "run_id": [t.run_id for t in new],
                    "point": np.array([t.point for t in new], dtype=np.int64),
                    "replicate": np.array([t.replicate for t in new], dtype=np.int64),
                    "scenario": [t.scenario for t in new],
                    "seed": np.array([t.seed for t in new], dtype=np.int64),
                    "status": PENDING, "attempts": 0,
                    "interventions": [_interventions(t.scenario_def) for t in new],
                })
                self._insert("runs", runs, {"experiment": exp.name})
            if info is not None:
                self.con.execute(
                    "UPDATE experiments SET updated = ?, replicates = ?, runs = ?, "
                    "definition = ? WHERE name = ?",
                    [now, exp.replicates, len(tasks), json.dumps(exp.to_dict(), default=str),
                     exp.name])
            self.con.execute("COMMIT")
        except (duckdb.Error, OSError) as exc:
            _rollback(self.con)
            raise StoreWriteError(f"{self.path}: cannot register experiment {exp.name!r}: "
                                  f"{_cause(exc)}") from None
        except BaseException:
            _rollback(self.con)
            raise
        self._with_rows |= {r[0] for r in self.con.execute(
            "SELECT run_id FROM runs WHERE experiment = ? AND status = ?",
            [exp.name, DONE]).fetchall()}
        return info is not None

    # ------------------------------------------------------------------ runs
    def unfinished(self, name: str) -> set[str]:
        """Run ids of an experiment that are not done (pending or failed)."""
        rows = self.con.execute("SELECT run_id FROM runs WHERE experiment = ? AND status <> ?",
                                [name, DONE]).fetchall()
        return {r[0] for r in rows}

    def counts(self, name: str) -> dict[str, int]:
        """Runs of an experiment by status."""
        rows = self.con.execute("SELECT status, count(*) FROM runs WHERE experiment = ? "
                                "GROUP BY status", [name]).fetchall()
        out = {PENDING: 0, DONE: 0, FAILED: 0}
        out.update({s: int(n) for s, n in rows})
        return out

    def record(self, outcome: RunOutcome, attempts: int = 1) -> None:
        """Commit one finished run: replace its time series and update its ``runs`` row.

        Raises :class:`StoreWriteError` with the real cause when the file cannot be written;
        the runs committed before stay in the store.
        """
        try:
            self._record(outcome, attempts)
        except (duckdb.Error, OSError) as exc:
            raise StoreWriteError(f"{self.path}: cannot store run {outcome.run_id}: "
                                  f"{_cause(exc)}") from None

    def _record(self, outcome: RunOutcome, attempts: int) -> None:
        v = outcome.versions or {}
        rows = outcome.timeseries if outcome.status == DONE else None
        if isinstance(rows, pd.DataFrame) and "run_id" not in rows.columns:
            rows = rows.assign(run_id=outcome.run_id)
        self.con.execute("BEGIN TRANSACTION")
        try:
            if outcome.run_id in self._with_rows:  # a run done before: replace its rows
                self.con.execute("DELETE FROM timeseries WHERE run_id = ?", [outcome.run_id])
            if rows is not None:
                self._insert("timeseries", rows)
            seconds = (outcome.finished - outcome.started).total_seconds() \
                if outcome.started and outcome.finished else None
            self.con.execute(
                "UPDATE runs SET status = ?, error = ?, attempts = ?, params = ?, started = ?, "
                "finished = ?, seconds = ?, host = ?, pid = ?, oslsim_version = ?, "
                "python_version = ?, numpy_version = ?, mesa_version = ? WHERE run_id = ?",
                [outcome.status, outcome.error, attempts,
                 json.dumps(outcome.params, default=str) if outcome.params is not None
                 else None, outcome.started, outcome.finished, seconds, outcome.host,
                 outcome.pid, v.get("oslsim"), v.get("python"), v.get("numpy"), v.get("mesa"),
                 outcome.run_id])
            self._record_provenance(outcome)
            self.con.execute("COMMIT")
        except BaseException:
            _rollback(self.con)
            raise
        if rows is not None:
            self._with_rows.add(outcome.run_id)
        else:
            self._with_rows.discard(outcome.run_id)

    def _record_provenance(self, outcome: RunOutcome) -> None:
        """Replace a run's ``events`` rows; store its versions, commit and parameter changes."""
        v = outcome.versions or {}
        man = getattr(outcome, "manifest", None) or {}
        if outcome.run_id in self._with_rows:  # a run done before: replace its events
            self.con.execute("DELETE FROM events WHERE run_id = ?", [outcome.run_id])
        events = man.get("events") or []
        if outcome.status == DONE and events:
            self.con.executemany(
                "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
                [[outcome.run_id, int(e["month"]), e["action"], e["event"],
                  json.dumps(e.get("args") or {}, default=str), _number(e.get("result")),
                  bool(e.get("happened", True))] for e in events])
        changes = man.get("param_changes")
        self.con.execute(
            "UPDATE runs SET pandas_version = ?, duckdb_version = ?, scipy_version = ?, "
            "git_commit = ?, git_dirty = ?, model = ?, param_changes = ? WHERE run_id = ?",
            [v.get("pandas"), v.get("duckdb"), v.get("scipy"), man.get("commit"),
             man.get("dirty"), man.get("model"),
             json.dumps(changes, default=str) if changes else None, outcome.run_id])

    # ------------------------------------------------------------------ reading
    def table(self, table: str, experiment: str | None = None) -> pd.DataFrame:
        """One table as a DataFrame, optionally only one experiment's rows."""
        if table not in TABLES:
            raise InputError(f"table {table!r} is not in the store; use one of "
                             f"{', '.join(TABLES)}")
        if not self.has_table(table):
            return pd.DataFrame()
        order = {"experiments": "created, name", "design": "experiment, point",
                 "runs": "experiment, point, replicate", "timeseries": "run_id, month",
                 "events": "run_id, month, action", "outcomes": "name"}[table]
        if experiment is None:
            return self.con.execute(f"SELECT * FROM {table} ORDER BY {order}").df()
        if table == "outcomes":  # shared by the experiments of a store
            return self.con.execute(f"SELECT * FROM {table} ORDER BY {order}").df()
        where = {"experiments": "name = ?", "design": "experiment = ?",
                 "runs": "experiment = ?",
                 "timeseries": "run_id IN (SELECT run_id FROM runs WHERE experiment = ?)",
                 "events": "run_id IN (SELECT run_id FROM runs WHERE experiment = ?)"}[table]
        return self.con.execute(f"SELECT * FROM {table} WHERE {where} ORDER BY {order}",
                                [experiment]).df()

    def tables(self, experiment: str | None = None) -> dict[str, pd.DataFrame]:
        """Every table as a DataFrame; for one experiment, other experiments' columns dropped.

        A store shared by experiments has the union of their factor and outcome columns;
        the columns one experiment never filled are left out of its tables.
        """
        out = {t: self.table(t, experiment) for t in TABLES}
        if experiment is None:
            return out
        for table, core in (("design", ("experiment", "point", "scenario", "sample")),
                            ("timeseries", ("run_id", "month"))):
            df = out[table]
            if not df.empty:
                empty = [c for c in df.columns if c not in core and df[c].isna().all()]
                out[table] = df.drop(columns=empty)
        return out
