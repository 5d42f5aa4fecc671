"""Small helpers for text read by people: numbers written the Indonesian or English way."""

from __future__ import annotations

__all__ = ["fmt_number", "fmt_rupiah"]


def fmt_number(x: float, decimals: int = 0, lang: str = "id") -> str:
    """Format a number as readers of ``lang`` write it: ``1.234,5`` (id) or ``1,234.5`` (en)."""
    text = f"{x:,.{decimals}f}"
    if lang == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def fmt_rupiah(x: float, lang: str = "id") -> str:
    """Format an amount of rupiah, e.g. ``Rp4.056.586`` (id) or ``Rp4,056,586`` (en)."""
    return "Rp" + fmt_number(x, 0, lang)
