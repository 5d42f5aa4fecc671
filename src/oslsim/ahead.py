"""The second core: random numbers drawn ahead, and kernels run over rows in two halves.

numpy's generators release the GIL while they fill an array, and the compiled kernels and
scipy's sparse products release it while they run, so on two cores a draw of a million
numbers can overlap the work that does not need them. A phase asks for the draw where it
would have made it and uses its generator for nothing else until it takes the numbers, so
the stream, and every result, is the same as drawing them in place.

A kernel whose rows are independent (each row's outputs depend on its own inputs only) runs
over its rows in two halves, one on a second thread (:func:`split_rows`); each half writes
only its own rows, so the numbers are those of one pass, whatever the threads' timing.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

import numpy as np

__all__ = ["beside", "compact_rows", "draw_ahead", "in_parallel", "run_ahead", "set_splitting",
           "split_rows", "take_drawn", "would_split"]

T = TypeVar("T")
R = TypeVar("R")

#: Below this many numbers a draw is made at once: a thread's hand-over costs more.
MIN_AHEAD = 50_000

#: Below this many rows a kernel runs whole on the calling thread: a hand-over costs more.
MIN_SPLIT = 20_000

_pool: ThreadPoolExecutor | None = None
_splitting = True
#: Tasks under way on the pool's threads (draws ahead and halves), of all models in the process.
_busy = 0
_busy_lock = threading.Lock()
_pool_pid: int | None = None


def _executor() -> ThreadPoolExecutor:
    """The process's drawing threads (made again in a forked child: threads do not fork).

    More than one, so models run in threads of one process (a threaded Dask worker) do not
    wait for each other's draws; each model has at most one draw under way.
    """
    global _pool, _pool_pid
    if _pool is None or _pool_pid != os.getpid():
        workers = min(4, os.cpu_count() or 1)
        _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="oslsim-draw")
        _pool_pid = os.getpid()
    return _pool


def _submit(work: Callable[..., R], *args: object) -> Future[R]:
    """Start ``work(*args)`` on a thread of the pool, counted as busy until it ends."""
    global _busy
    with _busy_lock:
        _busy += 1

    def counted() -> R:
        global _busy
        try:
            return work(*args)
        finally:
            with _busy_lock:
                _busy -= 1

    return _executor().submit(counted)


def _cancel(future: Future[R]) -> bool:
    """Cancel ``future`` if no thread has started it (it no longer counts as busy then)."""
    global _busy
    if not future.cancel():
        return False
    with _busy_lock:
        _busy -= 1
    return True


def _spare_core() -> bool:
    """Whether a core is free for a second half: none is while the pool already fills them.

    A month's draws ahead (or another model's work in a threaded Dask worker) may be
    running; a half given to a thread then would only wait for a core, and delay them.
    """
    return _splitting and _busy < _cores() - 1


def draw_ahead(draw: Callable[..., np.ndarray], size: int | tuple[int, ...],
               **kwargs: object) -> Callable[[], np.ndarray]:
    """Start ``draw(size, **kwargs)`` (a generator's method) and return what takes its numbers.

    The caller must not use the same generator again before it has taken them.
    """
    return run_ahead(lambda: draw(size, **kwargs), int(np.prod(size)))


def run_ahead(work: Callable[[], T], count: int) -> Callable[[], T]:
    """Start ``work()`` (draws of ``count`` numbers in all) and return what takes its result."""
    if count < MIN_AHEAD:
        result = work()
        return lambda: result
    future: Future[T] = _submit(work)
    return future.result


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def set_splitting(on: bool) -> bool:
    """Let kernels run over their rows on two threads (the default), or not; returns the old.

    A pool of worker processes that already keeps every core busy turns it off
    (:mod:`oslsim.experiments.runner`); the numbers are the same either way.
    """
    global _splitting
    old, _splitting = _splitting, bool(on)
    return old


def would_split(n: int) -> bool:
    """Whether :func:`split_rows` would split ``n`` rows now.

    A kernel may keep a faster one-pass version for when it would not.
    """
    return n >= MIN_SPLIT and _spare_core()


def split_rows(kernel: Callable[..., R], n: int, *args: object,
               at: int | None = None) -> list[tuple[int, R]]:
    """Run ``kernel(*args, start, stop)`` over rows ``0:n``: the first half on a second thread.

    ``kernel`` is compiled without the GIL and writes only the outputs of rows
    ``start:stop`` (or its own part of them, see :func:`compact_rows`), so the halves touch
    no memory in common and the result is that of ``kernel(*args, 0, n)``. ``at`` is where
    the second half starts (default ``n // 2``; a kernel that counted the first half's rows
    beforehand passes the row it counted to). When no thread is free by the time this
    thread's half is done, this
    thread runs the other half too (so a busy pool never makes it wait, or deadlock).
    Returns each part's ``(start, kernel's result)``, in row order.
    """
    if not would_split(n):
        return [(0, kernel(*args, 0, n))]
    half = n // 2 if at is None else int(at)
    future = _submit(kernel, *args, 0, half)
    second = kernel(*args, half, n)
    first = kernel(*args, 0, half) if _cancel(future) else future.result()
    return [(0, first), (half, second)]


def compact_rows(kernel: Callable[..., int], n: int, outs: tuple[np.ndarray, ...],
                 *args: object) -> int:
    """A compaction over rows ``0:n`` in two halves: ``kernel(*args, *outs, start, stop)``.

    The kernel writes the rows it keeps from ``outs[j][start]`` on (never more than
    ``stop - start`` of them) and returns how many; the second half's are then moved up
    behind the first's, so ``outs[j][:count]`` is what one pass gives. Returns ``count``.
    """
    total = 0
    for start, count in split_rows(kernel, n, *args, *outs):
        if start != total:
            for out in outs:
                out[total: total + count] = out[start: start + count]
        total += int(count)
    return total


def beside(work: Callable[[], T], size: int) -> Callable[[], T]:
    """Start ``work()`` on a second thread when ``size`` (rows) is large; return its taker.

    ``work`` must write no memory the calling thread uses until it takes the result. When no
    thread has started it by then, the taker runs it itself (a busy pool never makes it
    wait, or deadlock).
    """
    if not would_split(size):
        result = work()
        return lambda: result
    future: Future[T] = _submit(work)
    return lambda: work() if _cancel(future) else future.result()


def in_parallel(first: Callable[[], T], second: Callable[[], T], size: int) -> tuple[T, T]:
    """``(first(), second())``, ``first`` on a second thread when ``size`` (rows) is large.

    The two must not write any memory in common (see :func:`beside`).
    """
    take = beside(first, size)
    b = second()
    return take(), b


def take_drawn(state: Any, rng: np.random.Generator, key: str) -> np.ndarray | None:
    """The numbers ``key`` the model drew ahead from ``rng`` for a phase, once; else None.

    ``state.drawn_ahead`` holds the generator they came from and the numbers by phase
    (:meth:`oslsim.model.OSLModel.step`); a phase given another generator draws its own.
    """
    ahead = state.drawn_ahead
    if ahead is None or ahead[0] is not rng or key not in ahead[1]:
        return None
    numbers = ahead[1].pop(key)
    if not ahead[1]:
        state.drawn_ahead = None
    return numbers
