"""Tests for oslsim.analysis on synthetic data with known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oslsim import analysis

DOSES = (0.0, 1.0, 2.0, 4.0, 6.0, 8.0, 10.0)


def make_runs(mean_of_dose, doses=DOSES, reps=30, noise=0.5, replicate_sd=0.0, seed=0, **cols):
    """Tidy run table: burden = mean_of_dose(dose) + replicate effect + noise.

    The replicate effect is shared by replicate r at every dose, like common random numbers.
    """
    gen = np.random.default_rng(seed)
    shared = gen.normal(0.0, replicate_sd, size=reps) if replicate_sd else np.zeros(reps)
    rows = []
    for d in doses:
        eps = gen.normal(0.0, noise, size=reps)
        for r in range(reps):
            rows.append(
                {"dose": d, "replicate": r, "burden": mean_of_dose(d) + shared[r] + eps[r], **cols}
            )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------
# Jonckheere–Terpstra
# ---------------------------------------------------------------------------------------


def test_jonckheere_terpstra_hand_example():
    # Groups in dose order: A = [1, 2, 3], B = [2, 4], C = [3, 5]; N = 7.
    # U_AB: (1<2)(1<4)(2=2 -> .5)(2<4)(3>2 -> 0)(3<4)         = 4.5
    # U_AC: (1<3)(1<5)(2<3)(2<5)(3=3 -> .5)(3<5)              = 5.5
    # U_BC: (2<3)(2<5)(4>3 -> 0)(4<5)                         = 3
    # J = 13; E0(J) = (49 - (9 + 4 + 4)) / 4 = 8.
    # Ties: value 2 twice, value 3 twice -> t = (2, 2), the other t = 1 contribute 0.
    # Var = [7*6*19 - (3*2*11 + 2*1*9 + 2*1*9) - (2*1*9 + 2*1*9)] / 72      = 660/72
    #     + [3*2*1] * [0] / (36*7*6*5)                                        = 0
    #     + [3*2 + 2*1 + 2*1] * [2*1 + 2*1] / (8*7*6)                         = 40/336
    #     = 55/6 + 5/42 = 65/7
    res = analysis.jonckheere_terpstra([[1, 2, 3], [2, 4], [3, 5]])
    assert res["j"] == 13.0
    assert res["mean"] == 8.0
    assert res["var"] == pytest.approx(65 / 7, rel=1e-12)  # exact rational, float rounding only
    z = 5 / math.sqrt(65 / 7)  # ≈ 1.6408
    assert res["z"] == pytest.approx(z, rel=1e-12)
    assert res["p"] == pytest.approx(math.erfc(z / math.sqrt(2)), rel=1e-9)
    assert res["p_increasing"] == pytest.approx(0.5 * math.erfc(z / math.sqrt(2)), rel=1e-9)
    assert res["p_decreasing"] == pytest.approx(1 - res["p_increasing"], rel=1e-12)


def _naive_j(groups):
    total = 0.0
    for i in range(len(groups)):
        for j in range(i + 1, len(groups)):
            for x in groups[i]:
                for y in groups[j]:
                    total += 1.0 if x < y else 0.5 if x == y else 0.0
    return total


group_lists = st.lists(
    st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=6),
    min_size=2,
    max_size=5,
)


@settings(max_examples=60, deadline=None)
@given(group_lists)
def test_jt_statistic_matches_brute_force_and_is_antisymmetric(groups):
    res = analysis.jonckheere_terpstra(groups)
    assert res["j"] == _naive_j(groups)
    # Reversing the sign of every value swaps "<" and ">": J(y) + J(-y) = sum_{i<j} n_i n_j.
    sizes = [len(g) for g in groups]
    pairs = sum(sizes[i] * sizes[j] for i in range(len(sizes)) for j in range(i + 1, len(sizes)))
    flipped = analysis.jonckheere_terpstra([[-v for v in g] for g in groups])
    assert res["j"] + flipped["j"] == pairs
    assert res["var"] >= -1e-9


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=6), min_size=2, max_size=5))
def test_jt_variance_without_ties_is_the_classic_formula(sizes):
    # Distinct values: Var0(J) = [N^2(2N+3) - sum n^2(2n+3)] / 72 (Hollander & Wolfe eq. 6.14).
    values = np.arange(sum(sizes), dtype=float)
    groups = np.split(values, np.cumsum(sizes)[:-1])
    n = float(sum(sizes))
    classic = (n**2 * (2 * n + 3) - sum(k**2 * (2 * k + 3) for k in sizes)) / 72.0
    assert analysis.jonckheere_terpstra(groups)["var"] == pytest.approx(classic, rel=1e-12)


def test_jt_null_z_has_unit_variance_with_heavy_ties():
    # Poisson(0.5) outcomes are mostly 0/1/2, so the tie correction matters: without it the
    # null variance is overstated by about 39% here and var(z) would be near 0.72. With it, z
    # is ~N(0, 1). 400 null data sets: the sample variance of z has sd ≈ sqrt(2/400) ≈ 0.07,
    # so [0.8, 1.2] is a ±3 sd band; the mean of z has sd 0.05, so |mean| < 0.2 is ±4 sd.
    gen = np.random.default_rng(11)
    zs = [
        analysis.jonckheere_terpstra([gen.poisson(0.5, size=12) for _ in range(4)])["z"]
        for _ in range(400)
    ]
    assert 0.8 < np.var(zs) < 1.2
    assert abs(np.mean(zs)) < 0.2


def test_jt_all_tied_gives_nan_not_error():
    res = analysis.jonckheere_terpstra([[1, 1], [1, 1, 1]])
    assert res["var"] == 0.0
    assert math.isnan(res["z"]) and math.isnan(res["p"])


# ---------------------------------------------------------------------------------------
# trend test and verdicts
# ---------------------------------------------------------------------------------------


def test_linear_decrease_recovers_slope_and_is_supported():
    true_slope = -0.3
    df = make_runs(lambda d: 5.0 + true_slope * d, seed=1)
    tr = analysis.trend_test(df)
    # 95% CI from OLS on 210 runs with noise sd 0.5: half-width ≈ 0.017; it should cover the
    # true slope (a 95% event; the seed is fixed) and lie far from 0 (|slope|/se ≈ 35).
    assert tr["slope_lo"] < true_slope < tr["slope_hi"]
    assert tr["slope_hi"] < 0
    assert tr["n"] == 210 and tr["n_doses"] == len(DOSES)
    assert tr["rho"] < 0 and tr["rho_p"] < 1e-6  # effect is huge relative to the noise
    assert tr["jt_z"] < 0 and tr["jt_p_decreasing"] < 1e-6

    summary = analysis.summarise_hypothesis(df, rng=2, n_boot=500)
    assert summary["verdict"] == "supported"
    # True effect at dose 10: (5 - 2) / 5 = 0.6; the bootstrap CI should contain it.
    assert summary["effect_lo"] < 0.6 < summary["effect_hi"]
    assert summary["criteria"]["trend_decreasing"]
    # Still falling at the largest dose: no saturation.
    assert summary["saturation_dose"] is None


def test_null_model_gives_no_effect():
    df = make_runs(lambda d: 5.0, reps=20, seed=3)
    tr = analysis.trend_test(df)
    # Under no dose effect the p-values are uniform; with this fixed seed they exceed 0.05
    # (a 95% event per test), which is what the verdict logic must then report.
    assert tr["jt_p"] > 0.05
    assert tr["rho_p"] > 0.05
    assert tr["slope_lo"] < 0 < tr["slope_hi"]
    summary = analysis.summarise_hypothesis(df, rng=4, n_boot=500)
    assert summary["verdict"] == "no_effect"
    assert summary["effect_lo"] <= 0 <= summary["effect_hi"]


def test_increasing_burden_gives_reversed():
    df = make_runs(lambda d: 5.0 + 0.3 * d, seed=5)
    summary = analysis.summarise_hypothesis(df, rng=6, n_boot=500)
    assert summary["verdict"] == "reversed"
    assert summary["jt_z"] > 0 and summary["slope_lo"] > 0
    assert summary["effect"] < 0  # burden rose: a negative reduction


def test_significant_but_negligible_decrease_is_mixed():
    # Burden falls by 0.2% from dose 0 to 10: the trend is detectable with tiny noise
    # (slope/se ≈ 40), but the effect is far below min_effect = 5%.
    df = make_runs(lambda d: 100.0 - 0.02 * d, noise=0.02, seed=7)
    summary = analysis.summarise_hypothesis(df, rng=8, n_boot=500, min_effect=0.05)
    assert summary["criteria"]["trend_decreasing"]
    assert summary["effect_lo"] > 0
    assert not summary["criteria"]["effect_at_least_min"]
    assert summary["verdict"] == "mixed"


def test_constant_outcome_is_no_effect():
    df = make_runs(lambda d: 2.0, noise=0.0, reps=5)
    summary = analysis.summarise_hypothesis(df, rng=0, n_boot=50)
    assert summary["verdict"] == "no_effect"
    assert math.isnan(summary["rho"]) and math.isnan(summary["jt_p"])
    assert summary["effect"] == 0.0


# ---------------------------------------------------------------------------------------
# dose-response, effect sizes, saturation
# ---------------------------------------------------------------------------------------


def test_dose_response_matches_groupby_and_ci_brackets_mean():
    df = make_runs(lambda d: 5.0 - 0.2 * d, reps=15, seed=9, site="a")
    df2 = make_runs(lambda d: 3.0, reps=15, seed=10, site="b")
    both = pd.concat([df, df2], ignore_index=True)
    dr = analysis.dose_response(both, by=["site"], n_boot=300, rng=1)
    assert list(dr.columns) == ["site", "dose", "n", "mean", "sd", "ci_lo", "ci_hi"]
    assert len(dr) == 2 * len(DOSES)
    expected = both.groupby(["site", "dose"])["burden"].agg(["mean", "std", "size"])
    np.testing.assert_allclose(dr["mean"], expected["mean"].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(dr["sd"], expected["std"].to_numpy(), rtol=1e-12)
    assert (dr["n"] == 15).all()
    assert ((dr["ci_lo"] < dr["mean"]) & (dr["mean"] < dr["ci_hi"])).all()
    # Percentile bootstrap half-width ≈ 1.96 * sd / sqrt(n) (times sqrt((n-1)/n) ≈ 0.97, the
    # plug-in shrinkage); ±25% covers the Monte Carlo error of 2.5%/97.5% quantiles from
    # 300 resamples (relative sd ≈ 8%) with ~3 sd to spare.
    half = (dr["ci_hi"] - dr["ci_lo"]) / 2
    normal_half = 1.96 * dr["sd"] / np.sqrt(dr["n"])
    assert ((half > 0.75 * normal_half) & (half < 1.25 * normal_half)).all()


def test_seeding_is_reproducible_and_leaves_global_state_alone():
    df = make_runs(lambda d: 5.0 - 0.1 * d, reps=10, seed=12)
    before = np.random.get_state()[1].copy()
    a = analysis.dose_response(df, n_boot=200, rng=42)
    b = analysis.dose_response(df, n_boot=200, rng=np.random.default_rng(42))
    pd.testing.assert_frame_equal(a, b)
    e1 = analysis.effect_sizes(df, n_boot=200, rng=7)
    e2 = analysis.effect_sizes(df, n_boot=200, rng=7)
    pd.testing.assert_frame_equal(e1, e2)
    np.testing.assert_array_equal(np.random.get_state()[1], before)


def test_effect_sizes_hand_values():
    # Reference mean 10, dose-1 mean 8: reduction (10 - 8) / 10 = 0.2.
    # sds: ref [9, 11] -> sqrt(2); dose [7, 9] -> sqrt(2); pooled sqrt(2); d = 2 / sqrt(2).
    df = pd.DataFrame(
        {"dose": [0, 0, 1, 1], "replicate": [0, 1, 0, 1], "burden": [9.0, 11.0, 7.0, 9.0]}
    )
    eff = analysis.effect_sizes(df, n_boot=100, rng=0)
    ref, one = eff.iloc[0], eff.iloc[1]
    assert ref["effect"] == 0.0 and ref["cohens_d"] == 0.0
    assert one["effect"] == pytest.approx(0.2, rel=1e-12)
    assert one["cohens_d"] == pytest.approx(2 / math.sqrt(2), rel=1e-12)
    assert bool(one["paired"])
    # Paired differences are both exactly 2 with ref means 9..11, so every resample gives
    # an effect in [2/11, 2/9].
    assert 2 / 11 - 1e-12 <= one["effect_lo"] <= one["effect_hi"] <= 2 / 9 + 1e-12
    # A chosen reference dose flips the sign.
    eff1 = analysis.effect_sizes(df, reference_dose=1, n_boot=100, rng=0)
    assert eff1.loc[eff1["dose"] == 0, "effect"].item() == pytest.approx(-0.25, rel=1e-12)


def test_paired_bootstrap_is_narrower_under_common_random_numbers():
    # A replicate effect of sd 2 shared across doses dwarfs the per-run noise of sd 0.1.
    # Pairing cancels it from the difference of means; independent resampling does not.
    # CI widths of the effect (m_ref - m_d) / m_ref at the top dose (effect 0.3, m_ref 10,
    # sd of a mean over 30 replicates ≈ 2 / sqrt(30) ≈ 0.37):
    #   paired   ≈ 3.92 * 0.3 * 0.37 / 10 ≈ 0.043 (only the denominator still varies),
    #   unpaired ≈ 3.92 * sqrt(2) * 0.37 / 10 ≈ 0.2;
    # a ≥4.7x ratio, larger at lower doses; we require 3x to leave room for bootstrap noise.
    df = make_runs(lambda d: 10.0 - 0.3 * d, noise=0.1, replicate_sd=2.0, seed=13)
    auto = analysis.effect_sizes(df, n_boot=500, rng=1)
    paired = analysis.effect_sizes(df, n_boot=500, rng=1, paired=True)
    unpaired = analysis.effect_sizes(df, n_boot=500, rng=1, paired=False)
    assert auto["paired"].all() and not unpaired["paired"].any()
    pd.testing.assert_frame_equal(auto, paired)
    w_p = (paired["effect_hi"] - paired["effect_lo"]).iloc[1:]
    w_u = (unpaired["effect_hi"] - unpaired["effect_lo"]).iloc[1:]
    assert (w_p * 3 < w_u).all()
    # Both intervals still cover the true effect at dose 10: (10 - 7) / 10 = 0.3, up to the
    # replicate-effect sampling error of the means (the point estimate is shared).
    top_p, top_u = paired.iloc[-1], unpaired.iloc[-1]
    assert top_u["effect_lo"] < 0.3 < top_u["effect_hi"]
    assert top_p["effect"] == pytest.approx(top_u["effect"])


def test_unpaired_when_replicates_do_not_match():
    df = make_runs(lambda d: 5.0, reps=6, seed=14)
    df = df[~((df["dose"] == 10.0) & (df["replicate"] == 0))]  # one failed run
    eff = analysis.effect_sizes(df, n_boot=50, rng=0)
    assert not bool(eff.iloc[-1]["paired"]) and bool(eff.iloc[1]["paired"])
    with pytest.raises(ValueError, match="do not pair"):
        analysis.effect_sizes(df, n_boot=50, rng=0, paired=True)


def test_saturation_at_dose_four():
    # Mean falls by 2 per dose until 4, then stays at 2. CI half-widths are
    # h ≈ 1.96 * 0.5 / sqrt(20) ≈ 0.22, so dose 3 -> 4 (a gain of 2) separates the CIs by
    # far more than h3 + h4 ≈ 0.44, while on the plateau a difference of means (sd ≈ 0.16)
    # exceeds 0.44 with probability ≈ 0.3% per pair (≈1% over the four later doses; 1 miss in
    # 200 seeds when this test was written).
    doses = tuple(float(d) for d in range(9))
    df = make_runs(lambda d: 10.0 - 2.0 * min(d, 4.0), doses=doses, reps=20, seed=15)
    dr = analysis.dose_response(df, n_boot=500, rng=16)
    assert analysis.saturation_point(dr) == 4.0
    # A fixed tolerance of half a unit (well above the noise, well below a step) agrees.
    assert analysis.saturation_point(dr, tolerance=0.5) == 4.0
    # Seen as "higher is better" the same curve only worsens: saturated from the start.
    assert analysis.saturation_point(dr, better="higher") == 0.0


def test_saturation_none_when_still_improving_and_lowest_when_flat():
    linear = pd.DataFrame({"dose": [0.0, 1.0, 2.0], "mean": [3.0, 2.0, 1.0]})
    assert analysis.saturation_point(linear, tolerance=0.1) is None
    flat = pd.DataFrame({"dose": [0.0, 1.0, 2.0], "mean": [3.0, 3.05, 2.98]})
    assert analysis.saturation_point(flat, tolerance=0.1) == 0.0
    # Dips below tolerance then improves again later: not saturated before the late gain.
    late = pd.DataFrame({"dose": [0.0, 1.0, 2.0, 3.0], "mean": [3.0, 3.0, 3.0, 1.0]})
    assert analysis.saturation_point(late, tolerance=0.1) is None


def test_site_differences_separate_responsive_and_flat_sites():
    a = make_runs(lambda d: 5.0 - 0.3 * d, reps=20, seed=17, site="kota")
    b = make_runs(lambda d: 5.0, reps=20, seed=18, site="desa")
    sd = analysis.site_differences(pd.concat([a, b], ignore_index=True), n_boot=300, rng=3)
    sd = sd.set_index("site")
    assert set(sd.index) == {"kota", "desa"}
    assert sd.loc["kota", "slope_hi"] < 0
    assert sd.loc["kota", "effect_lo"] > 0.5  # true 0.6, CI half-width ≈ 0.03
    # The flat site: slope se ≈ 0.5 / (sd(dose) ≈ 3.5 * sqrt(140)) ≈ 0.012 and effect sd
    # ≈ sqrt(2) * 0.5 / sqrt(20) / 5 ≈ 0.032, so bounds of 4 and 3 sd hold for any seed
    # (a 95% CI itself misses 0 one seed in twenty).
    assert abs(sd.loc["desa", "slope"]) < 0.05
    assert abs(sd.loc["desa", "effect"]) < 0.1
    # The sites' effect intervals are far apart.
    assert sd.loc["desa", "effect_hi"] < sd.loc["kota", "effect_lo"]
    assert (sd["max_dose"] == 10.0).all()
    # Pooled over sites, runs still pair on (replicate, site).
    pooled = analysis.summarise_hypothesis(pd.concat([a, b]), rng=4, n_boot=200)
    assert pooled["paired"] and pooled["n"] == len(a) + len(b)


# ---------------------------------------------------------------------------------------
# sensitivity wrappers
# ---------------------------------------------------------------------------------------


def test_sobol_indices_on_ishigami():
    from SALib.sample import sobol as sobol_sample
    from SALib.test_functions import Ishigami

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    X = sobol_sample.sample(problem, 1024, calc_second_order=False, seed=1)
    before = np.random.get_state()[1].copy()
    res = analysis.sobol_indices(problem, Ishigami.evaluate(X), rng=5, calc_second_order=False)
    np.testing.assert_array_equal(np.random.get_state()[1], before)
    assert list(res.columns) == ["S1", "S1_conf", "ST", "ST_conf"]
    assert list(res.index) == ["x1", "x2", "x3"]
    # Analytic values (a=7, b=0.1): S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437.
    # With N = 1024 scrambled Sobol' points, the worst absolute error over 20 sampler seeds
    # was 0.024 (S1) and 0.018 (ST), and SALib's own 95% bootstrap half-width is ≈ 0.06;
    # 0.05 is twice the worst error seen and inside that half-width.
    np.testing.assert_allclose(res["S1"], [0.3139, 0.4424, 0.0], atol=0.05)
    np.testing.assert_allclose(res["ST"], [0.5576, 0.4424, 0.2437], atol=0.05)
    assert (res["S1_conf"] > 0).all()
    again = analysis.sobol_indices(problem, Ishigami.evaluate(X), rng=5, calc_second_order=False)
    pd.testing.assert_frame_equal(res, again)


def test_morris_indices_on_linear_function():
    from SALib.sample import morris as morris_sample

    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0.0, 1.0]] * 3}
    X = morris_sample.sample(problem, 20, num_levels=4, seed=2)
    Y = 1.0 * X[:, 0] - 2.0 * X[:, 1] + 0.0 * X[:, 2]
    res = analysis.morris_indices(problem, X, Y, rng=3, num_levels=4)
    # A linear function on the unit cube has constant elementary effects equal to its
    # coefficients: mu = (1, -2, 0), mu* = |mu|, sigma = 0 (float rounding only).
    np.testing.assert_allclose(res["mu"], [1.0, -2.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(res["mu_star"], [1.0, 2.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(res["sigma"], [0.0, 0.0, 0.0], atol=1e-9)


# ---------------------------------------------------------------------------------------
# input validation
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "column"),
    [
        (lambda df: analysis.dose_response(df.drop(columns="dose"), n_boot=10), "dose"),
        (lambda df: analysis.dose_response(df, by=["site"], n_boot=10), "site"),
        (lambda df: analysis.trend_test(df, outcome="poverty_rate"), "poverty_rate"),
        (lambda df: analysis.effect_sizes(df.drop(columns="burden"), n_boot=10), "burden"),
        (lambda df: analysis.site_differences(df, n_boot=10), "site"),
        (lambda df: analysis.summarise_hypothesis(df.drop(columns="dose"), n_boot=10), "dose"),
        (lambda df: analysis.saturation_point(df[["dose"]].assign(mean=1.0)), "ci_lo"),
    ],
)
def test_missing_columns_raise_value_error_naming_them(call, column):
    df = make_runs(lambda d: 1.0, reps=3)
    with pytest.raises(ValueError, match=f"missing column '{column}'"):
        call(df)


def test_other_bad_input():
    df = make_runs(lambda d: 1.0, reps=3)
    bad = df.copy()
    bad.loc[0, "burden"] = np.nan
    with pytest.raises(ValueError, match="'burden' has 1 missing"):
        analysis.trend_test(bad)
    with pytest.raises(ValueError, match="at least two distinct doses"):
        analysis.trend_test(df[df["dose"] == 0.0])
    with pytest.raises(ValueError, match="reference_dose"):
        analysis.effect_sizes(df, reference_dose=3.0, n_boot=10)
    with pytest.raises(ValueError, match="needs a 'replicate'"):
        analysis.effect_sizes(df.drop(columns="replicate"), paired=True, n_boot=10)
    with pytest.raises(ValueError, match="ci must be"):
        analysis.dose_response(df, ci=95)
    mixed = pd.concat([df.assign(condition="full"), df.assign(condition="null_model")])
    with pytest.raises(ValueError, match="mixes conditions"):
        analysis.summarise_hypothesis(mixed, n_boot=10)
    with pytest.raises(ValueError, match="repeated doses"):
        analysis.saturation_point(pd.DataFrame({"dose": [1.0, 1.0], "mean": [1.0, 2.0]}), 0.1)
    with pytest.raises(ValueError, match="'names'"):
        analysis.sobol_indices({"num_vars": 1}, np.zeros(4))


# ---------------------------------------------------------------------------------------
# replicates (Lee et al. 2015)
# ---------------------------------------------------------------------------------------


def test_cv_by_replicates_ends_at_the_sample_cv():
    df = pd.DataFrame({"dose": 0.0, "burden": [1.0, 2.0, 3.0, 4.0]})
    cv = analysis.cv_by_replicates(df, "burden", by=["dose"], n_perm=50, rng=0)
    assert list(cv["n"]) == [2, 3, 4]
    last = cv[cv["n"] == 4].iloc[0]
    expected = np.std([1, 2, 3, 4], ddof=1) / 2.5  # every order holds all four runs
    assert last["cv"] == pytest.approx(expected)
    assert last["cv_lo"] == pytest.approx(expected) and last["dev"] == pytest.approx(0.0)
    # with two runs the CV depends on which two come first: the band is wide
    first = cv[cv["n"] == 2].iloc[0]
    assert first["cv_hi"] > first["cv_lo"] and first["dev"] > 0


def test_cv_by_replicates_settles_as_runs_are_added():
    gen = np.random.default_rng(4)
    df = pd.DataFrame({"burden": gen.normal(10.0, 1.0, 200)})
    cv = analysis.cv_by_replicates(df, "burden", n_perm=100, rng=1)
    dev = cv.set_index("n")["dev"]
    # the spread of the running CV around the final one shrinks with n
    assert dev[5] > dev[50] > dev[150]
    assert cv["cv"].iloc[-1] == pytest.approx(df["burden"].std(ddof=1) / df["burden"].mean())


def test_stable_replicates_takes_the_worst_cell_and_needs_it_to_stay():
    table = pd.DataFrame({
        "cell": ["a"] * 5 + ["b"] * 5,
        "n": [2, 3, 4, 5, 6] * 2,
        "dev": [0.5, 0.05, 0.3, 0.05, 0.0,  # a dips under 0.1 at 3 but rises again at 4
                0.4, 0.2, 0.08, 0.02, 0.0],
    })
    assert analysis.stable_replicates(table, 0.1) == 5
    assert analysis.stable_replicates(table, 0.6) == 2
    never = pd.DataFrame({"n": [2, 3], "dev": [0.5, 0.4]})
    assert analysis.stable_replicates(never, 0.1) is None
    with pytest.raises(ValueError):
        analysis.stable_replicates(table, 0.0)


def test_replicates_needed_matches_the_normal_formula():
    # ((1.959964 + 0.841621) * 1 / 1)^2 = 7.85 -> 8
    assert analysis.replicates_needed(1.0, 1.0) == 8
    # halving delta quadruples n (up to rounding)
    assert analysis.replicates_needed(1.0, 0.5) == 32
    assert analysis.replicates_needed(0.0, 1.0) == 2
    with pytest.raises(ValueError):
        analysis.replicates_needed(1.0, 0.0)
