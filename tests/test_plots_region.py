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


def test_rule_summary_pairs_replicates_and_gives_t_intervals():
    import numpy as np
    import pandas as pd
    from scipy import stats

    from oslsim.plots_region import rule_summary

    runs = pd.DataFrame({
        "rule": ["equal_per_household"] * 3 + ["competitive"] * 3,
        "replicate": [0, 1, 2, 2, 0, 1],  # out of order: the pairs go by replicate
        "burden": [0.10, 0.20, 0.40, 0.30, 0.11, 0.18],
        "burden_gini": [0.2, 0.2, 0.2, 0.5, 0.3, 0.4],
    })
    t = rule_summary(runs, columns=("burden", "burden_gini")).set_index("rule")
    assert t.loc["competitive", "replicates"] == 3
    assert np.isclose(t.loc["competitive", "burden"], (0.11 + 0.18 + 0.30) / 3)
    # Paired, in per cent of the reference: +10%, -10%, -25%
    rel = np.array([10.0, -10.0, -25.0])
    assert np.isclose(t.loc["competitive", "burden_vs_ref"], rel.mean())
    half = stats.t.ppf(0.975, 2) * rel.std(ddof=1) / np.sqrt(3)
    assert np.isclose(t.loc["competitive", "burden_vs_ref_ci"], half)
    # Not relative: the Gini's difference in its own units (0.1, 0.2, 0.3)
    assert np.isclose(t.loc["competitive", "burden_gini_vs_ref"], 0.2)
    assert t.loc["equal_per_household", "burden_vs_ref"] == 0.0
    # three equal values: no spread (the mean of 0.2s is 0.2 to within rounding)
    assert np.isclose(t.loc["equal_per_household", "burden_gini_ci"], 0.0, atol=1e-12)


def test_rule_runs_from_store_are_each_runs_mean_over_the_months_asked(tmp_path):
    import duckdb
    import numpy as np

    from oslsim.experiments.coordinator import sweep
    from oslsim.plots_region import rule_runs_from_store, rule_summary

    files = []
    for rule in ("equal_per_household", "competitive"):
        path = tmp_path / f"kab_{rule}.toml"
        path.write_text(f'''
[region]
name = "kab_{rule}"
[budget]
total = 1_000_000.0
rule = "{rule}"
[[kelurahan]]
name = "Desa Satu"
site = "cibodas"
kind = "desa"
households = 150
[[kelurahan]]
name = "Kelurahan Kota"
site = "surosutan"
households = 150
''', encoding="utf-8")
        files.append(str(path))
    store = tmp_path / "s.duckdb"
    data = {"name": "kab", "months": 3, "replicates": 2, "seed": 4,
            "factors": {"scenario": files}, "keep": {"outcomes": "all"}}
    assert sweep(data, out=store, workers=0, progress=False).done == 4
    runs = rule_runs_from_store(store, from_month=1)
    assert sorted(runs["rule"].unique()) == ["competitive", "equal_per_household"]
    assert list(runs.columns) == ["rule", "replicate", "burden", "burden_gini",
                                  "burden_max_min", "wksbm_count"]
    with duckdb.connect(str(store), read_only=True) as con:
        want = con.sql("""SELECT r.scenario, r.replicate, avg(t.burden) AS burden
                          FROM timeseries t JOIN runs r USING (run_id) WHERE t.month >= 1
                          GROUP BY 1, 2 ORDER BY 1, 2""").df()
    got = runs.sort_values(["rule", "replicate"])  # kab_competitive sorts first, as its file
    # pandas and DuckDB may add the three months in another order: the last bit may differ
    assert np.allclose(got["burden"].to_numpy(), want["burden"].to_numpy(), rtol=0, atol=1e-15)
    assert len(rule_summary(runs)) == 2
    last = rule_runs_from_store(store)  # by default the last kept month alone
    assert len(last) == 4 and not np.allclose(last["burden"], runs["burden"])
