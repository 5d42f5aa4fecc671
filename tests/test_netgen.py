"""The fast network generators draw exactly networkx's edges (same seed, same edge set)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from oslsim.netgen import gnp_edges, watts_strogatz_edges


def edge_set(edges) -> set[tuple[int, int]]:
    return {(min(a, b), max(a, b)) for a, b in np.asarray(edges).tolist()}


@pytest.mark.parametrize("n,k,p", [(5, 4, 0.1), (8, 4, 0.5), (12, 6, 0.05), (30, 4, 0.2),
                                   (78, 6, 0.1), (40, 2, 0.9), (6, 4, 1.0), (4, 4, 0.1),
                                   (10, 8, 0.7), (50, 6, 0.0)])
def test_watts_strogatz_edges_are_networkx_edges(n, k, p):
    for seed in range(15):
        ours = edge_set(watts_strogatz_edges(n, k, p, seed))
        theirs = edge_set(nx.watts_strogatz_graph(n, k, p, seed=seed).edges())
        assert ours == theirs, (n, k, p, seed)


@pytest.mark.parametrize("n,p", [(2, 0.5), (10, 0.3), (100, 0.02), (1000, 0.003),
                                 (3000, 0.001), (7, 1.0), (50, 0.0), (20000, 0.0002)])
def test_gnp_edges_are_networkx_edges(n, p):
    for seed in range(8):
        ours = gnp_edges(n, p, seed)
        theirs = edge_set(nx.fast_gnp_random_graph(n, p, seed=seed).edges())
        assert edge_set(ours) == theirs and len(ours) == len(theirs), (n, p, seed)


def test_the_fast_path_is_in_use_and_matches_the_loops():
    from oslsim import netgen

    assert netgen._FAST  # numpy's twister reproduces Python's stream on this machine
    for seed in range(5):
        assert edge_set(netgen._gnp_fast(500, 0.01, seed)) == edge_set(
            netgen._gnp_python(500, 0.01, seed))


def test_blocks_are_each_blocks_own_graph_shifted():
    from oslsim.netgen import watts_strogatz_blocks

    starts, sizes, seeds = [0, 40, 118], [40, 78, 30], [3, 9, 27]
    ours = edge_set(watts_strogatz_blocks(starts, sizes, 6, 0.2, seeds))
    theirs = set()
    for lo, n, seed in zip(starts, sizes, seeds, strict=True):
        theirs |= {(a + lo, b + lo) for a, b in
                   edge_set(nx.watts_strogatz_graph(n, 6, 0.2, seed=seed).edges())}
    assert ours == theirs
