"""A region (kabupaten / kota) of many kelurahan and desa in one model.

A region file (TOML data, never executed) lists its kelurahan, each built from a site
profile with its own size, poverty and organisations; kin ties across them; one Dinas
Sosial budget and the rule that shares it (:mod:`oslsim.allocation`). The kelurahan are
built one by one and joined into one :class:`~oslsim.state.State` with a kelurahan index
(``state.kel``), so the monthly phases stay vectorised over the whole region.

What differs by kelurahan, and what is regional: a kelurahan's site profile, the region's
``[params]`` and the kelurahan's own ``params`` all shape how it is *built* (its layout,
households, incomes and poverty, solidarity, organisations and memberships, the first
WKSBM). The monthly behaviour (hazards, rates, dues, the poverty line...) follows one set of
parameters, the region's ``[params]`` on the model's defaults: a kabupaten has one poverty
line (BPS counts it per kabupaten/kota) and one Dinas Sosial. Each kelurahan has its own
WKSBM forum, its own forum pool and its own part of the budget.

Outcomes: the region's monthly row (the DESIGN's columns over all households, plus the
inequality of burden across kelurahan, ``burden_gini`` and ``burden_max_min``, and each
kelurahan's burden as ``burden_kel_NN``), and a long table, one row per month and
kelurahan (:meth:`RegionModel.kelurahan_timeseries`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd
import scipy.sparse as sp

from oslsim.agents import Household, LocalGovernment, Organisation
from oslsim.allocation import RULES, allocate, check_rule_params, form_wksbm, summarise
from oslsim.community import build_community
from oslsim.metrics import covered_households
from oslsim.model import OSLModel, as_seed
from oslsim.params import Params
from oslsim.phases import PHASES
from oslsim.phases.government import start as start_government
from oslsim.pmks import category_vectors
from oslsim.scenarios import SITES, ScenarioError, load_scenario
from oslsim.state import (
    _MEM_COLUMNS,
    _ORG_COLUMNS,
    SCOPE_KELURAHAN,
    SCOPE_RT,
    SCOPE_RW,
    State,
    col_count,
    row_any,
    row_count,
)
from oslsim.tomlcheck import (
    MAX_MONTHS,
    NAME,
    Context,
    check_param,
    flatten,
    loads,
    read_text,
    suggest,
    type_name,
)

__all__ = ["KELURAHAN_COLUMNS", "Budget", "Kelurahan", "Region", "RegionModel", "build_region",
           "gini", "is_region", "load_region", "region_names", "simulate_region"]

TOP_KEYS = ("region", "params", "budget", "kelurahan")
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

    def check_months(self, months: Any) -> list[Any]:
        """Reject a run length that is not allowed (a region has no dated interventions)."""
        if isinstance(months, bool) or not isinstance(months, int) or not \
                1 <= months <= MAX_MONTHS:
            raise RegionError(f"{self.source}: months: {months!r} is not allowed; use a whole "
                              f"number from 1 to {MAX_MONTHS}")
        return []

    def install(self, model: OSLModel) -> list[dict[str, Any]]:
        """Regions have no dated interventions; nothing to install."""
        return []

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
        }

    def title(self, lang: str = "en") -> str:
        """The title in Bahasa Indonesia (``"id"``) or English, falling back to the name."""
        return (self.title_id if lang == "id" else self.title_en) or self.name


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
    if not isinstance(data, Mapping):
        raise ctx.error("(file)", f"expected a table, got {type_name(data)}")
    for key in data:
        if key not in TOP_KEYS:
            raise ctx.error(f"[{key}]", f"unknown table; allowed: {', '.join(TOP_KEYS)}"
                            f"{suggest(str(key), TOP_KEYS)}", key)
    head = data.get("region", {})
    if not isinstance(head, Mapping):
        raise ctx.error("[region]", f"expected a table, got {type_name(head)}", "region")
    for key in head:
        if key not in REGION_KEYS:
            raise ctx.error(f"region.{key}", f"unknown key; allowed: {', '.join(REGION_KEYS)}"
                            f"{suggest(str(key), REGION_KEYS)}", "region", key)
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
    region = Region(name=name, kelurahan=kel, budget=budget, params=params, months=months,
                    cross_kin_degree=cross, source=source, **texts)
    for i in range(len(kel)):
        try:
            region.kelurahan_params(i)
        except RegionError as exc:
            raise ctx.error(f"kelurahan[{i + 1}]", str(exc).split(": ", 1)[-1],
                            "kelurahan") from None
    return region


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


# --------------------------------------------------------------------------- building


def _offset_area(scope: np.ndarray, area: np.ndarray, rt_off: int, rw_off: int,
                 kel: int) -> np.ndarray:
    return np.select([scope == SCOPE_RT, scope == SCOPE_RW, scope == SCOPE_KELURAHAN],
                     [area + rt_off, area + rw_off, kel], area).astype(np.int32)


#: Household arrays joined row-wise (the rest are derived or per-area).
_HH = ("rt", "rw", "size", "eligible", "base_income", "income_rank", "solidarity", "savings",
       "shock", "income", "consumption", "poor", "income_loss", "active", "served", "quality",
       "served_by", "identified", "attended", "help_received", "help_given", "aid_received",
       "cases_recovered", "hours_used")


def _cross_kin(rng: np.random.Generator, kel: np.ndarray, degree: float) -> sp.csr_matrix:
    """Kin ties between households of different kelurahan, ``degree`` per household on average.

    Pairs are drawn uniformly over the region; a pair inside one kelurahan is dropped (those
    ties come from each kelurahan's own kin network).
    """
    n = kel.size
    count = int(rng.poisson(degree * n / 2)) if degree > 0 else 0
    a, b = rng.integers(0, n, count), rng.integers(0, n, count)
    keep = kel[a] != kel[b]
    a, b = a[keep], b[keep]
    m = sp.coo_matrix((np.ones(2 * a.size, np.float32), (np.r_[a, b], np.r_[b, a])),
                      shape=(n, n)).tocsr()
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def _block_diag(blocks: list[sp.csr_matrix]) -> sp.csr_matrix:
    """The block-diagonal CSR matrix of square CSR blocks (their rows and columns offset)."""
    sizes = np.array([b.shape[0] for b in blocks], np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    nnz = np.concatenate([[0], np.cumsum([b.nnz for b in blocks])])
    indptr = np.concatenate([[0]] + [b.indptr[1:] + nnz[i] for i, b in enumerate(blocks)])
    indices = np.concatenate([b.indices.astype(np.int64) + offsets[i]
                              for i, b in enumerate(blocks)])
    data = np.concatenate([b.data for b in blocks])
    n = int(sizes.sum())
    return sp.csr_matrix((data, indices, indptr), shape=(n, n))


def build_region(region: Region, rng: np.random.Generator,
                 overrides: Mapping[str, Any] | None = None) -> State:
    """Build every kelurahan with its own parameters and join them into one State.

    RT, RW and organisations' areas are renumbered across the region (a kelurahan-wide group
    gets its kelurahan's index as its area); the household network is the kelurahan's own
    networks plus the cross-kelurahan kin ties.
    """
    parts = [build_community(region.kelurahan_params(i, overrides), rng)
             for i in range(len(region.kelurahan))]
    rt_off = np.cumsum([0] + [p.n_rt for p in parts])
    rw_off = np.cumsum([0] + [p.n_rw for p in parts])
    kel = np.concatenate([np.full(p.n, i, np.int32) for i, p in enumerate(parts)])
    hh = {name: np.concatenate([getattr(p, name) for p in parts]) for name in _HH}
    hh["rt"] = np.concatenate([p.rt + rt_off[i] for i, p in enumerate(parts)]).astype(np.int32)
    hh["rw"] = np.concatenate([p.rw + rw_off[i] for i, p in enumerate(parts)]).astype(np.int32)
    own = _block_diag([p.adjacency for p in parts])
    adjacency = (own + _cross_kin(rng, kel, region.cross_kin_degree)).tocsr()
    adjacency.data[:] = 1.0
    same_rt = _block_diag([p.same_rt_tie for p in parts])
    st = State(
        **{k: hh[k] for k in _HH}, adjacency=adjacency, same_rt_tie=same_rt,
        n_rt=int(rt_off[-1]), n_rw=int(rw_off[-1]), rt_per_rw=parts[0].rt_per_rw,
        n_kel=len(parts), kel=kel,
        rt_rw=np.concatenate([p.rt_rw + rw_off[i] for i, p in enumerate(parts)]).astype(
            np.int32),
        rt_kel=np.concatenate([np.full(p.n_rt, i, np.int32) for i, p in enumerate(parts)]),
        rw_kel=np.concatenate([np.full(p.n_rw, i, np.int32) for i, p in enumerate(parts)]),
        rt_fund=np.concatenate([p.rt_fund for p in parts]),
        rt_hours_left=np.concatenate([p.rt_hours_left for p in parts]),
    )
    # Organisations, renumbered: rows and areas offset kelurahan by kelurahan.
    org_off = np.cumsum([0] + [p.m for p in parts])
    columns = {name: np.concatenate([getattr(p, name)[: p.m] for p in parts])
               for name in _ORG_COLUMNS}
    columns["area"] = np.concatenate([
        _offset_area(p.scope[: p.m], p.area[: p.m], rt_off[i], rw_off[i], i)
        for i, p in enumerate(parts)])
    st.add_organisations(int(org_off[-1]), **columns)
    hh_off = np.cumsum([0] + [p.n for p in parts])
    for name in _MEM_COLUMNS:
        setattr(st, name, np.concatenate([getattr(p, name)[: p.e] for p in parts]))
    st.mem_hh = np.concatenate([p.mem_hh[: p.e] + hh_off[i] for i, p in enumerate(parts)]
                               ).astype(np.int32)
    st.mem_org = np.concatenate([p.mem_org[: p.e] + org_off[i] for i, p in enumerate(parts)]
                                ).astype(np.int32)
    st.e = int(st.mem_hh.size)
    st.funds_raised = sum(p.funds_raised for p in parts)
    return st


# --------------------------------------------------------------------------- outcomes


def gini(x: np.ndarray) -> float:
    """Gini coefficient of ``x`` (each entry one unit): mean absolute difference / 2 mean."""
    x = np.asarray(x, np.float64)
    mean = x.mean() if x.size else 0.0
    if mean <= 0:
        return 0.0
    return float(np.abs(x[:, None] - x[None, :]).mean() / (2 * mean))


def kelurahan_outcomes(state: State, params: Params) -> dict[str, np.ndarray]:
    """This month's outcomes of each kelurahan (arrays, one entry per kelurahan).

    ``burden`` and the shares are per household of the kelurahan, ``coverage`` per active
    case; the region's own columns are their household- (or case-) weighted means.
    """
    v = category_vectors(params)
    starts = state.kel_start[:-1]
    n_k = np.diff(state.kel_start).astype(np.float64)
    unserved = state.active & ~state.served
    burden = np.array([col_count(unserved[lo:hi]) @ v.severity
                       for lo, hi in zip(state.kel_start[:-1], state.kel_start[1:],
                                         strict=True)]) / n_k
    n_active = np.add.reduceat(row_count(state.active), starts).astype(np.float64)
    n_served = np.add.reduceat(row_count(state.served), starts).astype(np.float64)
    m = state.m
    living = np.flatnonzero(state.alive[:m])
    kel = state.org_kelurahan(living)
    wk = living[state.wksbm[living]]
    return {
        "households": n_k,
        "burden": burden,
        "pmks_prevalence": np.add.reduceat(row_any(state.active), starts) / n_k,
        "poverty_rate": np.add.reduceat(state.poor, starts) / n_k,
        "coverage": np.where(n_active > 0, n_served / np.maximum(n_active, 1), 0.0),
        "solidarity": np.add.reduceat(state.solidarity, starts) / n_k,
        "osl_count": np.bincount(kel, minlength=state.n_kel).astype(np.float64),
        "wksbm_count": np.bincount(state.org_kelurahan(wk), minlength=state.n_kel
                                   ).astype(np.float64),
        "wksbm_coverage": np.add.reduceat(covered_households(state, wk), starts) / n_k,
        "budget": (np.zeros(state.n_kel) if state.kel_budget is None
                   else state.kel_budget.copy()),
        "gov_spending": state.kel_spending.copy(),
    }


# --------------------------------------------------------------------------- the model


class RegionModel(OSLModel):
    """A region's households, organisations and Dinas Sosial, month by month.

    The phases are the single kelurahan's, run over the whole region at once; the budget is
    shared by the region's rule at the start and every ``budget.every`` months.

    Parameters
    ----------
    region : Region or str
        A loaded region, a built-in region's name or a region file.
    rng : int, Generator or SeedSequence, optional
        The run's seed (SPEC 7).
    overrides : mapping, optional
        Dotted parameter overrides, applied to the region and to every kelurahan's build.
    """

    def __init__(self, region: Region | str | Path,
                 rng: int | np.random.Generator | np.random.SeedSequence | None = None, *,
                 overrides: Mapping[str, Any] | None = None,
                 phases: Iterable[Callable[..., None]] | None = None,
                 reporters: Mapping[str, Callable[..., float]] | None = None) -> None:
        mesa.Model.__init__(self, rng=as_seed(rng))
        self.region = load_region(region) if not isinstance(region, Region) else region
        self.params = self.region.build_params(overrides)
        self.state = build_region(self.region, self.rng, overrides)
        start_government(self.state, self.params)
        # The allocation draws (a competitive round's noise) have their own stream, so the
        # rule does not shift the phases' random numbers.
        self.allocation_rng = np.random.default_rng(self.rng.integers(2**63))
        self._budget_total = self.region.total_budget(self.params)
        self.allocate()
        self._household_agents: list[Household] | None = None  # made when first asked for
        self._organisations: dict[int, Organisation] = {}
        self.government = LocalGovernment(self)
        self.sync_agents()
        b = self.region.budget
        schedule = tuple(PHASES if phases is None else phases)
        if b.rule == "wksbm_formation_first":
            i = schedule.index(PHASES[7]) + 1 if PHASES[7] in schedule else len(schedule)
            schedule = (*schedule[:i], partial(form_wksbm, cost=b.params["formation_cost"]),
                        *schedule[i:])
        self._kel_rows: list[dict[str, np.ndarray]] = []
        self._setup_extensions(schedule, reporters, False)
        self.add_hook(_reallocate)

    @property
    def _households(self) -> list[Household]:
        """The household agents, made the first time they are asked for.

        A region of a million households would spend most of its build making Mesa agents
        nobody may look at; the phases work on the arrays, so the agents wait until a
        notebook or table asks for them.
        """
        if self._household_agents is None:
            self._household_agents = [Household(self, row) for row in range(self.state.n)]
        return self._household_agents

    @property
    def households(self) -> mesa.agent.AgentSet:
        """All households as a Mesa AgentSet (made on first use), indexable by row."""
        self._households  # noqa: B018 - make them
        return self.agents_by_type[Household]

    def allocate(self) -> None:
        """Share the budget by the region's rule, from what the Dinas Sosial sees now."""
        b = self.region.budget
        st = self.state
        alloc = allocate(self._budget_total, b.rule, b.params, summarise(st, self.params),
                         self.allocation_rng)
        st.kel_budget = alloc.budget
        st.kel_formation = alloc.formation if alloc.formation.any() else None

    def _record_row(self) -> None:
        super()._record_row()
        kel = kelurahan_outcomes(self.state, self.params)
        self._kel_rows.append(kel)
        row = self._rows[-1]
        burden = kel["burden"]
        row["burden_gini"] = gini(burden)
        row["burden_max_min"] = float(burden.max() / burden.min()) if burden.min() > 0 \
            else float("nan")
        for i, b in enumerate(burden):
            row[f"burden_kel_{i + 1:02d}"] = float(b)

    def kelurahan_timeseries(self) -> pd.DataFrame:
        """The long table: one row per month and kelurahan (:data:`KELURAHAN_COLUMNS`)."""
        k = self.state.n_kel
        names = [x.name for x in self.region.kelurahan]
        frames = [pd.DataFrame({"month": row["month"], "kelurahan": np.arange(1, k + 1),
                                "name": names, **kel})
                  for row, kel in zip(self._rows, self._kel_rows, strict=True)]
        out = pd.concat(frames, ignore_index=True)
        for col in ("households", "osl_count", "wksbm_count"):
            out[col] = out[col].astype(np.int64)
        return out


def _reallocate(model: OSLModel) -> None:
    """Reallocate at the start of each budget year after the first (months 1 + k * every)."""
    every = model.region.budget.every
    if model.month > 1 and (model.month - 1) % every == 0:
        model.allocate()


def simulate_region(region: Region | str | Path, months: int | None = None,
                    rng: Any = None, *, overrides: Mapping[str, Any] | None = None,
                    progress: Callable[[Iterable[int]], Iterable[int]] | None = None,
                    warmup: Any = False, **_: Any) -> Any:
    """Run a region; returns a :class:`~oslsim.simulation.RunResult` with ``kelurahan`` set.

    ``timeseries`` is the region's monthly table; ``kelurahan`` the long table.
    """
    from oslsim.seeds import fresh_seed
    from oslsim.simulation import RunResult, checkout, seed_summary, versions

    reg = load_region(region) if not isinstance(region, Region) else region
    if warmup:
        raise RegionError(f"{reg.source}: warmup: a warm start is not available for a region "
                          "yet; run without it")
    run_months = reg.months if months is None else months
    reg.check_months(run_months)
    reg.build_params(overrides)
    seed = as_seed(fresh_seed() if rng is None else rng)
    seed_info = seed_summary(seed) if isinstance(seed, np.random.Generator) else seed
    if isinstance(seed, np.random.SeedSequence):
        seed_info = {"entropy": seed.entropy, "spawn_key": list(seed.spawn_key)}
    model = RegionModel(reg, rng=seed, overrides=overrides)
    model.run(run_months, progress=progress)
    manifest = {
        "scenario": reg.name, "source": reg.source, "site": None, "months": int(run_months),
        "seed": seed_info, "overrides": dict(overrides or {}),
        "params": model.params.to_dict(), "region": reg.to_dict(),
        "budget_total": model._budget_total, "interventions": [], "not_reached": [],
        "events": [], "param_changes": [],
        "model": f"{RegionModel.__module__}.{RegionModel.__qualname__}", "warmup": None,
        "versions": versions(), **checkout(),
    }
    return RunResult(timeseries=model.timeseries(), logic_model=model.logic_model(),
                     manifest=manifest, model=model, scenario=reg,
                     kelurahan=model.kelurahan_timeseries())
