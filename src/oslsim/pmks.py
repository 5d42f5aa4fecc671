"""The study's ten PMKS categories and the kinds of OSL that can serve them.

The study (section IV.4) lists the social-welfare problems the OSL identify and serve:
anak putus sekolah, lansia miskin, korban kekerasan, anak terlantar, keluarga miskin,
korban narkoba / HIV-AIDS, keluarga bermasalah, keluarga (penyandang) cacat, anak jalanan
and kenakalan anak. Their numbers (onset, recovery, severity, cost) live in
:class:`oslsim.params.PmksParams`; this module holds only their structure.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from oslsim.params import Params

__all__ = ["Category", "CATEGORIES", "CODES", "KINDS", "KIND_NAMES", "ELIGIBILITY",
           "serve_matrix", "code_index", "CategoryVectors", "category_vectors", "severity_sum"]

#: Kinds of OSL (study IV.1); the order is the integer code stored in the arrays.
KINDS: tuple[str, ...] = (
    "majelis_taklim", "arisan", "pkk", "paguyuban", "karang_taruna", "kube",
    "kesenian_olahraga", "adat",
)

#: Indonesian and English names of each kind, for tables and the dashboard.
KIND_NAMES: dict[str, tuple[str, str]] = {
    "majelis_taklim": ("Majelis taklim / pengajian", "Islamic study group"),
    "arisan": ("Kelompok arisan", "Rotating savings group"),
    "pkk": ("PKK / dasawisma", "Family welfare movement (PKK)"),
    "paguyuban": ("Paguyuban / ikatan keluarga-kesukuan", "Kin or ethnic association"),
    "karang_taruna": ("Karang taruna", "Youth organisation"),
    "kube": ("KUBE", "Joint business group (KUBE)"),
    "kesenian_olahraga": ("Kelompok kesenian / olahraga", "Arts or sports group"),
    "adat": ("Lembaga adat", "Customary (adat) association"),
}

#: Who is eligible: which household-composition flag a category needs (None: anyone).
ELIGIBILITY = ("any", "children", "school_age", "elderly", "disability")


@dataclass(frozen=True)
class Category:
    """One PMKS category: its code, names, who is eligible and which kinds serve it."""

    code: str
    name_id: str
    name_en: str
    eligible: str
    served_by: tuple[str, ...]


CATEGORIES: tuple[Category, ...] = (
    Category("putus_sekolah", "Anak putus sekolah", "School drop-out", "school_age",
             ("majelis_taklim", "pkk", "karang_taruna")),
    Category("lansia_miskin", "Lansia miskin", "Poor elderly", "elderly",
             ("majelis_taklim", "pkk", "paguyuban", "adat")),
    Category("korban_kekerasan", "Korban kekerasan", "Victim of violence", "any",
             ("pkk", "majelis_taklim")),
    Category("anak_terlantar", "Anak terlantar", "Neglected child", "children",
             ("majelis_taklim", "pkk", "paguyuban")),
    Category("keluarga_miskin", "Keluarga miskin", "Poor family", "any",
             ("majelis_taklim", "arisan", "pkk", "paguyuban", "kube")),
    Category("narkoba_hiv", "Korban narkoba, HIV/AIDS", "Drug use or HIV/AIDS", "any",
             ("karang_taruna", "majelis_taklim")),
    Category("keluarga_bermasalah", "Keluarga bermasalah", "Family in crisis", "any",
             ("majelis_taklim", "pkk", "adat", "paguyuban")),
    Category("keluarga_cacat", "Keluarga penyandang cacat", "Family with a disabled member",
             "disability", ("pkk", "paguyuban", "kube")),
    Category("anak_jalanan", "Anak jalanan (anjal)", "Street child", "children",
             ("karang_taruna", "pkk")),
    Category("kenakalan_anak", "Kenakalan anak", "Juvenile delinquency", "school_age",
             ("karang_taruna", "kesenian_olahraga", "majelis_taklim", "adat")),
)

#: Category codes in array order; outcome columns are ``pmks_<code>``.
CODES: tuple[str, ...] = tuple(c.code for c in CATEGORIES)


def code_index(code: str) -> int:
    """Return the column of a category in the PMKS arrays."""
    try:
        return CODES.index(code)
    except ValueError:
        raise ValueError(
            f"unknown PMKS category {code!r}; use one of {', '.join(CODES)}") from None


def serve_matrix() -> np.ndarray:
    """Return the default (kinds x categories) table: which kind can serve which category.

    These are the defaults of ``params.serves``; a run reads its own table from there.
    """
    m = np.zeros((len(KINDS), len(CATEGORIES)), dtype=bool)
    for k, cat in enumerate(CATEGORIES):
        for kind in cat.served_by:
            m[KINDS.index(kind), k] = True
    return m


@dataclass(frozen=True)
class CategoryVectors:
    """The PMKS parameters as arrays over categories, and who can serve what.

    ``fit`` (kinds x categories) is 1 where the table in ``params.serves`` lists the
    category, ``serves.breadth`` elsewhere; ``serves`` is ``fit > 0``; ``rt_fit`` is the
    RT kas sosial's row.
    """

    onset: np.ndarray
    poverty_ratio: np.ndarray
    recovery: np.ndarray
    nonpoor_recovery_ratio: np.ndarray
    served_recovery: np.ndarray
    severity: np.ndarray
    cost: np.ndarray
    serves: np.ndarray
    fit: np.ndarray
    rt_fit: np.ndarray


@lru_cache(maxsize=64)
def category_vectors(params: Params) -> CategoryVectors:
    """Return the category parameters of ``params`` as numpy arrays (cached per params)."""
    cats = [params.pmks.category(c) for c in CODES]

    def vec(name: str) -> np.ndarray:
        arr = np.array([getattr(c, name) for c in cats], dtype=np.float64)
        arr.flags.writeable = False
        return arr

    table = params.serves

    def fit_of(row: str) -> np.ndarray:
        listed = np.array([getattr(table.row(row), c) for c in CODES], dtype=bool)
        return np.where(listed, 1.0, table.breadth)

    fit = np.array([fit_of(k) for k in KINDS])
    rt_fit = fit_of("kas_rt")
    serves = fit > 0
    for arr in (fit, rt_fit, serves):
        arr.flags.writeable = False
    return CategoryVectors(
        onset=vec("onset"), poverty_ratio=vec("poverty_ratio"), recovery=vec("recovery"),
        nonpoor_recovery_ratio=vec("nonpoor_recovery_ratio"),
        served_recovery=vec("served_recovery"), severity=vec("severity"), cost=vec("cost"),
        serves=serves, fit=fit, rt_fit=rt_fit,
    )


def severity_sum(counts: np.ndarray, severity: np.ndarray) -> np.ndarray:
    """``counts @ severity`` over the last axis, the same to the bit on every machine.

    The categories are added in order, each step rounded once: ``acc = fma(count, severity,
    acc)`` (IEEE 754's fused multiply-add, the exact product plus the running sum), computed
    exactly with fractions. numpy's ``@`` goes to the BLAS, whose kernels differ between CPUs
    (with fused multiply-adds or without) in the last bit, and a burden that differs in the
    last bit can tip an allocation. ``counts`` are whole numbers (cases); a row is a kelurahan.
    """
    c = np.asarray(counts)
    flat = c.reshape(-1, c.shape[-1])
    w = [Fraction(float(x)) for x in np.asarray(severity, np.float64)]
    out = np.empty(flat.shape[0])
    for r, row in enumerate(flat.tolist()):
        acc = 0.0
        for x, y in zip(row, w, strict=True):
            if x:  # fma(0, y, acc) is acc
                acc = float(Fraction(x) * y + Fraction(acc))
        out[r] = acc
    return out.reshape(c.shape[:-1])
