"""The teaching page: a Solara app over :class:`oslsim.dashboard.run.DashboardRun`.

``oslsim serve`` runs it (``SOLARA_APP=oslsim.dashboard.app:Page``). Every state below is a
``solara.reactive``, which the Solara server keeps per browser tab, so trainees on one
classroom server each drive their own kelurahan. All words come from
:mod:`oslsim.dashboard.labels`; the language switch re-renders the page in place.
"""

from __future__ import annotations

import html
import os
import time
import traceback
from pathlib import Path
from typing import Any

import reacton.ipyvuetify as rv
import solara
import solara.lab

from oslsim import terms
from oslsim.dashboard.figures import COLOR_MODES, network_png, series_option
from oslsim.dashboard.labels import DEFAULT_LANG, GLOSSARY, LANGS, STAGES, label
from oslsim.dashboard.levers import (
    DEFAULT_SEED,
    HOUSEHOLD_CHOICES,
    LEVERS,
    Lever,
    clamp,
    lever_values,
)
from oslsim.dashboard.run import DashboardRun, Settings, load_scenario_or_none, scenario_choices
from oslsim.i18n import fmt_change, fmt_value
from oslsim.params import Params
from oslsim.terms import better, number_format

__all__ = ["Page", "ENV_LANG", "ENV_SCENARIO", "initial_settings", "logic_model_html",
           "story_html", "glossary_html"]

#: Environment variables through which ``oslsim serve`` passes its options to the page.
ENV_LANG = "OSLSIM_DASHBOARD_LANG"
ENV_SCENARIO = "OSLSIM_DASHBOARD_SCENARIO"
#: Bounds of the "delay between months" slider while playing (milliseconds).
DELAY_MS = (0, 2000, 100)
DEFAULT_DELAY_MS = 300
#: Height of each live plot on the page.
PLOT_HEIGHT_PX = 270
PLOT_LEGEND_PX = 90
CSS = (Path(__file__).with_name("style.css")).read_text(encoding="utf-8")


def _default_scenario() -> str | None:
    name = os.environ.get(ENV_SCENARIO) or None
    if name is None:
        names = [n for n, _ in scenario_choices("en")]
        name = "baseline" if "baseline" in names else None
    return name


def initial_settings(scenario: str | None = None, households: int | None = None,
                     seed: int = DEFAULT_SEED) -> Settings:
    """Settings for a fresh page: the scenario's own lever values, or the defaults.

    A scenario (a site) that sets its own number of households keeps it; otherwise
    ``households`` (or the default) is used.
    """
    sc = load_scenario_or_none(scenario)
    params = sc.build_params() if sc is not None else Params()
    if sc is not None and "households" in sc.overrides():
        households = params.households
    return Settings(scenario=scenario, households=households or Settings().households,
                    seed=seed, levers=lever_values(params))


def _start_lang() -> str:
    lang = os.environ.get(ENV_LANG, DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


LANG = solara.reactive(_start_lang())
SETTINGS = solara.reactive(initial_settings(_default_scenario()))
GENERATION = solara.reactive(0)
TICK = solara.reactive(0)
PLAYING = solara.reactive(False)
DELAY = solara.reactive(DEFAULT_DELAY_MS)
COLOR_BY = solara.reactive(COLOR_MODES[0])
HOUSEHOLD = solara.reactive(0)
ORGANISATION = solara.reactive(-1)
ERROR = solara.reactive("")


# ---------------------------------------------------------------------------- html pieces


def logic_model_html(run: DashboardRun, lang: str) -> str:
    """The study's logic-model table (start vs now) as an HTML table in ``lang``."""
    table = run.logic_model()
    head = "".join(f"<th>{html.escape(label(k, lang))}</th>" for k in
                   ("col_stage", "col_item", "col_indicator", "col_start", "col_now",
                    "col_change"))
    rows = []
    previous = None
    counts = table["stage"].value_counts()
    for rec in table.itertuples(index=False):
        kind = number_format(rec.indicator)
        stage = ""
        if rec.stage != previous:
            stage = (f'<td class="stage" rowspan="{counts[rec.stage]}">'
                     f"{html.escape(STAGES[lang][rec.stage])}</td>")
            previous = rec.stage
        css = ""
        direction = better(rec.indicator)
        if direction is not None and abs(rec.change) > 1e-12:
            good = (rec.change < 0) == (direction == "lower")
            css = " up" if good else " down"
        item = rec.item_id if lang == "id" else rec.item_en
        rows.append(
            f"<tr>{stage}<td>{html.escape(item)}</td>"
            f"<td>{html.escape(terms.label(rec.indicator, lang))}</td>"
            f'<td class="num">{fmt_value(rec.start, kind, lang)}</td>'
            f'<td class="num">{fmt_value(rec.now, kind, lang)}</td>'
            f'<td class="num{css}">{fmt_change(rec.change, kind, lang)}</td></tr>')
    return (f'<table class="oslsim-logic"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def story_html(text: str) -> str:
    """A story from the model as HTML: its first line a paragraph, ``- `` lines a list."""
    lines = text.splitlines()
    out, items = [], []
    for line in lines:
        if line.startswith("- "):
            items.append(f"<li>{html.escape(line[2:])}</li>")
            continue
        if items:
            out.append(f"<ul>{''.join(items)}</ul>")
            items = []
        out.append(f"<p>{html.escape(line)}</p>")
    if items:
        out.append(f"<ul>{''.join(items)}</ul>")
    return "".join(out)


def glossary_html(lang: str) -> str:
    """The glossary as an HTML definition list in ``lang``."""
    body = "".join(f"<dt>{html.escape(term)}</dt><dd>{html.escape(text[lang])}</dd>"
                   for term, text in GLOSSARY.items())
    return f'<dl class="oslsim-glossary">{body}</dl>'


# ---------------------------------------------------------------------------- actions


def _build(settings: Settings) -> DashboardRun | None:
    try:
        run = DashboardRun(settings)
    except Exception as exc:  # noqa: BLE001 - shown on the page, the server keeps running
        traceback.print_exc()
        ERROR.set(" ".join(str(exc).split()))
        return None
    ERROR.set("")
    return run


def _step(run: DashboardRun, months: int = 1) -> bool:
    try:
        run.step(months)
    except Exception as exc:  # noqa: BLE001 - shown on the page, the server keeps running
        traceback.print_exc()
        ERROR.set(" ".join(str(exc).split()))
        PLAYING.set(False)
        return False
    TICK.set(TICK.value + 1)
    return True


def _set_lever(lv: Lever, value: Any) -> None:
    settings = SETTINGS.value
    value = clamp(lv, value)
    if settings.levers.get(lv.key) == value:
        return
    PLAYING.set(False)
    SETTINGS.set(settings.with_(levers={**settings.levers, lv.key: value}))


def _set_scenario(name: str | None) -> None:
    settings = SETTINGS.value
    if name == settings.scenario:
        return
    try:
        fresh = initial_settings(name, settings.households, settings.seed)
    except Exception as exc:  # noqa: BLE001 - a bad scenario is shown on the page
        ERROR.set(" ".join(str(exc).split()))
        return
    PLAYING.set(False)
    SETTINGS.set(fresh)


def _set_setting(**changes: Any) -> None:
    settings = SETTINGS.value
    PLAYING.set(False)
    SETTINGS.set(settings.with_(**changes))


# ---------------------------------------------------------------------------- components


@solara.component
def Header(lang: str) -> None:
    """Title, the study's question and the language switch."""
    with solara.Row(justify="space-between", style={"align-items": "center"}):
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
    """One numeric lever: its label and value, and a slider bounded by the parameter range."""
    with solara.Tooltip(label(lv.tip, lang)):
        with solara.Column(gap="0px", classes=[f"oslsim-lever-{lv.key}"]):
            solara.HTML(tag="div", classes=["oslsim-lever-label"], unsafe_innerHTML=(
                f"{html.escape(label(lv.label, lang))}: "
                f'<span class="oslsim-lever-value">{html.escape(_lever_text(value, lang))}'
                "</span>"))
            solara.SliderFloat(label="", value=float(value), min=lv.low, max=lv.high,
                               step=lv.step or 0.01, thumb_label=True,
                               on_value=lambda v: _set_lever(lv, v))


def _lever_text(value: Any, lang: str) -> str:
    text = f"{float(value):g}"
    return text.replace(".", ",") if lang == "id" else text


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
    """Left column: scenario, size, seed and the levers."""
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
        with solara.Tooltip(label("tip_households", lang)):
            sizes = sorted({*HOUSEHOLD_CHOICES, settings.households})
            rv.Select(label=label("households", lang), items=sizes,
                            v_model=settings.households, dense=True,
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


@solara.component
def RunBar(run: DashboardRun | None, tick: int, lang: str) -> None:
    """Play, step and reset; the month counter; the delay; a one-line summary."""
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
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
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
        solara.HTML(tag="span", classes=["oslsim-month"], attributes={"data-month": month},
                    unsafe_innerHTML=html.escape(label("month_of", lang, month=month,
                                                       year=month // 12 + 1)))
        with solara.Column(gap="0px", style={"min-width": "260px"}):
            solara.Text(label("speed", lang), classes=["oslsim-note"])
            solara.SliderInt("", value=DELAY, min=DELAY_MS[0], max=DELAY_MS[1],
                             step=DELAY_MS[2], thumb_label=True)
    if run is not None:
        last = run.timeseries().iloc[-1]
        solara.Text(label("summary", lang, households=run.n_households,
                          osl=int(last["osl_count"]), wksbm=int(last["wksbm_count"]),
                          burden=fmt_value(float(last["burden"]), "burden", lang)),
                    classes=["oslsim-summary"])
        if run.scenario is not None and run.scenario.description(lang):
            solara.Text(run.scenario.description(lang), classes=["oslsim-note"])
    if ERROR.value:
        solara.Error(label("error", lang, message=ERROR.value))


@solara.component
def NetworkPanel(run: DashboardRun, tick: int, lang: str) -> None:
    """The community network picture with its colouring switch."""
    color_by = COLOR_BY.value
    png = solara.use_memo(lambda: network_png(run, lang, color_by),
                          [run, run.month, lang, color_by])
    with solara.Column(gap="4px", classes=["oslsim-card", "oslsim-network"]):
        with solara.Row(style={"align-items": "center"}):
            with solara.Tooltip(label("tip_network", lang)):
                solara.Text(label("color_by", lang) + ":", classes=["oslsim-lever-label"])
            with solara.ToggleButtonsSingle(value=COLOR_BY, dense=True):
                for mode in COLOR_MODES:
                    solara.Button(label(f"color_{mode}", lang), value=mode, text=True)
        solara.Image(png, width="100%")
        if run.shown.size < run.n_households:
            solara.Text(label("network_sample", lang, shown=run.shown.size,
                              total=run.n_households), classes=["oslsim-note"])


@solara.component
def Plot(run: DashboardRun, tick: int, which: str, lang: str) -> None:
    """One live plot from the run's time series, drawn in the browser."""
    option = solara.use_memo(lambda: series_option(run.timeseries(), which, lang, run.months),
                             [run, run.month, lang])
    height = PLOT_HEIGHT_PX + (PLOT_LEGEND_PX if which == "pmks" else 0)
    with solara.Column(classes=["oslsim-card", f"oslsim-plot-{which}"]):
        solara.FigureEcharts(option=option, responsive=True,
                             attributes={"style": f"height: {height}px; width: 100%;"})


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
    """Pick a household or an organisation and read its story."""
    last = run.n_households - 1
    row = min(max(HOUSEHOLD.value, 0), last)
    orgs = run.organisation_rows()
    org = ORGANISATION.value if ORGANISATION.value in orgs else (orgs[0] if orgs else -1)

    notice = solara.use_reactive("")

    def next_unserved() -> None:
        found = run.next_unserved(row)
        notice.set("" if found is not None else label("no_unserved", lang))
        if found is not None:
            HOUSEHOLD.set(found)

    with solara.Columns([1, 1]):
        with solara.Column(gap="6px", classes=["oslsim-card", "oslsim-household"]):
            solara.Text(label("household_story", lang), classes=["oslsim-card-title"])
            with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
                with solara.Tooltip(label("tip_pick_household", lang, last=last)):
                    solara.InputInt(label("pick_household", lang), value=row, dense=True,
                                    on_value=lambda v: HOUSEHOLD.set(
                                        min(max(int(v or 0), 0), last)),
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
def Page() -> None:
    """The whole page."""
    lang = LANG.value
    settings = SETTINGS.value
    generation = GENERATION.value
    tick = TICK.value
    run = solara.use_memo(lambda: _build(settings), [settings, generation])
    solara.Style(CSS)
    solara.Title(label("app_title", lang))
    with solara.Column(classes=["oslsim-page"], gap="10px"):
        Header(lang)
        with solara.Columns([1, 3], gutters_dense=True):
            Controls(lang)
            with solara.Column(gap="10px"):
                RunBar(run, tick, lang)
                if run is not None:
                    with solara.Columns([5, 4]):
                        NetworkPanel(run, tick, lang)
                        with solara.Column(gap="10px"):
                            Plot(run, tick, "burden", lang)
                            Plot(run, tick, "coverage", lang)
                    with solara.Columns([5, 4]):
                        LogicModel(run, tick, lang)
                        with solara.Column(gap="10px"):
                            Plot(run, tick, "pmks", lang)
                            Plot(run, tick, "solidarity", lang)
                    Stories(run, tick, lang)
                Glossary(lang)
                solara.Text(label("footer", lang), classes=["oslsim-footer"])

