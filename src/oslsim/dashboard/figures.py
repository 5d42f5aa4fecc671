"""The page's pictures as PNG bytes: the community network and the live plots.

Figures are built with :class:`matplotlib.figure.Figure` (no pyplot state, safe in the
server's threads) and every word on them comes from :mod:`oslsim.dashboard.labels`.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from oslsim import terms
from oslsim.dashboard.labels import category_name, kind_name, label
from oslsim.dashboard.run import DashboardRun
from oslsim.pmks import CODES, KINDS, category_vectors

__all__ = ["COLOR_MODES", "SERIES", "network_png", "series_option", "to_png"]

#: How the network picture can be coloured.
COLOR_MODES: tuple[str, ...] = ("pmks", "org")
#: The live plots: their title label and the columns they draw.
SERIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "burden": ("plot_burden", ("burden",)),
    "pmks": ("plot_pmks", tuple(f"pmks_{c}" for c in CODES)),
    "solidarity": ("plot_solidarity", ("solidarity", "bonding_capital", "bridging_capital",
                                       "linking_capital")),
    "coverage": ("plot_coverage", ("coverage", "identified_share", "pmks_prevalence")),
}
#: Resolution of the PNGs (dots per inch); the page scales them to its columns.
DPI = 90
_GREY = "#c7ced4"
_EDGE = "#b71c1c"
_CAT_COLORS = colormaps["tab10"].colors
_KIND_COLORS = colormaps["Dark2"].colors


def to_png(fig: Figure) -> bytes:
    """Render a figure to PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def _edges(run: DashboardRun) -> LineCollection:
    return LineCollection(run.segments, colors="#90a4ae", linewidths=0.35, alpha=0.35, zorder=1)


def _pmks_nodes(run: DashboardRun, ax, lang: str) -> list[Line2D]:  # noqa: ANN001
    st = run.model.state
    rows = run.shown
    xy = run.positions[rows]
    active = st.active[rows]
    unserved = (active & ~st.served[rows]).any(axis=1)
    has = active.any(axis=1)
    severity = category_vectors(run.params).severity
    main = np.argmax(np.where(active, severity + 1e-6 * np.arange(len(CODES)), -1.0), axis=1)
    ax.scatter(*xy[~has].T, s=7, c=_GREY, linewidths=0, zorder=2)
    colors = np.asarray(_CAT_COLORS)[main[has]]
    edge = np.where(unserved[has, None], np.asarray([[0.72, 0.11, 0.11, 1.0]]),
                    np.asarray([[1.0, 1.0, 1.0, 0.0]]))
    ax.scatter(*xy[has].T, s=np.where(unserved[has], 34, 24), c=colors, edgecolors=edge,
               linewidths=1.3, zorder=3)
    present = sorted(set(main[has].tolist()))
    handles = [Line2D([], [], marker="o", ls="", color=_GREY, ms=4,
                      label=label("legend_none", lang))]
    handles += [Line2D([], [], marker="o", ls="", color=_CAT_COLORS[k], ms=6,
                       label=category_name(CODES[k], lang)) for k in present]
    handles += [Line2D([], [], marker="o", ls="", mfc="white", mec=_EDGE, mew=1.5, ms=6,
                       label=label("legend_unserved", lang))]
    return handles


def _org_nodes(run: DashboardRun, ax, lang: str) -> list[Line2D]:  # noqa: ANN001
    st = run.model.state
    rows = run.shown
    hh, org = st.members()
    wk = st.wksbm[org]
    # each household's colour: the kind of one of its organisations, a WKSBM one if any
    order = np.lexsort((~wk, hh))
    first = np.unique(hh[order], return_index=True)
    kind_of = np.full(st.n, -1)
    kind_of[first[0]] = st.kind[org[order][first[1]]]
    shown_kind = kind_of[rows]
    xy = run.positions[rows]
    none = shown_kind < 0
    ax.scatter(*xy[none].T, s=7, c=_GREY, linewidths=0, zorder=2)
    ax.scatter(*xy[~none].T, s=16, c=np.asarray(_KIND_COLORS)[shown_kind[~none]],
               linewidths=0, zorder=3)
    # organisations at the centre of their members
    m = st.m
    alive = np.flatnonzero(st.alive[:m])
    counts = np.bincount(org, minlength=m)
    live = alive[counts[alive] > 0]
    cx = np.bincount(org, weights=run.positions[hh, 0], minlength=m)[live] / counts[live]
    cy = np.bincount(org, weights=run.positions[hh, 1], minlength=m)[live] / counts[live]
    size = 20 + 6 * np.sqrt(counts[live])
    colors = np.asarray(_KIND_COLORS)[st.kind[live]]
    w = st.wksbm[live]
    ax.scatter(cx[~w], cy[~w], s=size[~w], c=colors[~w], marker="s", edgecolors="white",
               linewidths=0.8, zorder=4)
    ax.scatter(cx[w], cy[w], s=2.5 * size[w], c=colors[w], marker="*", edgecolors="black",
               linewidths=0.9, zorder=5)
    present = sorted(set(shown_kind[~none].tolist()) | set(st.kind[live].tolist()))
    handles = [Line2D([], [], marker="o", ls="", color=_GREY, ms=4,
                      label=label("legend_no_org", lang))]
    handles += [Line2D([], [], marker="o", ls="", color=_KIND_COLORS[k], ms=6,
                       label=kind_name(KINDS[k], lang)) for k in present]
    handles += [Line2D([], [], marker="s", ls="", mfc="#777777", mec="white", ms=7,
                       label=label("legend_osl", lang)),
                Line2D([], [], marker="*", ls="", mfc="#777777", mec="black", ms=11,
                       label=label("legend_wksbm", lang))]
    return handles


def network_png(run: DashboardRun, lang: str = "id", color_by: str = "pmks") -> bytes:
    """Draw the community: households by RT, their ties, coloured by PMKS or organisation."""
    if color_by not in COLOR_MODES:
        raise ValueError(f"color_by: {color_by!r} is not allowed; use one of "
                         f"{', '.join(COLOR_MODES)}")
    xy = run.positions
    (x0, y0), (x1, y1) = xy.min(axis=0) - 0.6, xy.max(axis=0) + 0.6
    width = 7.0
    map_height = width * 0.94 * float(np.clip((y1 - y0) / max(x1 - x0, 1e-9), 0.35, 1.2))
    legend_height = 1.15
    fig = Figure(figsize=(width, map_height + legend_height + 0.35))
    total = map_height + legend_height + 0.35
    ax = fig.add_axes((0.03, (legend_height + 0.05) / total, 0.94, map_height / total))
    with run.lock:
        ax.add_collection(_edges(run))
        handles = (_pmks_nodes if color_by == "pmks" else _org_nodes)(run, ax, lang)
        month = run.month
        st = run.model.state
        for w in range(int(st.rw.max()) + 1):
            block = xy[st.rw == w]
            ax.text(block[:, 0].min(), block[:, 1].max() + 0.45, f"RW {w + 1}", fontsize=7.5,
                    color="#546e7a", va="bottom")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1 + 0.3)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()
    fig.text(0.02, 1 - 0.08 / total, f"{label('network', lang)} · "
             f"{label('month', lang, month=month)}", fontsize=11, va="top")
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=7.5, frameon=False,
               bbox_to_anchor=(0.5, 0.0), columnspacing=1.2, handletextpad=0.3)
    return to_png(fig)


def series_option(ts: pd.DataFrame, which: str, lang: str = "id", months: int | None = None,
                  ) -> dict:
    """One live plot (``burden``, ``pmks``, ``solidarity`` or ``coverage``) as an ECharts option.

    The browser draws it (Solara's ECharts, served from the local asset cache), so a month's
    update sends only numbers. Shares are shown in percent.
    """
    if which not in SERIES:
        raise ValueError(f"plot {which!r} is not available; use one of {', '.join(SERIES)}")
    title, columns = SERIES[which]
    percent = which in ("pmks", "coverage")
    scale = 100.0 if percent else 1.0
    x = ts["month"].to_numpy()
    colors = [_hex(c) for c in _CAT_COLORS] if which == "pmks" else list(_LINE_COLORS)
    series = []
    for i, col in enumerate(columns):
        y = np.round(ts[col].to_numpy(dtype=float) * scale, 4)
        series.append({"type": "line", "name": terms.label(col, lang), "showSymbol": False,
                       "data": [[int(a), float(b)] for a, b in zip(x, y, strict=True)],
                       "lineStyle": {"width": 2 if len(columns) < 5 else 1.5},
                       "color": colors[i % len(colors)]})
    y_axis: dict = {"type": "value", "min": 0, "splitLine": {"lineStyle": {"opacity": 0.4}}}
    if which == "solidarity":
        y_axis["max"] = 1
    if which == "coverage":
        y_axis["max"] = 100
    if percent:
        y_axis["name"] = "%"
    many = len(columns) > 4
    legend = {"left": 4, "textStyle": {"fontSize": 10}, "itemWidth": 14,
              "show": len(columns) > 1}
    legend.update({"bottom": 0} if many else {"top": 26})
    return {
        "animation": False,
        "title": {"text": label(title, lang), "left": 4, "top": 2,
                  "textStyle": {"fontSize": 13, "fontWeight": "normal"}},
        "tooltip": {"trigger": "axis"},
        "legend": legend,
        "grid": {"left": 48, "right": 16, "top": 74 if 1 < len(columns) <= 4 else 36,
                 "bottom": 120 if many else 36},
        "xAxis": {"type": "value", "min": 0, "max": max(int(x.max()) if x.size else 0,
                                                         months or 12, 1),
                  "name": label("axis_month", lang), "nameLocation": "middle", "nameGap": 22},
        "yAxis": y_axis,
        "series": series,
    }


_LINE_COLORS = ("#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a")


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{int(round(255 * c)):02x}" for c in rgb[:3])
