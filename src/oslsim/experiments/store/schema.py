"""The results store's schema: its tables, their SQL and the columns a reader needs.

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

from collections.abc import Iterable
from typing import Any

import pandas as pd
import pyarrow as pa

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


#: Columns a store must have to be read (a DuckDB file of another schema is refused).
_REQUIRED = {"experiments": ("name", "fingerprint", "root_seed", "definition", "created"),
             "design": ("experiment", "point", "scenario"),
             "runs": ("run_id", "experiment", "point", "replicate", "status", "seed", "error"),
             "timeseries": ("run_id", "month")}


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
