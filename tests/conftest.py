"""Shared test setup: the tiny-community helper on the path, hypothesis settings, a seeded rng."""

from __future__ import annotations

import pathlib
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

# ``tests/tiny.py`` builds hand-made communities; make it importable under any import mode.
sys.path.insert(0, str(pathlib.Path(__file__).parent))

# Property tests build and run small models: no per-example deadline (the 2-core CI machine
# is shared). How many examples each test tries is set beside the test.
settings.register_profile(
    "oslsim", deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("oslsim")


@pytest.fixture
def rng() -> np.random.Generator:
    """A fixed-seed generator for one test."""
    return np.random.default_rng(20240601)


@pytest.fixture(params=["whole", "halves"])
def split_both_ways(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with the kernels over all their rows at once, then in two halves.

    :func:`oslsim.ahead.split_rows` splits only large arrays; here every size is split, so
    small tests check that two halves on two threads give the numbers of one pass.
    """
    from oslsim import ahead

    monkeypatch.setattr(ahead, "MIN_SPLIT", 10**12 if request.param == "whole" else 1)
    return request.param
