"""The term table: what every outcome and process column is called, and how it is read.

One row per column of a run's monthly table (:data:`oslsim.metrics.OUTCOMES` and
:data:`~oslsim.metrics.PROCESS`, the ``pmks_<code>`` prevalences included): its unit, the
number format it is written in (see :func:`oslsim.i18n.fmt_value`), which direction is
better, and its label and one-line meaning in Bahasa Indonesia and English. The plots, the
teaching page, the hypothesis report and the notebooks all read their indicator names here,
and ``docs/glossary.md`` is checked against it (``tests/test_terms.py``), so a term is
changed in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from oslsim.errors import InputError
from oslsim.pmks import CATEGORIES

__all__ = ["DEFAULT_LANG", "FORMATS", "GLOSSARY_HEADING", "LANGS", "LOWER_IS_BETTER", "NEUTRAL",
           "TERMS", "Term", "better", "check_lang", "glossary_markdown", "label", "meaning",
           "number_format", "term"]

#: Languages of every user-facing text; the first is the default (trainers read Indonesian).
LANGS: tuple[str, ...] = ("id", "en")
DEFAULT_LANG = "id"
#: Number formats a term can have (written by :func:`oslsim.i18n.fmt_value`).
FORMATS = ("share", "index", "burden", "count", "rupiah", "hours", "month")


@dataclass(frozen=True)
class Term:
    """One column of the monthly table: unit, number format, better direction, id/en words.

    ``better`` is ``"lower"`` (a fall is good news, e.g. burden), ``"higher"`` (a rise is), or
    ``None`` for amounts that are neither (money spent, organisations counted).
    """

    column: str
    unit: str
    format: str
    better: str | None
    label_id: str
    label_en: str
    meaning_id: str
    meaning_en: str

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"term {self.column}: format {self.format!r}; use one of "
                             + ", ".join(FORMATS))
        if self.better not in ("lower", "higher", None):
            raise ValueError(f"term {self.column}: better {self.better!r}; use lower, higher "
                             "or None")

    def label(self, lang: str = DEFAULT_LANG) -> str:
        """The column's name in ``lang``, as axes, legends and tables show it."""
        return self.label_id if check_lang(lang) == "id" else self.label_en

    def meaning(self, lang: str = DEFAULT_LANG) -> str:
        """One line saying what the column measures, in ``lang``."""
        return self.meaning_id if check_lang(lang) == "id" else self.meaning_en


def _t(column: str, unit: str, fmt: str, better: str | None, label_id: str, label_en: str,
       meaning_id: str, meaning_en: str) -> Term:
    return Term(column, unit, fmt, better, label_id, label_en, meaning_id, meaning_en)


_ROWS: tuple[Term, ...] = (
    _t("month", "month", "month", None, "Bulan", "Month",
       "Bulan simulasi, mulai dari 0.", "Simulated month, from 0."),
    _t("burden", "severity-weighted cases per household", "burden", "lower",
       "Beban warga", "Burden on residents",
       "Rata-rata per KK dari masalah PMKS aktif yang belum dilayani, ditimbang menurut "
       "beratnya.",
       "Mean per household of active PMKS conditions not being served, weighted by severity."),
    _t("pmks_prevalence", "share of households", "share", "lower",
       "KK dengan masalah PMKS", "Households with a PMKS condition",
       "Bagian KK yang punya sedikitnya satu masalah PMKS aktif.",
       "Share of households with at least one active PMKS condition."),
    _t("poverty_rate", "share of households", "share", "lower",
       "Angka kemiskinan (KK)", "Poverty rate (households)",
       "Bagian KK di bawah garis kemiskinan.",
       "Share of households below the poverty line."),
    _t("poverty_rate_persons", "share of persons", "share", "lower",
       "Angka kemiskinan (jiwa)", "Poverty rate (persons)",
       "Bagian penduduk di bawah garis kemiskinan, seperti BPS menghitungnya.",
       "Share of persons below the poverty line, as BPS counts it."),
    _t("coverage", "share of active cases", "share", "higher",
       "Cakupan pelayanan", "Service coverage",
       "Dari semua kasus PMKS aktif, bagian yang sedang dilayani OSL, kas sosial RT atau "
       "pemerintah.",
       "Of all active PMKS cases, the share being served by an OSL, the RT kas sosial or "
       "government."),
    _t("solidarity", "index 0-1", "index", "higher",
       "Kesetiakawanan", "Solidarity",
       "Rata-rata kesetiakawanan sosial (gotong royong) rumah tangga, 0 sampai 1.",
       "Mean household solidarity (readiness for gotong royong), 0 to 1."),
    _t("bonding_capital", "index 0-1", "index", "higher",
       "Modal sosial pengikat (dalam RT)", "Bonding capital (within RT)",
       "Ikatan antarwarga yang setia kawan di dalam satu RT, 0 sampai 1.",
       "Ties between solidary neighbours within an RT, 0 to 1."),
    _t("bridging_capital", "index 0-1", "index", "higher",
       "Modal sosial penjembatan (lintas RT)", "Bridging capital (across RT)",
       "Ikatan ke warga RT lain lewat keanggotaan OSL bersama, 0 sampai 1.",
       "Ties to residents of other RTs through shared OSL memberships, 0 to 1."),
    _t("linking_capital", "index 0-1", "index", "higher",
       "Modal sosial penghubung (ke pemerintah)", "Linking capital (to government)",
       "Hubungan warga ke pemerintah lewat keanggotaan di OSL yang bekerja sebagai WKSBM, "
       "0 sampai 1.",
       "Residents' tie to government through memberships of OSLs working as WKSBM, 0 to 1."),
    _t("osl_count", "organisations", "count", None,
       "Jumlah OSL", "Organisations (OSL)",
       "OSL yang masih aktif (belum bubar).", "Active organisations (not dissolved)."),
    _t("wksbm_count", "organisations", "count", "higher",
       "OSL yang bekerja sebagai WKSBM", "Organisations working as WKSBM",
       "OSL yang melayani wilayahnya dan bergabung dalam forum WKSBM kelurahan.",
       "Organisations serving their area and taking part in the kelurahan's WKSBM forum."),
    _t("burden_gini", "Gini 0-1", "index", "lower",
       "Ketimpangan beban antarkelurahan (Gini)", "Inequality of burden across kelurahan (Gini)",
       "Koefisien Gini beban warga antarkelurahan/desa di satu wilayah: 0 sama rata, 1 "
       "seluruh beban di satu tempat.",
       "Gini coefficient of burden across the kelurahan/desa of a region: 0 even, 1 all the "
       "burden in one place."),
    _t("burden_max_min", "ratio", "index", "lower",
       "Rasio beban tertinggi/terendah antarkelurahan", "Highest/lowest burden across kelurahan",
       "Beban warga kelurahan/desa yang paling berat dibagi yang paling ringan.",
       "Burden of the heaviest kelurahan/desa divided by that of the lightest."),
    _t("gov_spending", "Rp per month", "rupiah", None,
       "Belanja pemerintah (Rp/bulan)", "Government spending (Rp/month)",
       "Rupiah yang dibelanjakan pemerintah bulan ini: hibah, pelatihan, rujukan.",
       "Rupiah government spent this month: grants, training, referral."),
    _t("funds_raised", "Rp per month", "rupiah", None,
       "Dana dihimpun warga (Rp/bulan)", "Funds raised locally (Rp/month)",
       "Rupiah yang dihimpun warga bulan ini: iuran, jimpitan, kas RT/RW, zakat-infak, "
       "donasi.",
       "Rupiah raised locally this month: dues, jimpitan, kas RT/RW, zakat-infak, donations."),
    _t("funds_pooled", "Rp per month", "rupiah", None,
       "Dana lewat forum WKSBM (Rp/bulan)", "Funds pooled by the WKSBM forum (Rp/month)",
       "Rupiah yang disalurkan lewat forum WKSBM bulan ini.",
       "Rupiah moved through the WKSBM forum this month."),
    _t("volunteer_hours", "hours per month", "hours", None,
       "Jam relawan (jam/bulan)", "Volunteer hours (hours/month)",
       "Jam yang diberikan pengurus dan relawan untuk pelayanan, pertemuan dan penjangkauan.",
       "Hours given to service, meetings and outreach by pengurus and volunteers."),
    _t("coordination_hours", "hours per month", "hours", None,
       "Jam kerja forum (jam/bulan)", "Forum coordination hours (hours/month)",
       "Jam yang dipakai untuk kerja forum WKSBM: rapat, pelaporan, rujukan.",
       "Hours spent on WKSBM forum work: meetings, reporting, referral."),
    _t("membership_rate", "share of households", "share", "higher",
       "KK yang menjadi anggota OSL", "Households in an OSL",
       "Bagian KK yang menjadi anggota sedikitnya satu OSL.",
       "Share of households that belong to at least one OSL."),
    _t("attendance_rate", "share of memberships", "share", "higher",
       "Kehadiran pertemuan", "Meeting attendance",
       "Bagian anggota yang hadir dalam pertemuan rutin bulan ini.",
       "Share of memberships that attended this month's routine meeting."),
    _t("capacity_mean", "index 0-1", "index", "higher",
       "Kemampuan pengurus (rata-rata)", "Pengurus skill (mean)",
       "Keterampilan rata-rata pengurus OSL yang aktif, 0 sampai 1.",
       "Mean skill of the active OSLs' pengurus, 0 to 1."),
    _t("accountability_mean", "index 0-1", "index", "higher",
       "Akuntabilitas (rata-rata)", "Accountability (mean)",
       "Tertib administrasi dan keuangan rata-rata OSL yang aktif, 0 sampai 1.",
       "Mean orderliness of the active OSLs' administration and books, 0 to 1."),
    _t("treasury_total", "Rp", "rupiah", None,
       "Kas seluruh OSL (Rp)", "All OSL treasuries (Rp)",
       "Jumlah uang kas semua OSL yang aktif.", "Money held by all active OSLs."),
    _t("identified_share", "share of active cases", "share", "higher",
       "Kasus teridentifikasi", "Cases identified",
       "Dari semua kasus PMKS aktif, bagian yang sudah ditemukan pengurus atau forum (belum "
       "tentu dilayani).",
       "Of all active PMKS cases, the share found by a pengurus or the forum (served or not)."),
    _t("referrals", "cases per month", "count", None,
       "Rujukan (kasus bulan ini)", "Referrals (cases this month)",
       "Kasus yang bulan ini diteruskan ke anggota WKSBM lain atau ke pemerintah.",
       "Cases passed on this month to another WKSBM member or to government."),
    _t("gov_spending_total", "Rp", "rupiah", None,
       "Belanja pemerintah sejak awal (Rp)", "Government spending to date (Rp)",
       "Rupiah yang dibelanjakan pemerintah sejak bulan 0.",
       "Rupiah government has spent since month 0."),
    _t("rt_fund_total", "Rp", "rupiah", None,
       "Kas sosial RT (Rp)", "RT kas sosial (Rp)",
       "Uang jimpitan dan sumbangan yang ada di kas sosial semua RT.",
       "Jimpitan and donations held in all the RTs' kas sosial."),
    _t("wksbm_coverage", "share of households", "share", None,
       "Cakupan WKSBM", "WKSBM coverage",
       "Bagian KK yang tinggal di wilayah yang dilayani WKSBM (dosis yang terwujud).",
       "Share of households living in an area a WKSBM serves (the realised dose)."),
    *(_t(f"pmks_{c.code}", "share of households", "share", "lower", c.name_id, c.name_en,
         f"Bagian KK dengan kondisi ini: {c.name_id.lower()}.",
         f"Share of households with this condition: {c.name_en.lower()}.")
      for c in CATEGORIES),
)

#: The table: column -> :class:`Term`.
TERMS: dict[str, Term] = {t.column: t for t in _ROWS}
#: Columns whose fall is good news, and those shown without a judgement.
LOWER_IS_BETTER = frozenset(c for c, t in TERMS.items() if t.better == "lower")
NEUTRAL = frozenset(c for c, t in TERMS.items() if t.better is None)


def check_lang(lang: str) -> str:
    """Return ``lang`` if oslsim speaks it, else raise a one-line error naming the choices."""
    if lang not in LANGS:
        raise InputError(f"lang: {lang!r} is not allowed; use one of {', '.join(LANGS)}")
    return lang


def term(column: str) -> Term:
    """The term of ``column``; ``KeyError`` naming the column when the table has none."""
    try:
        return TERMS[column]
    except KeyError:
        raise KeyError(f"no term for column {column!r}; add it to oslsim.terms") from None


def label(column: str, lang: str = DEFAULT_LANG) -> str:
    """The name of ``column`` in ``lang`` (the column itself when the table has no term)."""
    check_lang(lang)
    found = TERMS.get(column)
    return found.label(lang) if found else column


def meaning(column: str, lang: str = DEFAULT_LANG) -> str:
    """One line saying what ``column`` measures, in ``lang``."""
    return term(column).meaning(lang)


def number_format(column: str) -> str:
    """How the values of ``column`` are written (one of :data:`FORMATS`); index if unknown."""
    found = TERMS.get(column)
    return found.format if found else "index"


def better(column: str) -> str | None:
    """``"lower"``, ``"higher"`` or ``None``: which direction of change is good news."""
    found = TERMS.get(column)
    return found.better if found else None


#: Heading of the glossary section rendered from this table (docs/glossary.md).
GLOSSARY_HEADING = "## Indikator model / Model indicators"


def glossary_markdown() -> str:
    """The indicator section of ``docs/glossary.md``, rendered from :data:`TERMS`.

    ``tests/test_terms.py`` checks that the glossary holds exactly this text; after changing a
    term, paste the output of ``python -c "from oslsim.terms import glossary_markdown as g;
    print(g())"`` over the section.
    """
    lines = [
        GLOSSARY_HEADING,
        "",
        "Dibuat dari tabel istilah `oslsim.terms`, yang juga dibaca grafik, halaman pelatihan "
        "dan laporan hipotesis; ubah istilah di sana. Generated from the term table "
        "`oslsim.terms`, which the plots, the teaching page and the hypothesis report read "
        "too; change a term there.",
        "",
        "| istilah / term | kepanjangan / in full | arti (Bahasa Indonesia) | meaning (English) "
        "| di model / in the model |",
        "|---|---|---|---|---|",
    ]
    for t in TERMS.values():
        if t.column == "month" or (t.column.startswith("pmks_") and t.column != "pmks_prevalence"):
            continue  # the month needs no gloss; the ten PMKS categories have their own rows
        better_text = {"lower": "; lower is better", "higher": "; higher is better",
                       None: ""}[t.better]
        lines.append(f"| {t.label_id} | — | {t.meaning_id} | {t.label_en}: {t.meaning_en} | "
                     f"`{t.column}` ({t.unit}{better_text}) |")
    return "\n".join(lines) + "\n"
