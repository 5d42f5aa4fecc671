"""Runners: carry out a sweep's runs in this process, a local process pool or a Dask cluster.

A run is a pure function of its task (scenario, months, seed, overrides). Workers return only
the kept rows of the run's monthly table, never the model. A run that raises comes back as a
``failed`` outcome with a one-line error; a worker that dies has its run retried (bounded).
Every runner yields ``(outcome, attempts)`` pairs as runs finish, in any order.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import socket
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pyarrow as pa

from oslsim.experiments.spec import Keep

__all__ = [
    "DaskRunner",
    "InProcessRunner",
    "LocalPoolRunner",
    "RunOutcome",
    "RunTask",
    "execute_run",
]

#: Attempts a run gets when its worker process dies under it.
MAX_ATTEMPTS = 3
#: Runs queued per worker beyond the one it is running (keeps workers busy, memory small).
QUEUE_PER_WORKER = 2
#: Dask settings for a local cluster: leave glibc's own trimming (the nanny's default
#: MALLOC_TRIM_THRESHOLD_=65536 hands memory back after nearly every free of a run's arrays).
LOCAL_DASK_CONFIG = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
#: Where a local Dask cluster listens (scheduler, workers and dashboard): this computer only.
LOOPBACK = "127.0.0.1"
#: Longest error message stored per failed run (characters).
ERROR_CHARS = 500

#: A run function: ``fn(scenario, months=…, rng=…, overrides=…)`` returning an object with a
#: ``timeseries`` DataFrame (and optionally a ``manifest`` dict), or the DataFrame itself.
RunFunction = Callable[..., Any]


@dataclass(frozen=True)
class RunTask:
    """One run of a sweep: what a worker needs to carry it out, and nothing more."""

    run_id: str
    experiment: str
    point: int
    replicate: int
    scenario: str
    scenario_def: Any
    months: int
    seed: int
    overrides: Mapping[str, Any] = field(default_factory=dict)
    keep: Keep = field(default_factory=Keep)
    warmup: Mapping[str, Any] | None = None


@dataclass
class RunOutcome:
    """What comes back from a worker: status, error, the kept rows, parameters, provenance.

    ``timeseries`` holds the kept months and outcomes with a leading ``run_id`` column, as an
    Arrow table (cheap to send and for the coordinator to insert) or a pandas DataFrame.
    """

    run_id: str
    status: str
    error: str | None = None
    timeseries: pa.Table | pd.DataFrame | None = None
    params: dict[str, Any] | None = None
    started: datetime | None = None
    finished: datetime | None = None
    host: str | None = None
    pid: int | None = None
    versions: dict[str, str] = field(default_factory=dict)
    #: What the store keeps of the run's manifest besides parameters and versions
    #: (:data:`MANIFEST_KEYS`: events, parameter changes, model class, git commit).
    manifest: dict[str, Any] = field(default_factory=dict)


#: Manifest entries a worker sends back with a run's outcome.
MANIFEST_KEYS = ("events", "param_changes", "model", "commit", "dirty")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def one_line(exc: BaseException) -> str:
    """An exception as one line, ``Type: message``, cut to :data:`ERROR_CHARS`."""
    text = " ".join(str(exc).split())
    line = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return line[:ERROR_CHARS]


def _versions() -> dict[str, str]:
    try:
        from oslsim.simulation import versions

        return versions()
    except ImportError:  # pragma: no cover - simulation is part of the package
        return {}


def _default_run(scenario: Any, months: int, rng: int, overrides: Mapping[str, Any],
                 warmup: Mapping[str, Any] | None = None) -> Any:
    from oslsim.simulation import simulate

    return simulate(scenario, months=months, rng=rng, overrides=dict(overrides),
                    warmup=dict(warmup) if warmup else False)


def execute_run(task: RunTask, run_fn: RunFunction | None = None) -> RunOutcome:
    """Carry out one run and return its outcome; an exception becomes a ``failed`` outcome.

    This is what workers execute. ``run_fn`` defaults to :func:`oslsim.simulate`.
    """
    started = _now()
    where = {"host": socket.gethostname(), "pid": os.getpid()}
    try:
        fn = run_fn or _default_run
        # A run function of one's own is called with warmup= only when the sweep has one.
        extra = {"warmup": dict(task.warmup)} if task.warmup else {}
        result = fn(task.scenario_def, months=task.months, rng=task.seed,
                    overrides=dict(task.overrides), **extra)
        ts = result if isinstance(result, pd.DataFrame) else result.timeseries
        manifest = getattr(result, "manifest", None) or {}
        kept = task.keep.apply(ts)
        table = pa.Table.from_pandas(kept, preserve_index=False)
        table = table.add_column(0, "run_id", pa.array([task.run_id] * len(kept), pa.string()))
        return RunOutcome(task.run_id, "done", None, table, manifest.get("params"), started,
                          _now(), versions=manifest.get("versions") or _versions(),
                          manifest={k: manifest[k] for k in MANIFEST_KEYS if k in manifest},
                          **where)
    except Exception as exc:  # noqa: BLE001 - any error of a run is stored, the sweep goes on
        return RunOutcome(task.run_id, "failed", one_line(exc), None, None, started, _now(),
                          versions=_versions(), **where)


def _lost(task: RunTask, why: str) -> RunOutcome:
    """The outcome of a run whose worker died (or that the cluster gave up on)."""
    now = _now()
    return RunOutcome(task.run_id, "failed", why[:ERROR_CHARS], None, None, now, now)


# --------------------------------------------------------------------------- in process


class InProcessRunner:
    """Run every task here, one after the other (``workers=0``: debugging, notebooks)."""

    name = "in-process"

    def __init__(self, run_fn: RunFunction | None = None) -> None:
        self.run_fn = run_fn
        self.workers = 1

    def results(self, tasks: Iterable[RunTask]) -> Iterator[tuple[RunOutcome, int]]:
        """Yield each run's outcome as it finishes."""
        for task in tasks:
            yield execute_run(task, self.run_fn), 1

    def close(self) -> None:
        """Nothing to release."""


# --------------------------------------------------------------------------- local pool


def _watch_parent() -> None:
    """Exit as soon as the coordinator is gone (its pipe to this worker closes)."""
    parent = mp.parent_process()
    if parent is None:  # pragma: no cover - always set in a pool worker
        return
    parent.join()
    os._exit(1)


def _worker_init(split: bool = True) -> None:
    """Pool worker start-up: leave Ctrl-C to the coordinator; exit when it dies.

    Without the watch, a worker would wait for work forever after its coordinator was
    killed (with forkserver its parent process is the fork server, which outlives it).
    ``split=False`` keeps each run's kernels on one thread (:func:`oslsim.ahead.set_splitting`):
    a pool of several workers already keeps the cores busy (the numbers are the same).
    """
    from oslsim.ahead import set_splitting

    set_splitting(split)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, daemon=True, name="oslsim-watch-parent").start()


def _mp_context() -> mp.context.BaseContext:
    """``forkserver`` where available (workers fork from a preloaded server), else ``spawn``."""
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["oslsim.experiments.runner", "oslsim.simulation"])
        return ctx
    return mp.get_context("spawn")


class LocalPoolRunner:
    """Run tasks on a local process pool (``concurrent.futures``, forkserver or spawn).

    When a worker dies the pool breaks and every run in flight is lost: the pool is rebuilt
    and those runs are retried one at a time, so the run that kills its worker is found and,
    after ``max_attempts`` deaths, stored as failed while the innocent ones finish.
    """

    name = "local pool"

    def __init__(self, workers: int, run_fn: RunFunction | None = None,
                 max_attempts: int = MAX_ATTEMPTS) -> None:
        self.workers = max(1, int(workers))
        self.run_fn = run_fn
        self.max_attempts = max(1, int(max_attempts))
        self.restarts = 0
        self._executor: ProcessPoolExecutor | None = None

    def _start(self) -> ProcessPoolExecutor:
        self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=_mp_context(),
                                             initializer=_worker_init,
                                             initargs=(self.workers < 2,))
        return self._executor

    def _stop(self, kill: bool) -> None:
        ex, self._executor = self._executor, None
        if ex is None:
            return
        procs = list((getattr(ex, "_processes", None) or {}).values())
        ex.shutdown(wait=not kill, cancel_futures=True)
        if kill:
            for p in procs:
                if p.is_alive():
                    p.terminate()
            for p in procs:
                p.join(timeout=5)

    def results(self, tasks: Iterable[RunTask]) -> Iterator[tuple[RunOutcome, int]]:
        """Yield each run's outcome as it finishes (in completion order)."""
        queue: deque[RunTask] = deque(tasks)
        suspects: deque[RunTask] = deque()
        deaths: Counter[str] = Counter()  # deaths of a worker running the run alone
        starts: Counter[str] = Counter()  # times the run was handed to a worker
        running: dict[Future[RunOutcome], RunTask] = {}
        solo: RunTask | None = None
        window = self.workers * (1 + QUEUE_PER_WORKER)
        ex = self._start()

        def submit(task: RunTask) -> bool:
            try:
                running[ex.submit(execute_run, task, self.run_fn)] = task
            except (BrokenProcessPool, RuntimeError):  # broke since the last wait
                return False
            starts[task.run_id] += 1
            return True

        clean = False
        try:
            while queue or suspects or running:
                if suspects and not running:
                    solo = suspects.popleft()
                    if not submit(solo):
                        suspects.appendleft(solo)
                        solo = None
                while not suspects and solo is None and queue and len(running) < window:
                    task = queue.popleft()
                    if not submit(task):
                        queue.appendleft(task)
                        break
                if not running:  # the pool broke with nothing in flight: start a new one
                    self._stop(kill=True)
                    ex = self._start()
                    continue
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                lost: list[RunTask] = []
                for fut in done:
                    task = running.pop(fut)
                    exc = fut.exception()
                    if isinstance(exc, BrokenProcessPool):
                        lost.append(task)
                        continue
                    if task is solo:
                        solo = None
                    yield (fut.result() if exc is None else
                           _lost(task, f"the worker could not run it: {one_line(exc)}")), \
                        starts[task.run_id]
                if not lost:
                    continue
                for fut, task in list(running.items()):  # finished before the break?
                    if fut.done() and fut.exception() is None:
                        yield fut.result(), starts[task.run_id]
                    else:
                        lost.append(task)
                running.clear()
                self._stop(kill=True)
                self.restarts += 1
                ex = self._start()
                if solo is not None and len(lost) == 1 and lost[0] is solo:  # died alone
                    deaths[solo.run_id] += 1
                    if deaths[solo.run_id] >= self.max_attempts:
                        yield _lost(solo, f"WorkerDied: the worker process died "
                                          f"{deaths[solo.run_id]} times running it (out of "
                                          "memory, a crash in native code or os._exit)"), \
                            starts[solo.run_id]
                    else:
                        suspects.appendleft(solo)
                else:  # several were in flight: retry each alone to find the culprit
                    suspects.extend(t for t in lost if t is not solo)
                    if solo is not None:
                        suspects.appendleft(solo)
                solo = None
            clean = True
        finally:
            self._stop(kill=not clean)

    def close(self) -> None:
        """Stop the pool, killing runs still in flight."""
        self._stop(kill=True)


# --------------------------------------------------------------------------- Dask


class DaskRunner:
    """Run tasks on a Dask distributed cluster: an existing one, or a local one it starts.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler, e.g. ``tcp://10.0.0.5:8786``.
    local_workers : int, optional
        Start a local cluster of this many single-threaded worker processes instead.
    run_fn : callable, optional
        The run function; it must be importable on the workers.
    max_attempts : int
        For a local cluster, how often a run may kill its worker before it is given up
        (an external scheduler uses its own ``distributed.scheduler.allowed-failures``).
    timeout : float
        Seconds to wait for the scheduler.
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, local_workers: int | None = None,
                 run_fn: RunFunction | None = None, max_attempts: int = MAX_ATTEMPTS,
                 timeout: float = 30.0) -> None:
        import logging

        import dask
        from distributed import Client, LocalCluster

        self.run_fn = run_fn
        self.cluster = None
        if local_workers:
            self.name = "local dask cluster"
            with dask.config.set({"distributed.scheduler.allowed-failures": max_attempts - 1,
                                  **LOCAL_DASK_CONFIG}):
                # every listener on loopback: the dashboard too (":0" would be 0.0.0.0)
                self.cluster = LocalCluster(n_workers=int(local_workers), threads_per_worker=1,
                                            processes=True, host=LOOPBACK,
                                            dashboard_address=f"{LOOPBACK}:0",
                                            silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        else:
            self.name = f"dask cluster {scheduler}"
            try:
                self.client = Client(scheduler, timeout=timeout)
            except (OSError, TimeoutError) as exc:
                raise ConnectionError(f"cannot reach the Dask scheduler at {scheduler} within "
                                      f"{timeout:g} s ({one_line(exc)}); is 'dask scheduler' "
                                      "running there?") from None
        self._threads_at = 0.0
        self._threads = 0

    @property
    def workers(self) -> int:
        """Threads across the cluster's workers now (refreshed every few seconds)."""
        if time.monotonic() - self._threads_at > 5.0:
            self._threads = int(sum(self.client.nthreads().values()))
            self._threads_at = time.monotonic()
        return self._threads

    def results(self, tasks: Iterable[RunTask]) -> Iterator[tuple[RunOutcome, int]]:
        """Yield each run's outcome as it finishes (in completion order)."""
        from distributed import as_completed

        queue: deque[RunTask] = deque(tasks)
        running: dict[Any, RunTask] = {}
        pending = as_completed()

        def fill() -> None:
            window = max(4, self.workers * (1 + QUEUE_PER_WORKER))
            while queue and len(running) < window:
                task = queue.popleft()
                fut = self.client.submit(execute_run, task, self.run_fn, pure=False,
                                         key=f"oslsim-run-{task.run_id}-{os.urandom(4).hex()}")
                running[fut] = task
                pending.add(fut)

        fill()
        try:
            for fut in pending:
                task = running.pop(fut)
                try:
                    outcome = fut.result()
                except Exception as exc:  # noqa: BLE001 - KilledWorker, lost connection…
                    outcome = _lost(task, f"the cluster gave up on it: {one_line(exc)}")
                fut.release()
                yield outcome, 1
                fill()
        finally:
            if running:
                self.client.cancel(list(running))

    def close(self) -> None:
        """Disconnect; stop the local cluster if this runner started it."""
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()
