"""The report's figures: one function per figure, named after what it shows.

Each takes a :class:`HypothesisAnalysis` and returns a matplotlib ``Figure`` (object-oriented:
no global pyplot state), or ``None`` when the analysis holds nothing to draw;
:func:`figures` draws them all into a folder.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from oslsim.study.analyse import HypothesisAnalysis
from oslsim.study.words import _VERDICT_WORD, PARAM_LABELS, _dose, _site_name
from oslsim.terms import label

__all__ = ["FIGURES", "burden_by_dose_per_condition", "burden_by_dose_per_site",
           "burden_by_month", "burden_cv_by_replicates", "burden_reduction_by_dose", "figures",
           "other_outcomes_by_dose", "realised_vs_design_dose", "sobol_indices_of_effect"]

def _figure(width: float = 8.0, height: float = 5.0) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=110, layout="constrained")


def _save(fig: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return path


def _band(ax: Any, x: np.ndarray, mean: np.ndarray, lo: np.ndarray, hi: np.ndarray,
          label: str, **kw: Any) -> None:
    line = ax.plot(x, mean, marker="o", ms=4, label=label, **kw)[0]
    ax.fill_between(x, lo, hi, color=line.get_color(), alpha=0.15, lw=0)


XLABEL = "Cakupan WKSBM (bagian RW) / WKSBM coverage (share of RW)"
BLABEL = f"{label('burden', 'id')} / {label('burden', 'en')}"


def burden_by_dose_per_site(a: HypothesisAnalysis) -> Any:
    """Figure 1: the baseline's mean burden by dose, one line per site, and the sites pooled."""
    fig = _figure()
    ax = fig.add_subplot()
    ref = a.reference
    drs = a.dose_response_sites[a.dose_response_sites["condition"] == ref]
    for site, sub in drs.groupby("site"):
        _band(ax, sub["dose"].to_numpy(), sub["mean"].to_numpy(), sub["ci_lo"].to_numpy(),
              sub["ci_hi"].to_numpy(), _site_name(site))
    pooled = a.dose_response[a.dose_response["condition"] == ref]
    if drs["site"].nunique() > 1:
        ax.plot(pooled["dose"], pooled["mean"], color="black", lw=2.5, marker="s",
                label="gabungan / pooled")
    ax.set(xlabel=XLABEL, ylabel=BLABEL,
           title="Beban warga menurut cakupan WKSBM (kondisi dasar)\n"
                 "Burden by WKSBM coverage (baseline)")
    ax.legend(fontsize=8)
    return fig


def burden_by_dose_per_condition(a: HypothesisAnalysis) -> Any:
    """Figure 2: the same sweep under each mechanism check, the baseline in grey behind it."""
    ref = a.reference
    pooled = a.dose_response[a.dose_response["condition"] == ref]
    conds = list(a.summaries)
    cols = min(4, len(conds))
    rows = math.ceil(len(conds) / cols)
    fig = _figure(3.2 * cols, 2.8 * rows)
    axes = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False).ravel()
    for ax, cond in zip(axes, conds, strict=False):
        if cond != ref:
            _band(ax, pooled["dose"].to_numpy(), pooled["mean"].to_numpy(),
                  pooled["ci_lo"].to_numpy(), pooled["ci_hi"].to_numpy(),
                  "kondisi dasar / baseline", color="0.6")
        sub = a.dose_response[a.dose_response["condition"] == cond]
        _band(ax, sub["dose"].to_numpy(), sub["mean"].to_numpy(), sub["ci_lo"].to_numpy(),
              sub["ci_hi"].to_numpy(), a.labels[cond].label_en, color="C3")
        word = _VERDICT_WORD[a.summaries[cond]["verdict"]]
        ax.set_title(f"{a.labels[cond].label_id}\n{a.labels[cond].label_en}: {word[1]}",
                     fontsize=8)
    for ax in axes[len(conds):]:
        ax.set_visible(False)
    fig.supxlabel(XLABEL, fontsize=9)
    fig.supylabel(BLABEL, fontsize=9)
    return fig


def burden_reduction_by_dose(a: HypothesisAnalysis) -> Any:
    """Figure 3: each condition's relative burden reduction from dose 0, with its interval."""
    ref = a.reference
    conds = list(a.summaries)
    fig = _figure()
    ax = fig.add_subplot()
    ax.axhline(0.0, color="black", lw=0.8)
    n = max(1, len(conds))
    for k, cond in enumerate(conds):
        sub = a.effects[a.effects["condition"] == cond]
        shift = (k - (n - 1) / 2) * 0.12
        x = sub["dose"].to_numpy() + shift
        y = 100 * sub["effect"].to_numpy()
        err = np.vstack([y - 100 * sub["effect_lo"].to_numpy(),
                         100 * sub["effect_hi"].to_numpy() - y])
        ax.errorbar(x, y, yerr=np.abs(err), marker="o", ms=4, capsize=2,
                    label=a.labels[cond].label_en, lw=2.0 if cond == ref else 1.0)
    ax.set(xlabel=XLABEL, ylabel="penurunan beban (%) / burden reduction (%)",
           title="Penurunan beban dibanding tanpa WKSBM (selang 95%)\n"
                 "Burden reduction relative to no WKSBM (95% interval)")
    ax.legend(fontsize=7, ncol=2)
    return fig


def burden_by_month(a: HypothesisAnalysis) -> Any:
    """Figure 4: the baseline's mean burden month by month, one line per dose."""
    if a.trajectory is None or a.trajectory.empty:
        return None
    fig = _figure()
    ax = fig.add_subplot()
    tr = a.trajectory[a.trajectory["condition"] == a.reference]
    cmap = _cmap("viridis")
    doses = sorted(tr["dose"].unique())
    for k, dose in enumerate(doses):
        sub = tr[tr["dose"] == dose]
        color = cmap(k / max(1, len(doses) - 1))
        ax.plot(sub["month"], sub["mean"], color=color, label=f"{_dose(dose, 'en')}")
        ax.fill_between(sub["month"], sub["lo"], sub["hi"], color=color, alpha=0.12, lw=0)
    ax.set(xlabel="bulan / month", ylabel=BLABEL,
           title="Beban warga dari bulan ke bulan, menurut cakupan WKSBM\n"
                 "Burden month by month, by WKSBM coverage (baseline)")
    ax.legend(title="WKSBM / 1.000", fontsize=7, ncol=2)
    return fig


def other_outcomes_by_dose(a: HypothesisAnalysis) -> Any:
    """Figure 5: the baseline's side outcomes (coverage, prevalence, …) by dose."""
    if a.side.empty:
        return None
    side = a.side[a.side["condition"] == a.reference]
    outs = list(dict.fromkeys(side["outcome"]))
    ncol = min(3, len(outs))
    nrow = math.ceil(len(outs) / ncol)
    fig = _figure(3.4 * ncol, 2.9 * nrow)
    axes = fig.subplots(nrow, ncol, squeeze=False).ravel()
    for ax in axes[len(outs):]:
        ax.set_visible(False)
    for ax, col in zip(axes, outs, strict=False):
        sub = side[side["outcome"] == col]
        _band(ax, sub["dose"].to_numpy(), sub["mean"].to_numpy(), sub["ci_lo"].to_numpy(),
              sub["ci_hi"].to_numpy(), col)
        ax.set_title(f"{label(col, 'id')} / {label(col, 'en')}", fontsize=8)
        ax.set_xlabel("cakupan WKSBM / WKSBM coverage", fontsize=8)
    return fig


def realised_vs_design_dose(a: HypothesisAnalysis) -> Any:
    """Figure 6: the WKSBM coverage reached (last months' mean) against the design."""
    if "realised_dose" not in a.dose_response.columns:
        return None
    fig = _figure(6.0, 5.0)
    ax = fig.add_subplot()
    top = float(a.dose_response["dose"].max())
    ax.plot([0, top], [0, top], color="black", lw=0.8, ls="--", label="= rancangan / design")
    for cond in a.summaries:
        sub = a.dose_response[a.dose_response["condition"] == cond]
        ax.plot(sub["dose"], sub["realised_dose"], marker="o", ms=4,
                label=a.labels[cond].label_en)
    ax.set(xlabel="rancangan / design: " + XLABEL,
           ylabel="KK tercakup / households covered (12 bln terakhir / last 12 months)",
           title="Cakupan WKSBM yang terwujud\nWKSBM coverage reached")
    ax.legend(fontsize=7)
    return fig


def sobol_indices_of_effect(a: HypothesisAnalysis) -> Any:
    """Figure 7: first-order and total Sobol indices of the WKSBM effect per parameter."""
    sens = a.sensitivity
    if not (sens and sens.get("complete")):
        return None
    table = sens["table"].sort_values("ST")
    fig = _figure(7.0, 4.0)
    ax = fig.add_subplot()
    y = np.arange(len(table))
    names = [f"{PARAM_LABELS.get(p, (p, p))[0]} / {PARAM_LABELS.get(p, (p, p))[1]}"
             for p in table.index]
    ax.barh(y - 0.2, table["S1"], 0.4, xerr=table["S1_conf"], label="S1 (tunggal / alone)")
    ax.barh(y + 0.2, table["ST"], 0.4, xerr=table["ST_conf"],
            label="ST (total, dengan interaksi / with interactions)")
    ax.set_yticks(y, names, fontsize=8)
    ax.axvline(0, color="black", lw=0.8)
    ax.set(xlabel="indeks Sobol / Sobol index",
           title="Efek WKSBM bergantung pada apa?\nWhat does the WKSBM effect depend on?")
    ax.legend(fontsize=7)
    return fig


def burden_cv_by_replicates(a: HypothesisAnalysis) -> Any:
    """Figure 8: the coefficient of variation of burden as replicates are added."""
    reps = a.replicates
    if reps is None or reps["cv"].empty:
        return None
    fig = _figure(7.0, 4.5)
    ax = fig.add_subplot()
    cv = reps["cv"]
    keys = [c for c in ("site", "dose") if c in cv.columns]
    for key, sub in cv.groupby(keys):
        key = key if isinstance(key, tuple) else (key,)
        label = " ".join(f"{_site_name(k) if isinstance(k, str) else _dose(k, 'en')}"
                         for k in key)
        ax.plot(sub["n"], sub["cv"], label=label, lw=1)
        ax.fill_between(sub["n"], sub["cv_lo"], sub["cv_hi"], alpha=0.08, lw=0)
    if reps["stable"] is not None:
        ax.axvline(reps["stable"], color="black", ls="--", lw=0.8)
    ax.set(xlabel="ulangan / replicates", ylabel="CV beban / CV of burden",
           title="Koefisien variasi menurut jumlah ulangan (Lee dkk. 2015)\n"
                 "Coefficient of variation vs replicates (Lee et al. 2015)")
    ax.legend(fontsize=6, ncol=2)
    return fig


#: The report's figures in order: file stem (also the report's key) and the function.
FIGURES = (
    ("dose_response", burden_by_dose_per_site),
    ("conditions", burden_by_dose_per_condition),
    ("effects", burden_reduction_by_dose),
    ("trajectory", burden_by_month),
    ("outcomes", other_outcomes_by_dose),
    ("realised_dose", realised_vs_design_dose),
    ("sensitivity", sobol_indices_of_effect),
    ("replicates", burden_cv_by_replicates),
)


def figures(a: HypothesisAnalysis, folder: Path) -> dict[str, Path]:
    """Draw the report's figures into ``folder``; return their paths by name."""
    out: dict[str, Path] = {}
    for name, draw in FIGURES:
        fig = draw(a)
        if fig is not None:
            out[name] = _save(fig, folder / f"{name}.png")
    return out


def _cmap(name: str) -> Any:
    from matplotlib import colormaps

    return colormaps[name]
