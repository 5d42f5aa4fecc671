"""What the scenario and experiment loaders share: reading, parsing and checking TOML data.

Both file types are TOML data, never executed. This one module reads them (regular files
only, at most :data:`MAX_FILE_BYTES`, UTF-8 with or without a byte-order mark), parses them
(nesting at most :data:`MAX_DEPTH` deep), finds the line of a key for error messages, and
checks a parameter override; a fix here lands in both loaders. Every failure is one line.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tomllib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "MAX_DEPTH", "MAX_FILE_BYTES", "MAX_MONTHS", "NAME", "Context", "KeyLines", "check_param",
    "find_param", "flatten", "loads", "read_text", "strip_key", "suggest", "type_name",
]

#: Longest run a scenario or an experiment may ask for (a century of months).
MAX_MONTHS = 1200
#: Largest data file read (bytes). The built-ins are a few kB; a file this size still loads
#: in well under a second, a larger one is refused before it is read.
MAX_FILE_BYTES = 1_000_000
#: Deepest nesting of tables and arrays accepted (the formats need four levels at most).
MAX_DEPTH = 32
#: What a scenario or experiment name may be (it names files and store rows).
NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


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


# --------------------------------------------------------------------------- reading


def read_text(path: Path, label: str, what: str, error: type[Exception], not_found: str) -> str:
    """Read a UTF-8 data file; any failure becomes one line ``label: …`` of type ``error``.

    Only a regular file is opened (a named pipe would block, ``/dev/zero`` never ends), and
    only up to :data:`MAX_FILE_BYTES`; a leading byte-order mark (Windows Notepad) is dropped.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise error(f"{label}: file not found; {not_found}") from None
    except OSError as exc:
        raise error(f"{label}: cannot be read ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise error(f"{label}: is a folder, not {what} (.toml)")
    if not stat.S_ISREG(info.st_mode):
        raise error(f"{label}: is not a regular file (a pipe, socket or device); save {what} "
                    "as a .toml file")
    if info.st_size > MAX_FILE_BYTES:
        raise error(f"{label}: is {info.st_size:,} bytes; {what} may be at most "
                    f"{MAX_FILE_BYTES:,} bytes")
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise error(f"{label}: cannot be read ({exc.strerror})") from None
    if len(data) > MAX_FILE_BYTES:  # grew since stat
        raise error(f"{label}: is over {MAX_FILE_BYTES:,} bytes; {what} may be at most "
                    f"{MAX_FILE_BYTES:,} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{label}: not UTF-8 text ({exc.reason} at byte {exc.start}); save "
                    f"{what} as UTF-8 TOML") from None


def _depth(data: Any) -> int:
    """How deeply tables and arrays nest in parsed TOML (iteratively: no recursion limit)."""
    deepest, stack = 0, [(data, 0)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, Mapping):
            children: Iterable[Any] = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        stack.extend((c, level + 1) for c in children)
    return deepest


def loads(text: str, source: str, error: type[Exception], doc: str) -> dict[str, Any]:
    """Parse TOML text; malformed or too deeply nested text is one line of type ``error``.

    ``doc`` names the page that describes the format (``docs/scenarios.md``).
    """
    text = text.removeprefix("\ufeff")
    too_deep = (f"{source}: tables or arrays nest more than {MAX_DEPTH} deep; see {doc} for "
                "the format")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = " ".join(str(exc).split())
        raise error(f"{source}: not valid TOML: {msg}; see {doc} for the format") from None
    except RecursionError:
        raise error(too_deep) from None
    if _depth(data) > MAX_DEPTH:
        raise error(too_deep)
    return data


# --------------------------------------------------------------------------- where keys are


class KeyLines:
    """Find the line of a key in TOML text (best effort: tables, dotted and quoted keys).

    Keys are tuples of names; quoted names holding dots are split on them (a parameter's
    dotted path may be written as one quoted key). The ``n``-th ``[[array]]`` table is the
    path ``(array, n)``. Each line is read by patterns that cannot backtrack (possessive
    quantifiers), so the index takes time linear in the text whatever it holds.
    """

    _HEADER = re.compile(r"[ \t]*+(\[\[?+)([^\]\n]*+)\]")
    _PART = r"(?:\"[^\"\n]*+\"|'[^'\n]*+'|[A-Za-z0-9_\-]++)"
    _KEY = re.compile(rf"[ \t]*+({_PART}(?:[ \t]*+\.[ \t]*+{_PART})*+)[ \t]*+=")
    _NAMES = re.compile(r"\"([^\"\n]*+)\"|'([^'\n]*+)'|([A-Za-z0-9_\-]++)")

    def __init__(self, text: str | None) -> None:
        self.index: dict[tuple[Any, ...], int] = {}
        table: tuple[Any, ...] = ()
        counts: dict[tuple[str, ...], int] = {}
        for number, line in enumerate((text or "").splitlines(), start=1):
            head = self._HEADER.match(line)
            if head:
                parts = self.split(head.group(2))
                self.index.setdefault(parts, number)
                if head.group(1) == "[[":
                    counts[parts] = counts.get(parts, 0) + 1
                    table = (*parts, counts[parts] - 1)
                else:
                    table = parts
                self.index.setdefault(table, number)
                continue
            key = self._KEY.match(line)
            if key:
                full = (*table, *self.split(key.group(1)))
                for i in range(len(table) + 1, len(full) + 1):
                    self.index.setdefault(full[:i], number)

    @classmethod
    def split(cls, dotted: str) -> tuple[str, ...]:
        """The names of a dotted key as written (``a."b.c"`` -> ``("a", "b", "c")``)."""
        out: list[str] = []
        for a, b, c in cls._NAMES.findall(dotted):
            out.extend((a or b).split(".") if (a or b) else [c])
        return tuple(out)

    def find(self, *key: Any) -> int | None:
        """Return the line where ``key`` (or its nearest parent) is written."""
        while key:
            if key in self.index:
                return self.index[key]
            key = key[:-1]
        return None


class Context:
    """Where a problem is: the file's name and the text's key lines, for one-line errors.

    Parameters
    ----------
    source : str
        The file as messages name it.
    text : str or None
        Its TOML text (for line numbers).
    error : type
        The exception to build (``ScenarioError`` or ``ExperimentError``).
    """

    def __init__(self, source: str, text: str | None, error: type[Exception]) -> None:
        self.source = source
        self.lines = KeyLines(text)
        self.kind = error

    def error(self, where: str, problem: str, *key: Any) -> Exception:
        """The one-line error ``file, line N: where: problem``.

        The line is that of ``key`` (names and array indices), or, without one, of ``where``
        read as a dotted key (``keep.outcomes[2]`` -> ``keep.outcomes``).
        """
        if not key:
            key = tuple(p for p in re.sub(r"\[\d+\]", "", where).split(".") if p)
        line = self.lines.find(*key)
        at = f"{self.source}, line {line}" if line else self.source
        return self.kind(f"{at}: {where}: {' '.join(problem.split())}")


# --------------------------------------------------------------------------- parameters


def head_table(ctx: Context, data: Any, top_keys: Iterable[str], head: str,
               head_keys: Iterable[str], where: Callable[[str], str] | None = None,
               ) -> Mapping[str, Any]:
    """Check a file's tables and its ``[head]`` table's keys; return the head table.

    Unknown tables and keys are one-line errors that list the allowed ones and suggest a
    close match; ``where(key)`` names a key of the head in messages (default ``[head] key``).
    """
    top_keys, head_keys = tuple(top_keys), tuple(head_keys)
    name = where or (lambda key: f"[{head}] {key}")
    if not isinstance(data, Mapping):
        raise ctx.error("(file)", f"expected a table, got {type_name(data)}")
    for key in data:
        if key not in top_keys:
            raise ctx.error(f"[{key}]", f"unknown table; allowed: {', '.join(top_keys)}"
                            f"{suggest(str(key), top_keys)}", key)
    table = data.get(head, {})
    if not isinstance(table, Mapping):
        raise ctx.error(f"[{head}]", f"expected a table, got {type_name(table)}", head)
    for key in table:
        if key not in head_keys:
            raise ctx.error(name(key), f"unknown key; allowed: {', '.join(head_keys)}"
                            f"{suggest(str(key), head_keys)}", head, key)
    return table


def find_param(path: str) -> Any:
    """Return parameter ``path``'s definition (:class:`oslsim.params.ParamInfo`).

    Raises ``ValueError`` without the key (the caller names it): an unknown name with its
    close match, or a group of parameters with an example member.
    """
    from oslsim.params import iter_params, param_info

    try:
        return param_info(path)
    except ValueError as exc:
        members = [i.path for i in iter_params() if i.path.startswith(path + ".")]
        if members:
            raise ValueError(f"is a group of parameters, not a value; set one of its "
                             f"parameters, e.g. {members[0]}") from None
        raise ValueError(strip_key(path, exc)) from None


def check_param(path: str, value: Any) -> Any:
    """Return ``value`` as parameter ``path``'s type, checked against its range.

    Raises ``ValueError`` whose message says what is wrong and what is allowed, without the
    key (the caller names it): see :func:`find_param`, plus a table or array given for one
    value, or a value of the wrong type or out of range.
    """
    from oslsim.params import Params, coerce_value

    info = find_param(path)
    if isinstance(value, (Mapping, list)):
        raise ValueError(f"expected a single value, got {type_name(value)}; allowed "
                         f"{info.allowed()}")
    try:
        coerced = coerce_value(path, value)
        Params().with_overrides({path: coerced})
    except (ValueError, OverflowError) as exc:
        raise ValueError(strip_key(path, exc)) from None
    return coerced
