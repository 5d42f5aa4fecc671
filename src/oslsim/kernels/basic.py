"""Small compiled reductions and the NaN rules of ``np.maximum`` and ``np.minimum``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba
import numpy as np

#: Unsigned positions: numba checks every signed index for wrap-around (a negative index
#: counts from the end), which costs a third of a scatter loop's time; ``x[_U(i)]`` does not.
_U = np.uint64


def _jit(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``numba.njit`` with a disk cache where one can be written, else without.

    ``error_model="numpy"``: a division by zero gives IEEE's inf or nan, as numpy's does,
    instead of a check and an exception on every division (the kernels guard their
    divisors, so no number changes; the loops run 5-10% faster).
    """
    try:
        return numba.njit(cache=True, nogil=True, error_model="numpy")(fn)
    except RuntimeError:  # no cache locator (a read-only install without a cache dir)
        return numba.njit(nogil=True, error_model="numpy")(fn)


@_jit
def _np_max(a, b):  # pragma: no cover - compiled
    # np.maximum's rule: NaN if either is NaN
    if a != a:
        return a
    if b != b:
        return b
    return a if a >= b else b


@_jit
def _np_min(a, b):  # pragma: no cover - compiled
    if a != a:
        return a
    if b != b:
        return b
    return a if a <= b else b


@_jit
def _row_any(a):  # pragma: no cover - compiled
    n, k = a.shape
    out = np.zeros(n, np.bool_)
    for i in range(n):
        for j in range(k):
            if a[i, j]:
                out[i] = True
                break
    return out


@_jit
def _row_count(a):  # pragma: no cover - compiled
    n, k = a.shape
    out = np.zeros(n, np.int32)
    for i in range(n):
        c = 0
        for j in range(k):
            if a[i, j]:
                c += 1
        out[i] = c
    return out


@_jit
def _col_count(a):  # pragma: no cover - compiled
    n, k = a.shape
    out = np.zeros(k, np.int64)
    for i in range(n):
        for j in range(k):
            if a[i, j]:
                out[j] += 1
    return out


def row_any(a: np.ndarray) -> np.ndarray:
    """``a.any(axis=1)`` of a 2-D boolean array."""
    return _row_any(a)


def row_count(a: np.ndarray) -> np.ndarray:
    """``a.sum(axis=1)`` of a 2-D boolean array, as int32."""
    return _row_count(a)


def col_count(a: np.ndarray) -> np.ndarray:
    """``a.sum(axis=0)`` of a 2-D boolean array, as int64."""
    return _col_count(a)


@_jit
def org_sum(org, hh, per_household, m):  # pragma: no cover - compiled
    """``numpy.bincount(org, weights=per_household[hh], minlength=m)``."""
    out = np.zeros(m)
    for i in range(org.size):
        out[org[i]] += per_household[hh[i]]
    return out


@_jit
def count_active(mem_active, index, size):  # pragma: no cover - compiled
    """``numpy.bincount(index[mem_active], minlength=size)``: active memberships per row."""
    out = np.zeros(size, np.int64)
    for x in range(mem_active.size):
        if mem_active[x]:
            out[index[x]] += 1
    return out


@_jit
def masked_sum(values, mask):  # pragma: no cover - compiled
    """The sum of ``values`` where ``mask``, in row order (exact for whole numbers)."""
    total = 0.0
    for i in range(values.size):
        if mask[i]:
            total += values[i]
    return total


@_jit
def _row_sum(indptr, indices, data, x, i):  # pragma: no cover - compiled
    """Row ``i`` of a CSR matrix times ``x``, in scipy's ``csr_matvec`` order (from 0)."""
    acc = 0.0
    # unsigned positions: numba checks signed ones for negative (wrap-around) indices
    for jj in range(_U(indptr[i]), _U(indptr[i + 1])):
        acc += data[jj] * x[_U(indices[jj])]
    return acc


@_jit
def _ones_sum(indptr, indices, x, i):  # pragma: no cover - compiled
    """:func:`_row_sum` of a 0/1 matrix (every entry 1.0) without reading its entries.

    ``1.0 * v`` is ``v`` for every float (NaN and infinities too), so the sum is the same to
    the bit; a 0/1 network's weights are most of the bytes a row sum would read.
    """
    acc = 0.0
    for jj in range(_U(indptr[i]), _U(indptr[i + 1])):
        acc += x[_U(indices[jj])]
    return acc
