"""A region of several kelurahan in one model: building, outcomes, determinism, bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import oslsim
from oslsim.founding import area_bounds
from oslsim.metrics import outcomes
from oslsim.region import (
    Budget,
    Kelurahan,
    Region,
    RegionError,
    RegionModel,
    gini,
    kelurahan_outcomes,
    load_region,
    region_names,
)
from oslsim.scenarios import load_scenario

MODULE = [sys.executable, "-m", "oslsim.cli"]


def two(rule: str = "equal_per_household", cross: float = 0.5, **params: float) -> Region:
    """A hand-built region: a desa of 300 households and a dense kelurahan of 500."""
    cib = load_scenario("cibodas").overrides()
    kle = load_scenario("klender").overrides()
    region = Region(name="two", months=6, cross_kin_degree=cross, kelurahan=(
        Kelurahan("Desa A", "cibodas", 300, "desa",
                  {"organisations.wksbm_coverage": 1.0}, cib),
        Kelurahan("Kel B", "klender", 500, "kelurahan",
                  {"economy.poverty_rate": 0.2, "organisations.wksbm_coverage": 0.0}, kle)),
        budget=Budget(total=2_000_000.0))
    return region.with_rule(rule, **params)


@pytest.fixture(scope="module")
def run6():
    return oslsim.simulate(two(), rng=11)


def test_the_region_is_one_set_of_arrays_with_a_kelurahan_index():
    m = RegionModel(two(), rng=1)
    st = m.state
    assert st.n == 800 and st.n_kel == 2
    assert (st.kel[:300] == 0).all() and (st.kel[300:] == 1).all()
    # Every RT and RW lies in one kelurahan, and the kelurahan keep their own layouts
    # (Cibodas: 40 households an RT, Klender: 78).
    assert (st.rt_kel[st.rt] == st.kel).all() and (st.rw_kel[st.rw] == st.kel).all()
    assert np.bincount(st.rt)[0] == 40 and np.bincount(st.rt)[st.rt[300]] == 78
    # Every membership's household lives in the area its organisation covers.
    hh, org = st.members()
    for h, o in zip(hh, org, strict=True):
        lo, hi = area_bounds(st, m.params, int(st.scope[o]), int(st.area[o]))
        assert lo <= h < hi
    # Kelurahan A asked for a WKSBM in every RW, B for none.
    wk = np.flatnonzero(st.wksbm[: st.m])
    assert set(st.org_kelurahan(wk)) == {0}


def test_kin_ties_cross_kelurahan_only_when_asked():
    def crossing(cross: float) -> int:
        st = RegionModel(two(cross=cross), rng=2).state
        a = st.adjacency.tocoo()
        return int((st.kel[a.row] != st.kel[a.col]).sum())

    assert crossing(0.0) == 0
    # 800 households x 2 ties / 2 = 800 pairs drawn, of which a share 2 * 300 * 500 / 800^2
    # = 47% join different kelurahan: about 375 pairs, 750 directed entries (Poisson, so
    # wide bounds).
    assert 550 < crossing(2.0) < 950


def test_kelurahan_outcomes_add_up_to_the_region(run6):
    ts, kel = run6.timeseries, run6.kelurahan
    assert len(kel) == 7 * 2 and list(kel["kelurahan"].unique()) == [1, 2]
    for month, group in kel.groupby("month"):
        row = ts[ts["month"] == month].iloc[0]
        n = group["households"]
        assert n.sum() == 800
        for col in ("burden", "pmks_prevalence", "poverty_rate", "solidarity",
                    "wksbm_coverage"):
            # household-weighted means; only floating-point rounding differs
            assert np.isclose((group[col] * n).sum() / n.sum(), row[col], rtol=1e-12,
                              atol=1e-15), col
        for col in ("osl_count", "wksbm_count"):
            assert group[col].sum() == row[col]
        assert np.isclose(group["gov_spending"].sum(), row["gov_spending"], rtol=1e-12)
        assert np.isclose(group["budget"].sum(), 2_000_000.0, rtol=1e-12)
        assert row["burden_gini"] == pytest.approx(gini(group["burden"].to_numpy()))
        assert row["burden_kel_02"] == group["burden"].iloc[1]


def test_coverage_is_weighted_by_cases():
    m = RegionModel(two(), rng=4)
    m.run(3)
    st = m.state
    kel = kelurahan_outcomes(st, m.params)
    active = np.array([st.active[st.kel == k].sum() for k in range(2)])
    assert np.isclose((kel["coverage"] * active).sum() / active.sum(),
                      outcomes(st, m.params)["coverage"], rtol=1e-12)


def test_same_seed_same_region_run(run6):
    again = oslsim.simulate(two(), rng=11)
    pd.testing.assert_frame_equal(run6.kelurahan, again.kelurahan, check_exact=True)
    pd.testing.assert_frame_equal(run6.timeseries, again.timeseries, check_exact=True)
    other = oslsim.simulate(two(), rng=12)
    assert not other.kelurahan["burden"].equals(run6.kelurahan["burden"])


def test_gini_by_hand():
    assert gini(np.array([1.0, 1.0])) == 0.0
    # pairs |0-1| twice over four ordered pairs: mean 0.5, over 2 x mean 0.5
    assert gini(np.array([0.0, 1.0])) == pytest.approx(0.5)
    # sum of |xi - xj| = 8 over 9 pairs, mean 2: 8 / 9 / 4 = 2 / 9
    assert gini(np.array([1.0, 2.0, 3.0])) == pytest.approx(2 / 9)


def test_builtins_have_the_asked_size():
    assert {"kabupaten_contoh", "kota_contoh"} <= set(region_names())
    kab, kota = load_region("kabupaten_contoh"), load_region("kota_contoh")
    assert len(kab.kelurahan) == 20 and kab.households == 60_000
    assert len(kota.kelurahan) == 15 and kota.households == 150_000
    assert {k.kind for k in kab.kelurahan} == {"desa", "kelurahan"}
    # each kelurahan has its own poverty
    assert len({k.params["economy.poverty_rate"] for k in kab.kelurahan}) > 5
    assert load_scenario("kabupaten_contoh") == kab  # the scenario loader knows regions


# --------------------------------------------------------------------------- bad input

GOOD = """
[region]
name = "r"
[budget]
rule = "competitive"
params = { winners = 0.5 }
[[kelurahan]]
name = "A"
site = "cibodas"
households = 100
"""


@pytest.mark.parametrize(("old", "new", "message"), [
    ('site = "cibodas"', 'site = "cibodaz"', "kelurahan[1].site: 'cibodaz' is not a known site"),
    ("winners = 0.5", "winners = 1.5", "budget.params.winners: 1.5 is not allowed; use a "
                                       "number from 0 to 1"),
    ("winners = 0.5", "winers = 0.5", "budget.params.winers: not a parameter of rule "
                                      "competitive; allowed: share, winners, score_noise"),
    ('rule = "competitive"', 'rule = "lottery"', "budget.rule: 'lottery' is not a rule"),
    ('[[kelurahan]]\nname = "A"\nsite = "cibodas"\nhouseholds = 100', "",
     "a region needs at least one kelurahan"),
    ("households = 100", "households = 0", "kelurahan[1].households: 0 is not allowed"),
])
def test_bad_region_files_get_one_line(tmp_path: Path, old: str, new: str, message: str):
    path = tmp_path / "r.toml"
    text = GOOD.replace(old, new)
    assert text != GOOD
    path.write_text(text)
    with pytest.raises(RegionError) as err:
        load_region(path)
    assert message in str(err.value) and "\n" not in str(err.value)
    assert str(path) in str(err.value)


def test_bad_region_through_the_cli_exits_2(tmp_path: Path):
    path = tmp_path / "r.toml"
    path.write_text(GOOD.replace("winners = 0.5", "winners = -1"))
    proc = subprocess.run([*MODULE, "run", "--scenario", str(path), "--months", "1"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "budget.params.winners" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_run_a_region_through_the_cli_writes_the_long_table(tmp_path: Path):
    path = tmp_path / "r.toml"
    path.write_text(GOOD.replace("households = 100", "households = 150"))
    proc = subprocess.run([*MODULE, "run", "--scenario", str(path), "--months", "2",
                           "--seed", "3", "--out", "long.csv"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr
    long = pd.read_csv(tmp_path / "long.csv")
    assert list(long.columns[:3]) == ["month", "kelurahan", "name"]
    assert len(long) == 3 and (long["name"] == "A").all()


def test_block_diagonal_network_is_scipys():
    import scipy.sparse as sp

    from oslsim.region.build import _block_diag

    rng = np.random.default_rng(0)
    blocks = [sp.random(n, n, density=0.3, format="csr", random_state=rng) for n in (3, 5, 1, 4)]
    ours = _block_diag(blocks)
    theirs = sp.block_diag(blocks, format="csr")
    assert (ours != theirs).nnz == 0 and ours.shape == theirs.shape


def test_scenarios_list_and_show_name_the_regions():
    listed = subprocess.run([*MODULE, "scenarios", "list"], capture_output=True, text=True,
                            timeout=300)
    assert listed.returncode == 0 and "kabupaten_contoh" in listed.stdout
    shown = subprocess.run([*MODULE, "scenarios", "show", "kota_contoh"], capture_output=True,
                           text=True, timeout=300)
    assert shown.returncode == 0 and "150,000 households in 15 kelurahan" in shown.stdout
    assert shown.stdout.count("klender") == 5
