"""The report's sentences, in Bahasa Indonesia and English, chosen from the numbers.

Which sentence is said, and every number in it, comes from a verdict of
:func:`oslsim.analysis.summarise_hypothesis` or from a :class:`HypothesisAnalysis`; nothing
about the result is written in advance.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from oslsim.i18n import fmt_number
from oslsim.study.analyse import HypothesisAnalysis
from oslsim.study.plan import CONTROLS, COORDINATION_NULL, LABEL_ONLY

__all__ = ["PARAM_LABELS", "STRENGTH", "condition_sentences", "discovery_sentences",
           "headline", "overlap_sentence", "sensitivity_sentences", "stationarity_sentence",
           "strength", "verdict_sentences"]

#: Words for the size of a relative burden reduction: below 10% weak, below 25% moderate.
STRENGTH = ((0.10, "lemah", "weak"), (0.25, "sedang", "moderate"), (math.inf, "kuat", "strong"))
#: Sobol: first-order indices may add up to this much over 1 before the report calls it noise.
OVERSHOOT = 0.05
#: Sobol base samples below which the report calls the indices a rough sketch.
SMALL_SOBOL = 32
#: A realised coverage this far (in share of households) from the design is pointed out.
DOSE_DRIFT = 0.10
#: Names of the parameters of the sensitivity analysis, for the report (id, en).
PARAM_LABELS = {
    "organisations.capacity_mean": ("kapasitas pengurus", "pengurus capacity"),
    "organisations.exclusivity": ("eksklusivitas keanggotaan", "exclusive membership"),
    "government.budget_per_household": ("anggaran pemerintah per KK", "government budget"),
    "community.solidarity_mean": ("kesetiakawanan awal", "initial solidarity"),
    "funds.giving_share": ("sumbangan warga (jimpitan, infak)", "residents' giving"),
    "funds.pool_share": ("bagian dana yang dihimpun forum", "share of funds the forum pools"),
    "funds.pool_cost": ("biaya transaksi forum", "the forum's transaction cost"),
    "time.forum_hours": ("jam kerja forum per WKSBM", "forum hours per WKSBM"),
    "time.forum_hours_per_member": ("jam koordinasi per anggota forum",
                                    "coordination hours per forum member"),
    "serves.breadth": ("keluwesan jenis layanan OSL", "breadth of what a group can serve"),
    "organisations.poor_priority": ("prioritas bagi keluarga miskin", "priority for the poor"),
}



def _pct(x: float, lang: str) -> str:
    """A share as a percentage; one decimal below 10%, whole numbers above."""
    if not np.isfinite(x):
        return "–"
    digits = 1 if abs(x) < 0.1 else 0
    return f"{fmt_number(100.0 * x, digits, lang)}%"


def _spct(x: float, lang: str) -> str:
    """A signed percentage, e.g. +5,8% / -7.6%."""
    if not np.isfinite(x):
        return "–"
    return ("+" if x > 0 else "") + _pct(x, lang)


def _change(effect: float, lang: str) -> str:
    """A relative reduction in words: '12% lebih ringan' / '12% heavier'."""
    if effect >= 0:
        return f"{_pct(effect, lang)} {'lebih ringan' if lang == 'id' else 'lighter'}"
    return f"{_pct(-effect, lang)} {'lebih berat' if lang == 'id' else 'heavier'}"


def _dose(x: float | None, lang: str) -> str:
    """A WKSBM coverage (share of RW or households) as a percentage: 0,25 -> 25%."""
    if x is None or not np.isfinite(x):
        return "–"
    return f"{fmt_number(100.0 * x, 0, lang)}%"


def _p(p: float, lang: str) -> str:
    if not np.isfinite(p):
        return "p tidak terdefinisi" if lang == "id" else "p undefined"
    if p < 0.001:
        return f"p < {fmt_number(0.001, 3, lang)}"
    return f"p = {fmt_number(p, 3, lang)}"


def _ci(lo: float, hi: float, lang: str) -> str:
    word = "sampai" if lang == "id" else "to"
    return f"{_pct(lo, lang)} {word} {_pct(hi, lang)}"


def strength(effect: float) -> tuple[str, str]:
    """Words (id, en) for the size of a relative burden change, from :data:`STRENGTH`."""
    size = abs(effect) if np.isfinite(effect) else 0.0
    for bound, word_id, word_en in STRENGTH:
        if size < bound:
            return word_id, word_en
    return STRENGTH[-1][1], STRENGTH[-1][2]


def verdict_sentences(s: Mapping[str, Any], lang: str, subject: str = "") -> list[str]:
    """Sentences for one verdict of :func:`oslsim.analysis.summarise_hypothesis`.

    Which sentence is said, and every number in it, comes from ``s``: the verdict, the
    effect at the highest dose and its interval, the trend test and the saturation dose.
    ``subject`` (e.g. "Baseline") starts the first sentence.
    """
    if lang not in ("id", "en"):
        raise ValueError(f"lang must be 'id' or 'en', got {lang!r}")
    v, eff, lo, hi = s["verdict"], s["effect"], s["effect_lo"], s["effect_hi"]
    top, p = _dose(s["max_dose"], lang), _p(s["jt_p"], lang)
    ci = _ci(lo, hi, lang)
    word_id, word_en = strength(eff)
    head = f"{subject}: " if subject else ""
    out: list[str] = []
    if lang == "id":
        if v == "supported":
            out.append(f"{head}model mendukung hipotesis. Dari tanpa WKSBM sampai cakupan "
                       f"WKSBM {top}, beban warga turun {_pct(eff, lang)} (selang kepercayaan "
                       f"95%: {ci}); efeknya {word_id} (uji tren {p}).")
        elif v == "reversed":
            out.append(f"{head}model membantah hipotesis: makin luas cakupan WKSBM, beban warga "
                       f"justru naik {_pct(-eff, lang)} pada cakupan WKSBM {top} "
                       f"(selang 95% perubahan: {_ci(-hi, -lo, lang)}; uji tren {p}).")
        elif v == "no_effect":
            out.append(f"{head}model tidak menemukan pengaruh cakupan WKSBM pada beban warga: "
                       f"perubahan beban pada cakupan WKSBM {top} dibanding tanpa WKSBM "
                       f"kecil dan tidak pasti, {_spct(-eff, lang)} (selang 95%: "
                       f"{_spct(-hi, lang)} sampai {_spct(-lo, lang)}, mencakup nol; uji tren "
                       f"{p}).")
        else:
            out.append(f"{head}hasilnya campuran. " + _mixed(s, lang))
    else:
        if v == "supported":
            out.append(f"{head}the model supports the hypothesis. From no WKSBM to WKSBM "
                       f"coverage {top} the burden falls by {_pct(eff, lang)} (95% "
                       f"confidence interval {ci}); a {word_en} effect (trend test {p}).")
        elif v == "reversed":
            out.append(f"{head}the model contradicts the hypothesis: with more WKSBM coverage the "
                       f"burden rises, by {_pct(-eff, lang)} at WKSBM coverage {top} "
                       f"(95% interval of the change {_ci(-hi, -lo, lang)}; trend "
                       f"test {p}).")
        elif v == "no_effect":
            out.append(f"{head}the model finds no effect of WKSBM coverage on the burden: "
                       f"the change in burden from no WKSBM to coverage {top} is "
                       f"small and uncertain, {_spct(-eff, lang)} (95% interval "
                       f"{_spct(-hi, lang)} to {_spct(-lo, lang)}, which includes zero; trend "
                       f"test {p}).")
        else:
            out.append(f"{head}the result is mixed. " + _mixed(s, lang))
    if v == "supported":
        out.append(_saturation(s, lang))
    return out


def _mixed(s: Mapping[str, Any], lang: str) -> str:
    c = s["criteria"]
    eff, top = s["effect"], _dose(s["max_dose"], lang)
    ci = _ci(s["effect_lo"], s["effect_hi"], lang)
    p = _p(s["jt_p"], lang)
    if c["trend_decreasing"]:
        if lang == "id":
            return (f"Beban warga memang cenderung turun dengan makin luas cakupan WKSBM ({p}), "
                    f"tetapi penurunan pada cakupan WKSBM {top} ({_pct(eff, lang)}, "
                    f"selang 95%: {ci}) terlalu kecil atau terlalu tidak pasti untuk dihitung "
                    f"sebagai dukungan (batas: {_pct(s['min_effect'], lang)}).")
        return (f"The burden does tend to fall with more WKSBM coverage ({p}), but the "
                f"reduction at WKSBM coverage {top} ({_pct(eff, lang)}, 95% interval {ci}) is "
                f"too small or too uncertain to count as support (threshold "
                f"{_pct(s['min_effect'], lang)}).")
    if eff > 0:
        if lang == "id":
            return (f"Tidak ada tren yang konsisten ({p}), tetapi pada cakupan WKSBM {top} "
                    f"beban warga {_pct(eff, lang)} lebih rendah daripada tanpa WKSBM "
                    f"(selang 95%: {ci}): manfaatnya tidak naik seiring cakupan WKSBM.")
        return (f"There is no steady trend ({p}), yet at WKSBM coverage {top} "
                f"the burden is {_pct(eff, lang)} lower than with none (95% interval {ci}): "
                f"the benefit does not grow with WKSBM coverage.")
    if lang == "id":
        return (f"Tidak ada tren yang konsisten ({p}), tetapi pada cakupan WKSBM {top} "
                f"beban warga {_pct(-eff, lang)} lebih tinggi daripada tanpa WKSBM (selang "
                f"95% perubahan: {_ci(-s['effect_hi'], -s['effect_lo'], lang)}).")
    return (f"There is no steady trend ({p}), yet at WKSBM coverage {top} the "
            f"burden is {_pct(-eff, lang)} higher than with none (95% interval of the change "
            f"{_ci(-s['effect_hi'], -s['effect_lo'], lang)}).")


def _saturation(s: Mapping[str, Any], lang: str) -> str:
    sat, top = s["saturation_dose"], s["max_dose"]
    if sat is None:
        return ("Beban warga masih terus turun pada cakupan WKSBM tertinggi yang diuji."
                if lang == "id" else
                "The burden was still falling at the highest WKSBM coverage tested.")
    if sat <= 0 or sat >= top:
        return ""
    if lang == "id":
        return (f"Manfaatnya jenuh: di atas cakupan WKSBM sekitar {_dose(sat, lang)}, "
                "tambahan cakupan tidak lagi jelas meringankan beban.")
    return (f"The benefit saturates: beyond a WKSBM coverage of about {_dose(sat, lang)}, "
            "more coverage no longer clearly lightens the burden.")


_VERDICT_WORD = {
    "supported": ("mendukung", "supports"), "reversed": ("membantah", "contradicts"),
    "no_effect": ("tanpa efek", "no effect"), "mixed": ("campuran", "mixed"),
}


_SITE_VERDICT = {
    "supported": ("model mendukung hipotesis", "the model supports the hypothesis"),
    "reversed": ("model membantah hipotesis", "the model contradicts the hypothesis"),
    "no_effect": ("model tidak menemukan pengaruh", "the model finds no effect"),
    "mixed": ("hasilnya campuran", "the result is mixed"),
}


def _site_name(site: str) -> str:
    return str(site).replace("_", " ").title()


def headline(a: HypothesisAnalysis, lang: str) -> list[str]:
    """The report's opening paragraph: the verdict, how strong, where it does not hold."""
    ref = a.reference
    s = a.summaries[ref]
    out = verdict_sentences(s, lang)
    out[0] = out[0][0].upper() + out[0][1:]
    sites = {site: ss for (c, site), ss in a.site_summaries.items() if c == ref}
    if sites:
        out.append(_sites_sentence(sites, s["verdict"], lang))
    others = [(c, x) for c, x in a.summaries.items() if c != ref]
    if others:
        out.append(_conditions_sentence(a, others, s["verdict"], lang))
        out.append(_weaker_sentence(a, others, s, lang))
    null = a.summaries.get(COORDINATION_NULL)
    if null is not None and ref != COORDINATION_NULL:
        out.append(_null_sentence(null, s, lang))
    label = a.summaries.get(LABEL_ONLY)
    if label is not None and ref != LABEL_ONLY:
        out.append(_label_sentence(label, lang))
    return [x for x in out if x]


def _join(items: list[str], lang: str) -> str:
    word = " dan " if lang == "id" else " and "
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + word + items[-1]


def _sites_sentence(sites: Mapping[str, Mapping[str, Any]], ref_verdict: str, lang: str) -> str:
    agree = [_site_name(k) for k, v in sites.items() if v["verdict"] == ref_verdict]
    differ = [(k, v) for k, v in sites.items() if v["verdict"] != ref_verdict]
    best = max(sites.items(), key=lambda kv: kv[1]["effect"])
    worst = min(sites.items(), key=lambda kv: kv[1]["effect"])
    if lang == "id":
        if not differ:
            text = f"Hasil yang sama muncul di keempat lokasi ({_join(agree, lang)})."
            if len(sites) != 4:
                text = f"Hasil yang sama muncul di semua lokasi ({_join(agree, lang)})."
        else:
            parts = [f"di {_site_name(k)} {_SITE_VERDICT[v['verdict']][0]}" for k, v in differ]
            text = (f"Tidak semua lokasi sama: {'; '.join(parts)}"
                    + (f"; {_join(agree, lang)} sama dengan hasil gabungan." if agree else "."))
        if len(sites) < 2:
            return text
        return (text + f" Pada cakupan WKSBM {_dose(best[1]['max_dose'], lang)}, hasil "
                f"terbaik di {_site_name(best[0])} (beban {_change(best[1]['effect'], lang)}), "
                f"terburuk di {_site_name(worst[0])} (beban "
                f"{_change(worst[1]['effect'], lang)}).")
    if not differ:
        text = f"The same holds at every site ({_join(agree, lang)})."
    else:
        parts = [f"at {_site_name(k)} {_SITE_VERDICT[v['verdict']][1]}" for k, v in differ]
        verb = "matches" if len(agree) == 1 else "match"
        text = (f"Not every site agrees: {'; '.join(parts)}"
                + (f"; {_join(agree, lang)} {verb} the pooled result." if agree else "."))
    if len(sites) < 2:
        return text
    return (text + f" At WKSBM coverage {_dose(best[1]['max_dose'], lang)} the "
            f"best result is at {_site_name(best[0])} (burden "
            f"{_change(best[1]['effect'], lang)}), the worst at {_site_name(worst[0])} (burden "
            f"{_change(worst[1]['effect'], lang)}).")


def _conditions_sentence(a: HypothesisAnalysis, others: list[tuple[str, Mapping[str, Any]]],
                         ref_verdict: str, lang: str) -> str:
    holds = [c for c, s in others if s["verdict"] == "supported"]
    fails = [c for c, s in others if s["verdict"] != "supported" and c not in CONTROLS]
    i = 0 if lang == "id" else 1

    def name(c: str) -> str:
        lab = a.labels[c]
        return (lab.label_id if lang == "id" else lab.label_en).lower()

    if ref_verdict == "supported":
        if not fails:
            return ("Hipotesis tetap berlaku di semua uji mekanisme." if lang == "id" else
                    "The hypothesis holds under every mechanism check.")
        parts = [f"{name(c)} ({_VERDICT_WORD[a.summaries[c]['verdict']][i]})" for c in fails]
        if lang == "id":
            return f"Hipotesis tidak berlaku pada kondisi: {_join(parts, lang)}."
        return f"The hypothesis does not hold under: {_join(parts, lang)}."
    if not holds:
        return ("Tidak ada uji mekanisme yang mendukung hipotesis." if lang == "id" else
                "No mechanism check supports the hypothesis either.")
    if lang == "id":
        return f"Hipotesis hanya didukung pada kondisi: {_join([name(c) for c in holds], lang)}."
    return f"The hypothesis is supported only under: {_join([name(c) for c in holds], lang)}."


def _weaker_sentence(a: HypothesisAnalysis, others: list[tuple[str, Mapping[str, Any]]],
                     ref: Mapping[str, Any], lang: str) -> str:
    """Supported conditions whose effect is clearly (non-overlapping 95% CIs) below the ref."""
    if ref["verdict"] != "supported":
        return ""
    weaker = [(c, x) for c, x in others if c not in CONTROLS and x["verdict"] == "supported"
              and x["effect_hi"] < ref["effect_lo"]]
    if not weaker:
        return ""

    def item(c: str, x: Mapping[str, Any]) -> str:
        lab = a.labels[c]
        name = (lab.label_id if lang == "id" else lab.label_en).lower()
        return f"{name} ({_pct(x['effect'], lang)})"

    parts = _join([item(c, x) for c, x in weaker], lang)
    if lang == "id":
        return (f"Hipotesis tetap berlaku tetapi jelas lebih lemah (penurunan beban, dibanding "
                f"{_pct(ref['effect'], lang)} pada kondisi dasar) pada: {parts}.")
    return (f"It still holds but clearly more weakly (burden reduction, against "
            f"{_pct(ref['effect'], lang)} in the baseline) under: {parts}.")


def _null_sentence(null: Mapping[str, Any], ref: Mapping[str, Any], lang: str) -> str:
    """The coordination null: the label, the money and the people without the forum's work."""
    ci = f"{_spct(-null['effect_hi'], lang)} {'sampai' if lang == 'id' else 'to'} " \
         f"{_spct(-null['effect_lo'], lang)}"
    change = _spct(-null["effect"], lang)
    if null["verdict"] == "no_effect":
        if ref["verdict"] == "no_effect":
            return ("Kontrol nol koordinasi (label WKSBM tanpa kerja forum) juga tidak "
                    f"menunjukkan pengaruh ({change}; selang 95%: {ci})." if lang == "id" else
                    "The coordination null (the WKSBM label without forum work) shows no "
                    f"effect either ({change}; 95% interval {ci}).")
        return ("Kontrol nol koordinasi lolos: dengan label WKSBM, uang dan orang yang sama "
                f"tetapi tanpa kerja forum, cakupan tidak mengubah beban warga ({change}; "
                f"selang 95%: {ci}, mencakup nol). Efek di atas berasal dari koordinasi forum "
                "(data kasus bersama, penjangkauan, dana bersama, rujukan), bukan dari label."
                if lang == "id" else
                "The coordination null passes: with the WKSBM label, the same money and the "
                f"same people but no forum work, coverage does not change the burden ({change}; "
                f"95% interval {ci}, which includes zero). The effect above comes from the "
                "forum's coordination (shared case data, outreach, pooled funds, referral), not "
                "from the label.")
    word = _VERDICT_WORD[null["verdict"]][0 if lang == "id" else 1]
    return (f"Perhatian: kontrol nol koordinasi (label WKSBM tanpa kerja forum) tetap "
            f"menunjukkan pengaruh ({word}: {change}; selang 95%: {ci}). Label itu sendiri "
            "memberi sesuatu lewat jalur yang tidak dimatikan kontrol ini; baca hasil dengan "
            "hati-hati." if lang == "id" else
            f"Caution: the coordination null (the WKSBM label without forum work) still shows "
            f"an effect ({word}: {change}; 95% interval {ci}). The label itself gives "
            "something through a channel this control does not remove; read the results with "
            "care.")


def _label_sentence(label: Mapping[str, Any], lang: str) -> str:
    """The label's government priorities alone: grants and Diklat first, no forum work."""
    ci = f"{_spct(-label['effect_hi'], lang)} {'sampai' if lang == 'id' else 'to'} " \
         f"{_spct(-label['effect_lo'], lang)}"
    change = _spct(-label["effect"], lang)
    if label["verdict"] == "no_effect":
        return ("Prioritas hibah dan diklat bagi WKSBM tanpa kerja forum (label saja) tidak "
                f"mengubah beban warga ({change}; selang 95%: {ci})." if lang == "id" else
                "The WKSBM's grant and training priority without forum work (label only) does "
                f"not change the burden ({change}; 95% interval {ci}).")
    word = _VERDICT_WORD[label["verdict"]][0 if lang == "id" else 1]
    return ("Prioritas hibah dan diklat bagi WKSBM tanpa kerja forum (label saja) mengubah "
            f"beban warga ({word}: {change}; selang 95%: {ci}): anggaran hibah dan diklat yang "
            "sama, dipindahkan ke kelompok berlabel." if lang == "id" else
            "The WKSBM's grant and training priority without forum work (label only) changes "
            f"the burden ({word}: {change}; 95% interval {ci}): the same grant and training "
            "budget, moved towards the labelled groups.")


def condition_sentences(a: HypothesisAnalysis, lang: str) -> list[str]:
    """One line per condition: what was switched off and what the numbers say."""
    out = []
    for c, s in a.summaries.items():
        lab = a.labels[c]
        label = lab.label_id if lang == "id" else lab.label_en
        what = lab.what_id if lang == "id" else lab.what_en
        subject = f"**{label}** ({what})" if what else f"**{label}**"
        text = " ".join(verdict_sentences(s, lang, subject)).strip()
        drift = _drift_sentence(a, c, lang)
        out.append(f"{text} {drift}".strip())
    return out


def _drift_sentence(a: HypothesisAnalysis, cond: str, lang: str) -> str:
    dr = a.dose_response[a.dose_response["condition"] == cond]
    if "realised_dose" not in dr.columns or dr["realised_dose"].isna().all():
        return ""
    far = dr[(dr["realised_dose"] - dr["dose"]).abs() > DOSE_DRIFT]
    if far.empty:
        return ""
    pairs = [f"{_dose(r.dose, lang)} → {_dose(r.realised_dose, lang)}"
             for r in far.itertuples()]
    if lang == "id":
        return ("Cakupan WKSBM yang benar-benar terwujud berbeda dari rancangan (rancangan → "
                f"bagian KK yang tercakup, rata-rata 12 bulan terakhir: {'; '.join(pairs)}); "
                "sebagian karena jumlah RW yang kecil, sebagian karena WKSBM bubar.")
    return ("The WKSBM coverage actually reached differed from the design (design → share of "
            f"households covered, mean of the last 12 months: {'; '.join(pairs)}); partly "
            "because a site has few RW, partly because WKSBM dissolved.")


def sensitivity_sentences(sens: Mapping[str, Any] | None, lang: str) -> list[str]:
    """What the size of the effect depends on, from the Sobol indices."""
    if sens is None:
        return []
    if not sens.get("complete"):
        return [("Analisis sensitivitas tidak lengkap ({points} dari {expected} titik); "
                 "jalankan ulang dengan --resume." if lang == "id" else
                 "The sensitivity analysis is incomplete ({points} of {expected} points); run "
                 "again with --resume.").format(**sens)]
    table = sens["table"].sort_values("ST", ascending=False)
    i = 0 if lang == "id" else 1
    names = [PARAM_LABELS.get(p, (p, p))[i] for p in table.index]
    st = table["ST"].to_numpy()
    conf = table["ST_conf"].to_numpy()
    clear = [k for k in range(len(st)) if st[k] - conf[k] > 0.0]
    top = [f"{names[k]} (ST = {fmt_number(st[k], 2, lang)})" for k in clear[:2]]
    weak = [names[k] for k in range(len(st)) if k not in clear]
    out = []
    if not top:
        return [("Besar efek WKSBM (beban pada cakupan {hi} vs {lo}; rata-rata "
                 "{m}) tidak dapat dikaitkan dengan parameter mana pun pada ukuran sampel ini: "
                 "semua selang indeks Sobol mencakup nol." if lang == "id" else
                 "At this sample size the size of the WKSBM effect (burden at coverage {hi} vs "
                 "{lo}; on average {m}) cannot be tied to any parameter: every "
                 "Sobol index's interval includes zero.").format(
            hi=_dose(sens["dose_high"], lang), lo=_dose(sens["dose_low"], lang),
            m=_pct(sens["effect_mean"], lang))]
    if lang == "id":
        out.append(f"Besar efek WKSBM (beban pada cakupan {_dose(sens['dose_high'], lang)} "
                   f"vs {_dose(sens['dose_low'], lang)}; rata-rata "
                   f"{_pct(sens['effect_mean'], lang)}) paling bergantung pada "
                   f"{_join(top, lang)}.")
        if sens["sum_s1"] <= 1.0 + OVERSHOOT:
            out.append(f"Pengaruh tunggal semua parameter bersama menjelaskan "
                       f"{_pct(min(sens['sum_s1'], 1.0), lang)} ragam efek; sisanya berasal "
                       "dari interaksi antarparameter dan dari keacakan model.")
        else:
            out.append(f"Jumlah indeks orde pertama ({_pct(sens['sum_s1'], lang)}) melebihi "
                       "100%: tanda galat taksiran pada ukuran sampel ini.")
        if sens["samples"] < SMALL_SOBOL:
            out.append(f"Dengan hanya {sens['samples']} sampel dasar, indeks ini hanya sketsa "
                       "kasar; run penuh memakai sampel yang jauh lebih besar.")
        if weak:
            out.append(f"Pengaruh {_join(weak, lang)} tidak terbedakan dari nol pada ukuran "
                       "sampel ini.")
    else:
        out.append(f"The size of the WKSBM effect (burden at coverage "
                   f"{_dose(sens['dose_high'], lang)} vs {_dose(sens['dose_low'], lang)}; on "
                   f"average {_pct(sens['effect_mean'], lang)}) depends most on "
                   f"{_join(top, lang)}.")
        if sens["sum_s1"] <= 1.0 + OVERSHOOT:
            out.append(f"The parameters' effects alone explain "
                       f"{_pct(min(sens['sum_s1'], 1.0), lang)} of the effect's variation; the "
                       "rest comes from interactions between them and from the model's "
                       "randomness.")
        else:
            out.append(f"The first-order indices add up to {_pct(sens['sum_s1'], lang)}, more "
                       "than 100%: a sign of estimation error at this sample size.")
        if sens["samples"] < SMALL_SOBOL:
            out.append(f"With only {sens['samples']} base samples these indices are a rough "
                       "sketch; the full run uses a much larger sample.")
        if weak:
            out.append(f"The influence of {_join(weak, lang)} cannot be told apart from zero "
                       "at this sample size.")
    return out




def stationarity_sentence(a: HypothesisAnalysis, lang: str) -> str:
    """Whether the measured period is stationary at coverage 0 (the warm start worked)."""
    st = a.stationarity
    if not st:
        return ""
    warm = a.meta.get("warmup")
    slope = _spct(st["slope_per_year"], lang)
    first = fmt_number(st["first_year"], 4, lang)
    last = fmt_number(st["last_year"], 4, lang)
    tol = _pct(st["tolerance"], lang)
    if lang == "id":
        start = ("Setiap run mulai hangat: dijalankan dulu tanpa WKSBM sampai beban warga "
                 "stabil, baru cakupan WKSBM diterapkan. " if warm else
                 "Run ini mulai dingin (tanpa pemanasan). ")
        if st["stationary"]:
            return (start + f"Pada cakupan 0, beban selama periode yang diukur stabil: "
                    f"{first} di tahun pertama, {last} di tahun terakhir ({slope} per tahun, "
                    f"dalam batas {tol}).")
        return (start + f"Perhatian: pada cakupan 0, beban selama periode yang diukur belum "
                f"stabil ({first} di tahun pertama, {last} di tahun terakhir, {slope} per "
                f"tahun, di luar batas {tol}); sebagian perubahan adalah pemanasan, bukan efek.")
    start = ("Every run starts warm: it first runs without WKSBM until the burden is "
             "stationary, then the WKSBM coverage is applied. " if warm else
             "These runs start cold (no warm start). ")
    if st["stationary"]:
        return (start + f"At coverage 0 the burden over the measured period is stationary: "
                f"{first} in the first year, {last} in the last ({slope} a year, within "
                f"{tol}).")
    return (start + f"Caution: at coverage 0 the burden over the measured period is not "
            f"stationary ({first} in the first year, {last} in the last, {slope} a year, "
            f"beyond {tol}); part of any change is warm-up, not effect.")


def overlap_sentence(a: HypothesisAnalysis, lang: str) -> str:
    """What a second and third WKSBM in each RW do at full coverage, from the numbers."""
    tab = a.overlap
    if tab is None or len(tab) < 2:
        return ""
    base = tab.iloc[0]
    parts = []
    for row in tab.iloc[1:].itertuples():
        k = fmt_number(row.per_rw, 0, lang)
        ci = _ci(row.effect_lo, row.effect_hi, lang)
        clear = row.effect_lo > 0 or row.effect_hi < 0
        if lang == "id":
            what = _change(row.effect, lang) if clear else "tidak jelas berubah"
            parts.append(f"{k} WKSBM per RW: beban {what} (selang 95%: {ci})")
        else:
            what = _change(row.effect, lang) if clear else "no clear change"
            parts.append(f"{k} WKSBM per RW: burden {what} (95% interval {ci})")
    k0 = fmt_number(base.per_rw, 0, lang)
    if lang == "id":
        return (f"Tumpang tindih pada cakupan penuh (dibanding {k0} WKSBM per RW): "
                f"{'; '.join(parts)}.")
    return (f"Overlap at full coverage (against {k0} WKSBM per RW): {'; '.join(parts)}.")


def discovery_sentences(a: HypothesisAnalysis, lang: str) -> list[str]:
    """One sentence per PRIM box (or per answer no region gives), for a trainer."""
    from oslsim.analysis import describe

    if not a.discovery:
        return []
    labels = {p: {"id": i, "en": e} for p, (i, e) in PARAM_LABELS.items()}
    return [describe(box, lang, labels=labels) for box in a.discovery]
