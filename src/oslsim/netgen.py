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

__all__ = ["gnp_edges", "watts_strogatz_edges"]


def _graph_edges(g: nx.Graph) -> np.ndarray:
    return np.array(g.edges(), dtype=np.int64).reshape(-1, 2)


def watts_strogatz_edges(n: int, k: int, p: float, seed: int) -> np.ndarray:
    """Edges ``(m, 2)`` of ``networkx.watts_strogatz_graph(n, k, p, seed=seed)``.

    The ring lattice of ``k // 2`` neighbours a side, then each ring edge rewired with
    probability ``p`` to a node drawn uniformly, avoiding self-loops and double edges —
    the same calls on the same ``random.Random(seed)`` as networkx makes.
    """
    if k > n or k == n:
        return _graph_edges(nx.watts_strogatz_graph(n, k, p, seed=seed))
    rnd = random.Random(seed)
    rand, choice = rnd.random, rnd.choice
    half = k // 2
    nodes = range(n)
    # The ring is implicit: {u, w} is ring edge (a, j) = (u, w - u mod n) when that distance
    # is 1..half. Only the few rewirings are kept: ring edges removed, edges added.
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
    src = np.tile(np.arange(n, dtype=np.int64), half)
    step = np.repeat(np.arange(1, half + 1, dtype=np.int64), n)
    keep = np.ones(src.size, bool)
    if removed:
        gone = np.array(sorted(removed), dtype=np.int64)
        keep[(gone[:, 1] - 1) * n + gone[:, 0]] = False
    ring = np.column_stack([src[keep], (src[keep] + step[keep]) % n])
    if not pairs:
        return ring
    return np.vstack([ring, np.array(pairs, dtype=np.int64)])


def gnp_edges(n: int, p: float, seed: int) -> np.ndarray:
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
