"""The sweep coordinator: plan the runs, hand them to a runner, store each as it finishes.

Only this process writes the store. Every run has a deterministic id (experiment, point,
replicate) and a seed from ``SeedSequence(root).spawn(replicates)``, so the same file gives
the same numbers on any number of workers or machines, and ``resume`` runs only what is
missing or failed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from oslsim.errors import InputError
from oslsim.experiments.designs import build_design, replicate_seeds
from oslsim.experiments.runner import (
    MAX_ATTEMPTS,
    DaskRunner,
    InProcessRunner,
    LocalPoolRunner,
    RunFunction,
    RunTask,
)
from oslsim.experiments.spec import SCENARIO_FACTOR, Experiment, as_experiment
from oslsim.experiments.store import (
    DONE,
    FAILED,
    ResultStore,
    StoreWriteError,
    default_store,
    load_results,
)
from oslsim.seeds import fresh_seed

__all__ = ["SweepInterrupted", "SweepPlan", "SweepReport", "plan_sweep", "run_id", "sweep"]


def run_id(experiment: str, point: int, replicate: int) -> str:
    """The deterministic id of a run: a hash of the experiment's name, point and replicate."""
    key = f"{experiment}\x1f{int(point)}\x1f{int(replicate)}".encode()
    return hashlib.sha256(key).hexdigest()[:16]


def _native(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


@dataclass
class SweepPlan:
    """Every run of an experiment: the numbered design, the seeds and the tasks."""

    experiment: Experiment
    root: int
    design: pd.DataFrame
    seeds: list[int]
    tasks: list[RunTask]
    fingerprint: str


def plan_sweep(exp: Experiment, root: int) -> SweepPlan:
    """Number the design points and build one task per point × replicate.

    Replicate ``r`` uses seed ``seeds[r]`` at every point (common random numbers); tasks are
    ordered replicate by replicate, so a partial sweep already covers the whole design.
    """
    design = build_design(exp, root)
    seeds = replicate_seeds(root, exp.replicates)
    names = [f.name for f in exp.factors if f.name != SCENARIO_FACTOR]
    points = []
    for row in design.to_dict("records"):
        overrides = {**exp.params, **{n: _native(row[n]) for n in names}}
        points.append((int(row["point"]), str(row["scenario"]), overrides))
    tasks = [
        RunTask(run_id=run_id(exp.name, point, r), experiment=exp.name, point=point,
                replicate=r, scenario=label, scenario_def=exp.scenarios[label],
                months=exp.months_of(label), seed=seeds[r], overrides=overrides, keep=exp.keep,
                warmup=exp.warmup)
        for r in range(exp.replicates)
        for point, label, overrides in points
    ]
    digest = hashlib.sha256(pd.util.hash_pandas_object(design.astype(str), index=False)
                            .to_numpy().tobytes()).hexdigest()[:8]
    return SweepPlan(exp, root, design, seeds, tasks, f"{exp.fingerprint(root)}-{digest}")


@dataclass
class SweepReport:
    """What a sweep did: counts, where the results are, how long it took."""

    experiment: str
    store: Path
    root_seed: int
    total: int
    to_run: int
    done: int
    failed: int
    pending: int
    ran: int
    failed_now: int
    seconds: float
    runner: str
    workers: int
    interrupted: bool = False
    stopped_by: str | None = None  # "SIGINT" (Ctrl-C) or "SIGTERM" when interrupted

    def load(self) -> dict[str, pd.DataFrame]:
        """Read this experiment's tables from the store (see :func:`load_results`)."""
        return load_results(self.store, self.experiment)

    def summary(self) -> str:
        """One line for the command line."""
        head = ("stopped by SIGTERM" if self.stopped_by == "SIGTERM" else "interrupted") \
            if self.interrupted else "finished"
        return (f"{head}: {self.ran} of {self.to_run} runs in {self.seconds:,.1f} s "
                f"({self.failed_now} failed); store {self.store} holds {self.done} done, "
                f"{self.failed} failed, {self.pending} pending of {self.total}")


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a sweep; what finished is stored. ``report`` says how far it got."""

    def __init__(self, report: SweepReport) -> None:
        super().__init__(report.summary())
        self.report = report


class _Terminated(KeyboardInterrupt):
    """SIGTERM arrived during a sweep: stop as for Ctrl-C."""

    signal_name = "SIGTERM"


class _Stopper:
    """While a sweep runs, SIGTERM stops it as Ctrl-C does: workers ended, stored runs kept.

    Without this the process died at once (status -15): no resume hint, and the pool's
    semaphores leaked. A signal that arrives while a run is being committed waits until the
    commit is done (DuckDB would abandon the query half-way). A second SIGTERM during the
    clean-up ends the process as usual.
    """

    def __init__(self) -> None:
        self.writing = False
        self.pending: type[KeyboardInterrupt] | None = None

    def _raise(self, kind: type[KeyboardInterrupt]) -> None:
        if self.writing:
            self.pending = kind
            return
        raise kind

    def on_term(self, signum: int, frame: object) -> None:
        """SIGTERM: stop (once the current commit is done)."""
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        self._raise(_Terminated)

    def on_int(self, signum: int, frame: object) -> None:
        """Ctrl-C: stop (once the current commit is done)."""
        self._raise(KeyboardInterrupt)

    @contextlib.contextmanager
    def installed(self) -> Iterator[_Stopper]:
        """Install the handlers (main thread only) for the sweep's duration."""
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        old = signal.signal(signal.SIGTERM, self.on_term)
        old_int = signal.signal(signal.SIGINT, self.on_int)
        try:
            yield self
        finally:
            signal.signal(signal.SIGTERM, old)
            signal.signal(signal.SIGINT, old_int)

    @contextlib.contextmanager
    def commit(self) -> Iterator[None]:
        """Hold a stop signal back while a run is committed; act on it right after."""
        self.writing = True
        try:
            yield
        finally:
            self.writing = False
        if self.pending is not None:
            raise self.pending


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _check_where(workers: Any, scheduler: Any, dask_local: Any) -> None:
    """Refuse conflicting or malformed choices of where to run, before anything starts."""
    chosen = [k for k, v in (("workers", workers), ("scheduler", scheduler),
                             ("dask_local", dask_local)) if v is not None]
    if len(chosen) > 1:
        raise InputError(f"use only one of workers, scheduler and dask_local (got "
                         f"{' and '.join(chosen)})")
    if scheduler is not None and (not isinstance(scheduler, str) or "://" not in scheduler):
        raise InputError(f"scheduler: {scheduler!r} is not a scheduler address; use e.g. "
                         "tcp://10.0.0.5:8786")
    if dask_local is not None and (isinstance(dask_local, bool) or
                                   not isinstance(dask_local, int) or dask_local < 1):
        raise InputError(f"dask_local: {dask_local!r} is not allowed; use a whole number of 1 "
                         "or more")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or
                                workers < 0):
        raise InputError(f"workers: {workers!r} is not allowed; use 0 (in this process) or a "
                         "whole number of processes")


def _runner(workers: int | None, scheduler: str | None, dask_local: int | None, n_tasks: int,
            run_fn: RunFunction | None, max_attempts: int) -> Any:
    if scheduler is not None:
        return DaskRunner(scheduler=scheduler, run_fn=run_fn, max_attempts=max_attempts)
    if dask_local is not None:
        return DaskRunner(local_workers=dask_local, run_fn=run_fn, max_attempts=max_attempts)
    if workers is None:
        workers = default_workers()
    if workers == 0:
        return InProcessRunner(run_fn)
    return LocalPoolRunner(min(workers, max(1, n_tasks)), run_fn, max_attempts)


def sweep(
    experiment: Experiment | Mapping[str, Any] | str | Path,
    *,
    out: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    dask_local: int | None = None,
    resume: bool = False,
    overwrite: bool = False,
    progress: bool = True,
    run_fn: RunFunction | None = None,
    max_attempts: int = MAX_ATTEMPTS,
) -> SweepReport:
    """Run an experiment's sweep and store every run in a DuckDB file as it finishes.

    Parameters
    ----------
    experiment : path, mapping or Experiment
        An experiment TOML file, its data as a mapping, or a loaded :class:`Experiment`.
    out : path, optional
        The store; default ``results/<experiment-name>.duckdb``.
    workers : int, optional
        Local worker processes (default: all cores); ``0`` runs in this process.
    scheduler : str, optional
        Address of a Dask scheduler, e.g. ``tcp://10.0.0.5:8786`` (instead of ``workers``).
    dask_local : int, optional
        Start a local Dask cluster of this many workers (instead of ``workers``).
    resume : bool
        Run only the runs not done yet (missing or failed); otherwise every run is run and
        its stored rows replaced.
    overwrite : bool
        Replace a stored experiment of the same name whose definition differs.
    progress : bool
        Show a progress bar with ETA on stderr.
    run_fn : callable, optional
        Replaces :func:`oslsim.simulate` (same signature; it must be picklable, importable
        by the workers). For tests and model variants. If its results carry extra outcome
        columns (custom reporters), name them in its ``outcomes`` attribute (a tuple of
        names) so ``keep.outcomes`` may list them.
    max_attempts : int
        How often a run may kill its worker process before it is stored as failed.

    Returns
    -------
    SweepReport
        Counts and the store's path; ``report.load()`` reads the tables.

    Raises
    ------
    ExperimentError
        A bad experiment file, or a store holding another definition of the experiment.
    SweepInterrupted
        On Ctrl-C, after stopping the workers; what finished is kept.

    Examples
    --------
    >>> report = sweep("experiments/example_sweep.toml", workers=2)  # doctest: +SKIP
    >>> tables = report.load()  # doctest: +SKIP
    """
    from tqdm import tqdm

    _check_where(workers, scheduler, dask_local)
    exp = as_experiment(experiment, outcomes=tuple(getattr(run_fn, "outcomes", ()) or ()))
    store_path = Path(out) if out is not None else default_store(exp.name)
    if store_path.suffix.lower() not in (".duckdb", ".db", ".ddb"):
        raise InputError(f"out: {store_path}: use a file name ending in .duckdb")
    started = time.perf_counter()
    with _Stopper().installed() as stopper, ResultStore(store_path) as store:
        stored = store.experiment(exp.name)
        if exp.seed is not None:
            root = exp.seed
        elif stored is not None and not overwrite:
            root = int(stored["root_seed"])
        else:
            root = fresh_seed()  # stored with the results, so the sweep can be repeated
        plan = plan_sweep(exp, root)
        store.begin(exp, root, plan.fingerprint, plan.design, plan.tasks, overwrite=overwrite)
        todo = plan.tasks
        if resume:
            missing = store.unfinished(exp.name)
            todo = [t for t in plan.tasks if t.run_id in missing]
        runner = None
        runner_name, runner_workers = "none", 0
        ran = failed_now = 0
        interrupted = False
        bar = tqdm(total=len(todo), desc=f"sweep {exp.name}", unit="run", file=sys.stderr,
                   disable=not progress or not todo, dynamic_ncols=True,
                   mininterval=0.5 if sys.stderr.isatty() else 1.0)
        results = None
        stopped_by = None
        try:
            if todo:
                runner = _runner(workers, scheduler, dask_local, len(todo), run_fn,
                                 max_attempts)
                runner_name, runner_workers = runner.name, runner.workers
                results = runner.results(todo)
                for outcome, attempts in results:
                    try:
                        with stopper.commit():
                            store.record(outcome, attempts)
                            ran += 1
                            failed_now += outcome.status == FAILED
                    except StoreWriteError as exc:
                        raise StoreWriteError(f"{exc}; the runs stored before it are "
                                              "kept") from None
                    bar.set_postfix_str(f"failed {failed_now}", refresh=False)
                    bar.update(1)
        except KeyboardInterrupt as exc:
            interrupted = True
            stopped_by = "SIGTERM" if isinstance(exc, _Terminated) else "SIGINT"
        finally:
            bar.close()
            if results is not None:
                results.close()  # stops the runs still in flight
            if runner is not None:
                runner.close()
        counts = store.counts(exp.name)
    report = SweepReport(
        experiment=exp.name, store=store_path, root_seed=root, total=len(plan.tasks),
        to_run=len(todo), done=counts[DONE], failed=counts[FAILED],
        pending=counts["pending"], ran=ran, failed_now=failed_now,
        seconds=time.perf_counter() - started,
        runner=runner_name, workers=runner_workers, interrupted=interrupted,
        stopped_by=stopped_by)
    if interrupted:
        raise SweepInterrupted(report)
    return report
