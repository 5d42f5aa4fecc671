"""How a parameter is declared: :func:`param`, :func:`group`, :class:`ParamInfo`, checks.

Every parameter group (the other modules of :mod:`oslsim.params`) is a frozen dataclass of
fields made with :func:`param`; :class:`_Validated` checks each value against its range
when the group is built.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, fields
from typing import Any

ASSUMPTION = "assumption"


def param(
    default: Any,
    unit: str,
    low: float | None = None,
    high: float | None = None,
    source: str = ASSUMPTION,
    doc: str = "",
    choices: tuple[str, ...] | None = None,
) -> Any:
    """Declare one parameter: its default and the metadata rendered into the docs."""
    meta = {"unit": unit, "range": (low, high), "source": source, "doc": doc, "choices": choices}
    return field(default=default, metadata=meta)


def group(factory: Any, doc: str = "") -> Any:
    """Declare a nested parameter group."""
    return field(default_factory=factory, metadata={"group": True, "doc": doc})


@dataclass(frozen=True)
class ParamInfo:
    """What the docs, the CLI and the scenario loader need to know about one parameter."""

    path: str
    default: Any
    unit: str
    low: float | None
    high: float | None
    source: str
    doc: str
    type: type
    choices: tuple[str, ...] | None

    def allowed(self) -> str:
        """Describe the allowed values in a few words, for error messages."""
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.type is bool:
            return "true or false"
        kind = "an integer" if self.type is int else "a number"
        return f"{kind} in [{_fmt(self.low)}, {_fmt(self.high)}]"


def _fmt(x: Any) -> str:
    if isinstance(x, float) and x.is_integer() and abs(x) >= 1000:
        return f"{int(x):,}"
    return f"{x:,}" if isinstance(x, int) and not isinstance(x, bool) else str(x)


class _Validated:
    """Mixin: validate every scalar field against its declared range when built."""

    def __post_init__(self) -> None:
        for f in fields(self):  # type: ignore[arg-type]
            if f.metadata.get("group"):
                continue
            value = getattr(self, f.name)
            _check(f, value, f.name)


def _check(f: dataclasses.Field, value: Any, path: str) -> None:
    kind = type(f.default)
    if kind is bool:
        if not isinstance(value, bool):
            raise ValueError(f"{path}: expected true or false, got {value!r}")
        return
    if kind is str:
        choices = f.metadata.get("choices")
        if not isinstance(value, str) or (choices and value not in choices):
            raise ValueError(f"{path}: {value!r} is not allowed; use one of {', '.join(choices)}")
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{path}: expected a number, got {value!r}")
    if kind is int and not float(value).is_integer():
        raise ValueError(f"{path}: expected an integer, got {value!r}")
    low, high = f.metadata["range"]
    if value != value or (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(
            f"{path}: {value!r} is out of range; allowed {_fmt(low)} to {_fmt(high)}"
            f" ({f.metadata['unit']})"
        )
