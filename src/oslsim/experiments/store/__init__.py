"""The results store: an embedded DuckDB file that only the sweep's coordinator writes.

Its modules, by what a newcomer looks for:

- :mod:`~oslsim.experiments.store.schema`: the tables (described there), their SQL and
  the ``outcomes`` rows;
- :mod:`~oslsim.experiments.store.connection`: opening the file, its one-line errors,
  :class:`StoreWriteError`;
- :mod:`~oslsim.experiments.store.result_store`: :class:`ResultStore`, which registers an
  experiment, commits each finished run in its own transaction and reads tables back;
- :mod:`~oslsim.experiments.store.read`: :func:`load_results`, :func:`tidy` and
  :func:`export_tables`.
"""

from oslsim.experiments.store.connection import StoreWriteError, default_store
from oslsim.experiments.store.read import export_tables, load_results, tidy
from oslsim.experiments.store.result_store import ResultStore
from oslsim.experiments.store.schema import DONE, FAILED, PENDING, TABLES, outcome_rows

__all__ = [
    "TABLES",
    "PENDING",
    "DONE",
    "FAILED",
    "ResultStore",
    "StoreWriteError",
    "default_store",
    "export_tables",
    "load_results",
    "outcome_rows",
    "tidy",
]
