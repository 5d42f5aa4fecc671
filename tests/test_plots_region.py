"""The region figure: burden by kelurahan under each rule, ordered by the first rule."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402

from oslsim.plots_region import burden_by_kelurahan  # noqa: E402


def test_burden_by_kelurahan_draws_one_series_per_rule_in_order():
    rows = []
    for rule, shift in (("equal_per_household", 0.0), ("need_capacity", -0.01)):
        for rep in range(3):
            for name, b in (("Desa A", 0.10), ("Desa B", 0.30), ("Kel C", 0.20)):
                rows.append({"rule": rule, "name": name, "replicate": rep,
                             "burden": b + shift + 0.001 * rep})
    fig = burden_by_kelurahan(pd.DataFrame(rows), lang="en")
    ax = fig.axes[0]
    # highest burden under the first rule first
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Desa B", "Kel C", "Desa A"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["equal_per_household",
                                                                   "need_capacity"]
    first = [float(y) for y in ax.containers[0].lines[0].get_ydata()]
    # each mean is the base plus the mean of 0, 0.001 and 0.002
    assert [round(y, 6) for y in first] == [0.301, 0.201, 0.101]
