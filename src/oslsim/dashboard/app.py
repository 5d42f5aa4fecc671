"""The teaching page: a Solara app over :class:`oslsim.dashboard.run.DashboardRun`.

``oslsim serve`` runs it (``SOLARA_APP=oslsim.dashboard.app:Page``). Every state below is a
``solara.reactive``, which the Solara server keeps per browser tab, so trainees on one
classroom server each drive their own kelurahan. All words come from
:mod:`oslsim.dashboard.labels`; the language switch re-renders the page in place.
"""

from __future__ import annotations

import base64
import html
import time
from pathlib import Path
from typing import Any

import reacton.ipyvuetify as rv
import solara
import solara.lab

from oslsim.dashboard.debrief import (
    compare_html,
    csv_bytes,
    lesson,
    lever_text,
    query_of,
    settings_from_query,
)
from oslsim.dashboard.figures import (
    COLOR_MODES,
    network_picture,
    network_png,
    plots_png,
    series_svg,
)
from oslsim.dashboard.labels import LANGS, label
from oslsim.dashboard.levers import (
    HOUSEHOLD_CHOICES,
    LEVERS,
    Lever,
)
from oslsim.dashboard.page_state import (
    COLOR_BY,
    DEFAULT_TO_MONTH,
    DELAY,
    ENV_LANG,
    ENV_SCENARIO,
    ERROR,
    GENERATION,
    HOUSEHOLD,
    LANG,
    NOTICE,
    ORGANISATION,
    PINNED,
    PLAYING,
    PRINT,
    SETTINGS,
    TICK,
    TO_MONTH,
    _build,
    _run_to,
    _set_kelurahan,
    _set_lever,
    _set_scenario,
    _set_setting,
    _step,
    initial_settings,
)
from oslsim.dashboard.pieces import (
    glossary_html,
    kelurahan_items,
    logic_model_html,
    pick_in_network,
    region_note,
    settings_table_html,
    story_html,
)
from oslsim.dashboard.run import (
    DashboardRun,
    Settings,
    scenario_choices,
)
from oslsim.i18n import fmt_number, fmt_value

__all__ = ["Page", "ENV_LANG", "ENV_SCENARIO", "initial_settings", "logic_model_html",
           "story_html", "glossary_html", "pick_in_network"]

#: Bounds of the "delay between months" slider while playing (milliseconds).
DELAY_MS = (0, 2000, 100)
HERE = Path(__file__).parent
CSS = (HERE / "style.css").read_text(encoding="utf-8")




def _scenario_title(run: DashboardRun | None, settings: Settings, lang: str) -> str:
    if run is not None and run.scenario is not None:
        return run.scenario.title(lang)
    return settings.scenario or label("scenario_default", lang)


# ---------------------------------------------------------------------------- components

NetworkImage = solara.component_vue(str(HERE / "network_image.vue"))(
    lambda src, alt="", event_pick=None: None)
PrintButton = solara.component_vue(str(HERE / "print_button.vue"))(lambda text="": None)


@solara.component
def Header(lang: str) -> None:
    """Title, the study's question and the language switch."""
    with solara.Div(classes=["oslsim-header"]):
        with solara.Column(gap="0px"):
            solara.HTML(tag="h1", unsafe_innerHTML=html.escape(label("app_title", lang)),
                        classes=["oslsim-title"])
            solara.Text(label("app_subtitle", lang), classes=["oslsim-subtitle"])
        with solara.Row(style={"align-items": "center"}, classes=["oslsim-lang"]):
            solara.Text(label("language", lang) + ":", classes=["oslsim-lever-label"])
            with solara.ToggleButtonsSingle(value=LANG, dense=True):
                for code in LANGS:
                    solara.Button(label(f"lang_{code}", lang), value=code, text=True,
                                  classes=[f"oslsim-lang-{code}"])


@solara.component
def LeverSlider(lv: Lever, value: Any, lang: str) -> None:
    """One numeric lever: its label and value, and a slider bounded by the parameter range.

    The slider's own bubble is off (it writes ``0.55``); the value beside the label is the
    one to read, written the page language's way.
    """
    with solara.Tooltip(label(lv.tip, lang)):
        with solara.Column(gap="0px", classes=[f"oslsim-lever-{lv.key}"]):
            solara.HTML(tag="div", classes=["oslsim-lever-label"], unsafe_innerHTML=(
                f"{html.escape(label(lv.label, lang))}: "
                f'<span class="oslsim-lever-value">{html.escape(lever_text(value, lang))}'
                "</span>"))
            solara.SliderFloat(label="", value=float(value), min=lv.low, max=lv.high,
                               step=lv.step or 0.01, thumb_label=False,
                               on_value=lambda v: _set_lever(lv, v))


@solara.component
def ModeLever(lv: Lever, value: str, lang: str) -> None:
    """The government mode: one button per allowed choice."""
    with solara.Tooltip(label(lv.tip, lang)):
        with solara.Column(gap="2px", classes=[f"oslsim-lever-{lv.key}"]):
            solara.Text(label(lv.label, lang), classes=["oslsim-lever-label"])
            with solara.ToggleButtonsSingle(value=value, on_value=lambda v: _set_lever(lv, v),
                                            dense=True):
                for choice in lv.choices or ():
                    solara.Button(label(f"mode_{choice}", lang), value=choice, text=True,
                                  classes=[f"oslsim-mode-{choice}"])


@solara.component
def Controls(lang: str) -> None:
    """Left column: scenario, size, seed, warm start and the levers."""
    settings = SETTINGS.value
    choices = solara.use_memo(lambda: scenario_choices(lang), [lang])
    with solara.Column(gap="10px"):
        solara.Text(label("section_setup", lang), classes=["oslsim-section"])
        if choices:
            items = [{"text": title, "value": name} for name, title in choices]
            if settings.scenario and settings.scenario not in dict(choices):
                items.append({"text": settings.scenario, "value": settings.scenario})
        else:
            items = [{"text": label("scenario_default", lang), "value": ""}]
        with solara.Tooltip(label("tip_scenario", lang)):
            rv.Select(label=label("scenario", lang), items=items,
                      v_model=settings.scenario or "", dense=True,
                      on_v_model=lambda v: _set_scenario(v or None),
                      class_="oslsim-scenario")
        region = settings.kelurahan is not None
        if region:
            KelurahanSelect(settings, lang)
        with solara.Tooltip(label("region_households" if region else "tip_households", lang)):
            sizes = sorted({*HOUSEHOLD_CHOICES, settings.households})
            rv.Select(label=label("households", lang),
                      items=[{"text": fmt_number(n, 0, lang), "value": n} for n in sizes],
                      v_model=settings.households, dense=True, disabled=region,
                      on_v_model=lambda v: _set_setting(households=int(v)),
                      class_="oslsim-households")
        with solara.Tooltip(label("tip_seed", lang)):
            solara.InputInt(label("seed", lang), value=settings.seed, dense=True,
                            on_value=lambda v: _set_setting(seed=max(0, int(v or 0))))
        with solara.Tooltip(label("tip_warmup", lang)):
            solara.Checkbox(label=label("warmup", lang), value=settings.warmup,
                            on_value=lambda v: _set_setting(warmup=bool(v)))
        solara.Text(label("section_levers", lang), classes=["oslsim-section"])
        for lv in LEVERS:
            value = settings.levers.get(lv.key)
            if lv.choices:
                ModeLever(lv, value, lang)
            else:
                LeverSlider(lv, value, lang)
        solara.Text(label("levers_note", lang), classes=["oslsim-note"])
        if region:
            solara.Text(label("region_levers_note", lang),
                        classes=["oslsim-note", "oslsim-region-levers-note"])


@solara.component
def KelurahanSelect(settings: Settings, lang: str) -> None:
    """For a region: which of its kelurahan the page shows (the whole region runs)."""
    choices = solara.use_memo(lambda: kelurahan_items(settings.scenario, lang),
                              [settings.scenario, lang])
    with solara.Tooltip(label("tip_kelurahan", lang)):
        rv.Select(label=label("kelurahan", lang), items=choices, v_model=settings.kelurahan,
                  dense=True, on_v_model=lambda v: _set_kelurahan(int(v)),
                  class_="oslsim-kelurahan")


@solara.component
def InfoPanel(scenario: str | None, lang: str) -> None:
    """The scenario's guide: what to watch, something to try, questions for the discussion."""
    info = lesson(scenario, lang)
    parts = [f'<p class="oslsim-card-title">{html.escape(label("info_title", lang))}</p>']
    for section in ("watch", "try", "discuss"):
        parts.append(f"<h4>{html.escape(label(f'info_{section}', lang))}</h4>")
        if section == "discuss":
            parts.append("<ol>" + "".join(f"<li>{html.escape(q)}</li>" for q in info[section])
                         + "</ol>")
        else:
            parts.extend(f"<p>{html.escape(x)}</p>" for x in info[section])
    solara.HTML(tag="div", classes=["oslsim-card", "oslsim-info"],
                attributes={"data-testid": "info-panel"}, unsafe_innerHTML="".join(parts))


@solara.component
def RunBar(run: DashboardRun | None, tick: int, lang: str) -> None:
    """Play, step, run to a month and reset; the month counter; the delay; a summary."""
    playing = PLAYING.value

    def loop() -> None:
        if run is None:
            return
        while PLAYING.value and not run.finished:
            start = time.perf_counter()
            if not _step(run):
                return
            time.sleep(max(0.0, DELAY.value / 1000 - (time.perf_counter() - start)))
        PLAYING.set(False)

    solara.lab.use_task(loop, dependencies=[playing, run], prefer_threaded=True)
    month = run.month if run is not None else 0
    with solara.Div(classes=["oslsim-bar"]):
        with solara.Tooltip(label("tip_play", lang)):
            solara.Button(label("pause" if playing else "play", lang),
                          icon_name="mdi-pause" if playing else "mdi-play", color="primary",
                          disabled=run is None or run.finished,
                          on_click=lambda: PLAYING.set(not PLAYING.value),
                          classes=["oslsim-play"])
        with solara.Tooltip(label("tip_step", lang)):
            solara.Button(label("step", lang), icon_name="mdi-step-forward", color="primary",
                          outlined=True, disabled=run is None or playing,
                          on_click=lambda: _step(run) if run is not None else None,
                          classes=["oslsim-step"])
        with solara.Tooltip(label("tip_reset", lang)):
            solara.Button(label("reset", lang), icon_name="mdi-restore", outlined=True,
                          on_click=lambda: (PLAYING.set(False),
                                            GENERATION.set(GENERATION.value + 1)),
                          classes=["oslsim-reset"])
        solara.HTML(tag="span", classes=["oslsim-month"],
                    attributes={"data-month": month, "data-testid": "month"},
                    unsafe_innerHTML=html.escape(label("month_of", lang, month=month,
                                                       year=month // 12 + 1)))
    with solara.Div(classes=["oslsim-bar"]):
        with solara.Tooltip(label("tip_run_to_month", lang)):
            rv.TextField(label=label("run_to_month", lang), type="number",
                         v_model=TO_MONTH.value, dense=True, hide_details=True,
                         on_v_model=lambda v: TO_MONTH.set(_month_input(v, run)),
                         attributes={"data-testid": "run-to-month"},
                         class_="oslsim-run-to-month", style_="max-width: 130px")
        solara.Button(label("run_to_month_go", lang, month=TO_MONTH.value),
                      icon_name="mdi-fast-forward", color="primary", outlined=True,
                      disabled=run is None or playing,
                      on_click=lambda: _run_to(run, TO_MONTH.value) if run is not None else None,
                      attributes={"data-testid": "run-to-month-go"},
                      classes=["oslsim-run-to-month-go"])
        with solara.Tooltip(label("tip_pin_run", lang)):
            if PINNED.value is None:
                solara.Button(label("pin_run", lang), icon_name="mdi-pin", outlined=True,
                              disabled=run is None,
                              on_click=lambda: PINNED.set(run.snapshot()) if run else None,
                              attributes={"data-testid": "pin-run"}, classes=["oslsim-pin"])
            else:
                solara.Button(label("unpin_run", lang), icon_name="mdi-pin-off", outlined=True,
                              on_click=lambda: PINNED.set(None),
                              attributes={"data-testid": "pin-run"}, classes=["oslsim-pin"])
        with solara.Column(gap="0px", style={"min-width": "220px"}):
            solara.Text(label("speed", lang), classes=["oslsim-note"])
            solara.SliderInt("", value=DELAY, min=DELAY_MS[0], max=DELAY_MS[1],
                             step=DELAY_MS[2], thumb_label=False)
    if run is not None:
        last = run.timeseries().iloc[-1]
        solara.Text(label("summary", lang, households=fmt_number(run.n_households, 0, lang),
                          osl=fmt_number(last["osl_count"], 0, lang),
                          wksbm=fmt_number(last["wksbm_count"], 0, lang),
                          burden=fmt_value(float(last["burden"]), "burden", lang)),
                    classes=["oslsim-summary"])
        if run.warmup_months is not None:
            solara.Text(label("warm_note", lang, months=fmt_number(run.warmup_months, 0, lang)),
                        classes=["oslsim-note", "oslsim-warm-note"])
        else:
            solara.Text(label("cold_note", lang), classes=["oslsim-note", "oslsim-warm-note"])
        if run.region is not None:
            solara.Text(region_note(run, lang), classes=["oslsim-note", "oslsim-region-note"])
        if run.scenario is not None and run.scenario.description(lang):
            solara.Text(run.scenario.description(lang), classes=["oslsim-note"])
    if ERROR.value:
        solara.Error(label("error", lang, message=ERROR.value))


def _month_input(value: Any, run: DashboardRun | None) -> int:
    try:
        month = int(float(value))
    except (TypeError, ValueError):
        return DEFAULT_TO_MONTH
    top = run.months if run is not None else 10_000
    return min(max(month, 1), top)


@solara.component
def DebriefBar(run: DashboardRun, tick: int, lang: str) -> None:
    """Export the run (CSV, PNG), open the printable summary, and the shareable link."""
    stem = f"oslsim-{run.settings.scenario or 'kelurahan'}-bulan{run.month}"
    with solara.Div(classes=["oslsim-bar", "oslsim-debrief"]):
        with solara.FileDownload(lambda: csv_bytes(run, PINNED.value, lang),
                                 filename=f"{stem}.csv", mime_type="text/csv"):
            solara.Button(label("export_csv", lang), icon_name="mdi-table-arrow-down", text=True,
                          attributes={"data-testid": "export-csv"})
        with solara.FileDownload(lambda: plots_png(run.timeseries(), lang, run.months,
                                                   PINNED.value.timeseries
                                                   if PINNED.value else None),
                                 filename=f"{stem}.png", mime_type="image/png"):
            solara.Button(label("export_png", lang), icon_name="mdi-image-outline", text=True,
                          attributes={"data-testid": "export-png"})
        solara.Button(label("print_summary", lang), icon_name="mdi-printer", text=True,
                      on_click=lambda: PRINT.set(True),
                      attributes={"data-testid": "print-summary"})
        with solara.Tooltip(label("tip_share_link", lang)):
            solara.HTML(tag="a", classes=["oslsim-share"],
                        attributes={"href": query_of(run.settings, lang),
                                    "data-testid": "share-link"},
                        unsafe_innerHTML=html.escape(label("share_link", lang)))


@solara.component
def Compare(run: DashboardRun, tick: int, lang: str) -> None:
    """Run A (pinned) against the run now on the page, at the same month."""
    pinned = PINNED.value
    if pinned is None:
        return
    body = compare_html(pinned, run, lang)
    with solara.Column(gap="4px", classes=["oslsim-card", "oslsim-compare-card"]):
        solara.Text(label("pinned_note", lang, month=pinned.month), classes=["oslsim-note"])
        solara.HTML(tag="div", attributes={"data-testid": "compare-table"},
                    unsafe_innerHTML=body)


@solara.component
def NetworkPanel(run: DashboardRun, tick: int, lang: str) -> None:
    """The community network picture with its colouring switch; click a dot to read it."""
    color_by = COLOR_BY.value
    picture = solara.use_memo(lambda: network_picture(run, lang, color_by),
                              [run, lang, color_by])
    png = solara.use_memo(lambda: network_png(run, lang, color_by, picture),
                          [run, run.month, picture])
    src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")

    def pick(data: dict) -> None:
        try:
            hit = pick_in_network(run, picture, float(data["x"]), float(data["y"]), color_by)
        except (KeyError, TypeError, ValueError):
            return
        if hit is None:
            NOTICE.set(label("network_click_none", lang))
            return
        NOTICE.set("")
        kind, row = hit
        (HOUSEHOLD if kind == "household" else ORGANISATION).set(row)

    with solara.Column(gap="4px", classes=["oslsim-card", "oslsim-network"]):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            with solara.Tooltip(label("tip_network", lang)):
                solara.Text(f"{label('network', lang)} · {label('month', lang, month=run.month)}"
                            f" · {label('color_by', lang)}:", classes=["oslsim-lever-label"])
            with solara.ToggleButtonsSingle(value=COLOR_BY, dense=True):
                for mode in COLOR_MODES:
                    solara.Button(label(f"color_{mode}", lang), value=mode, text=True,
                                  classes=[f"oslsim-color-{mode}"])
        NetworkImage(src=src, alt=label("network", lang), event_pick=pick)
        total = fmt_number(run.n_households, 0, lang)
        if run.shown.size < run.n_households:
            solara.Text(label("network_sample", lang, shown=fmt_number(run.shown.size, 0, lang),
                              total=total), classes=["oslsim-note"])
        else:
            solara.Text(label("network_all", lang, total=total), classes=["oslsim-note"])
        if NOTICE.value:
            solara.Info(NOTICE.value, dense=True)


def _meaning(run: DashboardRun, which: str, lang: str) -> str:
    if which == "burden":
        value = float(run.timeseries()["burden"].iloc[-1])
        return label("meaning_burden", lang, value=fmt_value(value, "burden", lang),
                     per100=fmt_number(100 * value, 1, lang))
    return label(f"meaning_{which}", lang)


@solara.component
def Plot(run: DashboardRun, tick: int, which: str, lang: str) -> None:
    """One live plot from the run's time series (run A faded when pinned) and its meaning.

    Drawn as SVG (:func:`oslsim.dashboard.figures.series_svg`): milliseconds a month where a
    matplotlib PNG took tenths of a second; the PNG export and the printed summary use
    matplotlib (:func:`oslsim.dashboard.figures.plots_png`).
    """
    pinned = PINNED.value
    svg = solara.use_memo(
        lambda: series_svg(run.timeseries(), which, lang, run.months,
                           pinned.timeseries if pinned is not None else None),
        [run, run.month, lang, pinned])
    with solara.Column(gap="2px", classes=["oslsim-card", f"oslsim-plot-{which}"]):
        solara.HTML(tag="div", classes=["oslsim-plot-svg"], unsafe_innerHTML=svg)
        solara.Text(_meaning(run, which, lang), classes=["oslsim-note", "oslsim-meaning"])


@solara.component
def LogicModel(run: DashboardRun, tick: int, lang: str) -> None:
    """The study's logic-model table, updated every month."""
    body = solara.use_memo(lambda: logic_model_html(run, lang), [run, run.month, lang])
    with solara.Column(gap="4px", classes=["oslsim-card", "oslsim-logic-model"]):
        with solara.Tooltip(label("tip_logic_model", lang)):
            solara.Text(label("logic_model", lang), classes=["oslsim-card-title"])
        solara.HTML(tag="div", unsafe_innerHTML=body)


@solara.component
def Stories(run: DashboardRun, tick: int, lang: str) -> None:
    """Pick a household (numbered from 1) or an organisation and read its story."""
    first, last = run.first_row, run.end_row - 1  # a region's kelurahan: its own rows
    row = min(max(HOUSEHOLD.value, first), last)
    orgs = run.organisation_rows()
    org = ORGANISATION.value if ORGANISATION.value in orgs else (orgs[0] if orgs else -1)

    notice = solara.use_reactive("")

    def next_unserved() -> None:
        found = run.next_unserved(row)
        notice.set("" if found is not None else label("no_unserved", lang))
        if found is not None:
            HOUSEHOLD.set(found)

    with solara.Div(classes=["oslsim-row"]):
        with solara.Column(gap="6px", classes=["oslsim-card", "oslsim-household"]):
            solara.Text(label("household_story", lang), classes=["oslsim-card-title"])
            with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
                with solara.Tooltip(label("tip_pick_household", lang,
                                          first=fmt_number(first + 1, 0, lang),
                                          last=fmt_number(last + 1, 0, lang))):
                    solara.InputInt(label("pick_household", lang), value=row + 1, dense=True,
                                    on_value=lambda v: HOUSEHOLD.set(
                                        min(max(int(v or 1) - 1, first), last)),
                                    style={"max-width": "170px"})
                with solara.Tooltip(label("tip_next_unserved", lang)):
                    solara.Button(label("next_unserved", lang), icon_name="mdi-magnify",
                                  text=True, on_click=next_unserved)
            if notice.value:
                solara.Info(notice.value, dense=True)
            solara.HTML(tag="div", classes=["oslsim-story"],
                        unsafe_innerHTML=story_html(run.household_story(row, lang)))
        with solara.Column(gap="6px", classes=["oslsim-card", "oslsim-organisation"]):
            solara.Text(label("org_story", lang), classes=["oslsim-card-title"])
            if org >= 0:
                items = [{"text": run.organisation_name(r, lang), "value": r} for r in orgs]
                rv.Select(label=label("pick_org", lang), items=items, v_model=org,
                          dense=True, on_v_model=lambda v: ORGANISATION.set(int(v)))
                solara.HTML(tag="div", classes=["oslsim-story"],
                            unsafe_innerHTML=story_html(run.organisation_story(org, lang)))


@solara.component
def Glossary(lang: str) -> None:
    """The short id/en glossary of the study's terms."""
    with solara.Column(classes=["oslsim-card", "oslsim-glossary-card"]):
        solara.Details(summary=label("glossary", lang),
                       children=[solara.HTML(tag="div", unsafe_innerHTML=glossary_html(lang))],
                       expand=False)


@solara.component
def PrintSummary(run: DashboardRun, lang: str) -> None:
    """The one-page debrief: settings, warm start, logic model, A/B difference and the plots."""
    pinned = PINNED.value
    title = _scenario_title(run, run.settings, lang)
    png = solara.use_memo(lambda: plots_png(run.timeseries(), lang, run.months,
                                            pinned.timeseries if pinned else None, compact=True),
                          [run, run.month, lang, pinned])
    with solara.Div(classes=["oslsim-print"], attributes={"data-testid": "print-view"}):
        with solara.Row(classes=["oslsim-print-buttons"]):
            PrintButton(text=label("print_now", lang))
            solara.Button(label("print_close", lang), icon_name="mdi-close", outlined=True,
                          on_click=lambda: PRINT.set(False), classes=["oslsim-print-close"])
        solara.HTML(tag="h2", unsafe_innerHTML=html.escape(
            label("print_title", lang, site=title) + " · "
            + label("month_of", lang, month=run.month, year=run.month // 12 + 1)))
        note = (label("warm_note", lang, months=fmt_number(run.warmup_months, 0, lang))
                if run.warmup_months is not None else label("cold_note", lang))
        solara.Text(note, classes=["oslsim-note"])
        with solara.Div(classes=["oslsim-print-cols"]):
            with solara.Column(gap="4px"):
                solara.HTML(tag="div", unsafe_innerHTML=(
                    f'<p class="oslsim-card-title">{html.escape(label("settings_title", lang))}'
                    f"</p>" + settings_table_html(run.settings, lang, title)))
                if pinned is not None:
                    solara.HTML(tag="div", attributes={"data-testid": "print-compare"},
                                unsafe_innerHTML=compare_html(pinned, run, lang))
            with solara.Column(gap="4px"):
                solara.HTML(tag="div", unsafe_innerHTML=(
                    f'<p class="oslsim-card-title">{html.escape(label("logic_model", lang))}</p>'
                    + logic_model_html(run, lang)))
        solara.Image(png, width="100%", classes=["oslsim-print-plots"])
        solara.Text(label("footer", lang), classes=["oslsim-footer"])


def _apply_query(search: str) -> None:
    settings, lang = settings_from_query(search, initial_settings)
    if lang is not None:
        LANG.set(lang)
    if settings is not None and settings != SETTINGS.value:
        SETTINGS.set(settings)


@solara.component
def Page() -> None:
    """The whole page (or, when asked for, its printable summary)."""
    lang = LANG.value
    settings = SETTINGS.value
    generation = GENERATION.value
    tick = TICK.value
    router = solara.use_router()
    solara.use_effect(lambda: _apply_query(router.search or ""), [])
    run = solara.use_memo(lambda: _build(settings), [settings, generation])
    solara.Style(CSS)
    solara.Title(label("app_title", lang))
    if PRINT.value and run is not None:
        PrintSummary(run, lang)
        return
    with solara.Column(classes=["oslsim-page"], gap="10px"):
        Header(lang)
        with solara.Div(classes=["oslsim-layout"]):
            with solara.Column(gap="10px", classes=["oslsim-side"]):
                Controls(lang)
                InfoPanel(settings.scenario, lang)
            with solara.Column(gap="10px", classes=["oslsim-main"]):
                RunBar(run, tick, lang)
                if run is not None:
                    DebriefBar(run, tick, lang)
                    Compare(run, tick, lang)
                    with solara.Div(classes=["oslsim-row"]):
                        NetworkPanel(run, tick, lang)
                        with solara.Column(gap="10px"):
                            Plot(run, tick, "burden", lang)
                            Plot(run, tick, "coverage", lang)
                    with solara.Div(classes=["oslsim-row"]):
                        Plot(run, tick, "pmks", lang)
                        Plot(run, tick, "solidarity", lang)
                    with solara.Div(classes=["oslsim-row"]):
                        Plot(run, tick, "osl", lang)
                        Plot(run, tick, "pengurus", lang)
                    LogicModel(run, tick, lang)
                    Stories(run, tick, lang)
                Glossary(lang)
                solara.Text(label("footer", lang), classes=["oslsim-footer"])
