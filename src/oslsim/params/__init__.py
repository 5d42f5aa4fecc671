"""Every parameter of the model in one frozen dataclass tree.

Each field carries a default, a unit, a plausible range (for validation, sweeps and
sensitivity analysis) and a source or the word "assumption". ``docs/parameters.md`` is
rendered from these definitions by :func:`render_markdown`; a test keeps it in sync.

The package's modules, by what a newcomer looks for:

- :mod:`~oslsim.params._declare`: :func:`param`, :func:`group`, :class:`ParamInfo`, checks;
- :mod:`~oslsim.params.households`: ``community``, ``economy``, ``pmks``;
- :mod:`~oslsim.params.organisations`: ``kinds``, ``organisations``, ``serves``;
- :mod:`~oslsim.params.government`: ``government``;
- :mod:`~oslsim.params.time_funds`: ``time``, ``funds``;
- :mod:`~oslsim.params.solidarity`: ``drift``, ``mutual_aid``;
- this module: the root :class:`Params` and the walk over it (:func:`iter_params`,
  :func:`param_info`, :func:`coerce_value`, :data:`REMOVED`, :func:`render_markdown`).
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

import numpy as np

from oslsim.params._declare import ASSUMPTION, ParamInfo, _fmt, _Validated, group, param
from oslsim.params.government import GovernmentParams
from oslsim.params.households import (
    CategoryParams,
    CommunityParams,
    EconomyParams,
    PmksParams,
)
from oslsim.params.organisations import (
    KAS_RT_SERVES,
    KindParams,
    KindsParams,
    OrganisationParams,
    ServeRow,
    ServesParams,
)
from oslsim.params.solidarity import DriftParams, MutualAidParams
from oslsim.params.time_funds import FundsParams, TimeParams
from oslsim.pmks import CATEGORIES, KINDS

__all__ = [
    "Params",
    "ParamInfo",
    "iter_params",
    "param_info",
    "render_markdown",
    "coerce_value",
    "REMOVED",
    "ASSUMPTION",
    "param",
    "group",
    "CommunityParams",
    "EconomyParams",
    "CategoryParams",
    "PmksParams",
    "KindParams",
    "KindsParams",
    "OrganisationParams",
    "GovernmentParams",
    "TimeParams",
    "FundsParams",
    "ServeRow",
    "KAS_RT_SERVES",
    "ServesParams",
    "DriftParams",
    "MutualAidParams",
]


# --------------------------------------------------------------------------- root


@dataclass(frozen=True)
class Params(_Validated):
    """All parameters of one run: ``oslsim.Params(households=5000)``.

    Nested groups are replaced with dotted overrides:
    ``Params().with_overrides({"organisations.capacity_mean": 0.4})``.
    """

    households: int = param(
        2000, "households", 3, 2_000_000, ASSUMPTION,
        "Households (KK) in the kelurahan.",
    )
    community: CommunityParams = group(CommunityParams)
    economy: EconomyParams = group(EconomyParams)
    pmks: PmksParams = group(PmksParams)
    organisations: OrganisationParams = group(OrganisationParams)
    kinds: KindsParams = group(KindsParams)
    government: GovernmentParams = group(GovernmentParams)
    time: TimeParams = group(TimeParams)
    funds: FundsParams = group(FundsParams)
    serves: ServesParams = group(ServesParams)
    mutual_aid: MutualAidParams = group(MutualAidParams)
    drift: DriftParams = group(DriftParams)

    def with_overrides(self, overrides: Mapping[str, Any] | None = None, **kw: Any) -> Params:
        """Return a copy with dotted overrides applied and validated.

        Raises ``ValueError`` naming the key and its allowed values on an unknown key or a
        bad value; a close match is suggested for misspellings.
        """
        items = dict(overrides or {})
        items.update(kw)
        result: Any = self
        for key, value in items.items():
            result = _replace_path(result, key.split("."), coerce_value(key, value), key)
        return result

    def get(self, path: str) -> Any:
        """Read a parameter by its dotted path."""
        info = param_info(path)
        obj: Any = self
        for part in info.path.split("."):
            obj = getattr(obj, part)
        return obj

    def to_dict(self) -> dict[str, Any]:
        """Return every parameter as a flat ``{dotted.path: value}`` mapping."""
        return {info.path: self.get(info.path) for info in iter_params()}

    def changed(self) -> dict[str, Any]:
        """Return the parameters that differ from the defaults."""
        base = Params()
        return {k: v for k, v in self.to_dict().items() if base.get(k) != v}


def _replace_path(obj: Any, parts: list[str], value: Any, full: str) -> Any:
    name = parts[0]
    if len(parts) == 1:
        try:
            return dataclasses.replace(obj, **{name: value})
        except ValueError as exc:
            msg = str(exc)
            if msg.startswith(f"{name}:"):
                msg = full + msg[len(name):]
            raise ValueError(msg) from None
    return dataclasses.replace(obj, **{name: _replace_path(getattr(obj, name), parts[1:],
                                                           value, full)})


def _walk(instance: Any, prefix: str = "") -> Iterator[ParamInfo]:
    # Recurse into the nested default *instance*: per-category and per-kind groups have
    # defaults of their own, not their class's.
    for f in fields(instance):
        path = f"{prefix}{f.name}"
        value = getattr(instance, f.name)
        if f.metadata.get("group") or is_dataclass(value):
            yield from _walk(value, path + ".")
            continue
        low, high = f.metadata["range"]
        yield ParamInfo(path, value, f.metadata["unit"], low, high, f.metadata["source"],
                        f.metadata["doc"], type(value), f.metadata.get("choices"))


_INFO: dict[str, ParamInfo] = {}


def iter_params() -> list[ParamInfo]:
    """Return every parameter's definition in declaration order."""
    if not _INFO:
        _INFO.update({i.path: i for i in _walk(Params())})
    return list(_INFO.values())


#: Parameters of the first version that the second replaced, and what to use instead.
REMOVED: dict[str, str] = {
    "organisations.jimpitan": "local giving no longer depends on WKSBM; use funds.giving_share "
                              "(and funds.rt_weight for the RT's kas sosial)",
    "economy.meeting_time_cost": "meetings now cost hours; use time.meeting_hours and "
                                 "time.free_hours",
    "organisations.time_elasticity": "households now have an hours budget; use "
                                     "time.household_hours",
    "organisations.cases_per_attendee": "service now costs hours; use time.volunteer_hours and "
                                        "time.case_hours",
}


def param_info(path: str) -> ParamInfo:
    """Return one parameter's definition; unknown paths raise a ``ValueError`` with a hint."""
    iter_params()
    if path in _INFO:
        return _INFO[path]
    if path in REMOVED:
        raise ValueError(f"parameter {path!r} was removed: {REMOVED[path]}")
    close = difflib.get_close_matches(path, _INFO, n=1, cutoff=0.6)
    if not close:  # try the last part alone, e.g. "capacity_man" -> organisations.capacity_mean
        tails = {k.rsplit(".", 1)[-1]: k for k in _INFO}
        hit = difflib.get_close_matches(path.rsplit(".", 1)[-1], tails, n=1, cutoff=0.6)
        close = [tails[hit[0]]] if hit else []
    hint = f"; did you mean {close[0]}?" if close else "; see docs/parameters.md for all names"
    raise ValueError(f"unknown parameter {path!r}{hint}")


def coerce_value(path: str, value: Any) -> Any:
    """Convert a value (possibly a string from the command line) to the parameter's type.

    NumPy scalars (``np.int64(300)``, ``np.bool_(True)``, ``np.str_``) count as the Python
    value they hold, so rows from pandas, NumPy or EMA Workbench can be passed as they are;
    a value of the wrong kind (a boolean for a number, a fraction for an integer) is refused.
    """
    info = param_info(path)
    if isinstance(value, np.generic):
        value = value.item()
    try:
        if info.type is bool:
            if isinstance(value, str):
                low = value.strip().lower()
                if low in ("true", "1", "yes", "on"):
                    return True
                if low in ("false", "0", "no", "off"):
                    return False
                raise ValueError
            if not isinstance(value, bool):
                raise ValueError
            return value
        if info.type is str:
            if not isinstance(value, str):
                raise ValueError
            return value
        if isinstance(value, bool):
            raise ValueError
        if info.type is int:
            number = float(value) if isinstance(value, str) else value
            if not isinstance(number, (int, float)) or not float(number).is_integer():
                raise ValueError
            return int(number)
        if isinstance(value, str):
            return float(value.replace("_", ""))
        if not isinstance(value, (int, float)):
            raise ValueError
        return float(value)
    except (ValueError, TypeError, OverflowError):
        raise ValueError(f"{path}: {value!r} is not valid; allowed {info.allowed()}") from None


def render_markdown() -> str:
    """Render ``docs/parameters.md`` from the definitions (run ``python -m oslsim.params``)."""
    lines = [
        "# Parameters",
        "",
        "Generated from `src/oslsim/params/` by `python -m oslsim.params > "
        "docs/parameters.md`; a test fails when this page is stale. Override any of them with "
        "`--set path=value` on the command line, in a scenario's `[params]` table, or with "
        "`Params().with_overrides({...})`.",
        "",
    ]
    current = None
    for info in iter_params():
        section = info.path.rsplit(".", 1)[0] if "." in info.path else "(root)"
        if section != current:
            current = section
            lines += ["", f"## `{section}`", "",
                      "| parameter | default | unit | range | source | meaning |",
                      "|---|---|---|---|---|---|"]
        rng = ", ".join(info.choices) if info.choices else (
            "true / false" if info.type is bool else f"{_fmt(info.low)} – {_fmt(info.high)}")
        lines.append(f"| `{info.path}` | {_fmt(info.default)} | {info.unit} | {rng} | "
                     f"{info.source} | {info.doc} |")
    return "\n".join(lines) + "\n"


def _check_codes() -> None:
    names = {f.name for f in fields(PmksParams)}
    missing = [c.code for c in CATEGORIES if c.code not in names]
    kinds = {f.name for f in fields(KindsParams)}
    missing += [k for k in KINDS if k not in kinds]
    if missing:  # pragma: no cover - a programming error caught at import
        raise RuntimeError(f"parameters missing for {missing}")


_check_codes()
