"""Numbers drawn ahead on the drawing thread are the numbers drawn in place, and kernels
run in two halves on two threads give the numbers of one pass."""

from __future__ import annotations

import numpy as np
import pandas as pd

import oslsim
from oslsim import ahead


def _a_year(households: int, seed: int) -> pd.DataFrame:
    """Twelve months of a default kelurahan: its timeseries."""
    model = oslsim.OSLModel(oslsim.Params(households=households), rng=seed)
    model.run(12)
    return model.timeseries()


def test_a_draw_ahead_is_the_draw_in_place(monkeypatch):
    monkeypatch.setattr(ahead, "MIN_AHEAD", 0)  # every draw goes to the thread
    a, b = np.random.default_rng(5), np.random.default_rng(5)
    take = ahead.draw_ahead(a.random, (300, 7), dtype=np.float32)
    assert np.array_equal(take(), b.random((300, 7), dtype=np.float32))
    assert a.random() == b.random()  # and the stream goes on from the same place


def test_a_run_is_the_same_with_and_without_the_drawing_thread(monkeypatch):
    monkeypatch.setattr(ahead, "MIN_AHEAD", 10**12)
    in_place = _a_year(600, 21)
    monkeypatch.setattr(ahead, "MIN_AHEAD", 0)
    threaded = _a_year(600, 21)
    pd.testing.assert_frame_equal(in_place, threaded, check_exact=True)


def test_a_run_is_the_same_with_its_kernels_in_halves_or_whole(monkeypatch):
    monkeypatch.setattr(ahead, "MIN_SPLIT", 10**12)
    whole = _a_year(700, 4)
    monkeypatch.setattr(ahead, "MIN_SPLIT", 1)  # every kernel that can split does
    halves = _a_year(700, 4)
    ahead.set_splitting(False)
    try:
        off = _a_year(700, 4)
    finally:
        ahead.set_splitting(True)
    pd.testing.assert_frame_equal(whole, halves, check_exact=True)
    pd.testing.assert_frame_equal(whole, off, check_exact=True)


def test_split_rows_runs_every_row_once_even_when_no_thread_is_free(monkeypatch):
    import threading

    monkeypatch.setattr(ahead, "MIN_SPLIT", 1)
    seen = np.zeros(101, np.int64)

    def kernel(out, start, stop):  # plain Python: holds the GIL, still correct
        out[start:stop] += 1

    ahead.split_rows(kernel, 101, seen)
    assert (seen == 1).all()
    busy = threading.Event()
    pool = ahead._executor()
    blockers = [pool.submit(busy.wait) for _ in range(pool._max_workers)]  # every thread taken
    try:
        ahead.split_rows(kernel, 101, seen)  # runs both halves here rather than wait
    finally:
        busy.set()
        for b in blockers:
            b.result()
    assert (seen == 2).all()
    assert ahead._busy == 0  # a half cancelled or done no longer counts as busy


def test_no_half_goes_to_a_thread_while_the_pool_fills_the_cores(monkeypatch):
    import threading

    monkeypatch.setattr(ahead, "MIN_SPLIT", 1)
    monkeypatch.setattr(ahead, "_cores", lambda: 2)
    ran_on = []

    def kernel(out, start, stop):
        ran_on.append(threading.current_thread().name)
        out[start:stop] += 1

    seen = np.zeros(10, np.int64)
    busy = threading.Event()
    take = ahead.run_ahead(busy.wait, 10**9)  # a draw under way: the second core is taken
    try:
        ahead.split_rows(kernel, 10, seen)
    finally:
        busy.set()
        take()
    assert ran_on == [threading.current_thread().name]  # one pass, here
    assert (seen == 1).all() and ahead._busy == 0


def test_the_shocks_drawn_ahead_are_the_economys_own(monkeypatch):
    with_ahead = oslsim.OSLModel(oslsim.Params(households=400), rng=8)
    with_ahead.run(10)
    assert with_ahead.state.drawn_ahead is not None  # next month's, drawn ahead
    monkeypatch.setattr(oslsim.OSLModel, "_draw_ahead", lambda self, gen: None)
    plain = oslsim.OSLModel(oslsim.Params(households=400), rng=8)
    plain.run(10)
    assert plain.state.drawn_ahead is None
    pd.testing.assert_frame_equal(with_ahead.timeseries(), plain.timeseries(), check_exact=True)


def test_the_generator_between_months_is_where_the_months_left_it(monkeypatch):
    import copy

    runs = {}
    for name in ("ahead", "plain"):
        if name == "plain":
            monkeypatch.setattr(oslsim.OSLModel, "_draw_ahead", lambda self, gen: None)
        model = oslsim.OSLModel(oslsim.Params(households=400), rng=3)
        model.add_hook(lambda m: m.rng.random(3))  # a hook that draws, before the phases
        model.run(3)
        between = model.rng.random(4)  # puts the shocks drawn ahead back first
        twin = copy.deepcopy(model)  # a model copied between months goes on the same way
        model.run(3)
        twin.run(3)
        pd.testing.assert_frame_equal(model.timeseries(), twin.timeseries(), check_exact=True)
        runs[name] = (between, model.timeseries(), model.rng.random(2))
    assert np.array_equal(runs["ahead"][0], runs["plain"][0])
    pd.testing.assert_frame_equal(runs["ahead"][1], runs["plain"][1], check_exact=True)
    assert np.array_equal(runs["ahead"][2], runs["plain"][2])


def test_a_phase_called_with_another_generator_draws_its_own():
    import copy

    from oslsim.phases import economy

    model = oslsim.OSLModel(oslsim.Params(households=300), rng=4)
    model.run(2)
    st = copy.deepcopy(model.state)
    a, b = copy.deepcopy(st), copy.deepcopy(st)
    economy(a, model.params, np.random.default_rng(1))
    a.drawn_ahead = b.drawn_ahead = None  # the same state without numbers drawn ahead
    economy(b, model.params, np.random.default_rng(1))
    assert np.array_equal(a.income, b.income)
    assert st.drawn_ahead is not None and model.state.drawn_ahead is not None


def test_numbers_drawn_for_a_schedule_go_back_when_it_changes(monkeypatch):
    from oslsim.phases import PHASES

    def draws(state, params, rng):  # a phase that draws between the economy and onset
        state.savings *= 1.0 + 0.01 * rng.random()

    runs = []
    for ahead_on in (True, False):
        if not ahead_on:
            monkeypatch.setattr(oslsim.OSLModel, "_draw_ahead", lambda self, gen: None)
        model = oslsim.OSLModel(oslsim.Params(households=400), rng=6)
        model.run(2)
        model.phases = (PHASES[0], draws, *PHASES[1:])
        model.run(2)
        model.phases = (draws, *PHASES)  # no economy first: nothing drawn ahead
        model.run(1)
        runs.append(model.timeseries())
    pd.testing.assert_frame_equal(runs[0], runs[1], check_exact=True)
