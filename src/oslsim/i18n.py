"""The number formatter: every number a person reads, written the Indonesian or English way.

:func:`fmt_number` is the one place that writes ``1.234,5`` (id) or ``1,234.5`` (en); the
other functions are the styles built on it — a value in its term's format
(:func:`fmt_value`, formats from :mod:`oslsim.terms`), a change with its arrow
(:func:`fmt_change`), rupiah, the compact cells of the logic-model figure and the cells of
the hypothesis report's number tables.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["fmt_cell", "fmt_change", "fmt_compact", "fmt_number", "fmt_rupiah", "fmt_value",
           "rt_rw", "tick_formatter"]


def fmt_number(x: float, decimals: int = 0, lang: str = "id") -> str:
    """Format a number as readers of ``lang`` write it: ``1.234,5`` (id) or ``1,234.5`` (en)."""
    text = f"{x:,.{decimals}f}"
    if lang == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def fmt_rupiah(x: float, lang: str = "id") -> str:
    """Format an amount of rupiah, e.g. ``Rp4.056.586`` (id) or ``Rp4,056,586`` (en)."""
    return "Rp" + fmt_number(x, 0, lang)


def fmt_value(x: float, kind: str, lang: str = "id") -> str:
    """Write one indicator value in its format: percent, index, Rp in millions, count, hours.

    ``kind`` is a term's format (:data:`oslsim.terms.FORMATS`); an unknown one is written as
    an index (two decimals).
    """
    if kind == "share":
        return fmt_number(100 * x, 1, lang) + "%"
    if kind == "burden":
        return fmt_number(x, 3, lang)
    if kind in ("count", "month"):
        return fmt_number(x, 0, lang)
    if kind == "rupiah":
        if abs(x) < 50_000:  # under Rp0,05 jt: the exact amount, "Rp0" rather than "Rp0,0 jt"
            return fmt_rupiah(x, lang)
        unit = " jt" if lang == "id" else " m"
        return "Rp" + fmt_number(x / 1e6, 1, lang) + unit
    if kind == "hours":
        return fmt_number(x, 0, lang) + (" jam" if lang == "id" else " h")
    return fmt_number(x, 2, lang)


def fmt_change(x: float, kind: str, lang: str = "id") -> str:
    """Write a change with its sign and an arrow; shares change in percentage points.

    A change too small to show at the value's precision is written ``≈ 0``.
    """
    if kind == "share":
        pts = " poin persentase" if lang == "id" else " pts"
        body = fmt_number(100 * abs(x), 1, lang) + pts
        zero = fmt_number(0.0, 1, lang) + pts
    else:
        body = fmt_value(abs(x), kind, lang)
        zero = fmt_value(0.0, kind, lang)
    if body == zero:
        return "≈ 0" if x != 0 else "= 0"
    arrow, sign = ("▲", "+") if x > 0 else ("▼", "−")
    return f"{arrow} {sign}{body}"


def rt_rw(rt_number: int, rw_number: int) -> str:
    """An RT within its RW as residents write it: ``RT 04/RW 05`` (both numbered from 1)."""
    return f"RT {int(rt_number):02d}/RW {int(rw_number):02d}"


def tick_formatter(lang: str = "id", decimals: int | None = None, suffix: str = ""):  # noqa: ANN201
    """A matplotlib tick formatter writing numbers the ``lang`` way (``0,05``, ``2.000``).

    ``decimals=None`` uses as few decimals as the tick step needs (at most four).
    """
    from matplotlib.ticker import FuncFormatter

    def fmt(x: float, _pos: int | None = None) -> str:
        if decimals is not None:
            return fmt_number(x, decimals, lang) + suffix
        for d in range(5):
            if abs(x - round(x, d)) < 1e-9 * max(1.0, abs(x)):
                return fmt_number(x, d, lang) + suffix
        return fmt_number(x, 4, lang) + suffix

    return FuncFormatter(fmt)


def fmt_compact(value: float, lang: str = "id") -> str:
    """A short table number: big amounts in miliar/juta (id) or bn/M (en), else 0 or 3 decimals.

    Used by the logic-model figure (:func:`oslsim.plots.logic_model_table`); written with the
    separators of ``lang`` (``152,7 jt`` in Indonesian, ``152.7 M`` in English).
    """
    big = abs(value)
    if big >= 1e9:
        return fmt_number(value / 1e9, 2, lang) + " " + ("M" if lang == "id" else "bn")
    if big >= 1e6:
        return fmt_number(value / 1e6, 1, lang) + " " + ("jt" if lang == "id" else "M")
    if big >= 100 or float(value).is_integer():
        return fmt_number(value, 0, lang)
    return fmt_number(value, 3, lang)


def fmt_cell(x: Any) -> str:
    """A cell of the hypothesis report's number tables (English style; ``–`` for missing)."""
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "–"
    if isinstance(x, (bool, np.bool_)):
        return "yes" if x else "no"
    if isinstance(x, (int, np.integer)):
        return f"{int(x):,}"
    if isinstance(x, (float, np.floating)):
        ax = abs(float(x))
        if float(x).is_integer() and ax < 1e6:
            return f"{int(x):,}"
        if ax >= 100:
            return f"{float(x):,.0f}"
        if ax >= 1:
            return f"{float(x):.1f}"
        return f"{float(x):.3g}"
    return str(x)
