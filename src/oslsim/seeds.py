"""Seeds in one place: a run's generator, a fresh seed, the seeds of replicates (SPEC 7).

Every run has one ``numpy.random.Generator``, made from its seed; a seed not given is drawn
from operating-system entropy and recorded, so the run can be repeated. Replicate ``r`` of
an experiment has the same seed at every design point (common random numbers).
"""

from __future__ import annotations

import numpy as np

__all__ = ["DESIGN_STREAM", "as_generator", "design_rng", "fresh_seed", "replicate_seeds",
           "seed_63"]

#: Spawn key of a sampled design's stream: far from the replicates' keys 0, 1, 2, …
DESIGN_STREAM = 2**32 - 1


def as_generator(rng: int | np.random.Generator | np.random.SeedSequence | None,
                 ) -> np.random.Generator:
    """The generator of ``rng``: itself if it is one, else ``numpy.random.default_rng(rng)``."""
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def seed_63(seq: np.random.SeedSequence) -> int:
    """A whole-number seed of 63 bits drawn from a seed sequence (fits DuckDB's BIGINT)."""
    return int(seq.generate_state(1, np.uint64)[0] >> np.uint64(1))


def fresh_seed() -> int:
    """A new 63-bit seed from operating-system entropy (record it to repeat the run)."""
    return seed_63(np.random.SeedSequence())


def replicate_seeds(root: int, replicates: int) -> list[int]:
    """The run seed of each replicate: ``SeedSequence(root).spawn(replicates)``, 63 bits each.

    Replicate ``r`` uses the same seed at every design point (common random numbers).
    """
    return [seed_63(c) for c in np.random.SeedSequence(root).spawn(replicates)]


def design_rng(root: int) -> np.random.Generator:
    """The generator that draws a sampled design: its own stream of the root seed."""
    return np.random.default_rng(np.random.SeedSequence(root, spawn_key=(DESIGN_STREAM,)))
