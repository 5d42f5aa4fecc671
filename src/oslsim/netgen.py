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
    half = k // 2
    adj = [set() for _ in range(n)]
    for j in range(1, half + 1):
        for u in range(n):
            v = (u + j) % n
            adj[u].add(v)
            adj[v].add(u)
    nodes = range(n)
    rand, choice = rnd.random, rnd.choice
    for j in range(1, half + 1):
        for u in range(n):
            if rand() < p:
                v = (u + j) % n
                au = adj[u]
                w = choice(nodes)
                while w == u or w in au:
                    w = choice(nodes)
                    if len(au) >= n - 1:
                        break
                else:
                    au.discard(v)
                    adj[v].discard(u)
                    au.add(w)
                    adj[w].add(u)
    src = np.repeat(np.arange(n), [len(a) for a in adj])
    dst = np.fromiter((w for a in adj for w in a), dtype=np.int64, count=src.size)
    keep = src < dst
    return np.column_stack([src[keep], dst[keep]])


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
