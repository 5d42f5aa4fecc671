"""The community's random networks, edge for edge as networkx 3 draws them, without its graphs.

The community builder draws each RT's neighbour ties as a Watts-Strogatz small world and the
kin ties as a G(n, p) random graph, with networkx's generators seeded from the run's
generator. Building networkx ``Graph`` objects costs most of the time of building a large
community; these functions make the same draws from the same ``random.Random`` stream and
return the edges as arrays. ``tests/test_netgen.py`` checks that the edge sets equal
networkx's for many sizes and seeds.
"""

from __future__ import annotations

import math
import random

import networkx as nx
import numpy as np

from oslsim import kernels

__all__ = ["gnp_edges", "watts_strogatz_blocks", "watts_strogatz_edges"]


def _graph_edges(g: nx.Graph) -> np.ndarray:
    return np.array(g.edges(), dtype=np.int64).reshape(-1, 2)


def _rewire(n: int, half: int, p: float, seed: int
            ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Networkx's rewiring loop on the ring of ``n`` nodes and ``half`` neighbours a side.

    Returns the ring edges removed, as ``(u, j)`` for edge ``{u, u + j mod n}``, and the
    edges added, as ``(u, w)``. The ring is implicit; only the rewirings are stored.
    """
    rnd = random.Random(seed)
    rand, choice = rnd.random, rnd.choice
    nodes = range(n)
    removed: set[tuple[int, int]] = set()
    added: dict[int, set[int]] = {}
    degree_change: dict[int, int] = {}
    pairs: list[tuple[int, int]] = []

    def has_edge(u: int, w: int) -> bool:
        d = (w - u) % n
        if 0 < d <= half and (u, d) not in removed:
            return True
        if n - d <= half and d != 0 and (w, n - d) not in removed:
            return True
        return w in added.get(u, ())

    for j in range(1, half + 1):
        for u in nodes:
            if rand() < p:
                w = choice(nodes)
                while w == u or has_edge(u, w):
                    w = choice(nodes)
                    if 2 * half + degree_change.get(u, 0) >= n - 1:
                        break
                else:
                    v = (u + j) % n
                    removed.add((u, j))
                    added.setdefault(u, set()).add(w)
                    added.setdefault(w, set()).add(u)
                    degree_change[v] = degree_change.get(v, 0) - 1
                    degree_change[w] = degree_change.get(w, 0) + 1
                    pairs.append((u, w))
    return sorted(removed), pairs


def watts_strogatz_blocks(starts: np.ndarray, sizes: np.ndarray, k: int, p: float,
                          seeds: list[int]) -> np.ndarray:
    """Edges of one Watts-Strogatz graph per block of rows (each block larger than ``k``).

    Block ``b`` covers rows ``starts[b] .. starts[b] + sizes[b] - 1`` and is
    ``networkx.watts_strogatz_graph(sizes[b], k, p, seed=seeds[b])`` shifted there. The
    rings of all blocks are laid out at once; only the rewiring loop runs per block.
    """
    starts = np.asarray(starts, np.int64)
    sizes = np.asarray(sizes, np.int64)
    half = k // 2
    total = int(sizes.sum())
    offset = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    block = np.repeat(np.arange(sizes.size), sizes)
    local = np.arange(total, dtype=np.int64) - offset[block]
    extra: list[np.ndarray] = []
    seeds = np.asarray(seeds, np.int64)
    largest = int(sizes.max()) if sizes.size else 0
    if _FAST and sizes.size and largest <= _LARGEST_COMPILED and seeds.min() >= 0:
        # The rewiring loop compiled, with Python's own twister (oslsim.kernels).
        keep, pu, pw, pb = kernels.rewire_blocks(sizes, offset, seeds, half, float(p), total,
                                                 largest)
        if pu.size:
            extra.append(np.column_stack([pu + starts[pb], pw + starts[pb]]))
    else:
        keep = np.ones(half * total, bool)
        for b in range(sizes.size):
            removed, pairs = _rewire(int(sizes[b]), half, p, int(seeds[b]))
            if removed:
                gone = np.array(removed, dtype=np.int64)
                keep[(gone[:, 1] - 1) * total + offset[b] + gone[:, 0]] = False
            if pairs:
                extra.append(np.array(pairs, dtype=np.int64) + starts[b])
    j = np.repeat(np.arange(1, half + 1, dtype=np.int64), total)
    u = np.tile(local, half)
    blk = np.tile(block, half)
    src = starts[blk] + u
    dst = starts[blk] + (u + j) % sizes[blk]
    ring = np.column_stack([src[keep], dst[keep]])
    return np.vstack([ring, *extra]) if extra else ring


def _watts_strogatz_python(n: int, k: int, p: float, seed: int) -> np.ndarray:
    if k > n or k == n:
        return _graph_edges(nx.watts_strogatz_graph(n, k, p, seed=seed))
    return watts_strogatz_blocks(np.array([0]), np.array([n]), k, p, [seed])


def _gnp_python(n: int, p: float, seed: int) -> np.ndarray:
    """Edges ``(m, 2)`` of ``networkx.fast_gnp_random_graph(n, p, seed=seed)`` (undirected).

    networkx walks the lower triangle of the adjacency matrix in geometric skips; the walk's
    position ``f = v (v - 1) / 2 + w`` is all it keeps, so the skips are drawn in a loop and
    the positions turned into node pairs with integer arithmetic afterwards.
    """
    if p <= 0 or p >= 1:
        return _graph_edges(nx.fast_gnp_random_graph(n, p, seed=seed))
    rnd = random.Random(seed)
    rand, log = rnd.random, math.log
    lp = math.log(1.0 - p)
    end = n * (n - 1) // 2
    positions: list[int] = []
    append = positions.append
    f = -1
    while True:
        f += 1 + int(log(1.0 - rand()) / lp)
        if f >= end:
            break
        append(f)
    pos = np.array(positions, dtype=np.int64)
    v = ((1.0 + np.sqrt(1.0 + 8.0 * pos.astype(np.float64))) // 2).astype(np.int64)
    # the float square root may be one off either way: settle v(v-1)/2 <= f < v(v+1)/2
    v -= (v * (v - 1) // 2) > pos
    v += (v * (v + 1) // 2) <= pos
    w = pos - v * (v - 1) // 2
    return np.column_stack([v, w])


# --------------------------------------------------------------------------- the fast path
#
# Python's random.Random is a Mersenne Twister: random() is two 32-bit words, (a >> 5,
# b >> 6) put together into 53 bits; choice(range(n)) draws getrandbits(n.bit_length())
# (one word, shifted) until it is below n. numpy's MT19937, given the same state, gives the
# same words (``random_raw``), so whole runs of draws can be made at once. A check at import
# compares both on a sample and falls back to the loops above if they ever differ.

_TWO53 = 1.0 / 9007199254740992.0


def _twister(seed: int) -> np.random.MT19937:
    """A numpy MT19937 in the state ``random.Random(seed)`` starts from."""
    state = random.Random(seed).getstate()[1]
    bg = np.random.MT19937(0)
    bg.state = {"bit_generator": "MT19937",
                "state": {"key": np.array(state[:624], dtype=np.uint32), "pos": state[624]}}
    return bg


def _doubles(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """random() from word pairs (a, b), as CPython builds it."""
    return ((a >> 5).astype(np.float64) * 67108864.0 + (b >> 6).astype(np.float64)) * _TWO53


def _gnp_fast(n: int, p: float, seed: int) -> np.ndarray:
    bg = _twister(seed)
    lp = math.log(1.0 - p)
    end = n * (n - 1) // 2
    chunk = int(end * p * 1.05) + 64
    found: list[np.ndarray] = []
    f = -1
    while True:
        raw = bg.random_raw(2 * chunk)
        r = _doubles(raw[0::2], raw[1::2])
        one = 1.0 - r
        q = np.log(one) / lp
        # numpy's log may differ from libm's in the last bit; where that could move the
        # whole part, take Python's own.
        near = np.flatnonzero(np.abs(q - np.rint(q)) <= 1e-9 * np.maximum(q, 1.0))
        for i in near:
            q[i] = math.log(float(one[i])) / lp
        pos = f + np.cumsum(1 + q.astype(np.int64))
        stop = int(np.searchsorted(pos, end))
        found.append(pos[:stop])
        if stop < pos.size:
            break
        f = int(pos[-1])
    pos = np.concatenate(found)
    v = ((1.0 + np.sqrt(1.0 + 8.0 * pos.astype(np.float64))) // 2).astype(np.int64)
    v -= (v * (v - 1) // 2) > pos
    v += (v * (v + 1) // 2) <= pos
    return np.column_stack([v, pos - v * (v - 1) // 2])


def _same_stream() -> bool:
    """Whether numpy's twister reproduces Python's random() and choice() here."""
    py, bg = random.Random(20240601), _twister(20240601)
    raw = bg.random_raw(8)
    ok = list(_doubles(raw[0:4:2], raw[1:4:2])) == [py.random(), py.random()]
    bits = (1000).bit_length()
    words = [int(x) >> (32 - bits) for x in raw[4:]]
    expected = next((x for x in words if x < 1000), None)
    return ok and (expected is None or py.choice(range(1000)) == expected)


_FAST = _same_stream()
#: Blocks up to this size rewire in the compiled loop (it keeps a dense block adjacency).
_LARGEST_COMPILED = 4096


def watts_strogatz_edges(n: int, k: int, p: float, seed: int) -> np.ndarray:
    """Edges ``(m, 2)`` of ``networkx.watts_strogatz_graph(n, k, p, seed=seed)``.

    The ring lattice of ``k // 2`` neighbours a side, then each ring edge rewired with
    probability ``p`` to a node drawn uniformly, avoiding self-loops and double edges —
    the same draws from the same ``random.Random(seed)`` stream as networkx makes.
    """
    return _watts_strogatz_python(n, k, p, seed)


def gnp_edges(n: int, p: float, seed: int) -> np.ndarray:
    """Edges ``(m, 2)`` of ``networkx.fast_gnp_random_graph(n, p, seed=seed)`` (undirected).

    networkx walks the lower triangle of the adjacency matrix in geometric skips; the walk's
    position ``f = v (v - 1) / 2 + w`` is all it keeps, so the skips are drawn at once and
    the positions turned into node pairs with integer arithmetic.
    """
    if p <= 0 or p >= 1 or n < 2 or not _FAST:
        return _gnp_python(n, p, seed)
    return _gnp_fast(n, p, seed)
