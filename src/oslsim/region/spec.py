"""What a region is and how its file is read: kelurahan, budget, parsing, loading.

A region file is TOML data, never executed; it is read through :mod:`oslsim.tomlcheck`, so
bad input gets the usual one-line error naming the file and key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from oslsim.allocation import RULES, check_rule_params
from oslsim.model import OSLModel
from oslsim.params import Params
from oslsim.scenarios import SITES, ScenarioError, load_scenario
from oslsim.scenarios.actions import TARGETABLE
from oslsim.scenarios.loader import (
    Intervention,
    _parse_intervention,
    cut_off,
    install_interventions,
)
from oslsim.tomlcheck import (
    MAX_MONTHS,
    NAME,
    Context,
    check_param,
    flatten,
    head_table,
    loads,
    read_text,
    suggest,
    type_name,
)

TOP_KEYS = ("region", "params", "budget", "kelurahan", "interventions")
REGION_KEYS = ("name", "title_id", "title_en", "description_id", "description_en", "months",
               "base", "cross_kin_degree")
BUDGET_KEYS = ("total", "rule", "every", "params")
KELURAHAN_KEYS = ("name", "site", "households", "kind", "params", "count")
KINDS = ("kelurahan", "desa")
#: Columns of the long table, after ``month``, ``kelurahan`` and ``name``.
KELURAHAN_COLUMNS = ("households", "burden", "pmks_prevalence", "poverty_rate", "coverage",
                     "solidarity", "osl_count", "wksbm_count", "wksbm_coverage", "budget",
                     "gov_spending")
#: Largest region (households) a file may ask for.
MAX_HOUSEHOLDS = 5_000_000
DOC = "docs/regions.md"


@dataclass(frozen=True)
class Kelurahan:
    """One kelurahan or desa of a region: its site profile, size and own build overrides."""

    name: str
    site: str
    households: int
    kind: str = "kelurahan"
    params: Mapping[str, Any] = field(default_factory=dict)
    site_params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Budget:
    """The region's Dinas Sosial budget and the rule that shares it.

    ``total`` is Rp a month (``None``: ``budget_per_household`` per household); ``every``
    the months between allocations.
    """

    total: float | None = None
    rule: str = "equal_per_household"
    params: Mapping[str, float] = field(default_factory=dict)
    every: int = 12


class RegionError(ScenarioError):
    """A region file that cannot be run (one line naming the file, key and what is allowed)."""


@dataclass(frozen=True)
class Region:
    """A runnable region: its kelurahan, cross-kelurahan kin ties, budget and parameters."""

    name: str
    kelurahan: tuple[Kelurahan, ...]
    budget: Budget = field(default_factory=Budget)
    params: Mapping[str, Any] = field(default_factory=dict)
    months: int = 120
    cross_kin_degree: float = 0.5
    title_id: str = ""
    title_en: str = ""
    description_id: str = ""
    description_en: str = ""
    source: str = "<dict>"
    site: str | None = None
    interventions: tuple[Any, ...] = ()

    @property
    def households(self) -> int:
        """Households in the whole region."""
        return sum(k.households for k in self.kelurahan)

    def build_params(self, overrides: Mapping[str, Any] | None = None) -> Params:
        """The region's monthly parameters: defaults, ``[params]``, then ``overrides``."""
        if "households" in (overrides or {}):
            raise RegionError(f"{self.source}: households: is set kelurahan by kelurahan in "
                              "the region file; it cannot be overridden for a region")
        try:
            return Params().with_overrides({**self.params, **dict(overrides or {}),
                                            "households": self.households})
        except ValueError as exc:
            raise RegionError(f"{self.source}: override: {' '.join(str(exc).split())}") from None

    def kelurahan_params(self, i: int, overrides: Mapping[str, Any] | None = None) -> Params:
        """Kelurahan ``i``'s build parameters: site, region, its own, then ``overrides``."""
        k = self.kelurahan[i]
        try:
            return Params().with_overrides({**k.site_params, **self.params, **k.params,
                                            **dict(overrides or {}),
                                            "households": k.households})
        except ValueError as exc:
            raise RegionError(f"{self.source}: kelurahan {k.name!r}: "
                              f"{' '.join(str(exc).split())}") from None

    def total_budget(self, params: Params) -> float:
        """The monthly Dinas Sosial budget (Rp)."""
        if self.budget.total is not None:
            return float(self.budget.total)
        return params.government.budget_per_household * self.households

    def check_months(self, months: Any) -> list[Intervention]:
        """Reject a run length that is not allowed; return the interventions it cuts off."""
        return cut_off(self.source, months, self.interventions, RegionError)

    def install(self, model: OSLModel) -> list[dict[str, Any]]:
        """Register the region's dated interventions as a model hook; return their log."""
        return install_interventions(self.interventions, model)

    def kelurahan_index(self, name: str) -> int:
        """The 0-based index of the kelurahan called ``name``; one-line error if none is."""
        names = [k.name for k in self.kelurahan]
        if name not in names:
            raise RegionError(f"{self.source}: kelurahan {name!r} is not in this region; use "
                              f"one of {', '.join(names)}{suggest(name, names)}")
        return names.index(name)

    def with_rule(self, rule: str, **params: float) -> Region:
        """The same region under another allocation rule (parameters checked)."""
        try:
            checked = check_rule_params(rule, params)
        except ValueError as exc:
            raise RegionError(f"{self.source}: budget: {exc}") from None
        return replace(self, budget=replace(self.budget, rule=rule, params=checked))

    def to_dict(self) -> dict[str, Any]:
        """The region as plain data (what decides its numbers, and its texts)."""
        return {
            "scenario": {"name": self.name, "months": self.months, "title_en": self.title_en,
                         "title_id": self.title_id},
            "region": {"cross_kin_degree": self.cross_kin_degree},
            "params": dict(self.params),
            "budget": {"total": self.budget.total, "rule": self.budget.rule,
                       "every": self.budget.every, "params": dict(self.budget.params)},
            "kelurahan": [{"name": k.name, "site": k.site, "households": k.households,
                           "kind": k.kind, "params": dict(k.params)} for k in self.kelurahan],
            # Only when there are some, so a region without them keeps its stored identity.
            **({"interventions": [dict(iv.spec) for iv in self.interventions]}
               if self.interventions else {}),
        }

    def title(self, lang: str = "en") -> str:
        """The title in Bahasa Indonesia (``"id"``) or English, falling back to the name."""
        return (self.title_id if lang == "id" else self.title_en) or self.name

    def description(self, lang: str = "en") -> str:
        """The description in Bahasa Indonesia (``"id"``) or English."""
        return " ".join((self.description_id if lang == "id" else self.description_en).split())

    def with_kelurahan_params(self, i: int, params: Mapping[str, Any]) -> Region:
        """The same region with kelurahan ``i``'s own overrides extended by ``params``."""
        kel = list(self.kelurahan)
        kel[i] = replace(kel[i], params={**kel[i].params, **params})
        return replace(self, kelurahan=tuple(kel))


# --------------------------------------------------------------------------- parsing


def _ctx(source: str, text: str | None) -> Context:
    return Context(source, text, RegionError)


def _params(ctx: Context, where: str, table: Any, key: tuple[Any, ...]) -> dict[str, Any]:
    if not isinstance(table, Mapping):
        raise ctx.error(where, f"expected a table of parameter overrides, got "
                        f"{type_name(table)}", *key)
    out: dict[str, Any] = {}
    for path, value in flatten(table):
        if path == "households":
            raise ctx.error(f"{where} households", "is set per kelurahan (households = ...), "
                            "not here", *key)
        try:
            out[path] = check_param(path, value)
        except ValueError as exc:
            raise ctx.error(f"{where} {path}", str(exc), *key, *path.split(".")) from None
    return out


def _number(ctx: Context, where: str, value: Any, low: float, high: float, key: tuple[Any, ...],
            whole: bool = False) -> Any:
    ok = not isinstance(value, bool) and isinstance(value, (int, float)) and value == value \
        and low <= value <= high and (not whole or float(value).is_integer())
    if not ok:
        what = "a whole number" if whole else "a number"
        raise ctx.error(where, f"{value!r} is not allowed; use {what} from {low:g} to {high:g}",
                        *key)
    return int(value) if whole else float(value)


def _site(ctx: Context, where: str, site: Any, base_dir: Path | None,
          key: tuple[Any, ...], cache: dict[str, dict[str, Any]] | None = None,
          ) -> dict[str, Any]:
    """A kelurahan's site profile's overrides: a built-in site or a site file."""
    if not isinstance(site, str) or not site.strip():
        raise ctx.error(where, f"expected a site name or a path, got {type_name(site)}", *key)
    if cache is not None and site in cache:
        return cache[site]
    if cache is not None:
        cache[site] = _site(ctx, where, site, base_dir, key)
        return cache[site]
    if site in SITES:
        return load_scenario(site).overrides()
    if site.endswith(".toml") or "/" in site or "\\" in site:
        path = Path(site).expanduser()
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        try:
            sc = load_scenario(path)
        except ScenarioError as exc:
            raise ctx.error(where, f"site {site!r} cannot be used: {exc}", *key) from None
        if sc.interventions or isinstance(sc, Region):
            raise ctx.error(where, f"{site!r} is not a site profile (it has interventions or "
                            "is a region)", *key)
        return sc.overrides()
    raise ctx.error(where, f"{site!r} is not a known site; use one of {', '.join(SITES)} or "
                    f"a path to a .toml file{suggest(site, SITES)}", *key)


def _kelurahan(ctx: Context, raw: Any, base_dir: Path | None) -> tuple[Kelurahan, ...]:
    if not isinstance(raw, list) or not raw:
        raise ctx.error("[[kelurahan]]", "a region needs at least one kelurahan; add "
                        "[[kelurahan]] tables with name, site and households", "kelurahan")
    out: list[Kelurahan] = []
    sites: dict[str, dict[str, Any]] = {}
    for i, t in enumerate(raw):
        label, key = f"kelurahan[{i + 1}]", ("kelurahan", i)
        if not isinstance(t, Mapping):
            raise ctx.error(label, f"expected a table, got {type_name(t)}", *key)
        for k in t:
            if k not in KELURAHAN_KEYS:
                raise ctx.error(f"{label}.{k}", f"unknown key; allowed: "
                                f"{', '.join(KELURAHAN_KEYS)}{suggest(str(k), KELURAHAN_KEYS)}",
                                *key, k)
        for k in ("name", "site", "households"):
            if k not in t:
                raise ctx.error(f"{label}.{k}", "is required (name, site and households)", *key)
        name = t["name"]
        if not isinstance(name, str) or not name.strip():
            raise ctx.error(f"{label}.name", f"expected a name, got {type_name(name)}", *key)
        site_params = _site(ctx, f"{label}.site", t["site"], base_dir, (*key, "site"), sites)
        households = _number(ctx, f"{label}.households", t["households"], 1, MAX_HOUSEHOLDS,
                             (*key, "households"), whole=True)
        kind = t.get("kind", "kelurahan")
        if kind not in KINDS:
            raise ctx.error(f"{label}.kind", f"{kind!r} is not allowed; use one of "
                            f"{', '.join(KINDS)}", *key, "kind")
        params = _params(ctx, f"{label}.params", t.get("params", {}), (*key, "params"))
        count = _number(ctx, f"{label}.count", t.get("count", 1), 1, 1000, (*key, "count"),
                        whole=True)
        for j in range(count):
            out.append(Kelurahan(name=name if count == 1 else f"{name} {j + 1}",
                                 site=t["site"], households=households, kind=kind,
                                 params=params, site_params=site_params))
    if sum(k.households for k in out) > MAX_HOUSEHOLDS:
        raise ctx.error("[[kelurahan]]", f"the region has more than {MAX_HOUSEHOLDS:,} "
                        "households", "kelurahan")
    return tuple(out)


def _budget(ctx: Context, raw: Any, base: Budget | None) -> Budget:
    if not isinstance(raw, Mapping):
        raise ctx.error("[budget]", f"expected a table, got {type_name(raw)}", "budget")
    for k in raw:
        if k not in BUDGET_KEYS:
            raise ctx.error(f"budget.{k}", f"unknown key; allowed: {', '.join(BUDGET_KEYS)}"
                            f"{suggest(str(k), BUDGET_KEYS)}", "budget", k)
    b = base or Budget()
    total = b.total
    if "total" in raw:
        total = _number(ctx, "budget.total", raw["total"], 0, 1e15, ("budget", "total"))
    rule = raw.get("rule", b.rule)
    if not isinstance(rule, str) or rule not in RULES:
        hint = suggest(rule, RULES) if isinstance(rule, str) else ""
        raise ctx.error("budget.rule", f"{rule!r} is not a rule; use one of "
                        f"{', '.join(RULES)}{hint}", "budget", "rule")
    given = raw.get("params", {} if "rule" in raw else dict(b.params))
    if not isinstance(given, Mapping):
        raise ctx.error("budget.params", f"expected a table, got {type_name(given)}",
                        "budget", "params")
    try:
        params = check_rule_params(rule, given)
    except ValueError as exc:
        name = str(exc).split(":", 1)[0]
        raise ctx.error(f"budget.params.{name}", str(exc).split(": ", 1)[-1], "budget",
                        "params", name) from None
    every = _number(ctx, "budget.every", raw.get("every", b.every), 1, MAX_MONTHS,
                    ("budget", "every"), whole=True)
    return Budget(total=total, rule=rule, params=params, every=every)


def parse_region(data: Any, source: str = "<dict>", text: str | None = None,
                 base_dir: Path | None = None, default_name: str = "region",
                 _chain: tuple[str, ...] = ()) -> Region:
    """Validate region data (as ``tomllib`` gives it); raises :class:`RegionError`."""
    ctx = _ctx(source, text)
    head = head_table(ctx, data, TOP_KEYS, "region", REGION_KEYS, lambda key: f"region.{key}")
    base: Region | None = None
    if "base" in head:
        ref = head["base"]
        if not isinstance(ref, str):
            raise ctx.error("region.base", f"expected a region name or path, got "
                            f"{type_name(ref)}", "region", "base")
        if ref not in region_names() and base_dir is not None and not Path(ref).is_absolute():
            ref = str(base_dir / ref)
        if ref in _chain:
            raise ctx.error("region.base", f"{head['base']!r} leads back to itself",
                            "region", "base")
        try:
            base = _load_region(ref, (*_chain, ref))
        except RegionError as exc:
            raise ctx.error("region.base", f"cannot be used: {exc}", "region", "base") from None
    texts = {k: head.get(k, getattr(base, k, "") if base else "") for k in
             ("title_id", "title_en", "description_id", "description_en")}
    for k, v in texts.items():
        if not isinstance(v, str):
            raise ctx.error(f"region.{k}", f"expected a string, got {type_name(v)}", "region", k)
    name = head.get("name", default_name)
    if not isinstance(name, str) or not NAME.match(name):
        raise ctx.error("region.name", f"{name!r} is not allowed; use letters, digits, '_', "
                        "'-' or '.'", "region", "name")
    months = _number(ctx, "region.months", head.get("months", base.months if base else 120),
                     1, MAX_MONTHS, ("region", "months"), whole=True)
    cross = _number(ctx, "region.cross_kin_degree",
                    head.get("cross_kin_degree", base.cross_kin_degree if base else 0.5),
                    0, 50, ("region", "cross_kin_degree"))
    params = {**(base.params if base else {}),
              **_params(ctx, "[params]", data.get("params", {}), ("params",))}
    if "kelurahan" in data or base is None:
        kel = _kelurahan(ctx, data.get("kelurahan"), base_dir)
    else:
        kel = base.kelurahan
    budget = _budget(ctx, data.get("budget", {}), base.budget if base else None)
    if "interventions" in data:
        ivs = _interventions(ctx, data["interventions"], months, [k.name for k in kel])
    else:
        ivs = tuple(iv for iv in base.interventions if iv.start <= months) if base else ()
    region = Region(name=name, kelurahan=kel, budget=budget, params=params, months=months,
                    cross_kin_degree=cross, source=source, interventions=ivs, **texts)
    for i in range(len(kel)):
        try:
            region.kelurahan_params(i)
        except RegionError as exc:
            raise ctx.error(f"kelurahan[{i + 1}]", str(exc).split(": ", 1)[-1],
                            "kelurahan") from None
    return region


def _interventions(ctx: Context, raw: Any, months: int, names: list[str],
                   ) -> tuple[Intervention, ...]:
    """The region's ``[[interventions]]``: a scenario's, plus an optional ``kelurahan`` list.

    Without ``kelurahan`` an intervention acts on the whole region; with it (a name or a
    list of names) only on those kelurahan, for the actions in :data:`TARGETABLE`.
    """
    if not isinstance(raw, list):
        raise ctx.error("[[interventions]]", f"expected an array of tables ([[interventions]]), "
                        f"got {type_name(raw)}", "interventions")
    out = []
    for i, table in enumerate(raw):
        iv = _parse_intervention(ctx, i, table, months, extra=("kelurahan",))
        if "kelurahan" not in table:
            out.append(iv)
            continue
        where, key = f"interventions[{i + 1}] ({iv.action}).kelurahan", ("interventions", i,
                                                                        "kelurahan")
        if iv.action not in TARGETABLE:
            raise ctx.error(where, f"{iv.action} acts on the whole region (one Dinas Sosial); "
                            "remove 'kelurahan', or use one of "
                            f"{', '.join(TARGETABLE)}", *key)
        given = table["kelurahan"]
        given = [given] if isinstance(given, str) else given
        if not isinstance(given, list) or not given or \
                not all(isinstance(g, str) for g in given):
            raise ctx.error(where, f"expected a kelurahan name or a list of names, got "
                            f"{type_name(table['kelurahan'])}", *key)
        for g in given:
            if g not in names:
                raise ctx.error(where, f"{g!r} is not a kelurahan of this region; use one of "
                                f"{', '.join(names)}{suggest(g, names)}", *key)
        index = tuple(sorted({names.index(g) for g in given}))
        out.append(replace(iv, args={**iv.args, "_kelurahan": index}))
    return tuple(out)


# --------------------------------------------------------------------------- loading


def _folder() -> Any:
    return resources.files("oslsim.scenarios") / "regions"


def region_names() -> list[str]:
    """Names of the built-in regions."""
    return sorted(p.name[:-5] for p in _folder().iterdir() if p.name.endswith(".toml"))


def _load_region(ref: str, chain: tuple[str, ...] = ()) -> Region:
    if ref in region_names():
        text = (_folder() / f"{ref}.toml").read_text(encoding="utf-8")
        source, base_dir, default = f"{ref}.toml (built-in region)", None, ref
    else:
        path = Path(ref).expanduser()
        text = read_text(path, str(path), "a region file", RegionError,
                         f"give a built-in region ({', '.join(region_names())}) or a path to "
                         "a .toml file")
        source, base_dir, default = str(path), path.parent, path.stem
    data = loads(text, source, RegionError, DOC)
    return parse_region(data, source, text, base_dir, default, chain or (ref,))


def is_region(ref: Any) -> bool:
    """Whether ``ref`` is a region.

    A :class:`Region`, a built-in region's name, or a ``.toml`` file with a ``[region]`` or
    ``[[kelurahan]]`` table.
    """
    if isinstance(ref, Region):
        return True
    if not isinstance(ref, (str, Path)):
        return False
    if isinstance(ref, str) and ref.strip() in region_names():
        return True
    path = Path(ref).expanduser()
    if path.suffix != ".toml" or not path.is_file():
        return False
    try:
        data = loads(read_text(path, str(path), "a region file", RegionError, ""), str(path),
                     RegionError, DOC)
    except RegionError:
        return False
    return "region" in data or "kelurahan" in data


def load_region(name_or_path: str | Path) -> Region:
    """Load a built-in region by name, or a region file by path, and validate it.

    Raises :class:`RegionError` (one line) for an unknown site, a bad budget rule parameter,
    a region of no kelurahan, or any other bad key or value.
    """
    if isinstance(name_or_path, Region):
        return name_or_path
    ref = str(name_or_path).strip()
    if ref not in region_names() and not Path(ref).expanduser().exists():
        raise RegionError(f"unknown region {ref!r}; use one of {', '.join(region_names())} or "
                          f"a path to a .toml file{suggest(ref, region_names())}")
    return _load_region(ref)


