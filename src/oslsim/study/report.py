"""The report: blocks rendered to Markdown and to one self-contained HTML page.

:func:`write_report` writes ``report.md``, ``report.html``, ``figures/*.png``, ``runs.csv``
and ``summary.json``; :func:`update_docs` rewrites the marked result section of
docs/hypothesis.md.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from oslsim.errors import InputError
from oslsim.i18n import fmt_cell, fmt_number
from oslsim.study.analyse import ALPHA, HypothesisAnalysis
from oslsim.study.collect import WINDOW
from oslsim.study.figures import figures
from oslsim.study.words import (
    _dose,
    _site_name,
    condition_sentences,
    discovery_sentences,
    headline,
    overlap_sentence,
    sensitivity_sentences,
    stationarity_sentence,
    verdict_sentences,
)

__all__ = ["DOCS_BEGIN", "DOCS_END", "docs_section", "render_html", "render_markdown",
           "update_docs", "write_report"]

#: Fewer replicates per cell than this are too few to judge how the CV settles.
MIN_CV_RUNS = 10
#: Markers of the section of docs/hypothesis.md that ``--update-docs`` rewrites.
DOCS_BEGIN = "<!-- oslsim-hypothesis:begin -->"
DOCS_END = "<!-- oslsim-hypothesis:end -->"




def _md_table(df: pd.DataFrame) -> str:
    head = "| " + " | ".join(str(c) for c in df.columns) + " |"
    sep = "|" + "|".join("---" for _ in df.columns) + "|"
    body = ["| " + " | ".join(fmt_cell(v) for v in row) + " |"
            for row in df.itertuples(index=False)]
    return "\n".join([head, sep, *body])


def _html_table(df: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(fmt_cell(v))}</td>" for v in row)
                   + "</tr>" for row in df.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _md_inline_to_html(text: str) -> str:
    text = html.escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    text = re.sub(r"`(.+?)`", r"<code>\1</code>", text)
    return re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)", r"<em>\1</em>", text)


def _pct_col(x: pd.Series) -> pd.Series:
    return (100 * x).round(1)


def _tables(a: HypothesisAnalysis) -> dict[str, pd.DataFrame]:
    """The report's number tables."""
    t: dict[str, pd.DataFrame] = {}
    rows = []
    for c, s in a.summaries.items():
        rows.append({
            "condition": a.labels[c].label_en, "verdict": s["verdict"],
            "JT p": s["jt_p"], "Spearman rho": s["rho"],
            "slope /WKSBM": s["slope"], "slope CI": f"{fmt_cell(s['slope_lo'])} … "
                                                   f"{fmt_cell(s['slope_hi'])}",
            "max dose": s["max_dose"], "effect %": 100 * s["effect"],
            "effect CI %": f"{100 * s['effect_lo']:.1f} … {100 * s['effect_hi']:.1f}",
            "Cohen d": s["cohens_d"], "saturation": s["saturation_dose"],
        })
    t["verdicts"] = pd.DataFrame(rows)
    ref = a.reference
    dr = a.dose_response[a.dose_response["condition"] == ref].copy()
    eff = a.effects[a.effects["condition"] == ref].set_index("dose")
    tab = pd.DataFrame({"dose": dr["dose"].to_numpy()})
    if "realised_dose" in dr.columns:
        tab["realised"] = dr["realised_dose"].to_numpy()
    tab["n"] = dr["n"].to_numpy()
    tab["burden"] = dr["mean"].to_numpy()
    tab["burden CI"] = [f"{fmt_cell(lo)} … {fmt_cell(hi)}"
                        for lo, hi in zip(dr["ci_lo"], dr["ci_hi"], strict=True)]
    tab["effect %"] = [100 * eff.loc[d, "effect"] for d in dr["dose"]]
    tab["effect CI %"] = [f"{100 * eff.loc[d, 'effect_lo']:.1f} … "
                          f"{100 * eff.loc[d, 'effect_hi']:.1f}" for d in dr["dose"]]
    t["baseline"] = tab
    wide = a.dose_response.pivot_table(index="dose", columns="condition", values="mean")
    wide = wide[[c for c in a.summaries if c in wide.columns]]
    wide.columns = [a.labels[c].label_en for c in wide.columns]
    t["conditions"] = wide.reset_index()
    if not a.sites.empty:
        s = a.sites.copy()
        s["verdict"] = [a.site_summaries.get((ref, x), {}).get("verdict", "–")
                        for x in s["site"]]
        s["site"] = s["site"].map(_site_name)
        for col in ("effect", "effect_lo", "effect_hi"):
            s[col] = _pct_col(s[col])
        t["sites"] = s[["site", "verdict", "n", "slope", "slope_lo", "slope_hi", "jt_p",
                        "rho", "effect", "effect_lo", "effect_hi", "cohens_d"]].rename(
            columns={"effect": "effect %", "effect_lo": "lo %", "effect_hi": "hi %"})
    if not a.side.empty:
        side = a.side[a.side["condition"] == ref]
        t["side"] = side.pivot_table(index="dose", columns="outcome", values="mean").reset_index()
    sens = a.sensitivity
    if sens and sens.get("complete"):
        st = sens["table"].sort_values("ST", ascending=False).reset_index()
        st["parameter"] = st["parameter"].astype(str)
        t["sensitivity"] = st
    reps = a.replicates
    if reps is not None and not reps["power"].empty:
        p = reps["power"].copy()
        p["site"] = p["site"].map(_site_name)
        t["replicates"] = p
    return t


def _blocks(a: HypothesisAnalysis, figs: Mapping[str, Path]) -> list[tuple[str, Any]]:
    """The report as a list of blocks: (kind, payload)."""
    meta = a.meta
    b: list[tuple[str, Any]] = []
    b.append(("h1", "Hipotesis WKSBM: apa kata model / The WKSBM hypothesis: what the model "
                    "finds"))
    b.append(("quote", "*Semakin banyak bentukan OSL sebagai WKSBM akan mengurangi beban warga "
                       "masyarakatnya.* — The more OSLs work as WKSBM, the lighter the burden "
                       "on the community."))
    if meta.get("quick"):
        b.append(("note", f"Ini run cepat (--quick): {meta.get('replicates')} ulangan per "
                          "lokasi dan dosis, sehingga selang kepercayaan lebar. Jalankan "
                          "`oslsim hypothesis` (tanpa --quick) untuk hasil penuh. / This is the "
                          f"quick run: {meta.get('replicates')} replicates per site and dose, "
                          "so the intervals are wide. Run `oslsim hypothesis` without --quick "
                          "for the full result."))
    b.append(("h2", "Jawaban singkat / The short answer"))
    b.append(("p", " ".join(headline(a, "id"))))
    b.append(("p_en", " ".join(headline(a, "en"))))

    b.append(("h2", "Menurut kondisi / Condition by condition"))
    b.append(("list", list(zip(condition_sentences(a, "id"), condition_sentences(a, "en"),
                               strict=True))))
    if a.stationarity:
        b.append(("h2", "Mulai hangat / Warm start"))
        b.append(("p", stationarity_sentence(a, "id")))
        b.append(("p_en", stationarity_sentence(a, "en")))
    ref = a.reference
    sites = [(site, s) for (c, site), s in a.site_summaries.items() if c == ref]
    if sites:
        b.append(("h2", "Menurut lokasi / Site by site"))
        b.append(("list", [(" ".join(verdict_sentences(s, "id", f"**{_site_name(x)}**")),
                            " ".join(verdict_sentences(s, "en", f"**{_site_name(x)}**")))
                           for x, s in sites]))
    found = discovery_sentences(a, "id")
    if found:
        b.append(("h2", "Di mana klaim berlaku? / Where does the claim hold?"))
        b.append(("p_en", "Scenario discovery (PRIM, EMA Workbench) over the sensitivity "
                          "experiment's points: boxes of parameter space where full WKSBM "
                          "coverage lowers the burden by at least 5% (helps), changes it by "
                          "less than 5% (no effect) or raises it by at least 5% (harms)."))
        b.append(("list", list(zip(found, discovery_sentences(a, "en"), strict=True))))
    if a.overlap is not None:
        b.append(("h2", "Tumpang tindih / Overlap"))
        b.append(("p", overlap_sentence(a, "id")))
        b.append(("p_en", overlap_sentence(a, "en")))
    sens_id = sensitivity_sentences(a.sensitivity, "id")
    if sens_id:
        b.append(("h2", "Bergantung pada apa? / What does it depend on?"))
        b.append(("p", " ".join(sens_id)))
        b.append(("p_en", " ".join(sensitivity_sentences(a.sensitivity, "en"))))

    t = _tables(a)
    b.append(("h2", "Angka / The numbers"))
    b.append(("p_en", _design_text(a)))
    b.append(("h3", "Verdicts per condition (sites pooled, runs paired by seed)"))
    b.append(("table", t["verdicts"]))
    b.append(("p_en", f"verdict: `supported` = burden falls with dose (Jonckheere–Terpstra "
                      f"p < {a.meta['alpha']}) and the reduction at the highest dose is at "
                      f"least {100 * a.meta['min_effect']:.0f}% with its 95% interval above "
                      "zero; `reversed` = burden rises significantly; `no_effect` = no "
                      "significant trend and the interval includes zero; `mixed` = anything "
                      "else. Effects are relative burden reductions from dose 0 (positive = "
                      "lighter burden), paired bootstrap over seeds. Saturation: smallest dose "
                      "no larger dose clearly improves on (non-overlapping 95% intervals); "
                      "'–' = still improving at the highest dose."))
    for key, title, caption in _FIGURES:
        if key in figs:
            b.append(("figure", (figs[key], title, caption)))
        if key == "dose_response":
            b.append(("h3", "Baseline dose–response (sites pooled)"))
            b.append(("table", t["baseline"]))
        if key == "conditions":
            b.append(("h3", "Mean burden by dose and condition (sites pooled)"))
            b.append(("table", t["conditions"]))
        if key == "effects" and "sites" in t:
            b.append(("h3", "Sites (baseline): trend and effect at the highest dose"))
            b.append(("table", t["sites"]))
        if key == "outcomes" and "side" in t:
            b.append(("h3", "Other outcomes by dose (baseline, sites pooled, last 12 months)"))
            b.append(("table", t["side"]))
        if key == "sensitivity" and "sensitivity" in t:
            b.append(("h3", "Sobol indices of the effect"))
            b.append(("table", t["sensitivity"]))
        if key == "replicates" and "replicates" in t:
            b.append(("h3", "Replicates: paired vs unpaired spread, runs needed"))
            b.append(("table", t["replicates"]))
            b.append(("p_en", _replicates_text(a)))
    b.append(("h2", "Batas model / Limits of the model"))
    b.append(("list", _limits(a)))
    b.append(("p_en", "How to read every figure and how the experiment is designed: "
                      "docs/hypothesis.md. Per-run numbers: runs.csv; verdicts as data: "
                      "summary.json; every run's months: the DuckDB store in this folder."))
    return b


_FIGURES = (
    ("dose_response", "Figure 1. Burden by WKSBM coverage, per site",
     "Each line is one site's mean burden (last 12 months) over its replicates, the band its "
     "95% bootstrap interval; black is the sites pooled. A line that falls to the right "
     "supports the hypothesis; a flat one does not."),
    ("conditions", "Figure 2. The same sweep under each mechanism check",
     "Red: the condition; grey: the baseline for comparison. Where red is flat the mechanism "
     "switched off carries the effect."),
    ("effects", "Figure 3. Burden reduction relative to no WKSBM",
     "Relative reduction from dose 0 with its paired-bootstrap 95% interval (points shifted "
     "sideways a little to stay apart). Above zero: lighter burden; below: heavier."),
    ("trajectory", "Figure 4. Burden month by month (baseline)",
     "Mean burden of all sites' runs per month, one line per dose, band = 95% interval of "
     "the mean. Lines that part early and stay apart show a lasting effect."),
    ("outcomes", "Figure 5. Other outcomes by dose (baseline)",
     "Coverage, PMKS prevalence, solidarity, government spending and poverty, last 12 "
     "months, with 95% intervals: how the burden changes come about."),
    ("realised_dose", "Figure 6. WKSBM coverage reached vs the design",
     "On the dashed line the realised number equals the design. Above it: groups were "
     "added to the forum (e.g. founded by government); below: WKSBM groups left or dissolved."),
    ("sensitivity", "Figure 7. Sobol indices of the WKSBM effect",
     "S1: share of the effect's variance due to one parameter alone; ST: including its "
     "interactions. Bars with intervals reaching zero are not distinguishable from no "
     "influence at this budget."),
    ("replicates", "Figure 8. Coefficient of variation of burden vs replicates",
     "Each line: CV of burden over the first n replicates (mean of random orders, band 95%) "
     "at the lowest and highest dose per site. The dashed line marks where every curve stays "
     "within the tolerance of its final value (Lee et al. 2015)."),
)


def _replicate_counts(a: HypothesisAnalysis) -> str:
    """How many replicates each condition has in the store (a store can be partly grown)."""
    runs = getattr(a, "runs", None)
    if runs is None or runs.empty or "replicate" not in runs.columns:
        return f"{a.meta.get('replicates')} replicates per site and dose"
    reps = runs.groupby("condition", sort=False)["replicate"].nunique()
    if reps.nunique() == 1:
        return f"{int(reps.iloc[0])} replicates per site and dose"
    groups = {}
    for cond, n in reps.items():
        label = a.labels[cond].label_en.lower() if cond in a.labels else cond
        groups.setdefault(int(n), []).append(label)
    text = "; ".join(f"{n} for {', '.join(names)}" for n, names in
                     sorted(groups.items(), reverse=True))
    return f"replicates per site and dose: {text} (the store is not complete yet)"


def _design_text(a: HypothesisAnalysis) -> str:
    m = a.meta
    doses = ", ".join(_dose(d, "en") for d in m.get("doses", []))
    sites = ", ".join(_site_name(s) for s in m.get("sites", []))
    parts = [f"Design: WKSBM coverage {doses} of the RW; sites {sites}; "
             f"{_replicate_counts(a)} (common random numbers: "
             f"replicate r has the same seed at every dose and in every condition); "
             f"{len(a.summaries)} conditions; {m.get('runs'):,} runs analysed"]
    if m.get("failed"):
        parts.append(f"{m['failed']} runs failed and are left out")
    if m.get("months"):
        parts.append(f"{m['months']} months per run, outcomes averaged over the last "
                     f"{WINDOW} months")
    if m.get("seed") is not None:
        parts.append(f"root seed {m['seed']}")
    if m.get("core_seconds") is not None:
        parts.append(f"the runs took {m['core_seconds'] / 60:.1f} core-minutes, "
                     f"{m['span_seconds'] / 60:.1f} minutes from the first start to the last "
                     "end")
    if m.get("workers") is not None:
        where = "in one process" if m["workers"] == 0 else f"on {m['workers']} workers"
        parts.append(f"run {where}; load average of the machine when the command started: "
                     f"{m.get('load', '?')}")
    return "; ".join(parts) + "."


def _replicates_text(a: HypothesisAnalysis) -> str:
    r = a.replicates
    assert r is not None  # noqa: S101 - only called when present
    stable = r["stable"]
    lo, hi = r["doses"]
    longest = int(r["cv"]["n"].max()) if not r["cv"].empty else 0
    if longest < MIN_CV_RUNS:
        when = (f"{longest} replicates per cell are too few to see whether the CV of burden "
                "settles")
    elif stable is not None:
        when = (f"the CV of burden stays within {100 * r['tolerance']:.0f}% of its all-runs "
                f"value from {stable} of {longest} replicates on")
    else:
        when = (f"the CV of burden has not settled within {100 * r['tolerance']:.0f}% by the "
                f"last of {longest} replicates")
    p = r["power"]
    need = (f"; by the spread of these runs, detecting a paired reduction of "
            f"{100 * r['min_effect']:.0f}% of the burden "
            f"between dose {_dose(lo, 'en')} and {_dose(hi, 'en')} (alpha 0.05, power 0.8) "
            f"needs {int(p['needed_paired'].max())} replicates per site with common random "
            f"numbers and {int(p['needed_unpaired'].max())} without"
            if not p.empty and p["needed_paired"].notna().all() else "")
    return f"In this run {when}{need}."


def _limits(a: HypothesisAnalysis) -> list[tuple[str, str]]:
    m = a.meta
    n_tests = len(a.summaries) + len(a.site_summaries)
    out = [
        ("Ini model, bukan pengamatan: sebagian besar parameter adalah asumsi yang masuk akal "
         "(docs/parameters.md), belum dikalibrasi pada data lapangan; angkanya menunjukkan "
         "arah dan besaran yang dihasilkan mekanisme model, bukan ramalan.",
         "This is a model, not an observation: most parameters are plausible assumptions "
         "(docs/parameters.md), not calibrated on field data; the numbers show the direction "
         "and size the model's mechanisms produce, not a forecast."),
        ("Satu kelurahan per run, sepuluh tahun yang diukur sesudah pemanasan; cakupan WKSBM "
         "ditetapkan dari luar (tidak ada kelompok yang bergabung ke forum belakangan), "
         "sehingga eksperimen ini bertanya 'bagaimana jika sekian RW dilayani WKSBM', bukan "
         "'berapa WKSBM yang akan tumbuh'.",
         "One kelurahan per run, ten measured years after a warm start; the WKSBM coverage is "
         "set from outside (no group joins the forum later), so the experiment asks 'what if "
         "so many RW were served by a WKSBM', not 'how many WKSBM would grow'."),
        ("WKSBM dipilih acak di antara OSL tingkat RW di setiap RW yang dicakup; aturan lain "
         "(yang terkuat dulu, atau kelompok baru) bisa memberi kurva lain. Sumbangan warga dan "
         "jam relawan adalah asumsi dengan rentang (funds.*, time.*).",
         "WKSBM are drawn at random among each covered RW's own groups; another rule (the "
         "strongest first, or new groups) could give another curve. Residents' giving and "
         "volunteer hours are assumptions with ranges (funds.*, time.*)."),
        (f"Ada {n_tests} uji tren (per kondisi dan per lokasi), masing-masing pada alpha "
         f"{fmt_number(m.get('alpha', ALPHA), 2, 'id')}; beberapa hasil 'signifikan' bisa muncul "
         "karena kebetulan. Lihat besar efek dan selangnya, bukan hanya nilai p.",
         f"There are {n_tests} trend tests (per condition and per site), each at alpha "
         f"{m.get('alpha', ALPHA)}; a few 'significant' results can arise by chance. Read the "
         "effect sizes and their intervals, not only p-values."),
        ("Beban warga diukur sebagai kasus PMKS aktif yang tidak terlayani, ditimbang "
         "keparahannya; manfaat lain OSL (ekonomi, keagamaan, politik lokal) tidak dihitung.",
         "Burden counts active, unserved PMKS cases weighted by severity; the OSL's other "
         "benefits (economic, religious, local politics) are not counted."),
    ]
    if m.get("quick"):
        out.append(("Run cepat: ulangan sedikit, sensitivitas dengan sampel kecil; angka bisa "
                    "berubah pada run penuh.",
                    "Quick run: few replicates and a small sensitivity sample; the numbers may "
                    "change in the full run."))
    if m.get("failed"):
        out.append((f"{m['failed']} run gagal dan tidak dihitung.",
                    f"{m['failed']} runs failed and are not counted."))
    return out


def render_markdown(blocks: Sequence[tuple[str, Any]], folder: Path) -> str:
    """Render report blocks as Markdown (figures linked relative to ``folder``)."""
    lines: list[str] = []
    for kind, payload in blocks:
        if kind == "h1":
            lines += [f"# {payload}", ""]
        elif kind == "h2":
            lines += [f"## {payload}", ""]
        elif kind == "h3":
            lines += [f"### {payload}", ""]
        elif kind == "quote":
            lines += [f"> {payload}", ""]
        elif kind == "note":
            lines += [f"> **Catatan / Note.** {payload}", ""]
        elif kind == "p":
            lines += [f"**ID.** {payload}", ""]
        elif kind == "p_en":
            lines += [payload if payload.startswith(("How", "Design", "verdict", "In "))
                      else f"**EN.** {payload}", ""]
        elif kind == "list":
            for item in payload:
                if isinstance(item, tuple):
                    lines.append(f"- {item[0]}  \n  *{item[1]}*")
                else:
                    lines.append(f"- {item}")
            lines.append("")
        elif kind == "table":
            lines += [_md_table(payload), ""]
        elif kind == "figure":
            path, title, caption = payload
            rel = os.path.relpath(path, folder)
            lines += [f"![{title}]({rel})", "", f"*{title}.* {caption}", ""]
    return "\n".join(lines).rstrip() + "\n"


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:60rem;
margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}h3{font-size:1.05rem}
blockquote{border-left:4px solid #2a7;margin:1rem 0;padding:.3rem 1rem;background:#f4faf6}
.note{border-left:4px solid #d80;background:#fff7e6;padding:.5rem 1rem}
.en{color:#444;font-style:italic}
table{border-collapse:collapse;font-size:.82rem;margin:.5rem 0 1rem;display:block;overflow-x:auto}
td,th{border:1px solid #ccc;padding:.2rem .45rem;text-align:right}th{background:#f2f2f2}
td:first-child,th:first-child{text-align:left}
figure{margin:1rem 0}figure img{max-width:100%}figcaption{font-size:.85rem;color:#333}
li{margin-bottom:.5rem}
"""


def render_html(blocks: Sequence[tuple[str, Any]]) -> str:
    """Render report blocks as one self-contained HTML page (figures embedded as base64)."""
    parts = ["<!DOCTYPE html>", '<html lang="id"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             "<title>Hipotesis WKSBM / The WKSBM hypothesis</title>",
             f"<style>{_CSS}</style></head><body>"]
    for kind, payload in blocks:
        if kind in ("h1", "h2", "h3"):
            parts.append(f"<{kind}>{html.escape(payload)}</{kind}>")
        elif kind == "quote":
            parts.append(f"<blockquote>{_md_inline_to_html(payload)}</blockquote>")
        elif kind == "note":
            parts.append(f'<p class="note"><strong>Catatan / Note.</strong> '
                         f"{_md_inline_to_html(payload)}</p>")
        elif kind == "p":
            parts.append(f'<p lang="id">{_md_inline_to_html(payload)}</p>')
        elif kind == "p_en":
            parts.append(f'<p lang="en" class="en">{_md_inline_to_html(payload)}</p>')
        elif kind == "list":
            items = []
            for item in payload:
                if isinstance(item, tuple):
                    items.append(f'<li><span lang="id">{_md_inline_to_html(item[0])}</span>'
                                 f'<br><span lang="en" class="en">'
                                 f"{_md_inline_to_html(item[1])}</span></li>")
                else:
                    items.append(f"<li>{_md_inline_to_html(item)}</li>")
            parts.append("<ul>" + "".join(items) + "</ul>")
        elif kind == "table":
            parts.append(_html_table(payload))
        elif kind == "figure":
            path, title, caption = payload
            data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
            parts.append(f'<figure><img alt="{html.escape(title)}" '
                         f'src="data:image/png;base64,{data}"><figcaption><strong>'
                         f"{html.escape(title)}.</strong> {html.escape(caption)}"
                         "</figcaption></figure>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating, float)):
        return float(x) if np.isfinite(x) else None
    if isinstance(x, (np.bool_,)):
        return bool(x)
    if isinstance(x, Path):
        return str(x)
    return x


def write_report(a: HypothesisAnalysis, out: str | Path) -> dict[str, Path]:
    """Write ``report.md``, ``report.html``, ``figures/*.png``, ``runs.csv``, ``summary.json``.

    Returns the paths by name (``markdown``, ``html``, ``runs``, ``summary`` and figures).
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    figs = figures(a, folder / "figures")
    blocks = _blocks(a, figs)
    paths = {"markdown": folder / "report.md", "html": folder / "report.html",
             "runs": folder / "runs.csv", "summary": folder / "summary.json"}
    paths["markdown"].write_text(render_markdown(blocks, folder), encoding="utf-8")
    paths["html"].write_text(render_html(blocks), encoding="utf-8")
    a.runs.to_csv(paths["runs"], index=False)
    summary = {
        "headline_id": " ".join(headline(a, "id")), "headline_en": " ".join(headline(a, "en")),
        **a.verdicts(),
        "verdict": a.verdicts(),
        "stationarity": a.stationarity,
        "overlap": None if a.overlap is None else a.overlap.to_dict(orient="records"),
        "discovery": [b.to_dict() for b in (a.discovery or [])],
        "sensitivity": None if not (a.sensitivity and a.sensitivity.get("complete")) else {
            "ST": a.sensitivity["table"]["ST"].to_dict(),
            "S1": a.sensitivity["table"]["S1"].to_dict()},
        "meta": a.meta,
    }
    paths["summary"].write_text(json.dumps(_jsonable(summary), indent=2, ensure_ascii=False),
                                encoding="utf-8")
    return {**paths, **{f"figure_{k}": v for k, v in figs.items()}}


def docs_section(a: HypothesisAnalysis) -> str:
    """The result section of docs/hypothesis.md: headline, verdict table, how to regenerate."""
    t = _tables(a)
    lines = [
        DOCS_BEGIN,
        "",
        f"*Generated by `oslsim hypothesis{' --quick' if a.meta.get('quick') else ''} "
        "--update-docs docs/hypothesis.md` from runs finished "
        f"{a.meta.get('finished', '?')} (oslsim {a.meta.get('oslsim_version') or '?'}); do not "
        "edit between the markers.*",
        "",
        "**ID.** " + " ".join(headline(a, "id")),
        "",
        "**EN.** " + " ".join(headline(a, "en")),
        "",
        _md_table(t["verdicts"]),
        "",
        _design_text(a),
        "",
    ]
    if a.replicates is not None:
        lines += [_replicates_text(a), ""]
    sens = sensitivity_sentences(a.sensitivity, "en")
    if sens:
        lines += [" ".join(sens), ""]
    lines.append(DOCS_END)
    return "\n".join(lines)


def update_docs(a: HypothesisAnalysis, path: str | Path) -> Path:
    """Rewrite the marked result section of ``path`` (docs/hypothesis.md) from ``a``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"--update-docs {path}: file not found") from None
    if DOCS_BEGIN not in text or DOCS_END not in text:
        raise InputError(f"--update-docs {path}: no section marked {DOCS_BEGIN} … {DOCS_END}; "
                         "add the two markers where the result should go")
    head, rest = text.split(DOCS_BEGIN, 1)
    _, tail = rest.split(DOCS_END, 1)
    path.write_text(head + docs_section(a) + tail, encoding="utf-8")
    return path


