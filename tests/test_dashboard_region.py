"""The teaching page on a region: the whole region runs, the page shows one kelurahan."""

from __future__ import annotations

import re

import numpy as np
import pytest

from oslsim.cli import main
from oslsim.dashboard.region import region_lever_values, resolve_kelurahan
from oslsim.dashboard.run import DashboardRun, Settings
from oslsim.errors import InputError
from oslsim.metrics import outcomes
from oslsim.region import Budget, Kelurahan, Region, RegionModel, load_region
from oslsim.region.split import REGIONAL_ONLY, kelurahan_row
from oslsim.scenarios import load_scenario

REGION = '''
[region]
name = "tiga"
months = 24
[budget]
total = 3_000_000.0
rule = "need_capacity"
[[kelurahan]]
name = "Desa Satu"
site = "cibodas"
kind = "desa"
households = 500
params = { "organisations.wksbm_coverage" = 0.0 }
[[kelurahan]]
name = "Kelurahan Dua"
site = "klender"
households = 900
[[kelurahan]]
name = "Kampung Tiga"
site = "surosutan"
households = 400
'''


@pytest.fixture
def region_file(tmp_path):
    path = tmp_path / "tiga.toml"
    path.write_text(REGION, encoding="utf-8")
    return str(path)


def test_a_kelurahan_row_is_the_models_own_outcomes_for_a_one_kelurahan_region():
    """Splitting a kelurahan out and measuring it gives what the model measures itself."""
    site = load_scenario("surosutan").overrides()
    region = Region(name="one", kelurahan=(Kelurahan("K", "surosutan", 700, "kelurahan", {},
                                                     site),), budget=Budget(total=1e6))
    m = RegionModel(region, rng=3)
    m.run(3)
    per = region.kelurahan_params(0).community.rt_per_rw
    mine = kelurahan_row(m.state, m.params, 0, per)
    theirs = outcomes(m.state, m.params)
    for col, value in theirs.items():
        if col in (*REGIONAL_ONLY, "gov_spending_total"):
            assert np.isnan(mine[col]), col
        else:
            assert mine[col] == pytest.approx(value, rel=1e-12, abs=1e-12), col


def test_the_page_shows_one_kelurahan_while_the_whole_region_runs(region_file):
    run = DashboardRun(Settings(scenario=region_file, kelurahan=1, seed=2, warmup=False,
                                levers=region_lever_values(load_region(region_file), 1)))
    assert run.n_households == 900 and (run.first_row, run.end_row) == (500, 1400)
    run.step(3)
    ts = run.timeseries()
    long = run.model.kelurahan_timeseries()
    mine = long[long["kelurahan"] == 2].set_index("month")
    # The page's kelurahan numbers are the region's long table's for that kelurahan ...
    for col in ("burden", "pmks_prevalence", "poverty_rate", "coverage", "solidarity",
                "osl_count", "wksbm_count", "gov_spending"):
        np.testing.assert_allclose(ts[col].to_numpy(), mine[col].to_numpy(), rtol=1e-12,
                                   err_msg=col)
    # ... not the region's (which averages three kelurahan).
    region_burden = run.model.timeseries()["burden"].to_numpy()
    assert not np.allclose(ts["burden"].to_numpy(), region_burden)
    # The budget rule shares the budget among all three kelurahan (need x capacity).
    budget = run.model.state.kel_budget
    assert budget.sum() == pytest.approx(3_000_000.0) and np.unique(budget).size == 3
    assert ts["gov_spending_total"].iloc[-1] == pytest.approx(ts["gov_spending"].iloc[1:].sum())
    # What the page draws and tells belongs to the kelurahan.
    assert ((run.shown >= 500) & (run.shown < 1400)).all()
    orgs = run.organisation_rows()
    assert orgs and (run.model.state.org_kelurahan(np.array(orgs)) == 1).all()
    live, _, _ = run.organisation_centres()
    assert (run.model.state.org_kelurahan(live) == 1).all()
    assert "Household 501 " in run.household_story(0, "en")  # clipped to its first row
    nxt = run.next_unserved(499)
    assert nxt is None or 500 <= nxt < 1400
    table = run.logic_model()
    assert table["now"].notna().all() and "referrals" not in set(table["indicator"])


def test_the_page_on_a_region_draws_reports_and_exports(region_file):
    from oslsim.dashboard.debrief import compare_html, csv_bytes, query_of, settings_from_query
    from oslsim.dashboard.figures import network_png
    from oslsim.dashboard.page_state import initial_settings
    from oslsim.dashboard.pieces import kelurahan_items, logic_model_html, region_note

    settings = initial_settings(region_file, kelurahan="kampung tiga")
    assert settings.kelurahan == 2 and settings.households == 400 and not settings.warmup
    run = DashboardRun(settings)
    run.step(1)
    for color_by in ("pmks", "org"):
        assert network_png(run, "id", color_by)[:4] == b"\x89PNG"
    note = region_note(run, "id")
    assert "Kampung Tiga, kelurahan 3 dari 3" in note and "400 dari 1.800 KK" in note
    # the rule by its name in the page's language, not its key
    assert "menurut kebutuhan × kapasitas" in note and "need_capacity" not in note
    assert "by need × capacity" in region_note(run, "en")
    cells = re.findall(r'<td class="num[^"]*">([^<]*)</td>', logic_model_html(run, "id"))
    assert cells and not [c for c in cells if "nan" in c.lower()]
    assert [i["text"] for i in kelurahan_items(region_file, "en")] == [
        "1. Desa Satu (500 households)", "2. Kelurahan Dua (900 households)",
        "3. Kampung Tiga (400 households)"]
    assert csv_bytes(run, None, "en").count(b"\n") >= 2
    # Pinned as A against another kelurahan of the region: the table compares what both
    # have (no empty numbers for what the region counts only whole) and names the change.
    other = DashboardRun(initial_settings(region_file, kelurahan=0))
    other.step(1)
    html_ab = compare_html(run.snapshot(), other, "en")
    cells = re.findall(r'<td class="num[^"]*">([^<]*)</td>', html_ab)
    assert cells and not [c for c in cells if "nan" in c.lower()]
    assert "3. Kampung Tiga → 1. Desa Satu" in html_ab
    # A shared link keeps the kelurahan.
    back, _ = settings_from_query(query_of(settings, "id"), initial_settings)
    assert back.kelurahan == 2 and back.scenario == region_file


def test_the_wksbm_lever_changes_the_shown_kelurahan_only(region_file):
    region = load_region(region_file)
    start = region_lever_values(region, 0)
    assert start["wksbm"] == 0.0  # Desa Satu's own coverage, not the region's default
    moved = DashboardRun(Settings(scenario=region_file, kelurahan=0, seed=2, warmup=False,
                                  levers={**start, "wksbm": 1.0}))
    still = DashboardRun(Settings(scenario=region_file, kelurahan=0, seed=2, warmup=False,
                                  levers=start))
    wk = lambda run: run.model.kelurahan_timeseries().set_index("kelurahan")["wksbm_coverage"]  # noqa: E731
    assert wk(still)[1] == 0.0 and wk(moved)[1] == pytest.approx(1.0)
    # The other kelurahan keep their own coverage (Surosutan covers every RW).
    assert wk(moved)[3] == pytest.approx(1.0) and wk(still)[3] == pytest.approx(1.0)


def test_kelurahan_by_name_or_number_and_a_wrong_one_lists_the_names(region_file):
    region = load_region(region_file)
    assert resolve_kelurahan(region, None) == 0
    assert resolve_kelurahan(region, "Kelurahan Dua") == 1
    assert resolve_kelurahan(region, "3") == 2
    with pytest.raises(InputError) as e:
        resolve_kelurahan(region, "Desa Empat")
    assert str(e.value) == ("--kelurahan 'Desa Empat': tiga has no such kelurahan; use a number "
                            "from 1 to 3 or one of: Desa Satu, Kelurahan Dua, Kampung Tiga")


@pytest.mark.parametrize(("argv", "needle"), [
    (["--scenario", "kabupaten_contoh", "--kelurahan", "Desa Entah"],
     "use a number from 1 to 20 or one of: Desa Sukamaju, "),
    (["--scenario", "kabupaten_contoh", "--kelurahan", "21"], "from 1 to 20"),
    (["--scenario", "baseline", "--kelurahan", "1"], "--kelurahan '1': needs a region"),
    (["--kelurahan", "1"], "needs a region as --scenario (kabupaten_contoh, kota_contoh"),
])
def test_serve_with_a_bad_kelurahan_is_one_line_and_exit_2(argv, needle, capsys):
    assert main(["serve", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert needle in err


def test_every_budget_rule_has_a_name_in_both_languages():
    from oslsim.allocation import RULES
    from oslsim.dashboard.labels import RULE_NAMES, rule_name

    assert set(RULE_NAMES) == set(RULES)
    for rule in RULES:
        assert rule_name(rule, "id") != rule_name(rule, "en") != rule
