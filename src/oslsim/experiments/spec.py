"""Experiment files: parse and validate a TOML sweep definition into an :class:`Experiment`.

An experiment is TOML data (never executed): the scenario(s), the factors with their values
or ranges, the design, replicates, months, what to keep and a root seed. Everything is
checked before anything runs; every problem is one line naming the file (and line), the key,
what is allowed and, for a misspelling, the close match.

The pieces it builds (:class:`Factor`, :class:`Keep`, :class:`Experiment`) are defined
in :mod:`oslsim.experiments.definition` and importable from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from oslsim.errors import InputError
from oslsim.experiments.definition import (
    DESIGNS,
    MORRIS_LEVELS,
    SAMPLED,
    SCENARIO_FACTOR,
    Experiment,
    ExperimentError,
    Factor,
    Keep,
)
from oslsim.tomlcheck import (
    MAX_MONTHS,
    NAME,
    Context,
    check_param,
    find_param,
    flatten,
    loads,
    read_text,
    suggest,
    type_name,
)

__all__ = [
    "DESIGNS",
    "Experiment",
    "ExperimentError",
    "Factor",
    "Keep",
    "SCENARIO_FACTOR",
    "load_experiment",
    "parse_experiment",
]

#: Top-level keys of an experiment file.
TOP_KEYS = ("name", "description", "scenario", "months", "replicates", "seed", "design",
            "samples", "second_order", "levels", "warmup", "factors", "params", "keep")
WARMUP_KEYS = ("max_months", "tolerance")
KEEP_KEYS = ("outcomes", "months")
RANGE_KEYS = ("low", "high", "levels")
#: Other names users give the designs, for the "did you mean" hint.
_ALIASES = {"latin": "lhs", "latin_hypercube": "lhs", "hypercube": "lhs", "saltelli": "sobol",
            "sobol_saltelli": "sobol", "full": "grid", "factorial": "grid",
            "full_factorial": "grid", "elementary_effects": "morris", "oat": "morris"}
#: Largest root seed: the store keeps seeds as 64-bit signed integers.
MAX_SEED = 2**63 - 1
#: Most levels of a grid range or a Morris grid.
MAX_LEVELS = 1000
#: Most sampled points asked for (the whole design is bounded by designs.MAX_RUNS).
MAX_SAMPLES = 2**20


def _context(source: str, text: str | None) -> Context:
    return Context(source, text, ExperimentError)


def _is_range(table: Mapping[str, Any]) -> bool:
    return bool(set(table) & {"low", "high"})


def _is_path(ref: str) -> bool:
    return ref.endswith(".toml") or "/" in ref or "\\" in ref


# --------------------------------------------------------------------------- parsing


def _param(ctx: Context, where: str, path: str) -> Any:
    """Return the parameter's definition or raise the one-line error with a hint."""
    try:
        return find_param(path)
    except ValueError as exc:
        raise ctx.error(where, str(exc)) from None


def _value(ctx: Context, where: str, path: str, value: Any) -> Any:
    """Coerce one value to the parameter's type and check its range."""
    try:
        return check_param(path, value)
    except ValueError as exc:
        raise ctx.error(where, str(exc)) from None


def _positive_int(ctx: Context, key: str, value: Any, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1 or \
            (high is not None and value > high):
        upper = f" to {high:,}" if high is not None else " or more"
        raise ctx.error(key, f"{value!r} is not allowed; use a whole number from 1{upper}")
    return value


def _scenario_ref(ctx: Context, key: str, label: Any, base_dir: Path | None) -> Any:
    """Load one scenario (a built-in name, or a path relative to the experiment file)."""
    from oslsim.scenarios import load_scenario

    if not isinstance(label, str) or not label.strip():
        raise ctx.error(key, f"expected a scenario name or a path to a .toml file, got "
                        f"{type_name(label)}")
    ref: str | Path = label.strip()
    if _is_path(str(ref)):
        path = Path(ref).expanduser()
        ref = path if path.is_absolute() or base_dir is None else base_dir / path
    try:
        return load_scenario(ref)
    except InputError as exc:
        raise ctx.error(key, " ".join(str(exc).split())) from None


def _factor(ctx: Context, path: str, value: Any, design: str) -> Factor:
    where = f"factors.{path}"
    if path == SCENARIO_FACTOR:
        if not isinstance(value, list) or not value:
            raise ctx.error(where, "expected a non-empty list of scenario names or paths, e.g. "
                            '["baseline", "no_government"]')
        return Factor(SCENARIO_FACTOR, values=tuple(value), type=str)
    info = _param(ctx, where, path)
    if isinstance(value, list):
        if not value:
            raise ctx.error(where, f"the list of values is empty; allowed {info.allowed()}")
        values = tuple(_value(ctx, f"{where}[{i}]", path, v) for i, v in enumerate(value))
        dup = next((v for i, v in enumerate(values) if v in values[:i]), None)
        if dup is not None:
            raise ctx.error(where, f"{dup!r} is listed twice; list each value once")
        return Factor(path, values=values, type=info.type)
    if isinstance(value, Mapping):
        unknown = [k for k in value if k not in RANGE_KEYS]
        if unknown:
            raise ctx.error(f"{where}.{unknown[0]}", f"unknown key; a range allows "
                            f"{', '.join(RANGE_KEYS)}{suggest(unknown[0], RANGE_KEYS)}")
        if info.type not in (int, float):
            raise ctx.error(where, f"a range needs a numeric parameter; list the values "
                            f"instead ({info.allowed()})")
        if "low" not in value or "high" not in value:
            raise ctx.error(where, "a range needs both low and high, e.g. "
                            "{ low = 0.2, high = 0.8 }")
        low = _value(ctx, f"{where}.low", path, value["low"])
        high = _value(ctx, f"{where}.high", path, value["high"])
        if not low < high:
            raise ctx.error(where, f"low ({low}) must be below high ({high})")
        levels = value.get("levels")
        if design == "grid":
            if levels is None:
                raise ctx.error(where, "a grid needs a list of values or a range with levels, "
                                "e.g. { low = 0.2, high = 0.8, levels = 4 }")
            levels = _positive_int(ctx, f"{where}.levels", levels, MAX_LEVELS)
            if levels < 2:
                raise ctx.error(f"{where}.levels", "1 is not allowed; use 2 or more")
        elif levels is not None:
            raise ctx.error(f"{where}.levels", f"levels is for grid designs; a {design} "
                            "design samples the range itself (see samples)")
        return Factor(path, low=float(low), high=float(high), levels=levels, type=info.type)
    raise ctx.error(where, f"expected a list of values or a range {{ low, high }}, got "
                    f"{type_name(value)}")


def _warmup(ctx: Context, table: Any) -> dict[str, Any] | None:
    """The ``[warmup]`` table: ``true``/``false`` or ``{max_months, tolerance}``."""
    from oslsim.warmup import WARMUP_DEFAULTS

    if table is False:
        return None
    if table is True:
        return dict(WARMUP_DEFAULTS)
    if not isinstance(table, Mapping):
        raise ctx.error("warmup", f"expected true, false or a table with "
                        f"{', '.join(WARMUP_KEYS)}, got {type_name(table)}")
    out = dict(WARMUP_DEFAULTS)
    for key, value in table.items():
        if key not in WARMUP_KEYS:
            raise ctx.error(f"warmup.{key}", f"unknown key; allowed {', '.join(WARMUP_KEYS)}"
                            f"{suggest(key, WARMUP_KEYS)}")
        if key == "max_months":
            if isinstance(value, bool) or not isinstance(value, int) or \
                    not 36 <= value <= MAX_MONTHS:
                raise ctx.error("warmup.max_months", f"{value!r} is not allowed; use a whole "
                                f"number of months from 36 to {MAX_MONTHS}")
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or \
                not 0 < value <= 1:
            raise ctx.error("warmup.tolerance", f"{value!r} is not allowed; use a number in "
                            "(0, 1], the yearly change of burden allowed as a share of its mean")
        out[key] = value
    return out


def _keep(ctx: Context, table: Any, months: int | None, extra: Iterable[str] = ()) -> Keep:
    if not isinstance(table, Mapping):
        raise ctx.error("keep", f"expected a table with {', '.join(KEEP_KEYS)}, got "
                        f"{type_name(table)}")
    for key in table:
        if key not in KEEP_KEYS:
            raise ctx.error(f"keep.{key}", f"unknown key; allowed {', '.join(KEEP_KEYS)}"
                            f"{suggest(key, KEEP_KEYS)}")
    outcomes: tuple[str, ...] | None = None
    raw = table.get("outcomes", "all")
    if raw != "all":
        from oslsim.metrics import OUTCOMES, PROCESS

        known = list(dict.fromkeys(c for c in (*OUTCOMES, *PROCESS, *extra) if c != "month"))
        if not isinstance(raw, list) or not raw:
            raise ctx.error("keep.outcomes", 'expected "all" or a non-empty list of outcome '
                            'names, e.g. ["burden", "coverage"]')
        for i, name in enumerate(raw):
            if name == "month":
                continue
            if not isinstance(name, str) or name not in known:
                hint = suggest(name, known) if isinstance(name, str) else ""
                raise ctx.error(f"keep.outcomes[{i}]", f"{name!r} is not an outcome; use one "
                                f"of {', '.join(known)}{hint} (a custom reporter's name is "
                                "allowed when the run function lists it in its outcomes "
                                "attribute)")
        outcomes = tuple(dict.fromkeys(n for n in raw if n != "month"))
    spec = table.get("months", "all")
    if spec in ("all", "last"):
        return Keep(outcomes, spec)
    if isinstance(spec, Mapping):
        if set(spec) != {"every"}:
            raise ctx.error("keep.months", "a table here takes only every, e.g. { every = 12 }")
        return Keep(outcomes, None, _positive_int(ctx, "keep.months.every", spec["every"],
                                                  MAX_MONTHS))
    if isinstance(spec, list) and spec:
        top = months if months is not None else MAX_MONTHS
        for i, m in enumerate(spec):
            if isinstance(m, bool) or not isinstance(m, int) or not 0 <= m <= top:
                raise ctx.error(f"keep.months[{i}]", f"{m!r} is not allowed; use whole months "
                                f"from 0 to {top}")
        return Keep(outcomes, tuple(sorted(set(spec))))
    raise ctx.error("keep.months", f'{spec!r} is not allowed; use "all", "last", a list of '
                    "months such as [0, 60, 120], or { every = 12 }")


def parse_experiment(data: Mapping[str, Any], source: str = "<dict>", text: str | None = None,
                     base_dir: Path | None = None, default_name: str = "experiment",
                     outcomes: Iterable[str] = ()) -> Experiment:
    """Validate experiment data (as read from TOML) and return an :class:`Experiment`.

    ``source`` names the file in messages, ``text`` (the TOML) lets them give line numbers
    and ``base_dir`` resolves relative scenario paths. ``outcomes`` names the extra columns
    (custom reporters) the run function provides, which ``keep.outcomes`` may then list.
    """
    ctx = _context(source, text)
    if not isinstance(data, Mapping):
        raise ctx.error("experiment", f"expected a table, got {type_name(data)}")
    for key in data:
        if key not in TOP_KEYS:
            raise ctx.error(key, f"unknown key; allowed {', '.join(TOP_KEYS)}"
                            f"{suggest(key, TOP_KEYS)}")
    name = data.get("name", default_name)
    if not isinstance(name, str) or not NAME.match(name):
        raise ctx.error("name", f"{name!r} is not allowed; use letters, digits, _ . - "
                        "(it names the store file)")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ctx.error("description", f"expected text, got {type_name(description)}")
    design = data.get("design", "grid")
    if design not in DESIGNS:
        alias = _ALIASES.get(str(design).lower().replace("-", "_").replace(" ", "_"))
        hint = f"; did you mean {alias}?" if alias else suggest(str(design), DESIGNS)
        raise ctx.error("design", f"{design!r} is not allowed; use one of {', '.join(DESIGNS)}"
                        f"{hint}")
    samples = data.get("samples")
    if design in SAMPLED:
        if samples is None:
            what = {"lhs": "points", "sobol": "base samples N (a power of 2)",
                    "morris": "trajectories"}[design]
            raise ctx.error("samples", f"a {design} design needs samples ({what}), e.g. "
                            "samples = 16")
        samples = _positive_int(ctx, "samples", samples, MAX_SAMPLES)
        if design == "sobol" and samples & (samples - 1):
            lower = 1 << (samples.bit_length() - 1)
            raise ctx.error("samples", f"{samples} is not allowed; Sobol (Saltelli) needs a "
                            f"power of 2, e.g. {lower} or {lower * 2}")
        if design == "morris" and samples < 2:
            raise ctx.error("samples", "1 is not allowed; Morris needs 2 or more trajectories")
    elif samples is not None:
        raise ctx.error("samples", "samples is for lhs, sobol and morris designs; a grid "
                        "takes every combination of the listed values")
    second_order = data.get("second_order", True)
    if "second_order" in data and design != "sobol":
        raise ctx.error("second_order", "second_order is for sobol designs only")
    if not isinstance(second_order, bool):
        raise ctx.error("second_order", f"{second_order!r} is not allowed; use true or false")
    levels = data.get("levels", MORRIS_LEVELS)
    if "levels" in data:
        if design != "morris":
            raise ctx.error("levels", "levels (top level) is for morris designs; a grid range "
                            "takes levels inside it: { low = 0, high = 1, levels = 5 }")
        levels = _positive_int(ctx, "levels", levels, MAX_LEVELS)
        if levels < 2:
            raise ctx.error("levels", "1 is not allowed; use 2 or more (4 is usual)")
    replicates = _positive_int(ctx, "replicates", data.get("replicates", 1), 100_000)
    months = data.get("months")
    if months is not None:
        months = _positive_int(ctx, "months", months, MAX_MONTHS)
    seed = data.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or
                             not 0 <= seed <= MAX_SEED):
        raise ctx.error("seed", f"{seed!r} is not allowed; use a whole number of 0 or more, "
                        f"at most 2**63 - 1 ({MAX_SEED})")

    raw_factors = data.get("factors", {})
    if not isinstance(raw_factors, Mapping):
        raise ctx.error("factors", f"expected a table of factors, got {type_name(raw_factors)}")
    factors = [_factor(ctx, path, value, design)
               for path, value in flatten(raw_factors, is_value=_is_range)]
    has_scenario_factor = any(f.name == SCENARIO_FACTOR for f in factors)
    if has_scenario_factor and "scenario" in data:
        raise ctx.error("scenario", "the scenarios are already crossed in factors.scenario; "
                        "remove one of the two")
    if design in SAMPLED and not any(f.is_range for f in factors):
        raise ctx.error("factors", f"a {design} design needs at least one range factor, e.g. "
                        '"organisations.capacity_mean" = { low = 0.2, high = 0.8 }')

    raw_params = data.get("params", {})
    if not isinstance(raw_params, Mapping):
        raise ctx.error("params", f"expected a table of parameter overrides, got "
                        f"{type_name(raw_params)}")
    params: dict[str, Any] = {}
    names = {f.name for f in factors}
    for path, value in flatten(raw_params, is_value=_is_range):
        where = f"params.{path}"
        _param(ctx, where, path)
        if path in names:
            raise ctx.error(where, "is also a factor; a parameter is either constant or varied")
        params[path] = _value(ctx, where, path, value)

    labels: list[str] = []
    if has_scenario_factor:
        sf = next(f for f in factors if f.name == SCENARIO_FACTOR)
        labels = [str(v).strip() if isinstance(v, str) else v for v in sf.values or ()]
        keys = [f"factors.scenario[{i}]" for i in range(len(labels))]
    else:
        labels = [data.get("scenario", "baseline")]
        keys = ["scenario"]
    scenarios: dict[str, Any] = {}
    for key, label in zip(keys, labels, strict=True):
        sc = _scenario_ref(ctx, key, label, base_dir)
        if label in scenarios:
            raise ctx.error(key, f"{label!r} is listed twice; list each scenario once")
        scenarios[label] = sc
    if has_scenario_factor:
        factors = [Factor(SCENARIO_FACTOR, values=tuple(scenarios), type=str)
                   if f.name == SCENARIO_FACTOR else f for f in factors]
    for label, sc in scenarios.items():
        run_months = months if months is not None else sc.months
        try:
            sc.check_months(run_months)
            sc.build_params(params)
        except InputError as exc:
            raise ctx.error("months" if months is not None else keys[0],
                            f"scenario {label!r}: {' '.join(str(exc).split())}") from None
    keep = _keep(ctx, data.get("keep", {}), months, outcomes)
    warmup = _warmup(ctx, data["warmup"]) if "warmup" in data else None
    exp = Experiment(name=name, factors=tuple(factors), scenarios=scenarios, design=design,
                     samples=samples, second_order=second_order, levels=levels,
                     replicates=replicates, months=months, seed=seed, params=params,
                     keep=keep, description=description, source=source, warmup=warmup)
    from oslsim.experiments.designs import check_size  # designs imports this module

    check_size(exp)
    return exp


def load_experiment(path: str | Path, outcomes: Iterable[str] = ()) -> Experiment:
    """Read and validate an experiment TOML file.

    Raises :class:`ExperimentError` (one line) for a missing file, malformed TOML or any
    invalid key or value; relative scenario paths are resolved against the file's folder.
    ``outcomes``: extra outcome names ``keep.outcomes`` may list (see :func:`parse_experiment`).
    """
    path = Path(path).expanduser()
    text = read_text(path, str(path), "an experiment file", ExperimentError,
                     "give the path to an experiment .toml file "
                     "(see experiments/example_sweep.toml)")
    data = loads(text, str(path), ExperimentError, "docs/experiments.md")
    return parse_experiment(data, source=str(path), text=text, base_dir=path.parent,
                            default_name=path.stem, outcomes=outcomes)


def as_experiment(experiment: Experiment | Mapping[str, Any] | str | Path,
                  outcomes: Iterable[str] = ()) -> Experiment:
    """Accept an :class:`Experiment`, a mapping of experiment data, or a path to a file.

    ``outcomes``: extra outcome names ``keep.outcomes`` may list (custom reporters).
    """
    if isinstance(experiment, Experiment):
        return experiment
    if isinstance(experiment, Mapping):
        return parse_experiment(experiment, outcomes=outcomes)
    if isinstance(experiment, (str, Path)):
        return load_experiment(experiment, outcomes=outcomes)
    raise ExperimentError(f"experiment: expected a path, a mapping or an Experiment, got "
                          f"{type(experiment).__name__}")
