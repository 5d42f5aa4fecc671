"""Figures of a run (matplotlib), labelled in Bahasa Indonesia or English.

Every function returns a :class:`matplotlib.figure.Figure` (it never shows one), so the
same code serves a script, a notebook, ``oslsim run --plot`` and the tests. ``lang`` is
``"id"`` (Bahasa Indonesia, the default for trainers) or ``"en"``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from scipy import stats

from oslsim import terms
from oslsim.errors import InputError
from oslsim.i18n import fmt_compact, fmt_number, tick_formatter
from oslsim.pmks import CATEGORIES, CODES, KIND_NAMES, KINDS, category_vectors
from oslsim.terms import LANGS, check_lang

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from oslsim.model import OSLModel
    from oslsim.simulation import RunResult

__all__ = ["label", "trajectories", "pmks_stacked", "network", "logic_model_table",
           "run_figure", "save_figure", "DEFAULT_OUTCOMES"]

#: Outcomes drawn by :func:`trajectories` when none are named.
DEFAULT_OUTCOMES = ("burden", "pmks_prevalence", "coverage", "solidarity")
#: Columns that count things (drawn with whole-number ticks).
COUNT_COLUMNS = ("osl_count", "wksbm_count", "referrals")
#: Households drawn at most by :func:`network`; larger communities are sampled by RT.
NETWORK_SAMPLE = 240

_TEXT: dict[str, tuple[str, str]] = {
    "mean_ci": ("rerata, selang kepercayaan 95%", "mean, 95% confidence interval"),
    "mean_runs": ("rerata, 95% ulangan di tengah", "mean, middle 95% of runs"),
    "runs": ("ulangan", "runs"),
    "pmks_title": ("PMKS per kategori (bertumpuk)", "PMKS by category (stacked)"),
    "pmks_y": ("Prevalensi (bagian KK), bertumpuk", "Prevalence (share of households), stacked"),
    "net_pmks": ("Jaringan warga menurut kondisi PMKS", "Residents' network by PMKS condition"),
    "net_org": ("Jaringan warga menurut organisasi", "Residents' network by organisation"),
    "none_pmks": ("Tanpa PMKS", "No PMKS"),
    "none_org": ("Bukan anggota", "No membership"),
    "sampled": ("contoh {k} dari {n} KK", "sample of {k} of {n} households"),
    "all_hh": ("{n} KK", "{n} households"),
    "served": ("tepi tebal: sedang dilayani", "thick edge: being served"),
    "in_wksbm": ("tepi tebal: anggota WKSBM", "thick edge: member of a WKSBM"),
    "logic_title": ("Model logika: awal dan akhir", "Logic model: start and end"),
    "stage": ("Tahap", "Stage"),
    "item": ("Butir", "Item"),
    "start": ("Awal", "Start"),
    "now": ("Akhir", "End"),
    "change": ("Perubahan", "Change"),
    "trajectories": ("Lintasan hasil", "Outcome trajectories"),
}


def _lang(lang: str) -> int:
    return LANGS.index(check_lang(lang))


def label(column: str, lang: str = "id") -> str:
    """Return the axis label of an outcome column, from :mod:`oslsim.terms` (itself if unknown)."""
    return terms.label(column, lang)


def _t(key: str, lang: str) -> str:
    return _TEXT[key][_lang(lang)]


# --------------------------------------------------------------------------- inputs


def _number_ticks(ax: Axes, lang: str) -> None:
    """Write both axes' tick numbers the ``lang`` way (``0,05`` and ``2.000`` in Indonesian)."""
    ax.xaxis.set_major_formatter(tick_formatter(lang))
    ax.yaxis.set_major_formatter(tick_formatter(lang))


def _frame(run: Any) -> pd.DataFrame:
    """Accept a RunResult, an OSLModel or a time-series DataFrame."""
    if isinstance(run, pd.DataFrame):
        return _with_month(run)
    ts = getattr(run, "timeseries", None)
    if isinstance(ts, pd.DataFrame):
        return _with_month(ts)
    if callable(ts):
        return _with_month(ts())
    raise TypeError(f"expected a RunResult, an OSLModel or a DataFrame, got {type(run).__name__}")


def _with_month(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with a ``month`` column: its own, or its index when that counts months.

    A Mesa ``DataCollector.get_model_vars_dataframe()`` has no ``month`` column; its index is
    the collection step, which for an :class:`~oslsim.model.OSLModel` collected once a month
    is the month. Anything else is refused with a one-line ``ValueError``.
    """
    if "month" in df.columns:
        return df
    index = df.index
    if (len(index) and pd.api.types.is_integer_dtype(index.dtype) and index.is_unique
            and index.is_monotonic_increasing and index.min() >= 0):
        return df.rename_axis("month").reset_index()
    raise ValueError("plots need a time series with a 'month' column or an index of whole "
                     f"months from 0 (as a Mesa DataCollector gives); got columns "
                     f"{list(df.columns)[:6]} and an index of {index.dtype} values")


def _groups(runs: Any) -> dict[str | None, list[pd.DataFrame]]:
    """Normalise the ``runs`` argument into {series label: [time series, ...]}."""
    if isinstance(runs, Mapping):
        return {str(k): _as_list(v) for k, v in runs.items()}
    return {None: _as_list(runs)}


def _as_list(runs: Any) -> list[pd.DataFrame]:
    if isinstance(runs, Sequence) and not isinstance(runs, (str, pd.DataFrame)):
        frames = [_frame(r) for r in runs]
    else:
        frames = [_frame(runs)]
    if not frames:
        raise ValueError("no runs to plot")
    return frames


def _band(frames: list[pd.DataFrame], column: str, band: str,
          level: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Mean and band over runs, month by month, on the months all runs share."""
    months = sorted(set.intersection(*(set(f["month"]) for f in frames)))
    values = np.array([f.set_index("month").loc[months, column].to_numpy(float)
                       for f in frames])
    mean = values.mean(axis=0)
    if band == "runs":
        tail = 100 * (1 - level) / 2
        lo, hi = np.percentile(values, [tail, 100 - tail], axis=0)
    else:  # a t-based confidence interval of the mean over independent replicates
        sem = values.std(axis=0, ddof=1) / np.sqrt(len(frames))
        half = stats.t.ppf(0.5 + level / 2, len(frames) - 1) * sem
        lo, hi = mean - half, mean + half
    return np.asarray(months), mean, lo, hi


# --------------------------------------------------------------------------- figures


def trajectories(runs: Any, outcomes: Sequence[str] = DEFAULT_OUTCOMES, lang: str = "id", *,
                 band: str = "ci", title: str | None = None, axes: Sequence[Axes] | None = None,
                 ) -> Figure:
    """Plot chosen outcomes month by month: one panel per outcome.

    Parameters
    ----------
    runs : RunResult, DataFrame, sequence of them, or mapping of label to either
        One run gives one line; several runs give their mean with a 95% band; a mapping
        (e.g. scenario name to its replicates) gives one labelled series per key.
    outcomes : sequence of str
        Time-series columns to draw.
    lang : {"id", "en"}
        Language of labels.
    band : {"ci", "runs"}
        ``"ci"``: 95% confidence interval of the mean (t, over replicates); ``"runs"``: the
        middle 95% of the runs.
    title : str, optional
        Figure title.
    axes : sequence of Axes, optional
        Draw into these axes (one per outcome) instead of a new figure.
    """
    _lang(lang)
    if band not in ("ci", "runs"):
        raise InputError(f"band: {band!r} is not allowed; use one of ci, runs")
    groups = _groups(runs)
    missing = [c for c in outcomes if c not in next(iter(groups.values()))[0].columns]
    if missing:
        raise InputError(f"outcomes: unknown column(s) {', '.join(missing)}; use time-series "
                         "columns such as " + ", ".join(DEFAULT_OUTCOMES))
    if axes is None:
        cols = min(2, len(outcomes))
        rows = int(np.ceil(len(outcomes) / cols))
        fig, grid = plt.subplots(rows, cols, figsize=(5.5 * cols, 3.4 * rows), squeeze=False,
                                 layout="constrained")
        axes_list = list(grid.ravel())
        for extra in axes_list[len(outcomes):]:
            extra.remove()
    else:
        axes_list = list(axes)
        fig = axes_list[0].figure
    for ax, column in zip(axes_list, outcomes, strict=False):
        for name, frames in groups.items():
            if len(frames) == 1:
                ax.plot(frames[0]["month"], frames[0][column], label=name)
                continue
            months, mean, lo, hi = _band(frames, column, band)
            what = _t("mean_ci" if band == "ci" else "mean_runs", lang)
            text = f"{name}: {what}" if name else what
            line, = ax.plot(months, mean, label=f"{text} (n={len(frames)} {_t('runs', lang)})")
            ax.fill_between(months, lo, hi, color=line.get_color(), alpha=0.25, linewidth=0)
        ax.set_xlabel(label("month", lang))
        ax.set_ylabel(label(column, lang))
        ax.set_title(label(column, lang))
        ax.grid(alpha=0.3)
        if column in COUNT_COLUMNS:
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        _number_ticks(ax, lang)
        if any(ln.get_label() and not ln.get_label().startswith("_") for ln in ax.get_lines()):
            ax.legend(fontsize="small")
    if title:
        fig.suptitle(title)
    return fig


def pmks_stacked(run: Any, lang: str = "id", *, ax: Axes | None = None) -> Figure:
    """Stack the prevalence of the ten PMKS categories month by month."""
    df = _frame(run)
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    else:
        fig = ax.figure
    columns = [f"pmks_{c}" for c in CODES]
    ax.stackplot(df["month"], *(df[c].to_numpy(float) for c in columns),
                 labels=[label(c, lang) for c in columns],
                 colors=plt.get_cmap("tab10").colors[: len(columns)])
    ax.set_xlabel(label("month", lang))
    ax.set_ylabel(_t("pmks_y", lang))
    ax.set_title(_t("pmks_title", lang))
    ax.set_xlim(df["month"].min(), df["month"].max())
    _number_ticks(ax, lang)
    ax.legend(fontsize="x-small", loc="upper right", ncol=2)
    return fig


def _sample_rows(model: OSLModel, size: int, rng: np.random.Generator) -> np.ndarray:
    """Choose whole RTs at random until ``size`` households (neighbours stay together)."""
    st = model.state
    if st.n <= size:
        return np.arange(st.n)
    chosen: list[np.ndarray] = []
    total = 0
    for rt in rng.permutation(st.n_rt):
        rows = np.flatnonzero(st.rt == rt)
        chosen.append(rows[: size - total])
        total += min(rows.size, size - total)
        if total >= size:
            break
    return np.sort(np.concatenate(chosen))


def network(model: OSLModel | RunResult, color_by: str = "pmks", lang: str = "id", *,
            sample: int = NETWORK_SAMPLE, seed: int = 0, ax: Axes | None = None) -> Figure:
    """Draw the households' network coloured by PMKS condition or by organisation.

    ``color_by="pmks"`` colours each household by its most severe active condition (thick
    edge when it is served); ``"organisation"`` by the kind of its first organisation (thick
    edge for a WKSBM member). Communities larger than ``sample`` are sampled by whole RTs;
    ``seed`` fixes the sample and the spring layout, so the picture is reproducible.
    """
    i = _lang(lang)
    if color_by not in ("pmks", "organisation"):
        raise InputError(f"color_by: {color_by!r} is not allowed; use one of pmks, organisation")
    model = getattr(model, "model", model)
    st = model.state
    rng = np.random.default_rng(seed)
    rows = _sample_rows(model, sample, rng)
    sub = st.adjacency[rows][:, rows].tocoo()
    graph = nx.Graph()
    graph.add_nodes_from(range(rows.size))
    graph.add_edges_from((int(a), int(b)) for a, b in zip(sub.row, sub.col, strict=True) if a < b)
    pos = nx.spring_layout(graph, seed=seed, k=1.5 / np.sqrt(max(rows.size, 1)))

    cmap = plt.get_cmap("tab10").colors
    grey = (0.8, 0.8, 0.8)
    if color_by == "pmks":
        severity = category_vectors(model.params).severity
        active = st.active[rows]
        score = np.where(active, severity[None, :], -1.0)
        worst = np.where(active.any(axis=1), score.argmax(axis=1), -1)
        served = (st.served[rows] & active)[np.arange(rows.size), np.maximum(worst, 0)]
        groups = [(_t("none_pmks", lang), grey, worst < 0)] + [
            (label(f"pmks_{c.code}", lang), cmap[k % 10], worst == k)
            for k, c in enumerate(CATEGORIES)]
        thick = served & (worst >= 0)
        title, note = _t("net_pmks", lang), _t("served", lang)
    else:
        hh, org = st.members()
        first = np.full(st.n, -1)
        order = np.argsort(hh, kind="stable")
        hh_s, org_s = hh[order], org[order]
        starts = np.flatnonzero(np.r_[True, hh_s[1:] != hh_s[:-1]]) if hh_s.size else []
        first[hh_s[starts]] = st.kind[org_s[starts]]
        wk = np.zeros(st.n, bool)
        wk[hh[st.wksbm[org]]] = True
        kinds = first[rows]
        groups = [(_t("none_org", lang), grey, kinds < 0)] + [
            (KIND_NAMES[k][i], cmap[j % 10], kinds == j) for j, k in enumerate(KINDS)]
        thick = wk[rows]
        title, note = _t("net_org", lang), _t("in_wksbm", lang)

    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 6), layout="constrained")
    else:
        fig = ax.figure
    nx.draw_networkx_edges(graph, pos, ax=ax, width=0.3, alpha=0.3)
    for name, colour, mask in groups:
        nodes = [int(n) for n in np.flatnonzero(mask)]
        if not nodes:
            continue
        widths = [1.5 if thick[n] else 0.3 for n in nodes]
        nx.draw_networkx_nodes(graph, pos, nodelist=nodes, node_color=[colour], ax=ax,
                               node_size=28, linewidths=widths, edgecolors="black", label=name)
    n_text = (_t("sampled", lang).format(k=fmt_number(rows.size, 0, lang),
                                         n=fmt_number(st.n, 0, lang)) if rows.size < st.n
              else _t("all_hh", lang).format(n=fmt_number(st.n, 0, lang)))
    ax.set_title(f"{title}\n({n_text}; {note})", fontsize="medium")
    legend = ax.legend(fontsize="x-small", loc="upper center", bbox_to_anchor=(0.5, 0.0),
                       ncol=3, frameon=False)
    for handle in legend.legend_handles:
        handle.set_linewidth(0.3)  # the legend shows colours; thick edges are explained above
    ax.set_axis_off()
    return fig


def logic_model_table(table: pd.DataFrame | Any, lang: str = "id", *,
                      ax: Axes | None = None) -> Figure:
    """Draw the study's MASUKAN / PROSES / KELUARAN / DAMPAK / HASIL table as a figure."""
    if not isinstance(table, pd.DataFrame):
        table = table.logic_model
        table = table() if callable(table) else table
    i = _lang(lang)
    item = ("item_id", "item_en")[i]
    cells = [[r.stage, getattr(r, item), fmt_compact(r.start, lang), fmt_compact(r.now, lang),
              ("+" if r.change > 0 else "") + fmt_compact(r.change, lang)]
             for r in table.itertuples()]
    columns = [_t(k, lang) for k in ("stage", "item", "start", "now", "change")]
    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 0.28 * len(cells) + 1.0), layout="constrained")
    else:
        fig = ax.figure
    ax.set_axis_off()
    tab = ax.table(cellText=cells, colLabels=columns, cellLoc="left", bbox=(0, 0, 1, 1),
                   colWidths=[0.13, 0.51, 0.12, 0.12, 0.12])
    tab.auto_set_font_size(False)
    tab.set_fontsize(7.5)
    for (row, _), cell in tab.get_celld().items():
        if row == 0:
            cell.set_text_props(weight="bold")
    ax.set_title(_t("logic_title", lang))
    return fig


def run_figure(result: RunResult, lang: str = "id",
               outcomes: Sequence[str] = ("burden", "coverage", "solidarity", "wksbm_count"),
               ) -> Figure:
    """One figure with a run's key panels: outcomes, PMKS by category, network, logic model."""
    i = _lang(lang)
    fig = plt.figure(figsize=(14, 17), layout="constrained")
    grid = fig.add_gridspec(4, 2, height_ratios=[1, 1, 1.5, 1.6])
    axes = [fig.add_subplot(grid[r, c]) for r in range(2) for c in range(2)][: len(outcomes)]
    trajectories(result, outcomes, lang, axes=axes)
    pmks_stacked(result, lang, ax=fig.add_subplot(grid[2, 0]))
    network(result, "pmks", lang, ax=fig.add_subplot(grid[2, 1]))
    logic_model_table(result.logic_model, lang, ax=fig.add_subplot(grid[3, :]))
    sc = getattr(result, "scenario", None)
    name = result.manifest.get("scenario", "")
    head = sc.title(("id", "en")[i]) if sc is not None else name
    seed = result.manifest.get("seed")
    seed_text = f", seed {seed}" if isinstance(seed, int) else ""
    fig.suptitle(f"{head}\n{name}, {result.manifest.get('months')} "
                 f"{'bulan' if lang == 'id' else 'months'}{seed_text}")
    return fig


def save_figure(fig: Figure, path: str | Path, dpi: int = 120) -> Path:
    """Write a figure to a .png, .svg or .pdf file and close it."""
    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise InputError(f"{path}: use a name ending in .png, .svg or .pdf")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path
