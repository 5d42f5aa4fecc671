"""The teaching page without a browser: labels, levers, the run behind it, figures, the page.

The page itself is rendered in this process with Solara's test renderer (no server), its
buttons clicked and its sliders moved through the widgets, as a browser would.
"""

from __future__ import annotations

import math
import re
import string

import ipyvuetify as v
import numpy as np
import pytest
import solara
from hypothesis import given
from hypothesis import strategies as st

from oslsim.dashboard import app
from oslsim.dashboard.assets import REQUIRED, configure_offline, missing_assets
from oslsim.dashboard.figures import (
    COLOR_MODES,
    SERIES,
    network_picture,
    network_png,
    plots_png,
    series_png,
    series_svg,
)
from oslsim.dashboard.labels import GLOSSARY, LABELS, LANGS, STAGES, label
from oslsim.dashboard.levers import HOUSEHOLD_CHOICES, LEVERS, clamp, lever, overrides_from
from oslsim.dashboard.run import (
    EXTRA_COLUMNS,
    DashboardRun,
    Settings,
    household_layout,
    load_scenario_or_none,
    sample_rows,
)
from oslsim.i18n import fmt_change, fmt_number, fmt_value
from oslsim.metrics import LOGIC_MODEL
from oslsim.params import Params, param_info
from oslsim.pmks import CODES
from oslsim.terms import TERMS
from oslsim.terms import label as indicator

SMALL = 300  # households: enough RTs and organisations for every picture, fast to build


# ----------------------------------------------------------------------------- labels


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_label_exists_in_both_languages_with_the_same_placeholders():
    assert LANGS[0] == "id"  # Bahasa Indonesia first, by default
    assert set(LABELS["id"]) == set(LABELS["en"])
    for key, text in LABELS["id"].items():
        other = LABELS["en"][key]
        assert text.strip() and other.strip(), key
        assert _fields(text) == _fields(other), key


def test_labels_really_differ_between_languages():
    # language names and a few domain words may coincide; everything a trainee reads on
    # buttons and sliders must be translated
    for key in ("play", "pause", "step", "reset", "speed", "month", "glossary", "logic_model",
                *(lv.label for lv in LEVERS), *(lv.tip for lv in LEVERS)):
        assert LABELS["id"][key] != LABELS["en"][key], key


def test_glossary_covers_the_study_terms_in_both_languages():
    for term in ("OSL", "KPS", "WKSBM", "PMKS", "PSKS", "PDPS", "pengurus", "gotong royong"):
        assert term in GLOSSARY, term
    for term, text in GLOSSARY.items():
        assert set(text) == set(LANGS), term
        assert all(s.strip() for s in text.values()), term


def test_every_indicator_on_the_page_has_a_name_in_both_languages():
    columns = {col for _, col, _, _ in LOGIC_MODEL}
    columns |= {c for _, cols, _ in SERIES.values() for c in cols} - set(EXTRA_COLUMNS)
    for col in columns:
        for lang in LANGS:
            name = indicator(col, lang)
            assert name != col, (col, lang)  # a readable name, not the column code
    assert set(STAGES["id"]) == set(STAGES["en"]) == {s for s, _, _, _ in LOGIC_MODEL}
    assert set(TERMS) >= columns - {f"pmks_{c}" for c in CODES}


def test_numbers_are_written_the_indonesian_way_in_indonesian():
    assert fmt_number(12345.67, 1, "id") == "12.345,7"
    assert fmt_number(12345.67, 1, "en") == "12,345.7"
    assert fmt_value(0.1234, "share", "id") == "12,3%"
    assert fmt_value(66_883_080, "rupiah", "id") == "Rp66,9 jt"
    assert fmt_change(-0.0485, "burden", "en") == "▼ −0.049"
    assert fmt_change(0.02, "share", "id") == "▲ +2,0 poin persentase"
    assert fmt_value(0.0, "rupiah", "id") == "Rp0" and fmt_value(2e6, "rupiah", "id") == "Rp2,0 jt"
    assert fmt_change(-0.0004, "index", "id") == "≈ 0"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="id, en"):
        label("play", "fr")


# ----------------------------------------------------------------------------- levers


def test_lever_ranges_are_the_parameter_ranges():
    paths = {lv.path for lv in LEVERS}
    assert {"organisations.wksbm_coverage", "organisations.capacity_mean",
            "government.mode", "organisations.dues_scale", "economy.covariate_shock"} <= paths
    for lv in LEVERS:
        info = param_info(lv.path)
        if info.choices:
            assert lv.choices == info.choices == ("none", "facilitator", "directive")
            continue
        assert (lv.low, lv.high) == (info.low, info.high)
        assert 0 < lv.step <= (info.high - info.low) / 5


def test_household_choices_are_inside_the_parameter_range():
    info = param_info("households")
    assert all(info.low <= n <= info.high for n in HOUSEHOLD_CHOICES)
    assert Settings().households in HOUSEHOLD_CHOICES


@given(value=st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                       st.integers(-10**9, 10**9), st.text(max_size=5), st.none()),
       key=st.sampled_from([lv.key for lv in LEVERS]))
def test_clamped_lever_values_are_always_valid_parameters(value, key):
    lv = lever(key)
    clamped = clamp(lv, value)
    Params().with_overrides({lv.path: clamped})  # raises if out of range
    if lv.choices is None:
        assert lv.low <= clamped <= lv.high
        if isinstance(value, (int, float)) and math.isfinite(value) \
                and lv.low <= value <= lv.high:
            assert abs(clamped - value) <= lv.step / 2 + 1e-9  # only snapped to the step


def test_unknown_lever_is_refused():
    with pytest.raises(KeyError, match="wksbm"):
        lever("wksbn")


# ----------------------------------------------------------------------------- run


def test_run_builds_from_settings_and_steps():
    run = DashboardRun(Settings(households=SMALL, seed=3,
                                levers={"mode": "none", "wksbm": 0.6}))
    assert run.params.government.mode == "none"
    assert run.params.organisations.wksbm_coverage == 0.6
    run.step(3)
    assert run.month == 3
    ts = run.timeseries()
    assert list(ts["month"]) == [0, 1, 2, 3]
    table = run.logic_model()
    assert list(table["stage"].unique()) == ["MASUKAN", "PROSES", "KELUARAN", "DAMPAK",
                                             "HASIL"]
    assert run.household_story(5, "id").startswith("Rumah tangga 6 di RT 0")  # from 1
    assert run.household_story(5, "en").startswith("Household 6 in RT 0")
    assert run.household_story(10**6, "en").startswith(f"Household {SMALL} ")  # clipped
    rows = run.organisation_rows()
    assert rows and all(run.model.state.alive[r] for r in rows)
    wk = [run.model.state.wksbm[r] for r in rows]
    assert wk == sorted(wk, reverse=True)  # WKSBM members listed first
    assert run.organisation_story(rows[0], "id") != run.organisation_story(rows[0], "en")


def test_same_settings_give_the_same_run():
    a = DashboardRun(Settings(households=SMALL, seed=11))
    b = DashboardRun(Settings(households=SMALL, seed=11))
    a.step(4)
    b.step(4)
    assert a.timeseries().equals(b.timeseries())
    np.testing.assert_array_equal(a.positions, b.positions)


def test_next_unserved_finds_a_household_with_an_unserved_condition():
    run = DashboardRun(Settings(households=SMALL, seed=5, levers={"mode": "none"}))
    run.step(2)
    st_ = run.model.state
    found = run.next_unserved(-1)
    if found is None:
        assert not (st_.active & ~st_.served).any()
    else:
        assert (st_.active[found] & ~st_.served[found]).any()
        again = run.next_unserved(found)
        assert again is not None and (st_.active[again] & ~st_.served[again]).any()


def test_scenario_sets_the_levers_and_installs_its_interventions():
    choices = dict(app.scenario_choices("id"))
    if "no_government" not in choices:
        pytest.skip("built-in scenario no_government is not available")
    settings = app.initial_settings("no_government", households=SMALL)
    sc = load_scenario_or_none("no_government")
    expected = sc.build_params()
    for lv in LEVERS:
        assert settings.levers[lv.key] == expected.get(lv.path), lv.key
    run = DashboardRun(settings)
    assert run.months == sc.months
    assert run.params.households == SMALL


def test_a_site_keeps_its_own_size_and_a_scenario_without_one_keeps_the_choice():
    names = dict(app.scenario_choices("en"))
    site = next((n for n in ("klender", "cibodas", "pondok_pinang", "surosutan") if n in names),
                None)
    if site is None or "baseline" not in names:
        pytest.skip("built-in sites are not available")
    own = load_scenario_or_none(site).build_params().households
    assert app.initial_settings(site, households=500).households == own
    assert app.initial_settings("baseline", households=500).households == 500


def test_layout_groups_households_by_rt():
    rt = np.repeat(np.arange(6), 10)
    rw = rt // 3
    xy = household_layout(rt, rw, 3)
    centres = np.array([xy[rt == r].mean(axis=0) for r in range(6)])
    spread = max(np.linalg.norm(xy[rt == r] - centres[r], axis=1).max() for r in range(6))
    gaps = [np.linalg.norm(centres[i] - centres[j]) for i in range(6) for j in range(i)]
    assert spread < 0.5 < min(gaps)  # each RT is a disc, apart from the others
    assert sample_rows(50, 700).size == 50
    rows = sample_rows(5000, 700)
    assert rows.size == 700 and rows[0] == 0 and rows[-1] == 4999
    assert sample_rows(2000).size == 2000  # the default kelurahan is drawn whole


# ----------------------------------------------------------------------------- pictures


@pytest.fixture(scope="module")
def stepped_run() -> DashboardRun:
    run = DashboardRun(Settings(households=SMALL, seed=2))
    run.step(3)
    return run


@pytest.mark.parametrize("mode", COLOR_MODES)
def test_network_picture_is_a_png_and_changes_with_the_month(stepped_run, mode):
    png = network_png(stepped_run, "id", mode)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    picture = network_picture(stepped_run, "id", mode)
    assert network_png(stepped_run, "id", mode, picture) == png  # the layer is the same
    other = DashboardRun(Settings(households=SMALL, seed=2))
    assert network_png(other, "id", mode) != png
    with pytest.raises(ValueError, match="pmks, org"):
        network_png(stepped_run, "id", "rainbow")


@pytest.mark.parametrize("which", list(SERIES))
def test_series_pictures_draw_every_plot_with_and_without_run_a(stepped_run, which):
    ts = stepped_run.timeseries()
    assert set(SERIES[which][1]) <= set(ts.columns)
    alone = series_png(ts, which, "id", stepped_run.months)
    assert alone[:8] == b"\x89PNG\r\n\x1a\n"
    other = DashboardRun(Settings(households=SMALL, seed=9, levers={"wksbm": 1.0}))
    other.step(3)
    with_a = series_png(ts, which, "id", stepped_run.months, pinned=other.timeseries())
    assert with_a != alone  # run A is drawn too
    assert series_png(ts, which, "en", stepped_run.months) != alone  # words change
    with pytest.raises(ValueError, match="burden"):
        series_png(ts, "rainbow")


@pytest.mark.parametrize("which", list(SERIES))
def test_live_svg_plots_hold_every_month_in_the_page_language(stepped_run, which):
    import xml.etree.ElementTree as ET

    ts = stepped_run.timeseries()
    other = DashboardRun(Settings(households=SMALL, seed=9, levers={"wksbm": 1.0}))
    other.step(2)
    for lang in LANGS:
        svg = series_svg(ts, which, lang, stepped_run.months, pinned=other.timeseries())
        root = ET.fromstring(svg)  # well-formed
        ns = "{http://www.w3.org/2000/svg}"
        lines = root.findall(f"{ns}polyline")
        n = len(SERIES[which][1])
        assert len(lines) == 2 * n  # run A (faded) and run B, one line per column
        assert [len(pl.get("points").split()) for pl in lines] == [3] * n + [4] * n
        assert sum("stroke-dasharray" in pl.attrib for pl in lines) == n
        texts = " ".join(el.text or "" for el in root.iter() if el.text)
        assert label(SERIES[which][0], lang) in texts
        titles = [el.text for el in root.iter(f"{ns}title")]
        assert len(titles) == 4  # a tooltip per month of run B
        if lang == "id":
            assert not re.search(r"(?<![\d.,])(0\.\d+|\d+\.(?:\d{1,2}|\d{4,})(?!\d))",
                                 texts), texts
            assert "Bulan ke-3" in titles[-1]


def test_indonesian_ticks_use_decimal_commas_and_thousands_dots():
    from matplotlib.figure import Figure

    from oslsim.i18n import tick_formatter

    f = tick_formatter("id")
    assert [f(x) for x in (0.05, 0.1, 2000, 12.5, 0)] == ["0,05", "0,1", "2.000", "12,5", "0"]
    assert tick_formatter("en")(2000.5) == "2,000.5"
    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 0.15])
    ax.yaxis.set_major_formatter(f)
    fig.canvas.draw() if hasattr(fig.canvas, "draw") else None
    ticks = [f(x) for x in ax.get_yticks()]
    assert any("," in s for s in ticks) and not any("." in s for s in ticks)


def test_page_only_indicators_are_counted_from_the_state(stepped_run):
    ts = stepped_run.timeseries()
    assert list(ts["month"]) == [0, 1, 2, 3]
    st_ = stepped_run.model.state
    alive = st_.alive[: st_.m]
    assert ts["osl_natural"].iloc[-1] + ts["osl_government"].iloc[-1] == alive.sum()
    assert ts["osl_natural"].iloc[-1] + ts["osl_government"].iloc[-1] == ts["osl_count"].iloc[-1]
    assert ts[["attendance_poor", "attendance_rest"]].stack().between(0, 1).all()


def test_network_layer_and_clicks_find_the_household_drawn_there(stepped_run):
    picture = network_picture(stepped_run, "id", "pmks")
    w, h = picture.background.size
    for row in (0, 17, SMALL - 1):
        px, py = picture.to_pixels(stepped_run.positions[[row]])[0]
        hit = app.pick_in_network(stepped_run, picture, px / w, py / h, "pmks")
        assert hit == ("household", row)
    assert app.pick_in_network(stepped_run, picture, 0.999, 0.001, "pmks") is None
    org_pic = network_picture(stepped_run, "id", "org")
    live, centres, _ = stepped_run.organisation_centres()
    px, py = org_pic.to_pixels(centres[[0]])[0]
    kind, row = app.pick_in_network(stepped_run, org_pic, px / w, py / h, "org")
    assert kind in ("org", "household")  # a small OSL's square may sit under a member's dot
    if kind == "org":
        assert row in live


def test_logic_model_table_has_every_stage_and_header(stepped_run):
    for lang in LANGS:
        body = app.logic_model_html(stepped_run, lang)
        for stage in STAGES[lang].values():
            assert stage in body
        for key in ("col_stage", "col_item", "col_indicator", "col_start", "col_now",
                    "col_change"):
            assert label(key, lang) in body
        # kesetiakawanan is shown once, as an outcome (HASIL), not also as an input
        assert body.count("<tr>") == len(LOGIC_MODEL)
        assert body.count(indicator("solidarity", lang) + "<") == 1


def test_story_html_escapes_and_lists():
    out = app.story_html("Rumah <b>1</b>\n- Lansia miskin: belum dilayani\n- Anak: ok\nAkhir")
    assert "&lt;b&gt;" in out and "<b>" not in out
    assert out.count("<li>") == 2 and out.index("<ul>") < out.index("Akhir")


def test_glossary_html_in_both_languages():
    assert "Wahana Kesejahteraan Sosial Berbasis Masyarakat" in app.glossary_html("id")
    assert "community-based social-welfare vehicle" in app.glossary_html("en")


# ----------------------------------------------------------------------------- offline assets


def test_front_end_files_are_installed_locally():
    assert missing_assets() == []


def test_required_assets_match_the_installed_solara_template():
    from pathlib import Path

    import solara.server

    template = (Path(solara.server.__file__).parent / "templates" / "solara.html.j2").read_text()
    versions = set(re.findall(r"@widgetti/solara-vuetify-app@([\d.]+)/", template))
    assert versions, "solara's template no longer names solara-vuetify-app"
    for v_ in versions:
        assert any(f"solara-vuetify-app@{v_}/" in p for p in REQUIRED)
    assert "requirejs@2.3.6" in template and any("requirejs@2.3.6" in p for p in REQUIRED)


def test_configure_offline_sets_the_solara_variables():
    env: dict[str, str] = {}
    root = configure_offline(env)
    assert env["SOLARA_ASSETS_PROXY"] == "True"
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env["SOLARA_ASSETS_PROXY_CACHE_DIR"] == str(root)


# ----------------------------------------------------------------------------- the page


@pytest.fixture
def page():
    """The page rendered in this process on a small community; state reset afterwards."""
    saved = app.SETTINGS.value
    app.LANG.set("id")
    app.PLAYING.set(False)
    app.ERROR.set("")
    app.SETTINGS.set(app.initial_settings(None, households=SMALL))
    _, rc = solara.render(app.Page(), handle_error=False)
    yield rc
    rc.close()
    app.SETTINGS.set(saved)
    app.LANG.set("id")


def _month(rc) -> int:
    counters = [w for w in rc.find(v.VuetifyTemplate).widgets
                if getattr(w, "attributes", None) and w.attributes.get("class") == "oslsim-month"]
    assert len(counters) == 1
    return int(counters[0].attributes["data-month"])


def _button(rc, css: str):
    return rc.find(v.Btn, class_=css).widget


def _choose(rc, css: str) -> None:
    """Press a button of a toggle group, as the browser does: set the group's value."""
    for group in rc.find(v.BtnToggle).widgets:
        classes = [getattr(b, "class_", "") for b in group.children]
        if css in classes:
            group.v_model = classes.index(css)
            return
    raise AssertionError(f"no toggle button {css}")


def _text(rc) -> str:
    """Every plain text the page shows, collected through all its widgets."""
    out: list[str] = []

    def walk(w) -> None:
        for c in getattr(w, "children", None) or []:
            if isinstance(c, str):
                out.append(c)
            else:
                walk(c)
        html_ = getattr(w, "unsafe_innerHTML", None)
        if isinstance(html_, str):
            out.append(re.sub(r"<[^>]+>", " ", html_))
        for slot in getattr(w, "v_slots", None) or []:
            for c in slot.get("children", []):
                walk(c)

    for w in rc.find(v.Html).widgets:
        walk(w)
    return " ".join(out)


def test_page_steps_and_resets(page):
    assert _month(page) == 0
    for _ in range(3):
        _button(page, "oslsim-step").click()
    assert _month(page) == 3
    _button(page, "oslsim-reset").click()
    assert _month(page) == 0


def test_page_switches_language(page):
    step = _button(page, "oslsim-step")
    assert "Maju 1 bulan" in step.children
    _choose(page, "oslsim-lang-en")
    step = _button(page, "oslsim-step")
    assert "Step 1 month" in step.children
    assert "Policy levers" in _text(page)


def test_page_sliders_span_the_parameter_ranges_and_clamp(page):
    sliders = [s for s in page.find(v.Slider).widgets if s.max != app.DELAY_MS[1]]
    numeric = [lv for lv in LEVERS if lv.choices is None]
    assert len(sliders) == len(numeric)
    for slider, lv in zip(sliders, numeric, strict=True):
        info = param_info(lv.path)
        assert (slider.min, slider.max) == (info.low, info.high), lv.key
    # a value from outside the range (a tampered browser) ends inside it
    wksbm = sliders[[lv.key for lv in numeric].index("wksbm")]
    wksbm.v_model = 10_000
    assert app.SETTINGS.value.levers["wksbm"] == param_info("organisations.wksbm_coverage").high
    assert _month(page) == 0  # a lever change restarts the run


def test_page_mode_buttons_set_the_government_mode(page):
    _choose(page, "oslsim-mode-none")
    assert app.SETTINGS.value.levers["mode"] == "none"
    assert overrides_from(app.SETTINGS.value.levers)["government.mode"] == "none"


def test_a_warm_start_on_the_page_begins_from_a_settled_community():
    assert Settings().warmup is True  # the page starts warm by default
    cold = DashboardRun(Settings(households=SMALL, seed=3, levers={"wksbm": 1.0},
                                 warmup=False))
    warm = DashboardRun(Settings(households=SMALL, seed=3, levers={"wksbm": 1.0}))
    assert cold.warmup_months is None
    # the burn-in's table holds its month 0 and every month after it
    assert warm.warmup_months == len(warm.model.warmup_timeseries()) - 1
    assert warm.month == 0 and len(warm.model.warmup_timeseries()) >= 37
    assert cold.model.warmup_timeseries().empty
    # The burn-in has run its years: the warm kelurahan's month 0 has the kas RT filled and
    # services going, the cold one's has neither.
    start = {"warm": warm.timeseries().iloc[0], "cold": cold.timeseries().iloc[0]}
    assert start["warm"]["rt_fund_total"] > 0 == start["cold"]["rt_fund_total"]
    assert Settings(warmup=False) != Settings()
    assert hash(Settings(warmup=False)) != hash(Settings())


# ----------------------------------------------------------------------------- the lesson


def test_compare_table_sets_run_b_against_pinned_a_at_the_same_month():
    from oslsim.dashboard.debrief import COMPARE, compare_html, compare_rows

    a_run = DashboardRun(Settings(households=SMALL, seed=4, levers={"wksbm": 0.0}))
    a_run.run_to(6)
    a = a_run.snapshot()
    b = DashboardRun(Settings(households=SMALL, seed=4, levers={"wksbm": 1.0}))
    b.run_to(4)
    month, table = compare_rows(a, b)
    assert month == 4 and list(table["indicator"]) == list(COMPARE)
    row_a = a.timeseries.set_index("month").loc[4]
    row_b = b.timeseries().set_index("month").loc[4]
    np.testing.assert_allclose(table["a"], [row_a[c] for c in COMPARE])
    np.testing.assert_allclose(table["diff"], [row_b[c] - row_a[c] for c in COMPARE])
    body = compare_html(a, b, "id")
    assert 'data-month="4"' in body and "bulan ke-6" in body  # B must catch up to month 6
    assert "0 → 1" in body  # the WKSBM lever differs
    b.run_to(6)
    assert 'data-month="6"' in compare_html(a, b, "en")
    both = plots_png(b.timeseries(), "id", b.months, a.timeseries)
    assert both[:4] == b"\x89PNG" and both != plots_png(b.timeseries(), "id", b.months)


def test_run_to_month_stops_there_and_never_past_the_run():
    run = DashboardRun(Settings(households=SMALL, seed=2))
    assert run.run_to(5) == 5 and run.month == 5
    assert run.run_to(3) == 0 and run.month == 5  # never backwards
    run.months = 7
    run.run_to(100)
    assert run.month == 7


def test_csv_export_has_a_row_per_run_and_month_in_indonesian_style():
    import io

    import pandas as pd

    from oslsim.dashboard.debrief import csv_bytes

    a_run = DashboardRun(Settings(households=SMALL, seed=4))
    a_run.run_to(3)
    b = DashboardRun(Settings(households=SMALL, seed=5))
    b.run_to(2)
    text = csv_bytes(b, a_run.snapshot(), "id").decode()
    table = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    assert list(table["run"]) == ["A"] * 4 + ["B"] * 3
    assert list(table["month"]) == [0, 1, 2, 3, 0, 1, 2]
    assert table["burden"].iloc[-1] == pytest.approx(b.timeseries()["burden"].iloc[-1])
    en = pd.read_csv(io.StringIO(csv_bytes(b, None, "en").decode()))
    assert list(en["run"]) == ["A"] * 3 and "osl_natural" in en.columns


def test_share_link_carries_the_settings_and_clamps_what_it_reads():
    from urllib.parse import parse_qs

    from oslsim.dashboard.debrief import query_of, settings_from_query

    s = app.initial_settings("surosutan").with_(seed=7, warmup=False,
                                                 levers={**app.initial_settings(
                                                     "surosutan").levers, "wksbm": 0.3})
    query = query_of(s, "en")
    back, lang = settings_from_query(query, app.initial_settings)
    assert back == s and lang == "en"
    bad, _ = settings_from_query("?wksbm=99&kk=999999999&seed=x&site=nowhere&lang=fr",
                                 app.initial_settings)
    assert bad.levers["wksbm"] == param_info("organisations.wksbm_coverage").high
    assert bad.households == app.initial_settings(None).households  # out of the menu: ignored
    assert bad.scenario is None
    assert settings_from_query("", app.initial_settings) == (None, None)
    assert parse_qs(query[1:])["site"] == ["surosutan"]


def test_every_scenario_has_an_info_panel_in_both_languages():
    from oslsim.dashboard.debrief import LESSONS, lesson

    names = [n for n, _ in app.scenario_choices("en")]
    assert set(names) | {"default"} == set(LESSONS)
    for name in [*names, None]:
        for lang in LANGS:
            info = lesson(name, lang)
            assert set(info) == {"watch", "try", "discuss"}
            assert all(x.strip() for xs in info.values() for x in xs), (name, lang)
    assert lesson("surosutan", "id") != lesson("surosutan", "en")


#: Words that may stand in Indonesian text: the study's abbreviations and loan terms.
ALLOWED = {"WKSBM", "PMKS", "PPKS", "PSKS", "OSL", "KPS", "KK", "RT", "RW", "PKK", "KUBE",
           "PDPS", "Diklat", "Kesos", "BPS", "Pemda", "Rp", "seed", "CSV", "PNG", "A4"}
#: English words that gave the Indonesian page away before (checked as whole words).
ENGLISH = ("the", "and", "of", "households", "household", "run", "runs", "capture",
           "share", "month", "burden", "served", "pts", "living", "capacity", "members")


def _english_words(text: str) -> set[str]:
    words = set(re.findall(r"[A-Za-z]+", text))
    return {w for w in words if w.lower() in ENGLISH and w not in ALLOWED}


def test_indonesian_site_texts_have_no_english_words():
    for name, _ in app.scenario_choices("id"):
        sc = load_scenario_or_none(name)
        assert _english_words(sc.title("id") + " " + sc.description("id")) == set(), name


def test_page_pins_run_a_runs_to_a_month_and_shows_the_difference(page):
    assert app.SETTINGS.value.warmup  # warm start on by default
    app.TO_MONTH.set(3)
    go = page.find(v.Btn, attributes={"data-testid": "run-to-month-go"}).widget
    assert "Jalankan sampai bulan ke-3" in go.children
    go.click()
    assert _month(page) == 3
    page.find(v.Btn, attributes={"data-testid": "pin-run"}).widget.click()
    assert app.PINNED.value is not None and app.PINNED.value.month == 3
    wksbm = [s for s in page.find(v.Slider).widgets if s.step == 0.1 and s.max == 1.0][0]
    wksbm.v_model = 1.0
    assert _month(page) == 0  # run B starts over
    page.find(v.Btn, attributes={"data-testid": "run-to-month-go"}).widget.click()
    assert _month(page) == 3
    text = _text(page)
    assert "Perbandingan percobaan A dan B pada bulan ke-3" in text
    assert "dihangatkan" in text or "sudah dijalankan" in text  # the warm start is said
    assert not re.search(r"(?<![\d.,])(0\.\d+|\d+\.(?:\d{1,2}|\d{4,})(?!\d))", text), text
    app.PINNED.set(None)
