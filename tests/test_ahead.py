"""Numbers drawn ahead on the drawing thread are the numbers drawn in place."""

from __future__ import annotations

import numpy as np
import pandas as pd

import oslsim
from oslsim import ahead


def test_a_draw_ahead_is_the_draw_in_place(monkeypatch):
    monkeypatch.setattr(ahead, "MIN_AHEAD", 0)  # every draw goes to the thread
    a, b = np.random.default_rng(5), np.random.default_rng(5)
    take = ahead.draw_ahead(a.random, (300, 7), dtype=np.float32)
    assert np.array_equal(take(), b.random((300, 7), dtype=np.float32))
    assert a.random() == b.random()  # and the stream goes on from the same place


def test_a_run_is_the_same_with_and_without_the_drawing_thread(monkeypatch):
    def run() -> pd.DataFrame:
        model = oslsim.OSLModel(oslsim.Params(households=600), rng=21)
        model.run(12)
        return model.timeseries()

    monkeypatch.setattr(ahead, "MIN_AHEAD", 10**12)
    in_place = run()
    monkeypatch.setattr(ahead, "MIN_AHEAD", 0)
    threaded = run()
    pd.testing.assert_frame_equal(in_place, threaded, check_exact=True)
