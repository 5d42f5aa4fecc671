"""Regions: RT numbering per kelurahan, warm starts and dated interventions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from oslsim.region import Budget, Kelurahan, Region, RegionModel
from oslsim.scenarios import load_scenario


def pair(**kw) -> Region:
    """Klender first (78 households an RT, 11 RT an RW), then a Cibodas desa (40, 6)."""
    kle = load_scenario("klender").overrides()
    cib = load_scenario("cibodas").overrides()
    return Region(name="pair", months=12, kelurahan=(
        Kelurahan("Kel Timur", "klender", 2000, "kelurahan", {}, kle),
        Kelurahan("Desa Barat", "cibodas", 1000, "desa", {}, cib)),
        budget=Budget(total=3_000_000.0), **kw)


# --------------------------------------------------------------------------- RT numbering


def test_each_kelurahan_numbers_rt_and_rw_on_its_own_site_layout():
    m = RegionModel(pair(), rng=2)
    hh = m.households_frame()
    # Klender: 2000 households in 26 RT of 78 -> RW of 11, 11 and 4 RT.
    # Cibodas: 1000 households in 25 RT of 40 -> RW of 6, 6, 6, 6 and 1 RT.
    expected = {1: [11, 11, 4], 2: [6, 6, 6, 6, 1]}
    for kel, counts in expected.items():
        sub = hh[hh["kelurahan"] == kel]
        per_rw = sub.groupby("rw_number")["rt_number"].max()
        assert per_rw.index.tolist() == list(range(1, len(counts) + 1))
        assert per_rw.tolist() == counts
        # Every RT number within an RW is used once, from 1 (no gaps, no repeats).
        used = sub.groupby("rw_number")["rt_index"].nunique()
        assert used.tolist() == counts
    assert hh.loc[hh["kelurahan"] == 2, "kelurahan_name"].unique().tolist() == ["Desa Barat"]
    # The household agents say the same numbers: household 2001 is the desa's first.
    first_desa = m.households[2000]
    assert (first_desa.rt_number, first_desa.rw_number) == (1, 1)
    # Klender's 12th RT is RT 01 of RW 02 (a single rt_per_rw of 6 made it RT 06 / RW 02).
    h = m.households[11 * 78]
    assert (h.rt_number, h.rw_number) == (1, 2)


def test_organisations_name_their_rt_within_their_own_kelurahan():
    m = RegionModel(pair(), rng=2)
    org = m.organisations_frame()
    st = m.state
    # An RT group in the desa names an RT within 1..6 and an RW within 1..5.
    desa_rt = org[(org["kelurahan"] == 2) & (org["scope"] == "rt")]
    assert len(desa_rt) > 0
    assert desa_rt["rt_number"].between(1, 6).all()
    assert desa_rt["rw_number"].between(1, 5).all()
    desa_rw = org[(org["kelurahan"] == 2) & (org["scope"] == "rw")]
    assert desa_rw["rw_number"].between(1, 5).all() and len(desa_rw) > 0
    row = int(desa_rt["row"].iloc[0])
    name = m.organisation(row).name("id")
    area = int(st.area[row])
    rt_n = area - int(np.flatnonzero(st.rt_rw == st.rt_rw[area])[0]) + 1
    assert f"RT {rt_n:02d}/" in name


def test_one_kelurahan_keeps_its_old_numbers():
    from oslsim import OSLModel, Params

    m = OSLModel(Params(households=700), rng=1)
    per = m.state.rt_per_rw
    hh = m.households_frame()
    assert (hh["rt_number"] == hh["rt_index"] % per + 1).all()
    assert (hh["rw_number"] == hh["rt_index"] // per + 1).all()


# --------------------------------------------------------------------------- warm start


def small_kabupaten(tmp_path, extra: str = "") -> str:
    """Kabupaten Contoh's make-up at 1/30 of its size (2,000 households), as a file."""
    text = f'''
[region]
name = "kab_kecil"
base = "kabupaten_contoh"
months = 24
[budget]
total = 3_000_000.0
[[kelurahan]]
name = "Desa Satu"
site = "cibodas"
kind = "desa"
households = 600
params = {{ "organisations.wksbm_coverage" = 0.0 }}
[[kelurahan]]
name = "Desa Dua"
site = "cibodas"
kind = "desa"
households = 600
params = {{ "organisations.wksbm_coverage" = 1.0 }}
[[kelurahan]]
name = "Kelurahan Kota"
site = "surosutan"
households = 800
{extra}
'''
    path = tmp_path / "kab_kecil.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


#: A short burn-in: at least three years, at most four (the test checks the mechanism, not
#: stationarity of a full 30-year burn-in).
SHORT = {"max_months": 48, "tolerance": 0.01}


def test_a_region_warm_start_burns_in_without_wksbm_then_gives_each_kelurahan_its_dose(
        tmp_path):
    import oslsim

    r = oslsim.simulate(small_kabupaten(tmp_path), months=6, rng=4, warmup=SHORT)
    w = r.manifest["warmup"]
    assert 36 <= w["months"] <= 48 and w["max_months"] == 48
    # The burn-in held WKSBM at 0 in every kelurahan (coverage 0, nobody joins the forum).
    assert (r.warmup["wksbm_count"] == 0).all()
    assert int(r.warmup["month"].iloc[-1]) == 0 and int(r.warmup["month"].iloc[0]) == -w["months"]
    kel0 = r.kelurahan[r.kelurahan["month"] == 0].set_index("name")
    # Then each kelurahan got its own coverage: none in Desa Satu, every RW in Desa Dua and in
    # the Surosutan kelurahan (its site covers every RW).
    assert kel0.loc["Desa Satu", "wksbm_count"] == 0
    assert kel0.loc["Desa Dua", "wksbm_coverage"] == pytest.approx(1.0)
    assert kel0.loc["Kelurahan Kota", "wksbm_coverage"] == pytest.approx(1.0)
    assert len(r.timeseries) == 7 and r.timeseries["month"].tolist() == list(range(7))
    # The long table of the burn-in is kept on the model, months counted back from 0.
    assert r.model.warmup_kelurahan["month"].min() == -w["months"]


def test_a_region_warm_start_is_the_same_for_every_rule_of_a_seed(tmp_path):
    """The burn-in shares the budget per household, so rules start from one warmed region."""
    import oslsim
    from oslsim.region import load_region

    reg = load_region(small_kabupaten(tmp_path))
    a = oslsim.simulate(reg, months=2, rng=9, warmup=SHORT)
    b = oslsim.simulate(reg.with_rule("registered_pmks", floor=0.2), months=2, rng=9,
                        warmup=SHORT)
    pd.testing.assert_frame_equal(a.warmup, b.warmup)
    # ... and the measured period follows each rule (budgets differ from month 0).
    ka = a.kelurahan[a.kelurahan["month"] == 0]["budget"].to_numpy()
    kb = b.kelurahan[b.kelurahan["month"] == 0]["budget"].to_numpy()
    assert ka.sum() == pytest.approx(kb.sum()) and not np.allclose(ka, kb)


def test_region_warm_start_through_the_cli(tmp_path):
    import subprocess
    import sys

    path = small_kabupaten(tmp_path)
    out = subprocess.run([sys.executable, "-m", "oslsim.cli", "run", "--scenario", path,
                          "--months", "2", "--seed", "1", "--warmup"],
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr
    assert "warm start:" in out.stdout and "Desa Dua" in out.stdout


def test_bad_region_warmup_is_one_line(tmp_path):
    import oslsim
    from oslsim.region import RegionError

    with pytest.raises(RegionError, match=r"warmup.max_months: 12 is not allowed") as e:
        oslsim.simulate(small_kabupaten(tmp_path), months=2, rng=1,
                        warmup={"max_months": 12})
    assert "\n" not in str(e.value)


# --------------------------------------------------------------------------- interventions


def test_region_interventions_run_on_the_whole_region_or_on_named_kelurahan(tmp_path):
    import oslsim

    extra = '''
[[interventions]]
action = "economic_shock"
month = 2
duration = 3
loss = 0.5
reach = 1.0
kelurahan = "Desa Dua"

[[interventions]]
action = "train_pengurus"
month = 1
share = 1.0
who = "all"
kelurahan = ["Desa Satu", "Kelurahan Kota"]

[[interventions]]
action = "withdraw_government"
from = 3
to = 4
'''
    r = oslsim.simulate(small_kabupaten(tmp_path, extra), months=6, rng=3)
    st = r.model.state
    # The shock ended after month 4 (income_loss back to 0) and reached only Desa Dua.
    assert (st.income_loss == 0).all()
    events = r.events.set_index(["action", "event"])
    assert events.loc[("economic_shock", "start"), "result"] == 600  # every household of it
    assert events.loc[("economic_shock", "end"), "month"] == 5
    # Training reached the organisations of Desa Satu and the town only.
    trained = st.trained[: st.m] > 0
    kel = st.org_kelurahan()
    assert trained[kel != 1].any() and not trained[kel == 1].any()
    # Withdrawal is regional: no government spending in months 3-4, some before and after.
    spend = r.timeseries.set_index("month")["gov_spending"]
    assert spend.loc[3] == 0 and spend.loc[4] == 0 and spend.loc[2] > 0 and spend.loc[5] > 0
    assert [e["action"] for e in r.manifest["interventions"]] == [
        "economic_shock", "train_pengurus", "withdraw_government"]


def test_a_shock_on_one_kelurahan_raises_its_poverty_only(tmp_path):
    import oslsim

    shock = '''
[[interventions]]
action = "economic_shock"
month = 1
duration = 6
loss = 0.6
reach = 1.0
kelurahan = "Desa Satu"
'''
    base = oslsim.simulate(small_kabupaten(tmp_path), months=3, rng=5).kelurahan
    hit = oslsim.simulate(small_kabupaten(tmp_path, shock), months=3, rng=5).kelurahan
    last = lambda t, name: t[(t["month"] == 3) & (t["name"] == name)].iloc[0]  # noqa: E731
    # Losing 60% of income every month for three months pushes many of the desa's households
    # below the poverty line; the other desa is untouched by the shock itself (its numbers
    # may still move a little through cross-kelurahan kin and the shared random stream).
    assert last(hit, "Desa Satu")["poverty_rate"] > last(base, "Desa Satu")["poverty_rate"] + 0.2
    assert abs(last(hit, "Desa Dua")["poverty_rate"] - last(base, "Desa Dua")["poverty_rate"]) \
        < 0.1


@pytest.mark.parametrize(("extra", "message"), [
    ('[[interventions]]\naction = "grant"\nmonth = 2\namount = 1e6\nkelurahan = "Desa Tiga"',
     r"interventions\[1\] \(grant\)\.kelurahan: 'Desa Tiga' is not a kelurahan of this region; "
     r"use one of Desa Satu, Desa Dua, Kelurahan Kota"),
    ('[[interventions]]\naction = "withdraw_government"\nmonth = 2\nkelurahan = "Desa Dua"',
     r"withdraw_government acts on the whole region \(one Dinas Sosial\)"),
    ('[[interventions]]\naction = "grant"\nmonth = 30\namount = 1e6',
     r"month 30 is after the last month \(24\); use 1 to 24 or set more months in \[region\]"),
    ('[[interventions]]\naction = "grant"\nmonth = 2\namount = 1e6\nkelurahan = 3',
     r"expected a kelurahan name or a list of names"),
    ('[[interventions]]\naction = "grnat"\nmonth = 2',
     r"'grnat' is not a known action.*did you mean"),
])
def test_bad_region_interventions_get_one_line(tmp_path, extra, message):
    from oslsim.region import RegionError, load_region

    with pytest.raises(RegionError, match=message) as e:
        load_region(small_kabupaten(tmp_path, extra))
    assert "\n" not in str(e.value) and "kab_kecil.toml" in str(e.value)


def test_bad_region_intervention_through_the_cli_exits_2(tmp_path):
    import subprocess
    import sys

    path = small_kabupaten(tmp_path, '[[interventions]]\naction = "grant"\nmonth = 2\n'
                                     'amount = 1e6\nkelurahan = "Desa Tiga"')
    out = subprocess.run([sys.executable, "-m", "oslsim.cli", "run", "--scenario", path,
                          "--months", "2"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "Desa Tiga" in out.stderr
    assert "Traceback" not in out.stderr
