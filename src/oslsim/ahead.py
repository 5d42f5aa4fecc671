"""Draw a phase's next random numbers on a second thread while the phase computes.

numpy's generators release the GIL while they fill an array, and the compiled kernels and
scipy's sparse products release it while they run, so on two cores a draw of a million
numbers can overlap the work that does not need them. A phase asks for the draw where it
would have made it and uses its generator for nothing else until it takes the numbers, so
the stream, and every result, is the same as drawing them in place.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

import numpy as np

__all__ = ["draw_ahead", "run_ahead", "take_drawn"]

T = TypeVar("T")

#: Below this many numbers a draw is made at once: a thread's hand-over costs more.
MIN_AHEAD = 50_000

_pool: ThreadPoolExecutor | None = None
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
    future: Future[T] = _executor().submit(work)
    return future.result


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
