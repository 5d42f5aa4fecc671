"""Scenario files: parse, validate and resolve a TOML scenario into a runnable object.

A scenario is TOML data (never executed): a ``[scenario]`` table, a ``[params]`` table of
dotted overrides (nested tables work too) and ``[[interventions]]``. Everything is checked
before anything runs; every problem is one line naming the file, the key (and its line),
what is allowed and, for a misspelling, the close match.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oslsim.errors import InputError
from oslsim.params import Params
from oslsim.scenarios.actions import ACTIONS, LASTING, PULSE, Action, Arg
from oslsim.tomlcheck import (
    MAX_MONTHS,
    NAME,
    Context,
    check_param,
    flatten,
    head_table,
    loads,
    read_text,
    strip_key,
    suggest,
    type_name,
)

if TYPE_CHECKING:
    from oslsim.model import OSLModel

__all__ = [
    "Scenario", "Intervention", "ScenarioError", "load_scenario", "parse_scenario",
    "parse_scenario_text",
    "builtin_names", "list_scenarios", "SITES", "RECOMMENDATIONS", "DEFAULT_MONTHS",
    "MAX_MONTHS",
]

#: Months simulated when neither the scenario nor its site says (DESIGN: a default run).
DEFAULT_MONTHS = 120
#: The study's four sites, shipped as built-in site profiles.
SITES = ("klender", "pondok_pinang", "surosutan", "cibodas")
#: The study's recommendations and question, shipped as built-in scenarios.
RECOMMENDATIONS = ("baseline", "diklat_pdps", "pemda_support", "no_government", "wksbm_drive",
                   "globalisation_shock", "top_down")

SCENARIO_KEYS = ("name", "title_id", "title_en", "description_id", "description_en", "site",
                 "months")
TOP_KEYS = ("scenario", "params", "interventions")
TIMING_KEYS = ("month", "from", "to", "every")


class ScenarioError(InputError):
    """A scenario that cannot be run: one line naming the file, the key and what is allowed."""


def _context(source: str, text: str | None) -> Context:
    return Context(source, text, ScenarioError)


# --------------------------------------------------------------------------- interventions


@dataclass(frozen=True)
class Intervention:
    """One dated intervention: an action, when it happens, and its resolved arguments.

    ``start`` is its first month. A pulse action happens at ``start`` and, inside a window,
    every ``every`` months up to ``end``; a lasting action holds from ``start`` to ``end``
    inclusive (``None``: to the end of the run).
    """

    action: str
    start: int
    end: int | None
    every: int | None
    args: Mapping[str, Any]
    spec: Mapping[str, Any] = field(default_factory=dict)

    @property
    def definition(self) -> Action:
        """The registered action."""
        return ACTIONS[self.action]

    def pulse_months(self) -> list[int]:
        """The months a pulse action happens (empty for a lasting action)."""
        if self.definition.timing != PULSE:
            return []
        if self.end is None:
            return [self.start]
        return list(range(self.start, self.end + 1, self.every or 1))

    def when(self, lang: str = "en") -> str:
        """Describe its timing in a few words, in Bahasa Indonesia or English."""
        idn = lang == "id"
        if self.definition.timing == PULSE:
            if self.end is None:
                return f"bulan {self.start}" if idn else f"month {self.start}"
            step = self.every or 1
            if idn:
                return f"bulan {self.start}–{self.end}, tiap {step} bulan"
            return f"months {self.start}–{self.end}, every {step} month{'s' * (step > 1)}"
        if self.end is None:
            return f"dari bulan {self.start} sampai akhir" if idn else \
                f"from month {self.start} to the end"
        return f"bulan {self.start}–{self.end}" if idn else f"months {self.start}–{self.end}"

    def describe(self, lang: str = "en") -> str:
        """One line: when, what, and the arguments."""
        d = self.definition
        title = d.title_id if lang == "id" else d.title_en
        args = ", ".join(f"{k}={v}" for k, v in self.args.items()
                         if v is not None and not k.startswith("_"))
        return f"{self.when(lang)}: {title} [{self.action}]" + (f" ({args})" if args else "")


class _Runner:
    """Carries out one intervention inside a running model, month by month."""

    def __init__(self, iv: Intervention, log: list[dict[str, Any]]) -> None:
        self.iv = iv
        self.months = set(iv.pulse_months())
        self.token: Any = None
        self.active = False
        self.log = log

    def stop(self, model: OSLModel) -> None:
        """End a lasting action the month after its window."""
        iv = self.iv
        if self.active and iv.end is not None and model.month == iv.end + 1:
            assert iv.definition.stop is not None  # noqa: S101 - lasting actions have one
            iv.definition.stop(model, dict(iv.args), self.token)
            self.active = False
            self.log.append({"month": model.month, "action": iv.action, "event": "end",
                             "result": None})

    def start(self, model: OSLModel) -> None:
        """Start a lasting action, or carry out a pulse, when its month comes."""
        iv = self.iv
        if iv.definition.timing == LASTING:
            if model.month == iv.start and not self.active:
                self.token = iv.definition.start(model, dict(iv.args))
                self.active = True
                self.log.append({"month": model.month, "action": iv.action, "event": "start",
                                 "result": _summary(self.token)})
        elif model.month in self.months:
            result = iv.definition.start(model, dict(iv.args))
            self.log.append({"month": model.month, "action": iv.action, "event": "pulse",
                             "result": _summary(result)})


def _summary(value: Any) -> Any:
    """What an action returned, for the event log: a number, or how many rows it touched."""
    if value is None or isinstance(value, (int, float, str)):
        return value
    size = getattr(value, "size", None)
    return int(size) if size is not None else None


def cut_off(source: str, months: Any, interventions: tuple[Intervention, ...] | list,
            error: type[Exception] = ScenarioError) -> list[Intervention]:
    """Reject a run length that is not allowed; return the interventions it never reaches.

    Shared by scenarios and regions; ``error`` is the one-line error class to raise.
    """
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise error(f"{source}: months: {months!r} is not allowed; use a whole number from 1 "
                    f"to {MAX_MONTHS}")
    return [iv for iv in interventions if iv.start > months]


def install_interventions(ivs: tuple[Intervention, ...], model: OSLModel,
                          ) -> list[dict[str, Any]]:
    """Register dated interventions as one model hook; return the log they will fill.

    A scenario's and a region's interventions run this way.
    """
    log: list[dict[str, Any]] = []
    if not ivs:
        return log
    runners = [_Runner(iv, log) for iv in ivs]

    def interventions(m: OSLModel) -> None:
        for r in runners:  # endings first, so a new window may start the same month
            r.stop(m)
        for r in runners:
            r.start(m)

    model.add_hook(interventions)
    return log


# --------------------------------------------------------------------------- the scenario


@dataclass(frozen=True)
class Scenario:
    """A runnable scenario: its texts, site, months, parameter overrides and interventions.

    ``params`` are the scenario's own overrides; ``site_params`` those of its site (and the
    site's site); :meth:`overrides` merges them, the scenario's own winning.
    """

    name: str
    title_id: str = ""
    title_en: str = ""
    description_id: str = ""
    description_en: str = ""
    site: str | None = None
    months: int = DEFAULT_MONTHS
    params: Mapping[str, Any] = field(default_factory=dict)
    interventions: tuple[Intervention, ...] = ()
    site_params: Mapping[str, Any] = field(default_factory=dict)
    source: str = "<dict>"

    @property
    def is_site(self) -> bool:
        """Whether this is one of the built-in site profiles."""
        return self.source.startswith("builtin:") and self.name in SITES

    def overrides(self) -> dict[str, Any]:
        """The site's parameter overrides with the scenario's own on top."""
        return {**self.site_params, **self.params}

    def build_params(self, overrides: Mapping[str, Any] | None = None) -> Params:
        """Return the resolved :class:`Params`: defaults, site, scenario, then ``overrides``.

        Raises :class:`ScenarioError` naming the bad key of ``overrides``.
        """
        params = Params().with_overrides(self.overrides())
        for key, value in (overrides or {}).items():
            try:
                params = params.with_overrides({key: value})
            except ValueError as exc:
                raise ScenarioError(f"override {key}={value!r}: {strip_key(key, exc)}") from None
        return params

    def check_months(self, months: Any) -> list[Intervention]:
        """Reject a run length that is not allowed; return the interventions it cuts off.

        A run shorter than the scenario's ``months`` never reaches interventions that start
        after its last month; they are returned so the caller can say so.
        """
        return cut_off(self.source, months, self.interventions, ScenarioError)

    def install(self, model: OSLModel) -> list[dict[str, Any]]:
        """Register the interventions as a model hook; return the log they will fill."""
        return install_interventions(self.interventions, model)

    def on_site(self, site: str | None) -> Scenario:
        """Return the same scenario on another site (a built-in site or a site file).

        ``None`` runs it on the model's defaults. Raises :class:`ScenarioError` for an
        unknown site.
        """
        if site is None:
            return replace(self, site=None, site_params={})
        ctx = _context(self.source, None)
        site_sc = _load_site(ctx, site, None, (self.source,))
        return replace(self, site=site, site_params=site_sc.overrides())

    def to_dict(self) -> dict[str, Any]:
        """The scenario as plain data (what a TOML file would hold, with the site resolved)."""
        return {
            "scenario": {"name": self.name, "title_id": self.title_id, "title_en": self.title_en,
                         "description_id": self.description_id,
                         "description_en": self.description_en, "site": self.site,
                         "months": self.months},
            "site_params": dict(self.site_params),
            "params": dict(self.params),
            "interventions": [dict(iv.spec) for iv in self.interventions],
        }

    def title(self, lang: str = "en") -> str:
        """The title in Bahasa Indonesia (``"id"``) or English, falling back to the name."""
        return (self.title_id if lang == "id" else self.title_en) or self.name

    def description(self, lang: str = "en") -> str:
        """The description in Bahasa Indonesia (``"id"``) or English."""
        return self.description_id if lang == "id" else self.description_en


# --------------------------------------------------------------------------- parsing


def _parse_params(ctx: Context, table: Any) -> dict[str, Any]:
    if not isinstance(table, Mapping):
        raise ctx.error("[params]", f"expected a table of parameter overrides, got "
                        f"{type_name(table)}", "params")
    result: dict[str, Any] = {}
    for path, value in flatten(table):
        try:
            result[path] = check_param(path, value)
        except ValueError as exc:
            raise ctx.error(f"[params] {path}", str(exc), "params", *path.split(".")) from None
    return result


def _check_value(ctx: Context, where: str, arg: Arg, value: Any, key: tuple[Any, ...]) -> Any:
    """Coerce and check one action argument against its schema."""
    bad = f"{value!r} is not allowed; use {arg.allowed()}"
    if arg.type is bool:
        if not isinstance(value, bool):
            raise ctx.error(where, bad, *key)
        return value
    if arg.type is str:
        if not isinstance(value, str) or (arg.choices and value not in arg.choices):
            hint = suggest(value, arg.choices or ()) if isinstance(value, str) else ""
            raise ctx.error(where, bad + hint, *key)
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise ctx.error(where, bad, *key)
    try:
        if arg.type is int:
            if not float(value).is_integer():
                raise ValueError
            value = int(value)
        else:
            value = float(value)
    except (ValueError, OverflowError):
        raise ctx.error(where, bad, *key) from None
    if (arg.low is not None and value < arg.low) or (arg.high is not None and value > arg.high):
        raise ctx.error(where, bad, *key)
    return value


def _month(ctx: Context, where: str, value: Any, months: int, key: tuple[Any, ...]) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ctx.error(where, f"{value!r} is not allowed; use a whole month number from 1 to "
                        f"{months}", *key)
    if value < 1:
        raise ctx.error(where, f"{value} is not allowed; months are counted from 1 (month 0 is "
                        "the starting state)", *key)
    if value > months:
        head = "[region]" if ctx.kind.__name__ == "RegionError" else "[scenario]"
        raise ctx.error(where, f"month {value} is after the last month ({months}); use 1 to "
                        f"{months} or set more months in {head}", *key)
    return value


def _parse_intervention(ctx: Context, i: int, table: Any, months: int,
                        extra: tuple[str, ...] = ()) -> Intervention:
    """One ``[[interventions]]`` table, checked; ``extra`` keys are allowed and kept in spec."""
    label = f"interventions[{i + 1}]"
    base = ("interventions", i)
    if not isinstance(table, Mapping):
        raise ctx.error(label, f"expected a table ([[interventions]]), got {type_name(table)}",
                        "interventions")
    action_name = table.get("action")
    if action_name is None:
        raise ctx.error(label, f"missing 'action'; use one of {', '.join(ACTIONS)}", *base)
    if not isinstance(action_name, str) or action_name not in ACTIONS:
        hint = suggest(action_name, ACTIONS) if isinstance(action_name, str) else ""
        raise ctx.error(f"{label}.action", f"{action_name!r} is not a known action; use one of "
                        f"{', '.join(ACTIONS)}{hint}", *base, "action")
    action = ACTIONS[action_name]
    label = f"interventions[{i + 1}] ({action_name})"
    names = [a.name for a in action.args]
    allowed = (*TIMING_KEYS, "action", *names, *extra)
    for key in table:
        if key not in allowed:
            raise ctx.error(f"{label}.{key}", f"unknown key; allowed: {', '.join(allowed)}"
                            f"{suggest(str(key), allowed)}", *base, key)

    has_month, has_window = "month" in table, "from" in table or "to" in table
    if has_month and has_window:
        raise ctx.error(label, "give either 'month' or a 'from'/'to' window, not both", *base)
    if not has_month and not has_window:
        raise ctx.error(label, "missing its time; give 'month' or 'from' and 'to'", *base)
    every: int | None = None
    if has_month:
        start = _month(ctx, f"{label}.month", table["month"], months, (*base, "month"))
        end: int | None = None
        if "every" in table:
            raise ctx.error(f"{label}.every", "'every' needs a 'from'/'to' window",
                            *base, "every")
    else:
        for k in ("from", "to"):
            if k not in table:
                raise ctx.error(label, f"a window needs both 'from' and 'to' (missing '{k}')",
                                *base)
        start = _month(ctx, f"{label}.from", table["from"], months, (*base, "from"))
        end = _month(ctx, f"{label}.to", table["to"], months, (*base, "to"))
        if end < start:
            raise ctx.error(f"{label}.to", f"{end} is before 'from' ({start}); use a month from "
                            f"{start} to {months}", *base, "to")
        if "every" in table:
            if action.timing != PULSE:
                raise ctx.error(f"{label}.every", f"'every' only applies to actions that happen "
                                f"at a moment ({', '.join(_pulse_names())})", *base, "every")
            every = _check_value(ctx, f"{label}.every", Arg("every", int, None, 1, MAX_MONTHS),
                                 table["every"], (*base, "every"))
        elif action.timing == PULSE:
            every = action.default_every

    args: dict[str, Any] = {}
    for arg in action.args:
        if arg.name in table:
            args[arg.name] = _check_value(ctx, f"{label}.{arg.name}", arg, table[arg.name],
                                          (*base, arg.name))
        elif arg.required:
            raise ctx.error(label, f"missing '{arg.name}' ({arg.doc}); use {arg.allowed()}",
                            *base)
        else:
            args[arg.name] = arg.default
    for group in action.one_of:
        given = [g for g in group if table.get(g) is not None]
        if len(given) != 1:
            raise ctx.error(label, f"give exactly one of {' or '.join(group)}", *base)
    if "duration" in names:  # a lasting action with its own length (economic_shock)
        if has_window and "duration" in table:
            raise ctx.error(f"{label}.duration", "give 'duration' with 'month', or a 'from'/'to' "
                            "window, not both", *base, "duration")
        if has_month:
            if args["duration"] is None:
                raise ctx.error(label, "missing 'duration' (months the shock lasts); give it "
                                "with 'month', or use a 'from'/'to' window", *base)
            end = start + args["duration"] - 1
        else:
            args["duration"] = end - start + 1  # type: ignore[operator]
    spec = {k: table[k] for k in table}
    iv = Intervention(action_name, start, end, every, args, spec)
    if action.name == "grant":
        args["_pulses"] = len(iv.pulse_months())
    return iv


def _pulse_names() -> list[str]:
    return [a.name for a in ACTIONS.values() if a.timing == PULSE]


def parse_scenario(data: Any, source: str = "<dict>", text: str | None = None,
                   base_dir: Path | None = None, *, default_name: str = "scenario",
                   _chain: tuple[str, ...] = ()) -> Scenario:
    """Validate scenario data (as ``tomllib`` returns it) and build a :class:`Scenario`.

    ``source`` names the file in messages; ``text`` (the TOML) lets them give line numbers;
    ``base_dir`` resolves a relative ``site`` path; ``default_name`` is used when the file
    names none. Raises :class:`ScenarioError`.
    """
    ctx = _context(source, text)
    head = head_table(ctx, data, TOP_KEYS, "scenario", SCENARIO_KEYS)
    texts: dict[str, str] = {}
    for key in ("name", "title_id", "title_en", "description_id", "description_en", "site"):
        value = head.get(key)
        if value is not None and not isinstance(value, str):
            raise ctx.error(f"[scenario] {key}", f"expected a string, got {type_name(value)}",
                            "scenario", key)
        texts[key] = value or ""
    name = texts["name"] or default_name
    if not NAME.match(name):
        raise ctx.error("[scenario] name", f"{name!r} is not allowed; use letters, digits, "
                        "'_', '-' or '.'", "scenario", "name")

    site_params: dict[str, Any] = {}
    site_months: int | None = None
    site = texts["site"] or None
    if site is not None:
        site_sc = _load_site(ctx, site, base_dir, _chain)
        site_params = site_sc.overrides()
        site_months = site_sc.months

    months = head.get("months", site_months or DEFAULT_MONTHS)
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise ctx.error("[scenario] months", f"{months!r} is not allowed; use a whole number "
                        f"from 1 to {MAX_MONTHS}", "scenario", "months")

    params = _parse_params(ctx, data.get("params", {}))
    try:
        Params().with_overrides({**site_params, **params})
    except ValueError as exc:  # pragma: no cover - each key was checked alone above
        raise ctx.error("[params]", str(exc), "params") from None

    raw = data.get("interventions", [])
    if not isinstance(raw, list):
        raise ctx.error("[[interventions]]", f"expected an array of tables ([[interventions]]), "
                        f"got {type_name(raw)}", "interventions")
    interventions = tuple(_parse_intervention(ctx, i, t, months) for i, t in enumerate(raw))
    return Scenario(name=name, title_id=texts["title_id"], title_en=texts["title_en"],
                    description_id=texts["description_id"],
                    description_en=texts["description_en"], site=site, months=months,
                    params=params, interventions=interventions, site_params=site_params,
                    source=source)


def _load_site(ctx: Context, site: str, base_dir: Path | None,
               chain: tuple[str, ...]) -> Scenario:
    """Load a scenario's site: a built-in site profile or a path to a site's TOML file."""
    if site.endswith(".toml") or "/" in site or "\\" in site:
        path = Path(site).expanduser()
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        ref = str(path)
    elif site in builtin_names():
        ref = f"builtin:{site}"
    else:
        raise ctx.error("[scenario] site", f"{site!r} is not a known site; use one of "
                        f"{', '.join(SITES)} or a path to a .toml file{suggest(site, SITES)}",
                        "scenario", "site")
    if ref in chain:
        raise ctx.error("[scenario] site", f"{site!r} leads back to itself "
                        f"({' -> '.join((*chain, ref))})", "scenario", "site")
    try:
        sc = _load(ref, chain)
    except ScenarioError as exc:
        raise ctx.error("[scenario] site", f"site {site!r} cannot be used: {exc}",
                        "scenario", "site") from None
    if sc.interventions:
        raise ctx.error("[scenario] site", f"{site!r} has interventions, so it is a scenario, "
                        f"not a site profile; use one of {', '.join(SITES)} or a file without "
                        "[[interventions]]", "scenario", "site")
    return sc


# --------------------------------------------------------------------------- loading


def builtin_names() -> list[str]:
    """Names of the built-in scenarios and sites (the files in ``scenarios/builtin``)."""
    folder = resources.files("oslsim.scenarios") / "builtin"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def _read(ref: str) -> tuple[str, str, Path | None]:
    """Return (text, source name, base directory) of a built-in name or a file path."""
    if ref.startswith("builtin:"):
        name = ref.removeprefix("builtin:")
        res = resources.files("oslsim.scenarios") / "builtin" / f"{name}.toml"
        return res.read_text(encoding="utf-8"), f"{name}.toml (built-in)", None
    path = Path(ref)
    text = read_text(path, ref, "a scenario file", ScenarioError,
                     f"give a built-in name ({', '.join(builtin_names())}) or a path to a "
                     ".toml file")
    return text, str(path), path.parent


def parse_scenario_text(text: str, source: str = "<text>", base_dir: Path | None = None, *,
                        default_name: str = "scenario", _chain: tuple[str, ...] = ()
                        ) -> Scenario:
    """Parse and validate a scenario from TOML text; raises :class:`ScenarioError`."""
    data = loads(text, source, ScenarioError, "docs/scenarios.md")
    return parse_scenario(data, source=source, text=text, base_dir=base_dir,
                          default_name=default_name, _chain=_chain)


def _load(ref: str, chain: tuple[str, ...] = ()) -> Scenario:
    text, source, base_dir = _read(ref)
    default = ref.removeprefix("builtin:") if ref.startswith("builtin:") else Path(ref).stem
    sc = parse_scenario_text(text, source, base_dir, default_name=default, _chain=(*chain, ref))
    if ref.startswith("builtin:"):
        sc = _replace_source(sc, ref)
    return sc


def _replace_source(sc: Scenario, source: str) -> Scenario:
    return replace(sc, source=source)


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load a built-in scenario by name, or a scenario file by path, and validate it.

    A region (a built-in region's name, or a file with ``[region]`` or ``[[kelurahan]]``)
    loads as an :class:`oslsim.region.Region`.

    Raises :class:`ScenarioError` (one line) for an unknown name, a missing file, malformed
    TOML or any invalid key or value.

    Examples
    --------
    >>> load_scenario("diklat_pdps").interventions[0].action
    'train_pengurus'
    """
    from oslsim.region import is_region, load_region  # a region imports this module

    if is_region(name_or_path):
        return load_region(name_or_path)  # type: ignore[return-value]
    if isinstance(name_or_path, Path):
        return _load(str(name_or_path))
    if not isinstance(name_or_path, str):
        raise ScenarioError(f"scenario: expected a name or a path, got "
                            f"{type(name_or_path).__name__}")
    text = name_or_path.strip()
    names = builtin_names()
    if text in names:
        return _load(f"builtin:{text}")
    if text.endswith(".toml") or "/" in text or "\\" in text or Path(text).exists():
        return _load(text)
    raise ScenarioError(f"unknown scenario {text!r}; use one of {', '.join(names)} or a path "
                        f"to a .toml file{suggest(text, names)}")


def list_scenarios() -> list[Scenario]:
    """Load every built-in: the study's recommendations first, then its sites."""
    names = builtin_names()
    order = [n for n in RECOMMENDATIONS if n in names] + [n for n in SITES if n in names]
    order += [n for n in names if n not in order]
    return [load_scenario(n) for n in order]
