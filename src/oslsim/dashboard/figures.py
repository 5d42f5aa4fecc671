"""The page's pictures as PNG bytes: the community network and the live plots.

Figures are built with :class:`matplotlib.figure.Figure` (no pyplot state, safe in the
server's threads) and every word on them comes from :mod:`oslsim.dashboard.labels`; every
tick number is written by :func:`oslsim.i18n.tick_formatter`, so Indonesian plots read
``0,05`` and ``2.000``.

The network picture is drawn in two layers: what does not change during a run (the ties, the
RW names, the legend) once per run, language and colouring with matplotlib, and each month
only the dots on top of it with Pillow, which keeps a month's picture of 2,000 households well
under the page's budget (``benchmarks/bench_dashboard.py``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from html import escape as html_escape

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PIL import Image, ImageDraw

from oslsim import terms
from oslsim.dashboard.labels import category_name, kind_name, label
from oslsim.dashboard.run import DashboardRun
from oslsim.i18n import fmt_number, fmt_value, tick_formatter
from oslsim.pmks import CODES, KINDS, category_vectors

__all__ = ["COLOR_MODES", "SERIES", "NetworkPicture", "network_picture", "network_png",
           "series_png", "series_svg", "plots_png", "to_png"]

#: How the network picture can be coloured.
COLOR_MODES: tuple[str, ...] = ("pmks", "org")
#: The live plots: their title label, the columns they draw and how values are shown
#: (``percent`` multiplies shares by 100; ``index`` is 0-1; ``count`` whole numbers).
SERIES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "burden": ("plot_burden", ("burden",), "burden"),
    "coverage": ("plot_coverage", ("coverage", "identified_share"), "percent"),
    "pmks": ("plot_pmks", tuple(f"pmks_{c}" for c in CODES), "percent"),
    "solidarity": ("plot_solidarity", ("solidarity", "bonding_capital", "bridging_capital",
                                       "linking_capital"), "index"),
    "osl": ("plot_osl", ("osl_natural", "osl_government", "wksbm_count"), "count"),
    "pengurus": ("plot_pengurus", ("capacity_mean", "attendance_poor", "attendance_rest"),
                 "index"),
}
#: Resolution of the PNGs (dots per inch); the page scales them to its columns.
DPI = 90
_GREY = "#c7ced4"
_EDGE = "#b71c1c"
_CAT_COLORS = colormaps["tab10"].colors
_KIND_COLORS = colormaps["Dark2"].colors
_LINE_COLORS = ("#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a")


def to_png(fig: Figure) -> bytes:
    """Render a figure to PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def _series_name(column: str, lang: str) -> str:
    if column in terms.TERMS:
        return terms.label(column, lang)
    return label(f"col_{column}", lang)


# ---------------------------------------------------------------------------- network


@dataclass
class NetworkPicture:
    """The unchanging layer of a run's network picture and how map points map to its pixels."""

    background: Image.Image
    scale: np.ndarray  # pixels per map unit (x, y)
    offset: np.ndarray  # pixel of map point (0, 0)
    color_by: str
    lang: str

    def to_pixels(self, xy: np.ndarray) -> np.ndarray:
        """Map coordinates ``(k, 2)`` to image pixels (y downwards)."""
        return xy * self.scale + self.offset

    def to_map(self, fx: float, fy: float) -> tuple[float, float]:
        """A click at ``(fx, fy)`` (fractions of the picture's width and height) on the map."""
        w, h = self.background.size
        px = np.array([fx * w, fy * h])
        x, y = (px - self.offset) / self.scale
        return float(x), float(y)


def _legend_handles(color_by: str, lang: str) -> list[Line2D]:
    if color_by == "pmks":
        handles = [Line2D([], [], marker="o", ls="", color=_GREY, ms=4,
                          label=label("legend_none", lang))]
        handles += [Line2D([], [], marker="o", ls="", color=_CAT_COLORS[k], ms=6,
                           label=category_name(c, lang)) for k, c in enumerate(CODES)]
        handles += [Line2D([], [], marker="o", ls="", mfc="white", mec=_EDGE, mew=1.5, ms=6,
                           label=label("legend_unserved", lang))]
        return handles
    handles = [Line2D([], [], marker="o", ls="", color=_GREY, ms=4,
                      label=label("legend_no_org", lang))]
    handles += [Line2D([], [], marker="o", ls="", color=_KIND_COLORS[k % len(_KIND_COLORS)],
                       ms=6, label=kind_name(kind, lang)) for k, kind in enumerate(KINDS)]
    handles += [Line2D([], [], marker="s", ls="", mfc="#777777", mec="white", ms=7,
                       label=label("legend_osl", lang)),
                Line2D([], [], marker="*", ls="", mfc="#777777", mec="black", ms=11,
                       label=label("legend_wksbm", lang))]
    return handles


def network_picture(run: DashboardRun, lang: str = "id", color_by: str = "pmks",
                    ) -> NetworkPicture:
    """Draw the layer of the network picture that stays the same all run long."""
    if color_by not in COLOR_MODES:
        raise ValueError(f"color_by: {color_by!r} is not allowed; use one of "
                         f"{', '.join(COLOR_MODES)}")
    rows = run.view_rows  # all households, or the shown kelurahan's of a region
    xy = run.positions[rows]
    (x0, y0), (x1, y1) = xy.min(axis=0) - 0.6, xy.max(axis=0) + 0.6
    width = 7.0
    map_height = width * 0.94 * float(np.clip((y1 - y0) / max(x1 - x0, 1e-9), 0.35, 1.2))
    legend_height = 1.35
    total = map_height + legend_height + 0.1
    fig = Figure(figsize=(width, total), dpi=DPI)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0.03, (legend_height + 0.05) / total, 0.94, map_height / total))
    ax.add_collection(LineCollection(run.segments, colors="#90a4ae", linewidths=0.35,
                                     alpha=0.35, zorder=1))
    rw = run.model.state.rw[rows]
    rw = rw - rw.min()  # RW numbered within the kelurahan
    for w in range(int(rw.max()) + 1):
        block = xy[rw == w]
        ax.text(block[:, 0].min(), block[:, 1].max() + 0.45, f"RW {w + 1:02d}", fontsize=7.5,
                color="#546e7a", va="bottom")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1 + 0.3)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()
    fig.legend(handles=_legend_handles(color_by, lang), loc="lower center", ncol=3,
               fontsize=7.5, frameon=False, bbox_to_anchor=(0.5, 0.0), columnspacing=1.2,
               handletextpad=0.3)
    canvas.draw()
    height = canvas.get_width_height()[1]
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(),
                             "raw", "RGBA", 0, 1).convert("RGB")
    a = ax.transData.transform(np.array([[0.0, 0.0], [1.0, 1.0]]))
    scale = np.array([a[1, 0] - a[0, 0], -(a[1, 1] - a[0, 1])])
    offset = np.array([a[0, 0], height - a[0, 1]])
    return NetworkPicture(image, scale, offset, color_by, lang)


def _rgb(color: tuple[float, ...]) -> tuple[int, int, int]:
    return tuple(int(round(255 * c)) for c in color[:3])  # type: ignore[return-value]


def _dots(draw: ImageDraw.ImageDraw, pts: np.ndarray, radius: float, fill: tuple,
          outline: tuple | None = None, width: int = 1) -> None:
    for x, y in pts:
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=fill,
                     outline=outline, width=width)


def _star(x: float, y: float, r: float) -> list[tuple[float, float]]:
    angles = np.pi / 2 + np.arange(10) * np.pi / 5
    radii = np.where(np.arange(10) % 2 == 0, r, 0.45 * r)
    return list(zip(x + radii * np.cos(angles), y - radii * np.sin(angles), strict=True))


def network_png(run: DashboardRun, lang: str = "id", color_by: str = "pmks",
                picture: NetworkPicture | None = None) -> bytes:
    """Draw the community: households by RT, their ties, coloured by PMKS or organisation.

    ``picture`` is the run's unchanging layer (:func:`network_picture`); without it, it is
    drawn first (slow: pass it in when drawing month after month).
    """
    if color_by not in COLOR_MODES:
        raise ValueError(f"color_by: {color_by!r} is not allowed; use one of "
                         f"{', '.join(COLOR_MODES)}")
    if picture is None or picture.color_by != color_by or picture.lang != lang:
        picture = network_picture(run, lang, color_by)
    image = picture.background.copy()
    draw = ImageDraw.Draw(image)
    rows = run.shown
    with run.lock:
        st = run.model.state
        pts = picture.to_pixels(run.positions[rows])
        if color_by == "pmks":
            active = st.active[rows]
            unserved = (active & ~st.served[rows]).any(axis=1)
            has = active.any(axis=1)
            severity = category_vectors(run.params).severity
            main = np.argmax(np.where(active, severity + 1e-6 * np.arange(len(CODES)), -1.0),
                             axis=1)
            _dots(draw, pts[~has], 1.6, _rgb(colors_hex(_GREY)))
            for k in np.unique(main[has]):
                pick = has & (main == k)
                _dots(draw, pts[pick & ~unserved], 3.0, _rgb(_CAT_COLORS[k]))
                _dots(draw, pts[pick & unserved], 3.6, _rgb(_CAT_COLORS[k]), _rgb_hex(_EDGE), 2)
        else:
            hh, org = st.members()
            wk = st.wksbm[org]
            order = np.lexsort((~wk, hh))
            first = np.unique(hh[order], return_index=True)
            kind_of = np.full(st.n, -1)
            kind_of[first[0]] = st.kind[org[order][first[1]]]
            shown_kind = kind_of[rows]
            _dots(draw, pts[shown_kind < 0], 1.6, _rgb(colors_hex(_GREY)))
            for k in np.unique(shown_kind[shown_kind >= 0]):
                _dots(draw, pts[shown_kind == k], 2.4, _rgb(_KIND_COLORS[k % len(_KIND_COLORS)]))
    if color_by == "org":
        live, centres, counts = run.organisation_centres()
        cpx = picture.to_pixels(centres) if live.size else np.zeros((0, 2))
        size = 2.5 + 0.8 * np.sqrt(counts)
        for r, (x, y), s in zip(live, cpx, size, strict=True):
            color = _rgb(_KIND_COLORS[int(st.kind[r]) % len(_KIND_COLORS)])
            if st.wksbm[r]:
                draw.polygon(_star(x, y, 1.9 * s), fill=color, outline=(0, 0, 0))
            else:
                draw.rectangle((x - s, y - s, x + s, y + s), fill=color,
                               outline=(255, 255, 255))
    buf = io.BytesIO()
    image.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def colors_hex(text: str) -> tuple[float, float, float]:
    """A ``#rrggbb`` colour as three floats 0-1."""
    return tuple(int(text[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _rgb_hex(text: str) -> tuple[int, int, int]:
    return _rgb(colors_hex(text))


# ---------------------------------------------------------------------------- plots


def _draw_series(ax, ts: pd.DataFrame, which: str, lang: str, *, faded: bool = False,  # noqa: ANN001
                 name_suffix: str = "") -> None:
    _, columns, kind = SERIES[which]
    scale = 100.0 if kind == "percent" else 1.0
    colors = list(_CAT_COLORS) if which == "pmks" else list(_LINE_COLORS)
    for i, col in enumerate(columns):
        y = ts[col].to_numpy(dtype=float) * scale
        ax.plot(ts["month"].to_numpy(), y, color=colors[i % len(colors)],
                lw=(1.0 if faded else (1.8 if len(columns) < 5 else 1.3)),
                alpha=0.35 if faded else 1.0, ls="--" if faded else "-",
                label=None if faded else _series_name(col, lang) + name_suffix)


def series_png(ts: pd.DataFrame, which: str, lang: str = "id", months: int | None = None,
               pinned: pd.DataFrame | None = None, width: float = 4.6) -> bytes:
    """One live plot (see :data:`SERIES`) as PNG; ``pinned`` (run A) is drawn faded and dashed.

    Shares are shown in percent; every tick is written the ``lang`` way.
    """
    if which not in SERIES:
        raise ValueError(f"plot {which!r} is not available; use one of {', '.join(SERIES)}")
    rows = int(np.ceil((len(SERIES[which][1]) + (pinned is not None)) / 2))
    fig = Figure(figsize=(width, 2.7 + 0.16 * rows), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    _fill_axes(ax, ts, which, lang, months, pinned)
    return to_png(fig)


def _fill_axes(ax, ts: pd.DataFrame, which: str, lang: str, months: int | None,  # noqa: ANN001
               pinned: pd.DataFrame | None) -> None:
    title, columns, kind = SERIES[which]
    if pinned is not None:
        _draw_series(ax, pinned, which, lang, faded=True)
    _draw_series(ax, ts, which, lang)
    last = int(ts["month"].max()) if len(ts) else 0
    if pinned is not None and len(pinned):
        last = max(last, int(pinned["month"].max()))
    ax.set_xlim(0, max(last, months or 12, 1))
    ax.set_ylim(bottom=0)
    if kind == "index":
        ax.set_ylim(0, 1)
    if which == "coverage":
        ax.set_ylim(0, 100)
    ax.set_title(label(title, lang), fontsize=10, loc="left")
    ax.set_xlabel(label("axis_month", lang), fontsize=8)
    if kind == "percent":
        ax.set_ylabel("%", fontsize=8)
    ax.tick_params(labelsize=7.5)
    ax.grid(alpha=0.3)
    ax.xaxis.set_major_formatter(tick_formatter(lang))
    ax.yaxis.set_major_formatter(tick_formatter(lang))
    if kind == "count":
        from matplotlib.ticker import MaxNLocator

        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    handles, labels_ = ax.get_legend_handles_labels()
    if pinned is not None:
        handles.append(Line2D([], [], color="#555555", ls="--", alpha=0.5))
        labels_.append(label("legend_run_a", lang))
    if len(handles) > 1:  # below the axes, so no line is hidden behind it
        ax.legend(handles, labels_, fontsize=6.5, ncol=2, frameon=False, loc="upper left",
                  bbox_to_anchor=(0.0, -0.22), borderaxespad=0.0, handlelength=1.6,
                  columnspacing=1.0)


def plots_png(ts: pd.DataFrame, lang: str = "id", months: int | None = None,
              pinned: pd.DataFrame | None = None, compact: bool = False) -> bytes:
    """Every live plot in one picture (the page's PNG export), run A faded when pinned.

    ``compact`` lays them out three by two, short enough for the one-page printed summary.
    """
    names = list(SERIES)
    cols = 3 if compact else 2
    rows = int(np.ceil(len(names) / cols))
    fig = Figure(figsize=(10, (2.9 if compact else 3.6) * rows), dpi=DPI, layout="constrained")
    for i, which in enumerate(names):
        _fill_axes(fig.add_subplot(rows, cols, i + 1), ts, which, lang, months, pinned)
    return to_png(fig)


# ---------------------------------------------------------------------------- live plots (SVG)

#: Size of a live plot in SVG units (it scales to its column; the text stays readable).
SVG_W, SVG_H = 460, 230
_M = {"left": 46, "right": 12, "top": 26, "bottom": 36}


def _nice_step(span: float, target: int = 5) -> float:
    raw = max(span, 1e-12) / target
    mag = 10 ** np.floor(np.log10(raw))
    for k in (1, 2, 2.5, 5, 10):
        if raw <= k * mag:
            return float(k * mag)
    return float(10 * mag)


def _decimals(step: float) -> int:
    for d in range(6):
        if abs(step * 10 ** d - round(step * 10 ** d)) < 1e-9:
            return d
    return 6


def series_svg(ts: pd.DataFrame, which: str, lang: str = "id", months: int | None = None,
               pinned: pd.DataFrame | None = None) -> str:
    """One live plot (see :data:`SERIES`) as an SVG string, drawn in the browser.

    The page redraws its plots every month, where matplotlib costs tenths of a second per
    plot; an SVG of a few polylines costs milliseconds, scales to any column width, and its
    words and numbers are page text written the ``lang`` way (ticks, legend and the tooltip
    of every month). Run A (``pinned``) is drawn faded and dashed.
    """
    if which not in SERIES:
        raise ValueError(f"plot {which!r} is not available; use one of {', '.join(SERIES)}")
    title, columns, kind = SERIES[which]
    scale = 100.0 if kind == "percent" else 1.0
    colors = ([_hex(c) for c in _CAT_COLORS] if which == "pmks" else list(_LINE_COLORS))
    frames = [f for f in (pinned, ts) if f is not None and len(f)]
    last = max([int(f["month"].max()) for f in frames] + [months or 12, 1])
    top = max([float(np.nanmax(f[list(columns)].to_numpy(float))) * scale for f in frames]
              + [1e-9])
    if kind == "index":
        top = 1.0
    elif which == "coverage":
        top = 100.0
    ystep = _nice_step(top)
    ytop = ystep * np.ceil(top / ystep - 1e-9) if kind != "index" and which != "coverage" \
        else top
    ystep = _nice_step(ytop)
    xstep = 12 if last <= 72 else 24
    rows_legend = int(np.ceil((len(columns) + (pinned is not None)) / 2))
    height = SVG_H + 12 + 15 * rows_legend
    x0, x1 = _M["left"], SVG_W - _M["right"]
    y0, y1 = SVG_H - _M["bottom"], _M["top"]

    def px(m: np.ndarray) -> np.ndarray:
        return x0 + (x1 - x0) * m / last

    def py(v: np.ndarray) -> np.ndarray:
        return y0 - (y0 - y1) * np.clip(v / ytop, 0, 1.02)

    esc = html_escape
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SVG_W} {height}" '
           f'class="oslsim-svg" role="img" aria-label="{esc(label(title, lang))}" '
           f'style="width:100%;height:auto;font-family:sans-serif">',
           f'<text x="4" y="16" font-size="13" fill="#263238">{esc(label(title, lang))}</text>']
    yd = _decimals(ystep)
    for v in np.arange(0, ytop + ystep / 2, ystep):
        y = py(np.array(v))
        out.append(f'<line x1="{x0}" x2="{x1}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e0e6ea"/>'
                   f'<text x="{x0 - 4}" y="{y + 3.5:.1f}" font-size="10" text-anchor="end" '
                   f'fill="#546e7a">{fmt_number(v, yd, lang)}</text>')
    for m in range(0, last + 1, xstep):
        x = px(np.array(m))
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y0}" y2="{y0 + 3}" stroke="#90a4ae"/>'
                   f'<text x="{x:.1f}" y="{y0 + 14}" font-size="10" text-anchor="middle" '
                   f'fill="#546e7a">{fmt_number(m, 0, lang)}</text>')
    out.append(f'<line x1="{x0}" x2="{x1}" y1="{y0}" y2="{y0}" stroke="#90a4ae"/>'
               f'<text x="{(x0 + x1) / 2}" y="{y0 + 28}" font-size="10" text-anchor="middle" '
               f'fill="#546e7a">{esc(label("axis_month", lang))}</text>')
    if kind == "percent":
        out.append(f'<text x="4" y="{y1 + 4}" font-size="10" fill="#546e7a">%</text>')
    for faded, frame in ((True, pinned), (False, ts)):
        if frame is None or not len(frame):
            continue
        xs = px(frame["month"].to_numpy(float))
        for i, col in enumerate(columns):
            ys = py(frame[col].to_numpy(float) * scale)
            pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, ys, strict=True))
            style = ('stroke-dasharray="4 3" stroke-opacity="0.45" stroke-width="1.3"' if faded
                     else f'stroke-width="{1.8 if len(columns) < 5 else 1.4}"')
            out.append(f'<polyline fill="none" stroke="{colors[i % len(colors)]}" {style} '
                       f'class="{"oslsim-run-a" if faded else "oslsim-run-b"}" '
                       f'points="{pts}"/>')
            if len(xs) == 1:  # month 0 alone: a dot, as a one-point line draws nothing
                out.append(f'<circle cx="{xs[0]:.1f}" cy="{ys[0]:.1f}" r="2.5" '
                           f'fill="{colors[i % len(colors)]}"/>')
    # one invisible band per month: hovering it shows that month's values (the tooltip)
    kinds = {c: terms.number_format(c) if c in terms.TERMS else "share" for c in columns}

    def write(values: np.ndarray, col: str) -> list[str]:
        if kinds[col] == "index":
            return [fmt_number(v, 2, lang) for v in values]
        return [fmt_value(v, kinds[col], lang) for v in values]

    band = (x1 - x0) / max(last, 1)
    months_b = ts["month"].to_numpy(int)
    names = [_series_name(col, lang) for col in columns]
    texts_b = [write(ts[col].to_numpy(float), col) for col in columns]
    texts_a = None
    if pinned is not None and len(pinned):
        a = pinned.set_index("month").reindex(months_b)
        texts_a = [["–" if np.isnan(v) else s for v, s in
                    zip(a[col].to_numpy(float), write(a[col].fillna(0).to_numpy(float), col),
                        strict=True)] for col in columns]
    xs_band = px(months_b.astype(float)) - band / 2
    for j, m in enumerate(months_b):
        lines = [label("month", lang, month=int(m))]
        for i, name in enumerate(names):
            text = texts_b[i][j] if texts_a is None else f"B {texts_b[i][j]} · A {texts_a[i][j]}"
            lines.append(f"{name}: {text}")
        out.append(f'<rect x="{xs_band[j]:.1f}" y="{y1}" width="{band:.1f}" '
                   f'height="{y0 - y1}" fill="transparent"><title>'
                   f'{esc(chr(10).join(lines))}</title></rect>')
    for i, col in enumerate([*columns, *(["_a"] if pinned is not None else [])]):
        lx = 8 + (i % 2) * (SVG_W / 2)
        ly = SVG_H + 10 + 15 * (i // 2)
        if col == "_a":
            out.append(f'<line x1="{lx}" x2="{lx + 16}" y1="{ly - 3}" y2="{ly - 3}" '
                       f'stroke="#555" stroke-dasharray="4 3" stroke-opacity="0.6"/>'
                       f'<text x="{lx + 20}" y="{ly}" font-size="10" fill="#37474f">'
                       f'{esc(label("legend_run_a", lang))}</text>')
            continue
        out.append(f'<line x1="{lx}" x2="{lx + 16}" y1="{ly - 3}" y2="{ly - 3}" '
                   f'stroke="{colors[i % len(colors)]}" stroke-width="2"/>'
                   f'<text x="{lx + 20}" y="{ly}" font-size="10" fill="#37474f">'
                   f'{esc(_series_name(col, lang))}</text>')
    out.append("</svg>")
    return "".join(out)


def _hex(rgb: tuple[float, ...]) -> str:
    return "#" + "".join(f"{int(round(255 * c)):02x}" for c in rgb[:3])
