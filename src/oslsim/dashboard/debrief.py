"""What a lesson takes away from the page, in plain Python (no Solara), so it can be tested.

The A/B difference table, the settings written out, the CSV of a run, the scenario's info
panel (``lessons.toml``) and the shareable link that carries the settings in its query.
"""

from __future__ import annotations

import html
import io
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import pandas as pd

from oslsim import terms
from oslsim.dashboard.labels import check_lang, label
from oslsim.dashboard.levers import HOUSEHOLD_CHOICES, LEVERS, clamp, lever
from oslsim.dashboard.run import DashboardRun, Settings, Snapshot
from oslsim.i18n import fmt_change, fmt_number, fmt_value

__all__ = ["COMPARE", "LESSONS", "compare_rows", "compare_html", "settings_text",
           "settings_changes", "csv_bytes", "lesson", "query_of", "settings_from_query",
           "lever_text"]

#: Indicators of the A/B difference table, in its order.
COMPARE: tuple[str, ...] = ("burden", "pmks_prevalence", "coverage", "identified_share",
                            "solidarity", "bridging_capital", "osl_count", "wksbm_count",
                            "capacity_mean", "volunteer_hours", "gov_spending_total")
_LESSONS_FILE = Path(__file__).with_name("lessons.toml")
#: The info panel's texts: scenario name (or ``default``) -> field -> text or list of texts.
LESSONS: dict[str, dict[str, Any]] = tomllib.loads(_LESSONS_FILE.read_text(encoding="utf-8"))
_SECTIONS = ("watch", "try", "discuss")


def lesson(scenario: str | None, lang: str = "id") -> dict[str, list[str]]:
    """The info panel of ``scenario`` (``default`` when it has none): section -> paragraphs."""
    check_lang(lang)
    entry = LESSONS.get(scenario or "default") or LESSONS["default"]
    out = {}
    for section in _SECTIONS:
        value = entry[f"{section}_{lang}"]
        out[section] = list(value) if isinstance(value, list) else [value]
    return out


def lever_text(value: Any, lang: str) -> str:
    """A lever's value as the page writes it: ``0,4`` in Indonesian, a mode by its name."""
    if isinstance(value, str):
        return label(f"mode_{value}", lang)
    x = float(value)
    decimals = 0 if x.is_integer() else len(f"{x:g}".split(".")[1])
    return fmt_number(x, decimals, lang)


def _short(text: str) -> str:
    return text.split(" (", 1)[0]


def settings_text(settings: Settings, lang: str, scenario_title: str | None = None,
                  ) -> list[tuple[str, str]]:
    """The settings as ``(name, value)`` pairs in ``lang``, for the summary and the tables."""
    rows = [(label("scenario", lang), scenario_title or settings.scenario
             or label("scenario_default", lang)),
            *([(label("kelurahan", lang), _kelurahan_name(settings.scenario,
                                                           settings.kelurahan))]
              if settings.kelurahan is not None else []),
            (label("households", lang), fmt_number(settings.households, 0, lang)),
            (label("seed", lang), str(settings.seed)),
            (_short(label("warmup", lang)),
             label("warmup_on" if settings.warmup else "warmup_off", lang))]
    for lv in LEVERS:
        if lv.key in settings.levers:
            rows.append((_short(label(lv.label, lang)), lever_text(settings.levers[lv.key], lang)))
    return rows


@lru_cache(maxsize=64)
def _kelurahan_name(scenario: str | None, k: int) -> str:
    """The name of kelurahan ``k`` (0-based) of a region scenario, numbered from 1."""
    from oslsim.dashboard.run import load_scenario_or_none

    region = load_scenario_or_none(scenario)
    return f"{k + 1}. {region.kelurahan[k].name}"


def settings_changes(a: Settings, b: Settings, lang: str) -> list[str]:
    """What differs between the settings of runs A and B, one ``name: A → B`` per setting."""
    left, right = settings_text(a, lang), settings_text(b, lang)
    return [f"{name}: {va} → {vb}" for (name, va), (_, vb) in zip(left, right, strict=False)
            if va != vb]


def compare_rows(a: Snapshot, run: DashboardRun) -> tuple[int, pd.DataFrame]:
    """A's and B's indicators at the latest month both have reached, and B minus A."""
    ts_b = run.timeseries()
    month = int(min(a.month, run.month))
    row_a = a.timeseries.loc[a.timeseries["month"] == month].iloc[0]
    row_b = ts_b.loc[ts_b["month"] == month].iloc[0]
    table = pd.DataFrame({"indicator": list(COMPARE),
                          "a": [float(row_a[c]) for c in COMPARE],
                          "b": [float(row_b[c]) for c in COMPARE]})
    table["diff"] = table["b"] - table["a"]
    # A region's kelurahan has no numbers of its own for what the region counts only whole.
    return month, table[table["a"].notna() & table["b"].notna()].reset_index(drop=True)


def compare_html(a: Snapshot, run: DashboardRun, lang: str) -> str:
    """The A/B difference table as HTML, with the month compared and what the settings change."""
    month, table = compare_rows(a, run)
    head = "".join(f"<th>{html.escape(label(k, lang))}</th>"
                   for k in ("col_indicator", "col_a", "col_b", "col_diff"))
    body = []
    for rec in table.itertuples(index=False):
        kind = terms.number_format(rec.indicator)
        css = ""
        direction = terms.better(rec.indicator)
        if direction is not None and abs(rec.diff) > 1e-12:
            css = " up" if (rec.diff < 0) == (direction == "lower") else " down"
        body.append(f"<tr><td>{html.escape(terms.label(rec.indicator, lang))}</td>"
                    f'<td class="num">{fmt_value(rec.a, kind, lang)}</td>'
                    f'<td class="num">{fmt_value(rec.b, kind, lang)}</td>'
                    f'<td class="num{css}">{fmt_change(rec.diff, kind, lang)}</td></tr>')
    changes = settings_changes(a.settings, run.settings, lang)
    note = (label("settings_diff", lang, changes="; ".join(changes)) if changes
            else label("settings_same", lang))
    wait = ""
    if run.month < a.month:
        text = html.escape(label("compare_wait", lang, month=a.month))
        wait = f'<p class="oslsim-note">{text}</p>'
    title = html.escape(label("compare_title", lang, month=month))
    return (f'<p class="oslsim-card-title">{title}</p>{wait}'
            f'<p class="oslsim-note">{html.escape(note)}</p>'
            f'<table class="oslsim-logic oslsim-compare" data-month="{month}"><thead><tr>{head}'
            f"</tr></thead><tbody>{''.join(body)}</tbody></table>")


def csv_bytes(run: DashboardRun, pinned: Snapshot | None = None, lang: str = "id") -> bytes:
    """The monthly table of run B (and A when pinned) as CSV, one row per run and month.

    Indonesian files use ``;`` between fields and a decimal comma (as spreadsheets set to
    Indonesian read them); English files use ``,`` and a decimal point.
    """
    frames = []
    if pinned is not None:
        frames.append(pinned.timeseries.assign(run="A"))
    frames.append(run.timeseries().assign(run="B" if pinned is not None else "A"))
    table = pd.concat(frames, ignore_index=True)
    table = table[["run", *[c for c in table.columns if c != "run"]]]
    buf = io.StringIO()
    sep, dec = (";", ",") if check_lang(lang) == "id" else (",", ".")
    table.to_csv(buf, index=False, sep=sep, decimal=dec)
    return buf.getvalue().encode("utf-8")


# ---------------------------------------------------------------------------- the link


def query_of(settings: Settings, lang: str) -> str:
    """The URL query carrying ``settings`` and the language (:func:`settings_from_query`)."""
    data: dict[str, Any] = {"lang": lang}
    if settings.scenario:
        data["site"] = settings.scenario
    if settings.kelurahan is not None:  # a region: which kelurahan, from 1
        data["kel"] = settings.kelurahan + 1
    data.update({"kk": settings.households, "seed": settings.seed,
                 "warm": int(bool(settings.warmup))})
    for lv in LEVERS:
        if lv.key in settings.levers:
            data[lv.key] = settings.levers[lv.key]
    return "?" + urlencode(data)


def settings_from_query(search: str, base: Any) -> tuple[Settings | None, str | None]:
    """Settings and language from a URL query; values outside a lever's range are clamped.

    ``base`` is :func:`oslsim.dashboard.app.initial_settings` (a scenario's own values come
    first, the query's levers over them). An unknown site, size or language is ignored.
    Returns ``(None, None)`` for an empty query.
    """
    query = {k: v[-1] for k, v in parse_qs(search.lstrip("?")).items()}
    if not query:
        return None, None
    lang = query.get("lang") if query.get("lang") in ("id", "en") else None
    kel = query.get("kel", "")
    try:
        settings = base(query.get("site") or None, kelurahan=int(kel) - 1) \
            if kel.isdigit() and int(kel) >= 1 else base(query.get("site") or None)
    except Exception:  # noqa: BLE001 - an unknown site in a shared link: the default page
        settings = base(None)
    changes: dict[str, Any] = {}
    try:
        kk = int(query["kk"])
        if min(HOUSEHOLD_CHOICES) <= kk <= max(HOUSEHOLD_CHOICES) and \
                settings.kelurahan is None:  # a region's file sets its sizes
            changes["households"] = kk
    except (KeyError, ValueError):
        pass
    try:
        changes["seed"] = max(0, int(query["seed"]))
    except (KeyError, ValueError):
        pass
    if query.get("warm") in ("0", "1"):
        changes["warmup"] = query["warm"] == "1"
    levers = dict(settings.levers)
    for lv in LEVERS:
        if lv.key in query:
            levers[lv.key] = clamp(lever(lv.key), query[lv.key])
    changes["levers"] = levers
    return settings.with_(**changes), lang
