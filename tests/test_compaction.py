"""Dropping ended memberships from the arrays changes no number, whenever it is done."""

from __future__ import annotations

import pandas as pd

import oslsim


def test_compacting_every_month_changes_nothing():
    def run(compact_every_month: bool) -> oslsim.OSLModel:
        model = oslsim.OSLModel(oslsim.Params(households=500), rng=17)
        if compact_every_month:
            model.add_hook(lambda m: m.state.compact_memberships())
        model.run(72)
        return model

    forced, default = run(True), run(False)
    # The arrays differ (the default compacts only past 5% ended memberships), the run not.
    assert forced.state.e < default.state.e
    pd.testing.assert_frame_equal(default.timeseries(), forced.timeseries(), check_exact=True)
