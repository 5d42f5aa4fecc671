"""Helpers shared by the scenario and experiment file checkers (both TOML data files)."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["suggest", "type_name", "flatten", "strip_key", "read_text"]


def suggest(word: str, options: Iterable[str]) -> str:
    """Return ``"; did you mean X?"`` for the closest option, or an empty string."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


def type_name(value: Any) -> str:
    """Name a TOML value's type the way an error message should ("an integer", "a table")."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return f"a {type(value).__name__}"


def flatten(table: Mapping[str, Any], prefix: str = "",
            is_value: Callable[[Mapping[str, Any]], bool] | None = None,
            ) -> Iterable[tuple[str, Any]]:
    """Flatten nested tables into dotted keys; ``is_value`` marks tables kept whole."""
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and not (is_value and is_value(value)):
            yield from flatten(value, path + ".", is_value)
        else:
            yield path, value


def strip_key(key: str, exc: BaseException) -> str:
    """Drop a leading ``name:`` that repeats the key from a parameter error message."""
    msg = " ".join(str(exc).split())
    for prefix in (f"{key}: ", f"{key.rsplit('.', 1)[-1]}: "):
        if msg.startswith(prefix):
            return msg[len(prefix):]
    return msg


def read_text(path: Path, label: str, what: str, error: type[Exception], not_found: str) -> str:
    """Read a UTF-8 data file; any failure becomes one line ``label: …`` of type ``error``."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{label}: file not found; {not_found}") from None
    except IsADirectoryError:
        raise error(f"{label}: is a folder, not {what} (.toml)") from None
    except UnicodeDecodeError as exc:
        raise error(f"{label}: not UTF-8 text ({exc.reason} at byte {exc.start}); save "
                    f"{what} as UTF-8 TOML") from None
    except OSError as exc:
        raise error(f"{label}: cannot be read ({exc.strerror})") from None
