"""HTML pieces of the teaching page: the logic model, a story, the glossary, a settings table.

Plain functions of a run and a language (no page state), so tests and the print view use
them without a browser; :func:`pick_in_network` maps a click on the network to a household
or an organisation.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np

from oslsim import terms
from oslsim.dashboard.debrief import settings_text
from oslsim.dashboard.labels import GLOSSARY, STAGES, label, rule_name
from oslsim.dashboard.run import DashboardRun, Settings
from oslsim.i18n import fmt_change, fmt_number, fmt_rupiah, fmt_value
from oslsim.terms import better, number_format

__all__ = ["PICK_PX", "glossary_html", "kelurahan_items", "logic_model_html",
           "pick_in_network", "region_note", "settings_table_html", "story_html"]

#: A click this close to a dot (pixels of the picture) picks its household.
PICK_PX = 7.0


def logic_model_html(run: DashboardRun, lang: str) -> str:
    """The study's logic-model table (start vs now) as an HTML table in ``lang``."""
    table = run.logic_model()
    # Kesetiakawanan is an outcome (HASIL); its MASUKAN row repeats the same number.
    table = table[~((table["stage"] == "MASUKAN") & (table["indicator"] == "solidarity"))]
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


def pick_in_network(run: DashboardRun, picture: Any, fx: float, fy: float,
                    color_by: str) -> tuple[str, int] | None:
    """What a click at ``(fx, fy)`` (fractions of the picture) hits, as ``(kind, row)``.

    An organisation's marker (when organisations are drawn) or a household's dot; ``None``
    for empty space.
    """
    w, h = picture.background.size
    click = np.array([fx * w, fy * h])
    if color_by == "org":
        live, centres, counts = run.organisation_centres()
        if live.size:
            d = np.hypot(*(picture.to_pixels(centres) - click).T)
            k = int(np.argmin(d))
            if d[k] <= 3.0 + 0.8 * np.sqrt(counts[k]) + 2:
                return "org", int(live[k])
    pts = picture.to_pixels(run.positions[run.shown])
    d = np.hypot(*(pts - click).T)
    k = int(np.argmin(d))
    if d[k] <= PICK_PX:
        return "household", int(run.shown[k])
    return None


def settings_table_html(settings: Settings, lang: str, title: str) -> str:
    """The settings of a run as a small two-column HTML table."""
    rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>"
                   for k, v in settings_text(settings, lang, title))
    return f'<table class="oslsim-logic oslsim-settings"><tbody>{rows}</tbody></table>'


def kelurahan_items(scenario: str | None, lang: str) -> list[dict[str, Any]]:
    """The kelurahan selector's items for a region scenario: ``{"text", "value"}`` each."""
    from oslsim.dashboard.region import kelurahan_choices
    from oslsim.dashboard.run import is_region, load_scenario_or_none

    region = load_scenario_or_none(scenario)
    if not is_region(region):
        return []
    return [{"text": label("kelurahan_item", lang, number=i + 1, name=name,
                           households=fmt_number(n, 0, lang)), "value": i}
            for i, name, n in kelurahan_choices(region)]


def region_note(run: DashboardRun, lang: str) -> str:
    """One line on the region a run shows a kelurahan of: which one, its size, its budget."""
    region, k = run.region, run.kelurahan
    st = run.model.state
    budget = 0.0 if st.kel_budget is None else float(st.kel_budget[k])
    return label("region_note", lang, region=region.title(lang), name=region.kelurahan[k].name,
                 number=k + 1, count=len(region.kelurahan),
                 households=fmt_number(run.n_households, 0, lang),
                 total=fmt_number(region.households, 0, lang),
                 rule=rule_name(region.budget.rule, lang),
                 budget=fmt_rupiah(budget, lang))
