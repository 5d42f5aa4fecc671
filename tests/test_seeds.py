"""One seeds module: a run's generator, fresh seeds, replicate seeds (SPEC 7)."""

from __future__ import annotations

import numpy as np

from oslsim import seeds
from oslsim.experiments import designs


def test_replicate_seeds_are_spawned_from_the_root_and_fit_63_bits():
    a = seeds.replicate_seeds(20250611, 5)
    assert a == seeds.replicate_seeds(20250611, 5) and len(set(a)) == 5
    assert a[:3] == seeds.replicate_seeds(20250611, 3)  # spawning more keeps the first ones
    assert all(0 <= s < 2**63 for s in a)
    children = np.random.SeedSequence(20250611).spawn(2)
    assert a[0] == int(children[0].generate_state(1, np.uint64)[0] >> np.uint64(1))
    # the sweeps use this one function, not a copy of it
    assert designs.replicate_seeds is seeds.replicate_seeds


def test_fresh_seeds_differ_and_a_generator_is_used_not_copied():
    assert seeds.fresh_seed() != seeds.fresh_seed()
    gen = np.random.default_rng(1)
    assert seeds.as_generator(gen) is gen
    assert seeds.as_generator(3).random() == np.random.default_rng(3).random()


def test_the_design_stream_is_apart_from_the_replicates():
    first = seeds.design_rng(7).random()
    assert first == seeds.design_rng(7).random()
    assert first != np.random.default_rng(seeds.replicate_seeds(7, 1)[0]).random()
