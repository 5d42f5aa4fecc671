"""The results store: an embedded DuckDB file that only the sweep's coordinator writes.

Tables (plain SQL reads them; see ``docs/experiments.md``):

``experiments``
    one row per experiment: its definition, design, root seed, fingerprint.
``design``
    one row per design point: ``experiment, point, scenario, sample`` and a column per factor
    (named by its dotted parameter path).
``runs``
    one row per run (point × replicate): seed, status (``pending``, ``done``, ``failed``),
    error, full parameters as JSON, the scenario's dated interventions as JSON (parameters
    alone do not say that government withdraws at month 12), times, worker, versions of the
    libraries and the git commit of the checkout that ran it.
``timeseries``
    the kept months and outcome columns of every finished run.
``events``
    one row per scheduled intervention event of every finished run: month, action, event
    (pulse / start / end, or planned when the run ended first), arguments as JSON, result and
    whether it happened.
``outcomes``
    one row per stored outcome column: its unit and meaning in English and Indonesian.
``final`` (a view)
    each done run's last kept month joined to its run keys, interventions and design factors.

Each finished run is committed in its own transaction, so a crash loses at most the runs in
flight. Run ids are deterministic, and a run's rows are replaced, never appended twice.
"""

from __future__ import annotations

import json
import os
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

if TYPE_CHECKING:
    from oslsim.experiments.runner import RunOutcome, RunTask

__all__ = ["TABLES", "ResultStore", "StoreWriteError", "default_store", "export_tables",
           "load_results", "tidy"]

#: The store's tables, in the order they are exported (``final`` is a view over them).
TABLES = ("experiments", "design", "runs", "timeseries", "events", "outcomes")
#: Run statuses.
PENDING, DONE, FAILED = "pending", "done", "failed"

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS experiments (
        name VARCHAR PRIMARY KEY, fingerprint VARCHAR NOT NULL, design VARCHAR,
        root_seed BIGINT, replicates INTEGER, months INTEGER, points INTEGER, runs INTEGER,
        definition JSON, problem JSON, source VARCHAR, created TIMESTAMP, updated TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS design (
        experiment VARCHAR NOT NULL, point INTEGER NOT NULL, scenario VARCHAR,
        sample INTEGER, PRIMARY KEY (experiment, point))""",
    """CREATE TABLE IF NOT EXISTS runs (
        run_id VARCHAR PRIMARY KEY, experiment VARCHAR NOT NULL, point INTEGER NOT NULL,
        replicate INTEGER NOT NULL, scenario VARCHAR, seed BIGINT NOT NULL,
        status VARCHAR NOT NULL, error VARCHAR, attempts INTEGER, params JSON,
        started TIMESTAMP, finished TIMESTAMP, seconds DOUBLE, host VARCHAR, pid INTEGER,
        oslsim_version VARCHAR, python_version VARCHAR, numpy_version VARCHAR,
        mesa_version VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS timeseries (run_id VARCHAR NOT NULL, month INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS events (
        run_id VARCHAR NOT NULL, month INTEGER NOT NULL, action VARCHAR NOT NULL,
        event VARCHAR NOT NULL, args JSON, result DOUBLE, happened BOOLEAN NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS outcomes (
        name VARCHAR PRIMARY KEY, unit VARCHAR, meaning_en VARCHAR, meaning_id VARCHAR)""",
    # columns a store written by an older oslsim lacks
    "ALTER TABLE runs ADD COLUMN IF NOT EXISTS interventions JSON",
    "ALTER TABLE runs ADD COLUMN IF NOT EXISTS param_changes JSON",
    "ALTER TABLE runs ADD COLUMN IF NOT EXISTS model VARCHAR",
    "ALTER TABLE runs ADD COLUMN IF NOT EXISTS pandas_version VARCHAR",
    "ALTER TABLE runs ADD COLUMN IF NOT EXISTS duckdb_version VARCHAR",
    "ALTER TABLE runs ADD COLUMN IF NOT EXISTS scipy_version VARCHAR",
    "ALTER TABLE runs ADD COLUMN IF NOT EXISTS git_commit VARCHAR",
    "ALTER TABLE runs ADD COLUMN IF NOT EXISTS git_dirty BOOLEAN",
    # DuckDB binds a view's * when it is read, so factor and outcome columns added later show
    """CREATE OR REPLACE VIEW final AS
        SELECT r.experiment, r.run_id, r.point, r.replicate, r.scenario, r.seed,
               r.interventions, d.* EXCLUDE (experiment, point, scenario),
               t.* EXCLUDE (run_id)
        FROM runs r
        JOIN design d ON d.experiment = r.experiment AND d.point = r.point
        JOIN timeseries t ON t.run_id = r.run_id
        WHERE r.status = 'done'
        QUALIFY t.month = max(t.month) OVER (PARTITION BY t.run_id)""",
)

def outcome_rows(names: Iterable[str]) -> pd.DataFrame:
    """The ``outcomes`` table's rows for some columns: unit and meaning in en and id.

    Units and meanings come from the term table (:mod:`oslsim.terms`); a column it does not
    know (a custom reporter) gets empty unit and meanings.
    """
    from oslsim.terms import TERMS

    rows = []
    for name in names:
        t = TERMS.get(name)
        if name == "month":
            row = ("month", "Month of the run (0 = the start of the measured period)",
                   "Bulan simulasi (0 = awal periode yang diukur)")
        else:
            row = (t.unit, t.meaning_en, t.meaning_id) if t else (None, None, None)
        rows.append(dict(zip(("name", "unit", "meaning_en", "meaning_id"), (name, *row),
                             strict=True)))
    return pd.DataFrame(rows, columns=["name", "unit", "meaning_en", "meaning_id"])


def _interventions(scenario: Any) -> str:
    """A scenario's dated interventions as JSON (what a run does beyond its parameters)."""
    return json.dumps([dict(iv.spec) for iv in getattr(scenario, "interventions", ())],
                      default=str)


def _number(value: Any) -> float | None:
    """An event's result as a number for SQL (``None`` when it is not one)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        return None
    return float(value)


#: Columns a store must have to be read (a DuckDB file of another schema is refused).
_REQUIRED = {"experiments": ("name", "fingerprint", "root_seed", "definition", "created"),
             "design": ("experiment", "point", "scenario"),
             "runs": ("run_id", "experiment", "point", "replicate", "status", "seed", "error"),
             "timeseries": ("run_id", "month")}


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


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_type(dtype: Any) -> str:
    """The column type for a pandas dtype or an Arrow type."""
    if isinstance(dtype, pa.DataType):
        if pa.types.is_boolean(dtype):
            return "BOOLEAN"
        if pa.types.is_integer(dtype):
            return "BIGINT"
        if pa.types.is_floating(dtype):
            return "DOUBLE"
        return "VARCHAR"
    if pd.api.types.is_bool_dtype(dtype):
        return "BOOLEAN"
    if pd.api.types.is_integer_dtype(dtype):
        return "BIGINT"
    if pd.api.types.is_float_dtype(dtype):
        return "DOUBLE"
    return "VARCHAR"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


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
