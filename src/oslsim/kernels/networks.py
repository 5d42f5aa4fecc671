"""networkx's Watts-Strogatz rewiring, compiled, drawing networkx's own numbers."""

from __future__ import annotations

import numpy as np

from oslsim.kernels.basic import _jit

# --------------------------------------------------------------------------- networks
#
# Python's random.Random is a Mersenne Twister seeded by init_by_array of the seed's 32-bit
# words; random() is two words (a >> 5, b >> 6) put together into 53 bits, and
# choice(range(n)) draws getrandbits(n.bit_length()) (one word, shifted) until it is below n.
# The same generator here lets networkx's Watts-Strogatz rewiring loop run compiled, drawing
# exactly the numbers networkx draws (``tests/test_netgen.py`` compares the edges).

_MASK = 0xFFFFFFFF


@_jit
def _mt_seed(mt, seed):  # pragma: no cover - compiled
    """Seed ``mt`` (624 words, uint64) as ``random.Random(seed)`` does, for 0 <= seed < 2**64."""
    n = 624
    mt[0] = 19650218
    for i in range(1, n):
        mt[i] = (1812433253 * (mt[i - 1] ^ (mt[i - 1] >> 30)) + i) & _MASK
    key = np.zeros(2, np.uint64)
    key[0] = seed & _MASK
    key[1] = seed >> 32
    length = 2 if key[1] != 0 else 1
    i, j = 1, 0
    for _ in range(max(n, length)):
        mt[i] = ((mt[i] ^ (((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525) & _MASK)) + key[j]
                 + j) & _MASK
        i += 1
        j += 1
        if i >= n:
            mt[0] = mt[n - 1]
            i = 1
        if j >= length:
            j = 0
    for _ in range(n - 1):
        mt[i] = ((mt[i] ^ (((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941) & _MASK)) - i) & _MASK
        i += 1
        if i >= n:
            mt[0] = mt[n - 1]
            i = 1
    mt[0] = 0x80000000


@_jit
def _mt_word(mt, pos):  # pragma: no cover - compiled
    """The next 32-bit word; ``pos[0]`` is the index into the state (624: twist first)."""
    n, m = 624, 397
    if pos[0] >= n:
        for k in range(n):
            y = (mt[k] & 0x80000000) | (mt[(k + 1) % n] & 0x7FFFFFFF)
            mt[k] = mt[(k + m) % n] ^ (y >> 1) ^ (0x9908B0DF if y & 1 else 0)
        pos[0] = 0
    y = mt[pos[0]]
    pos[0] += 1
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C5680
    y ^= (y << 15) & 0xEFC60000
    y ^= y >> 18
    return y & _MASK


@_jit
def mt_words(seed, count):  # pragma: no cover - compiled
    """The first ``count`` 32-bit words of ``random.Random(seed)`` (for tests)."""
    mt = np.zeros(624, np.uint64)
    pos = np.full(1, 624, np.int64)
    _mt_seed(mt, np.uint64(seed))
    out = np.zeros(count, np.uint64)
    for i in range(count):
        out[i] = _mt_word(mt, pos)
    return out


@_jit
def _mt_random(mt, pos):  # pragma: no cover - compiled
    a = _mt_word(mt, pos) >> 5
    b = _mt_word(mt, pos) >> 6
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0)


@_jit
def _mt_below(mt, pos, n):  # pragma: no cover - compiled
    """``random.Random._randbelow(n)`` for 1 <= n < 2**32."""
    k = 0
    x = n
    while x > 0:
        k += 1
        x >>= 1
    r = _mt_word(mt, pos) >> (32 - k)
    while r >= n:
        r = _mt_word(mt, pos) >> (32 - k)
    return r


@_jit
def rewire_blocks(sizes, offsets, seeds, half, p, total, largest):  # pragma: no cover
    """Rewire each block's ring as networkx's Watts-Strogatz generator does, compiled.

    Block ``b`` is a ring of ``sizes[b]`` nodes (each larger than ``2 * half``), its ring
    edges ``{u, u + j}`` stored at ``(j - 1) * total + offsets[b] + u`` of the returned
    ``keep``; rewired edges are returned as pairs of block-local nodes with their block.
    """
    keep = np.ones(half * total, np.bool_)
    pairs_u = np.zeros(half * total, np.int64)
    pairs_w = np.zeros(half * total, np.int64)
    pairs_b = np.zeros(half * total, np.int64)
    count = 0
    adj = np.zeros((largest, largest), np.bool_)
    change = np.zeros(largest, np.int64)
    mt = np.zeros(624, np.uint64)
    pos = np.zeros(1, np.int64)
    for b in range(sizes.size):
        n = sizes[b]
        for u in range(n):
            change[u] = 0
            for w in range(n):
                adj[u, w] = False
        for u in range(n):
            for d in range(1, half + 1):
                v = (u + d) % n
                adj[u, v] = True
                adj[v, u] = True
        _mt_seed(mt, np.uint64(seeds[b]))
        pos[0] = 624
        for j in range(1, half + 1):
            for u in range(n):
                if _mt_random(mt, pos) < p:
                    w = _mt_below(mt, pos, n)
                    broke = False
                    while w == u or adj[u, w]:
                        w = _mt_below(mt, pos, n)
                        if 2 * half + change[u] >= n - 1:
                            broke = True
                            break
                    if not broke:
                        v = (u + j) % n
                        keep[(j - 1) * total + offsets[b] + u] = False
                        adj[u, v] = False
                        adj[v, u] = False
                        adj[u, w] = True
                        adj[w, u] = True
                        change[v] -= 1
                        change[w] += 1
                        pairs_u[count] = u
                        pairs_w[count] = w
                        pairs_b[count] = b
                        count += 1
    return keep, pairs_u[:count], pairs_w[:count], pairs_b[:count]
