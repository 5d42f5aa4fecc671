"""Patterns the study reports, which the model must show (fixed seeds; not the hypothesis).

Each tolerance is explained beside its assertion. The sizes (1,000 households, 24-36
months) keep each run around a tenth of a second.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from oslsim import OSLModel, Params
from oslsim.patterns import PATTERNS, ROLES, pattern, pattern_values, run_patterns
from oslsim.phases.government import referral_budget

N = 1000


def test_members_solidarity_rises_relative_to_non_members():
    # Study IV: routine meetings (pertemuan rutin) build kebersamaan among members.
    model = OSLModel(Params(households=N), rng=0)
    st = model.state
    members = st.memberships_per_household() > 0
    gap_start = st.solidarity[members].mean() - st.solidarity[~members].mean()
    model.run(36)
    gap_end = st.solidarity[members].mean() - st.solidarity[~members].mean()
    # Seeds 0-3 give a rise of 0.085-0.11 over 36 months. The ~150 non-members have a
    # solidarity sd of about 0.15, so their mean carries a standard error of about 0.012:
    # a rise of 0.04 is more than three standard errors below anything observed.
    assert gap_end - gap_start > 0.04, (gap_start, gap_end)


def test_coverage_is_higher_where_organisations_work_as_wksbm():
    # Study IV.5-IV.6: WKSBM share case data, refer cases and reach government services.
    # The same seed builds the same community; only which groups work as WKSBM differs.
    diffs = []
    for seed in (0, 1):
        coverage = {}
        for level in (0.0, 1.0):
            params = Params(households=N).with_overrides(
                {"organisations.wksbm_coverage": level, "organisations.wksbm_join_rate": 0.0})
            model = OSLModel(params, rng=seed)
            model.run(36)
            df = model.timeseries()
            assert df["wksbm_coverage"].iloc[0] == level
            coverage[level] = df["coverage"].iloc[12:].mean()  # after a year of burn-in
        diffs.append(coverage[1.0] - coverage[0.0])
    # Observed differences: 0.033-0.036 (seeds 0-3) on coverages of 0.08-0.16. Monthly
    # coverage over ~200 cases has a standard error near 0.025, averaged over 25 correlated
    # months and two seeds; requiring 0.015 leaves about half the observed effect as margin.
    assert np.mean(diffs) > 0.015, diffs
    assert min(diffs) > 0, diffs


def test_pmks_prevalence_is_higher_among_the_poor():
    # Study IV.4: keluarga miskin, lansia miskin, anak putus sekolah... come with poverty.
    model = OSLModel(Params(households=N), rng=2)
    st = model.state
    poor, other = [], []
    for month in range(36):
        model.step()
        if month >= 12:
            any_case = st.active.any(axis=1)
            poor.append(any_case[st.poor].mean())
            other.append(any_case[~st.poor].mean())
    # Observed 0.68-0.74 among the poor vs 0.09-0.11 among others (seeds 0-3). With about
    # 60 poor households a month the poor share has a standard error near 0.06; requiring
    # twice the prevalence is far inside the observed sixfold gap.
    assert np.mean(poor) > 2 * np.mean(other), (np.mean(poor), np.mean(other))


def test_government_withdrawal_drops_linking_capital_to_zero():
    # The study's question: what if government support stops? Linking capital is the tie to
    # government through WKSBM; without government it is gone, and so is its spending.
    params = Params(households=N).with_overrides({"organisations.wksbm_coverage": 1.0})
    model = OSLModel(params, rng=4)
    model.run(6)
    before = model.timeseries()["linking_capital"].iloc[-1]
    assert before > 0
    model.government.withdraw()
    model.run(3)
    df = model.timeseries()
    assert (df["linking_capital"].iloc[-3:] == 0).all()
    assert (df["gov_spending"].iloc[-3:] == 0).all()
    assert referral_budget(model.state, params) == 0


def test_no_government_mode_has_no_linking_capital():
    params = Params(households=300).with_overrides({"government.mode": "none"})
    model = OSLModel(params, rng=4)
    model.run(3)
    df = model.timeseries()
    assert (df["linking_capital"] == 0).all()
    assert (df["gov_spending"] == 0).all()


def test_training_raises_mean_capacity():
    # Study V: Diklat Kesejahteraan Sosial / PDPS raise the pengurus' skills.
    capacity = {}
    for share in (0.0, 0.6):
        params = Params(households=N).with_overrides(
            {"government.training_share": share, "government.grant_share": 0.3})
        model = OSLModel(params, rng=3)
        model.run(24)
        capacity[share] = model.timeseries()["capacity_mean"].iloc[-1]
    # 0.6 of Rp1.5 million a month pays one Rp2 million training every ~2.2 months: about 11
    # of 25 groups trained, each gaining 0.3 of its gap to 1. Observed +0.027 to +0.055
    # (seeds 0-3); the rest of the run is shared (same seed), so 0.01 is a safe floor.
    assert capacity[0.6] - capacity[0.0] > 0.01, capacity


def test_a_training_intervention_raises_capacity_at_once():
    model = OSLModel(Params(households=300), rng=5)
    before = model.timeseries()["capacity_mean"].iloc[-1]
    trained = model.government.train_pengurus(share=1.0, who="all", gain=0.5)
    model.step()
    after = model.timeseries()["capacity_mean"].iloc[-1]
    assert trained > 0
    # Halving every gap to 1 from a mean near 0.4 adds about 0.3; one month of decay
    # (0.4%) and a rare new group cannot undo more than a small part of that.
    assert after - before > 0.2, (before, after)


def test_exclusive_membership_leaves_the_poor_out():
    # Mansuri & Rao: groups formed around the better-off leave the neediest unreached.
    params = Params(households=N).with_overrides({"organisations.exclusivity": 1.0})
    model = OSLModel(params, rng=6)
    model.run(12)
    st = model.state
    per_household = st.memberships_per_household()
    # At full exclusivity the poorer half cannot join, only be recruited as founders of new
    # groups (weighted by the same propensity, zero for them): no poorer-half members.
    assert per_household[st.income_rank < 0.5].sum() == 0


# --------------------------------------------------------------------------- the pattern table
# Patterns with explicit targets (oslsim.patterns.PATTERNS), measured at the calibrated
# defaults (docs/validation.md §7) the way `oslsim calibrate` measures them: 1,000 households
# a site, a warm start of at most 120 months, 36 measured months and a 30% shock. Four seeds
# per site, pooled as the calibration pools its draws. Measured on this model (seeds 0-3):
# see each test. A test pins what the defaults give, pass or known gap, so a change that
# moves a pattern across its interval says so.

SEEDS = (0, 1, 2, 3)


@pytest.fixture(scope="module")
def at_defaults():
    """Pattern values per seed and site statistics per seed, at the defaults."""
    rows, stats_by_seed = [], []
    for seed in SEEDS:
        stats = {role: run_patterns(site, rng=seed, overrides={"households": 1000},
                                    warmup={"max_months": 120}).timeseries.iloc[0].to_dict()
                 for role, site in ROLES.items()}
        stats_by_seed.append(stats)
        rows.append(pattern_values(stats, {r: r for r in ROLES}, PATTERNS))
    return pd.DataFrame(rows), stats_by_seed


def _mean(at_defaults, key):
    return float(at_defaults[0][key].mean())


def test_poverty_at_the_defaults_is_within_bps_tolerance_at_every_site(at_defaults):
    # BPS March 2025: 6.73% urban, 11.03% rural, 8.47% national (persons), +/-20% (see the
    # pattern). Measured means of four seeds: 0.072, 0.116, 0.094 (seeds range 0.061-0.082,
    # 0.109-0.122, 0.084-0.101). Each mean's standard error over the seeds is 0.003-0.004, and
    # each lies about two of them (urban, national) or more (rural) inside its interval.
    # Before the calibration (mpc 0.9 / 0.05, fixed usual incomes) they sat 20-25% below.
    for key in ("poverty_urban", "poverty_rural", "poverty_national"):
        assert pattern(key).passes(_mean(at_defaults, key)), (key, _mean(at_defaults, key))


def test_the_poor_attend_fewer_meetings_and_hold_fewer_memberships(at_defaults):
    # Beard 2005, 2007 (direction only). Measured: the poor attend 0.17-0.18 of the
    # better-off's meetings and 79-83% of poor vs 90-92% of other household-months hold a
    # membership (gaps 0.08-0.13 a seed); 0.5 and a 5-point gap leave wide margins.
    assert pattern("participation_poor").passes(_mean(at_defaults, "participation_poor"))
    assert _mean(at_defaults, "participation_poor") < 0.5
    for stats in at_defaults[1]:
        poor = np.mean([s["member_share_poor"] for s in stats.values()])
        other = np.mean([s["member_share_nonpoor"] for s in stats.values()])
        assert other - poor > 0.05, (poor, other)


def test_membership_gives_no_significant_crisis_smoothing(at_defaults):
    # Begazo-Gomez et al. 2006 (IFLS 1997-2000): no significant smoothing; tolerance +/-3
    # points (an assumption, see the pattern). Measured gaps -0.018, 0.001, -0.023, -0.032:
    # mean -0.018 with a standard error of about 0.007 over the four seeds, so the interval
    # holds with 1.7 standard errors to spare.
    value = _mean(at_defaults, "crisis_smoothing")
    assert pattern("crisis_smoothing").passes(value), value


def test_the_rural_site_has_over_50_long_lived_groups(at_defaults):
    # Bone (Sosio Konsepsia 2007): > 50 groups per village, most older than 10 years.
    # Measured 117-123 groups at Cibodas' 3,000 households; the share older than 10 years
    # (from the dissolution hazard) is 0.92-1.0: far inside both bounds.
    assert pattern("group_density").passes(_mean(at_defaults, "group_density"))
    assert pattern("group_age").passes(_mean(at_defaults, "group_age"))


def test_membership_premium_matches_grootaert(at_defaults):
    # Grootaert 1999: ~1.5% per membership, interval 0.5-2.5% (see the pattern). Measured
    # per seed 0.0064, 0.0091, 0.0080, 0.0018: mean 0.0063, a standard error of 0.0016 over the
    # seeds, so it passes by less than one standard error: a marginal pass, pinned so that a
    # change that loses it says so. At the old 8 free hours it was 0.0015 (docs/validation.md).
    assert pattern("membership_premium").passes(_mean(at_defaults, "membership_premium"))


@pytest.mark.xfail(strict=True, reason="known gap at the calibrated defaults: 0.59-0.62 of "
                   "the poor still poor after 24 months against Susenas' 0.28 (interval "
                   "0.18-0.45), entry 0.032-0.036 against 0.07 (0.035-0.105); the posterior's "
                   "draws reach 0.50 and 0.038; see docs/validation.md §8")
def test_poverty_dynamics_match_the_susenas_panel(at_defaults):
    # Dartanto & Nurkholis 2013. Persistence sits 0.16 above its interval (the four seeds
    # within 0.03 of each other); entry 0.002 below: strict, so the day the defaults
    # reproduce both this test says so.
    assert pattern("poverty_persistence").passes(_mean(at_defaults, "poverty_persistence"))
    assert pattern("poverty_entry").passes(_mean(at_defaults, "poverty_entry"))
