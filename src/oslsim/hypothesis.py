"""The study's hypothesis put to the test: the WKSBM dose experiment, its analysis, its report.

*Semakin banyak bentukan OSL sebagai WKSBM akan mengurangi beban warga masyarakatnya* — the
more OSLs work as WKSBM, the lighter the community's burden. :func:`run_hypothesis` runs the
experiment files ``experiments/wksbm_*.toml`` through :func:`oslsim.experiments.sweep` into
one DuckDB store, :func:`collect` turns the store into a tidy per-run table, :func:`analyse`
computes the statistics of :mod:`oslsim.analysis`, and :func:`write_report` writes Markdown,
PNG figures and one self-contained HTML page. Every sentence of the report is chosen from
the numbers (:func:`verdict_sentences`); nothing about the result is written in advance.
"""

from __future__ import annotations

import base64
import html
import json
import math
import os
import re
import sys
import time
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from oslsim import analysis as an
from oslsim.errors import InputError

__all__ = [
    "CONDITIONS",
    "Condition",
    "HypothesisAnalysis",
    "HypothesisRun",
    "Plan",
    "analyse",
    "collect",
    "condition_sentences",
    "docs_section",
    "figures",
    "find_experiments_dir",
    "headline",
    "load_plan",
    "release_run",
    "replicate_study",
    "run_hypothesis",
    "sensitivity_effects",
    "sensitivity_sentences",
    "strength",
    "update_docs",
    "verdict_sentences",
    "write_report",
]

#: The design factor that sets the dose.
DOSE_FACTOR = "organisations.wksbm_per_1000"
#: Months at the end of a run over which the outcomes are averaged.
WINDOW = 12
#: Outcomes reported beside burden (averaged over the last ``WINDOW`` months).
SIDE_OUTCOMES = ("coverage", "pmks_prevalence", "solidarity", "gov_spending", "poverty_rate")
#: Replicates per design point and Sobol base samples of ``--quick`` (the same design).
QUICK_REPLICATES = 3
QUICK_SAMPLES = 4
#: Significance level of the trend test and smallest relative reduction counted as support.
ALPHA = 0.05
MIN_EFFECT = 0.05
#: Bootstrap resamples for every interval of the report.
N_BOOT = 2000
#: Words for the size of a relative burden reduction: below 10% weak, below 25% moderate.
STRENGTH = ((0.10, "lemah", "weak"), (0.25, "sedang", "moderate"), (math.inf, "kuat", "strong"))
#: Sobol: first-order indices may add up to this much over 1 before the report calls it noise.
OVERSHOOT = 0.05
#: Sobol base samples below which the report calls the indices a rough sketch.
SMALL_SOBOL = 32
#: Fewer replicates per cell than this are too few to judge how the CV settles.
MIN_CV_RUNS = 10
#: A realised dose this far (relative) from the design dose is pointed out in the report.
DOSE_DRIFT = 0.10
#: The report's store, tables and pages inside the output folder.
STORE_NAME = "hypothesis.duckdb"
#: Markers of the section of docs/hypothesis.md that ``--update-docs`` rewrites.
DOCS_BEGIN = "<!-- oslsim-hypothesis:begin -->"
DOCS_END = "<!-- oslsim-hypothesis:end -->"


@dataclass(frozen=True)
class Condition:
    """One arm of the experiment: its file and its names for the report (id, en)."""

    name: str
    file: str
    label_id: str
    label_en: str
    what_id: str
    what_en: str


#: The baseline and the mechanism checks, in report order; the first is the reference.
CONDITIONS: tuple[Condition, ...] = (
    Condition("baseline", "wksbm_hypothesis.toml", "Kondisi dasar", "Baseline",
              "profil lokasi apa adanya, pemerintah sebagai fasilitator",
              "the site as it is, government as facilitator"),
    Condition("null", "wksbm_null.toml", "Model nol", "Null model",
              "OSL ada dan bertemu tetapi tidak melayani siapa pun",
              "organisations exist and meet but serve no one"),
    Condition("no_capacity", "wksbm_no_capacity.toml", "Tanpa kapasitas pengurus",
              "No pengurus capacity",
              "pengurus tanpa keterampilan dan diklat yang tidak menambah keterampilan",
              "pengurus without skills, training that adds none"),
    Condition("no_money", "wksbm_no_money.toml", "Tanpa dana", "No money",
              "tanpa iuran, arisan, jimpitan dan hibah",
              "no dues, no arisan, no jimpitan, no grants"),
    Condition("exclusive", "wksbm_exclusive.toml", "Keanggotaan eksklusif",
              "Exclusive membership",
              "hanya separuh warga yang lebih mampu boleh menjadi anggota",
              "only the better-off half of households may join"),
    Condition("directive", "wksbm_directive.toml", "Pengarahan dari atas", "Top-down direction",
              "pemerintah mengarahkan dan membentuk kelompok sendiri",
              "government directs and founds its own groups"),
    Condition("no_government", "wksbm_no_government.toml", "Tanpa pemerintah", "No government",
              "tanpa anggaran, hibah, diklat dan rujukan pemerintah",
              "no government budget, grants, training or referral"),
)
SENSITIVITY_FILE = "wksbm_sensitivity.toml"
#: Names of the parameters of the sensitivity analysis, for the report (id, en).
PARAM_LABELS = {
    "organisations.capacity_mean": ("kapasitas pengurus", "pengurus capacity"),
    "organisations.dues_scale": ("besar iuran", "size of dues"),
    "organisations.exclusivity": ("eksklusivitas keanggotaan", "exclusive membership"),
    "government.budget_per_household": ("anggaran pemerintah per KK", "government budget"),
    "community.solidarity_mean": ("kesetiakawanan awal", "initial solidarity"),
    "organisations.identification_rate": ("laju identifikasi kasus", "case identification rate"),
    "organisations.jimpitan": ("jimpitan / donasi warga", "jimpitan and donations"),
}


# ======================================================================================
# the plan: which experiments, checked to share one design
# ======================================================================================


def find_experiments_dir(path: str | Path | None = None) -> Path:
    """The folder holding ``wksbm_hypothesis.toml``: ``path``, ``./experiments`` or the repo's."""
    if path is not None:
        folder = Path(path).expanduser()
        if not (folder / CONDITIONS[0].file).is_file():
            raise InputError(f"--experiments {folder}: no {CONDITIONS[0].file} there; give the "
                             "folder holding the wksbm_*.toml experiment files")
        return folder
    for folder in (Path.cwd() / "experiments", Path(__file__).resolve().parents[2] / "experiments"):
        if (folder / CONDITIONS[0].file).is_file():
            return folder
    raise InputError(f"experiments/{CONDITIONS[0].file}: not found; run from the oslsim "
                     "repository's folder or give --experiments DIR")


@dataclass(frozen=True)
class Plan:
    """The experiments of one hypothesis run: one per condition, and the sensitivity one."""

    conditions: tuple[tuple[Condition, Any], ...]
    sensitivity: Any | None
    quick: bool
    directory: Path

    @property
    def reference(self) -> Any:
        """The baseline experiment (the first condition)."""
        return self.conditions[0][1]

    @property
    def doses(self) -> tuple[float, ...]:
        """The design doses (WKSBM per 1,000 households)."""
        return tuple(float(v) for v in _factor(self.reference, DOSE_FACTOR).values)

    @property
    def sites(self) -> tuple[str, ...]:
        """The scenario labels crossed (the study's sites)."""
        return tuple(self.reference.scenario_labels)

    @property
    def experiments(self) -> list[Any]:
        """Every experiment to sweep, in order."""
        exps = [exp for _, exp in self.conditions]
        return exps + ([self.sensitivity] if self.sensitivity is not None else [])

    def runs(self) -> int:
        """How many runs the plan holds."""
        from oslsim.experiments.designs import build_design

        return sum(len(build_design(e, e.seed or 0)) * e.replicates for e in self.experiments)


def _factor(exp: Any, name: str) -> Any:
    for f in exp.factors:
        if f.name == name:
            return f
    raise InputError(f"{exp.source}: factors.{name}: missing; the hypothesis experiment "
                     f"varies {name}")


def _read(path: Path, changes: Mapping[str, Any]) -> Any:
    """Load an experiment file with top-level ``changes`` (the quick variant)."""
    from oslsim.experiments import ExperimentError, parse_experiment

    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found; the hypothesis needs it beside "
                         f"{CONDITIONS[0].file}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ExperimentError(f"{path}: not valid TOML: {' '.join(str(exc).split())}") from None
    for key, value in changes.items():
        if key == "name":
            data["name"] = f"{data.get('name', path.stem)}{value}"
        elif key in data or key == "replicates":
            data[key] = min(int(value), int(data.get(key, value)))
    return parse_experiment(data, source=str(path), text=text, base_dir=path.parent,
                            default_name=path.stem)


def _check_same_design(ref: Any, exp: Any) -> None:
    """Every condition must share the baseline's sites, doses, replicates, months and seed."""
    checks = (
        ("factors.scenario", tuple(ref.scenario_labels), tuple(exp.scenario_labels)),
        (f"factors.{DOSE_FACTOR}", _factor(ref, DOSE_FACTOR).values,
         _factor(exp, DOSE_FACTOR).values),
        ("replicates", ref.replicates, exp.replicates),
        ("months", ref.months, exp.months),
        ("seed", ref.seed, exp.seed),
        ("keep", ref.keep, exp.keep),
        ("design", ref.design, exp.design),
    )
    for key, want, got in checks:
        if want != got:
            raise InputError(f"{exp.source}: {key}: {got!r} differs from {want!r} in "
                             f"{ref.source}; every condition must share the baseline's design")
    extra = [f.name for f in exp.factors if f.name not in ("scenario", DOSE_FACTOR)]
    if extra:
        raise InputError(f"{exp.source}: factors.{extra[0]}: not allowed here; a condition "
                         "varies only scenario and the dose (put constants under [params])")


def load_plan(directory: str | Path | None = None, quick: bool = False,
              sensitivity: bool = True) -> Plan:
    """Load and check the experiment files of the hypothesis.

    Parameters
    ----------
    directory : path, optional
        Folder of the ``wksbm_*.toml`` files (default: see :func:`find_experiments_dir`).
    quick : bool
        The same design with :data:`QUICK_REPLICATES` replicates and :data:`QUICK_SAMPLES`
        Sobol base samples; the experiments get a ``_quick`` suffix so a store can hold both.
    sensitivity : bool
        Include the Sobol experiment (when its file exists).
    """
    folder = find_experiments_dir(directory)
    changes: dict[str, Any] = {"replicates": QUICK_REPLICATES, "name": "_quick"} if quick else {}
    conditions = []
    for cond in CONDITIONS:
        path = folder / cond.file
        if cond is not CONDITIONS[0] and not path.is_file():
            continue  # a user may drop mechanism checks
        exp = _read(path, changes)
        if conditions:
            _check_same_design(conditions[0][1], exp)
        else:
            _factor(exp, DOSE_FACTOR)
            if exp.seed is None:
                raise InputError(f"{exp.source}: seed: missing; the conditions pair their runs "
                                 "through one root seed, e.g. seed = 20250611")
            if len(_factor(exp, DOSE_FACTOR).values or ()) < 2:
                raise InputError(f"{exp.source}: factors.{DOSE_FACTOR}: list at least two "
                                 "doses, starting from 0")
        conditions.append((cond, exp))
    sens = None
    path = folder / SENSITIVITY_FILE
    if sensitivity and path.is_file():
        sens_changes = {"samples": QUICK_SAMPLES, "name": "_quick"} if quick else {}
        sens = _read(path, sens_changes)
        dose = _factor(sens, DOSE_FACTOR)
        if sens.design != "sobol" or dose.values is None or len(dose.values) != 2:
            raise InputError(f"{sens.source}: the sensitivity experiment needs design = "
                             f"\"sobol\" and factors.{DOSE_FACTOR} = [low, high]")
    return Plan(tuple(conditions), sens, quick, folder)


# ======================================================================================
# from the store to tidy tables
# ======================================================================================


def _households(exp: Any) -> dict[str, int]:
    """Households of each scenario label under the experiment's constant parameters."""
    out = {}
    for label, sc in exp.scenarios.items():
        out[label] = int(sc.build_params(dict(exp.params)).households)
    return out


def _only(tables: Mapping[str, pd.DataFrame], names: Sequence[str] | Mapping[str, Any],
          ) -> dict[str, pd.DataFrame]:
    """The store's tables cut to the runs and design points of the named experiments."""
    keep = list(names)
    out = dict(tables)
    for key in ("runs", "design"):
        table = tables[key]
        out[key] = table[table["experiment"].isin(keep)] if len(table) else table
    return out


def collect(tables: Mapping[str, pd.DataFrame], plan: Plan,
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Turn the store's tables into the per-run table and the mean burden trajectories.

    Returns
    -------
    runs : DataFrame
        One row per finished run: ``condition, site, dose, replicate, seed``, the outcomes
        averaged over the last :data:`WINDOW` months (``burden``, ``coverage``, …),
        ``burden_end`` (last month), ``realised_dose`` (WKSBM per 1,000 households, same
        window) and ``osl_per_1000``.
    trajectory : DataFrame
        ``condition, dose, month, n, mean, lo, hi``: mean burden over the sites' runs with a
        normal 95% interval of the mean.
    """
    from oslsim.experiments import tidy

    names = {exp.name: cond.name for cond, exp in plan.conditions}
    ts = tidy(_only(tables, names), month=None)
    if ts.empty:
        raise InputError("the store holds no finished run of the hypothesis experiments")
    ts = ts.rename(columns={DOSE_FACTOR: "dose", "scenario": "site"})
    ts["condition"] = ts["experiment"].map(names)
    hh = {}
    for _cond, exp in plan.conditions:
        for label, n in _households(exp).items():
            hh[(exp.name, label)] = n
    ts["households"] = [hh[k] for k in zip(ts["experiment"], ts["site"], strict=True)]
    last = ts.groupby("run_id")["month"].transform("max")
    window = ts[ts["month"] > last - WINDOW].copy()
    window["realised_dose"] = window["wksbm_count"] * 1000.0 / window["households"]
    window["osl_per_1000"] = window["osl_count"] * 1000.0 / window["households"]
    cols = [c for c in ("burden", *SIDE_OUTCOMES, "realised_dose", "osl_per_1000")
            if c in window.columns]
    keys = ["condition", "site", "dose", "replicate", "seed", "run_id"]
    runs = window.groupby(keys, sort=False)[cols].mean().reset_index()
    end = ts[ts["month"] == last].set_index("run_id")["burden"]
    runs["burden_end"] = runs["run_id"].map(end)
    order = {c.name: i for i, c in enumerate(CONDITIONS)}
    runs = runs.sort_values(["condition", "site", "dose", "replicate"],
                            key=lambda s: s.map(order) if s.name == "condition" else s)
    runs = runs.drop(columns="run_id").reset_index(drop=True)

    grouped = ts.groupby(["condition", "dose", "month"], sort=True)["burden"]
    traj = grouped.agg(n="count", mean="mean", sd="std").reset_index()
    half = 1.96 * traj["sd"].fillna(0.0) / np.sqrt(traj["n"])
    traj["lo"], traj["hi"] = traj["mean"] - half, traj["mean"] + half
    return runs, traj.drop(columns="sd")


def sensitivity_effects(tables: Mapping[str, pd.DataFrame], exp: Any) -> pd.DataFrame:
    """Per Sobol sample: burden at the low and high dose (same seed) and the effect.

    The effect is the relative reduction ``(b_low - b_high) / b_low`` of the burden averaged
    over the last :data:`WINDOW` months and over replicates (as in
    :func:`oslsim.analysis.effect_sizes`: a ratio of means). Columns: ``sample``, the
    sampled parameters, ``b_low``, ``b_high``, ``effect``; sorted by sample.
    """
    from oslsim.experiments import tidy

    sub = _only(tables, [exp.name])
    if sub["runs"].empty:
        return pd.DataFrame()
    ts = tidy(sub, month=None)
    if ts.empty:
        return pd.DataFrame()
    last = ts.groupby("run_id")["month"].transform("max")
    ts = ts[ts["month"] > last - WINDOW]
    names = [f.name for f in exp.ranged]
    per_run = ts.groupby(["run_id", "sample", "replicate", DOSE_FACTOR])["burden"].mean()
    per_run = per_run.reset_index()
    low, high = sorted(float(v) for v in _factor(exp, DOSE_FACTOR).values)
    wide = per_run.pivot_table(index=["sample", "replicate"], columns=DOSE_FACTOR,
                               values="burden")
    if low not in wide.columns or high not in wide.columns:
        return pd.DataFrame()
    wide = wide[[low, high]].dropna()
    wide.columns = ["b_low", "b_high"]
    out = wide.groupby(level="sample").mean().reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["effect"] = (out["b_low"] - out["b_high"]) / out["b_low"]
    design = sub["design"].drop_duplicates("sample")[["sample", *names]]
    out = out.merge(design, on="sample", how="left")
    return out[["sample", *names, "b_low", "b_high", "effect"]].sort_values("sample")


def _sobol(effects: pd.DataFrame, exp: Any, rng: np.random.Generator) -> dict[str, Any] | None:
    """Sobol indices of the effect, or None when the sample is incomplete."""
    if effects.empty:
        return None
    from oslsim.experiments.designs import sobol as sobol_sample

    problem = exp.problem()
    expected = len(sobol_sample(problem, exp.samples, 0, second_order=exp.second_order))
    y = effects["effect"].to_numpy(dtype=float)
    if len(effects) != expected or not np.isfinite(y).all():
        return {"complete": False, "points": int(len(effects)), "expected": int(expected)}
    table = an.sobol_indices(problem, y, rng=rng, calc_second_order=exp.second_order)
    low, high = sorted(float(v) for v in _factor(exp, DOSE_FACTOR).values)
    return {
        "complete": True, "table": table, "points": int(len(effects)), "expected": expected,
        "samples": int(exp.samples), "effect_mean": float(y.mean()),
        "effect_sd": float(y.std(ddof=1)), "sum_s1": float(table["S1"].clip(lower=0).sum()),
        "dose_low": low, "dose_high": high, "scenario": exp.scenario_labels[0],
    }


def replicate_study(runs: pd.DataFrame, min_effect: float = MIN_EFFECT, tolerance: float = 0.2,
                    rng: int | np.random.Generator | None = None) -> dict[str, Any]:
    """How many replicates the numbers call for (Lee et al. 2015), from a per-run table.

    Uses the lowest- and highest-dose runs of each site: the CV of burden as replicates are
    added (:func:`oslsim.analysis.cv_by_replicates`), the fewest replicates after which the
    CV stays within ``tolerance`` of its all-runs value, and the replicates that detect a
    paired reduction of ``min_effect`` of the mean burden (alpha 0.05, power 0.8).
    """
    gen = np.random.default_rng(rng)
    doses = np.sort(runs["dose"].unique())
    ends = runs[runs["dose"].isin([doses[0], doses[-1]])]
    by = ["site", "dose"] if "site" in runs.columns else ["dose"]
    cv = an.cv_by_replicates(ends, "burden", by=by, rng=gen)
    stable = an.stable_replicates(cv, tolerance) if len(cv) else None
    rows = []
    groups = runs.groupby("site") if "site" in runs.columns else [("all", runs)]
    for site, sub in groups:
        wide = sub.pivot_table(index="replicate", columns="dose", values="burden")
        if doses[0] not in wide.columns or doses[-1] not in wide.columns:
            continue
        pair = wide[[doses[0], doses[-1]]].dropna()
        if len(pair) < 3:
            continue
        diff = pair[doses[0]] - pair[doses[-1]]
        base = float(pair[doses[0]].mean())
        sd_d = float(diff.std(ddof=1))
        sd_u = float(np.sqrt(pair[doses[0]].var(ddof=1) + pair[doses[-1]].var(ddof=1)))
        delta = min_effect * base if base > 0 else float("nan")
        rows.append({
            "site": site, "runs": int(len(pair)), "mean_burden": base,
            "cv": float(pair[doses[0]].std(ddof=1) / base) if base > 0 else float("nan"),
            "sd_paired": sd_d, "sd_unpaired": sd_u,
            "needed_paired": an.replicates_needed(sd_d, delta) if delta > 0 else None,
            "needed_unpaired": an.replicates_needed(sd_u, delta) if delta > 0 else None,
        })
    return {"cv": cv, "stable": stable, "tolerance": tolerance, "power": pd.DataFrame(rows),
            "min_effect": min_effect, "doses": (float(doses[0]), float(doses[-1]))}


# ======================================================================================
# analysis
# ======================================================================================


@dataclass
class HypothesisAnalysis:
    """Everything the report says, as numbers and tables (no words)."""

    runs: pd.DataFrame
    summaries: dict[str, dict[str, Any]]
    site_summaries: dict[tuple[str, str], dict[str, Any]]
    dose_response: pd.DataFrame
    dose_response_sites: pd.DataFrame
    effects: pd.DataFrame
    sites: pd.DataFrame
    side: pd.DataFrame
    trajectory: pd.DataFrame | None = None
    sensitivity: dict[str, Any] | None = None
    replicates: dict[str, Any] | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, Condition] = field(default_factory=dict)

    @property
    def reference(self) -> str:
        """The condition the headline is about (the baseline)."""
        return next(iter(self.summaries))

    def verdicts(self) -> dict[str, Any]:
        """Verdicts and their key numbers, per condition and per (condition, site), as data."""
        keys = ("verdict", "jt_p", "rho", "slope", "slope_lo", "slope_hi", "effect",
                "effect_lo", "effect_hi", "cohens_d", "max_dose", "saturation_dose")
        return {
            "conditions": {c: {k: s[k] for k in keys} for c, s in self.summaries.items()},
            "sites": {f"{c}/{site}": {k: s[k] for k in keys}
                      for (c, site), s in self.site_summaries.items()},
        }


def _labels_for(conditions: Sequence[str]) -> dict[str, Condition]:
    known = {c.name: c for c in CONDITIONS}
    return {c: known.get(c, Condition(c, "", c, c, "", "")) for c in conditions}


def analyse(runs: pd.DataFrame, trajectory: pd.DataFrame | None = None,
            sensitivity: dict[str, Any] | None = None, alpha: float = ALPHA,
            min_effect: float = MIN_EFFECT, n_boot: int = N_BOOT,
            rng: int | np.random.Generator | None = None,
            meta: Mapping[str, Any] | None = None,
            progress: Callable[[Any], Any] | None = None) -> HypothesisAnalysis:
    """Compute every statistic of the report from a per-run table.

    Parameters
    ----------
    runs : DataFrame
        One row per run: ``condition``, ``dose``, ``replicate``, ``burden`` and optionally
        ``site``, ``realised_dose`` and the side outcomes (see :func:`collect`).
    trajectory, sensitivity : optional
        From :func:`collect` and the Sobol step; carried into the report.
    alpha, min_effect : float
        Settings of :func:`oslsim.analysis.summarise_hypothesis`.
    n_boot : int
        Bootstrap resamples of every interval.
    rng : int or numpy.random.Generator, optional
        Seed or generator of the bootstraps (SPEC 7); the same seed gives the same report.
    meta : mapping, optional
        Facts about the run (replicates, timings…) shown in the report.
    progress : callable, optional
        Wraps an iterable to show progress (e.g. ``tqdm``).
    """
    for col in ("condition", "dose", "replicate", "burden"):
        if col not in runs.columns:
            raise ValueError(f"the run table needs a {col!r} column; it has {list(runs.columns)}")
    gen = np.random.default_rng(rng)
    runs = runs.copy()
    if "site" not in runs.columns:
        runs["site"] = "all"
    known = [c.name for c in CONDITIONS]
    present = list(dict.fromkeys(runs["condition"]))
    conditions = [c for c in known if c in present] + [c for c in present if c not in known]
    sites = sorted(runs["site"].unique())
    steps = [("c", c, None) for c in conditions] + [("s", c, s) for c in conditions
                                                     for s in sites if len(sites) > 1]
    summaries: dict[str, dict[str, Any]] = {}
    site_summaries: dict[tuple[str, str], dict[str, Any]] = {}
    cols = ["dose", "replicate", "site", "burden"]
    for kind, cond, site in (progress(steps) if progress else steps):
        sub = runs.loc[runs["condition"] == cond, cols]
        if kind == "s":
            sub = sub[sub["site"] == site]
        if sub["dose"].nunique() < 2 or len(sub) < 3:
            continue
        res = an.summarise_hypothesis(sub, "burden", alpha=alpha, min_effect=min_effect,
                                      rng=gen, n_boot=n_boot)
        if kind == "c":
            summaries[cond] = res
        else:
            site_summaries[(cond, site)] = res
    if not summaries:
        raise ValueError("no condition has two doses and three runs to analyse")

    dr = an.dose_response(runs, "burden", by=["condition"], n_boot=n_boot, rng=gen)
    if "realised_dose" in runs.columns:
        realised = runs.groupby(["condition", "dose"])["realised_dose"].mean()
        dr = dr.join(realised, on=["condition", "dose"])
    drs = an.dose_response(runs, "burden", by=["condition", "site"], n_boot=n_boot, rng=gen)
    effects = []
    for cond in conditions:
        sub = runs.loc[runs["condition"] == cond, cols]
        if sub["dose"].nunique() >= 2:
            eff = an.effect_sizes(sub, "burden", n_boot=n_boot, rng=gen)
            effects.append(eff.assign(condition=cond))
    effects_df = pd.concat(effects, ignore_index=True) if effects else pd.DataFrame()
    ref = conditions[0]
    base = runs[runs["condition"] == ref]
    if len(sites) > 1:
        site_tab = an.site_differences(base[cols], "burden", n_boot=n_boot, rng=gen)
    else:
        site_tab = pd.DataFrame()
    side = []
    for col in SIDE_OUTCOMES:
        if col in runs.columns and runs[col].notna().all():
            t = an.dose_response(runs[["condition", "dose", col]], col, by=["condition"],
                                 n_boot=max(200, n_boot // 4), rng=gen)
            side.append(t.assign(outcome=col))
    side_df = pd.concat(side, ignore_index=True) if side else pd.DataFrame()
    reps = None
    if base.groupby(["site", "dose"]).size().min() >= 3:
        reps = replicate_study(base, min_effect=min_effect, rng=gen)
    info = dict(meta or {})
    info.setdefault("alpha", alpha)
    info.setdefault("min_effect", min_effect)
    info.setdefault("n_boot", n_boot)
    info.setdefault("doses", [float(d) for d in np.sort(runs["dose"].unique())])
    info.setdefault("sites", sites)
    info.setdefault("replicates", int(base.groupby(["site", "dose"]).size().min()))
    info.setdefault("runs", int(len(runs)))
    return HypothesisAnalysis(
        runs=runs, summaries=summaries, site_summaries=site_summaries, dose_response=dr,
        dose_response_sites=drs, effects=effects_df, sites=site_tab, side=side_df,
        trajectory=trajectory, sensitivity=sensitivity, replicates=reps, meta=info,
        labels=_labels_for(conditions))


# ======================================================================================
# words chosen from the numbers
# ======================================================================================


def _num(x: float, lang: str, digits: int = 1) -> str:
    """A number in the language's style: 1.234,5 (id) or 1,234.5 (en)."""
    text = f"{x:,.{digits}f}"
    if lang == "id":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def _pct(x: float, lang: str) -> str:
    """A share as a percentage; one decimal below 10%, whole numbers above."""
    if not np.isfinite(x):
        return "–"
    digits = 1 if abs(x) < 0.1 else 0
    return f"{_num(100.0 * x, lang, digits)}%"


def _spct(x: float, lang: str) -> str:
    """A signed percentage, e.g. +5,8% / -7.6%."""
    if not np.isfinite(x):
        return "–"
    return ("+" if x > 0 else "") + _pct(x, lang)


def _change(effect: float, lang: str) -> str:
    """A relative reduction in words: '12% lebih ringan' / '12% heavier'."""
    if effect >= 0:
        return f"{_pct(effect, lang)} {'lebih ringan' if lang == 'id' else 'lighter'}"
    return f"{_pct(-effect, lang)} {'lebih berat' if lang == 'id' else 'heavier'}"


def _dose(x: float | None, lang: str) -> str:
    if x is None or not np.isfinite(x):
        return "–"
    return _num(x, lang, 0 if float(x).is_integer() else 1)


def _p(p: float, lang: str) -> str:
    if not np.isfinite(p):
        return "p tidak terdefinisi" if lang == "id" else "p undefined"
    if p < 0.001:
        return f"p < {_num(0.001, lang, 3)}"
    return f"p = {_num(p, lang, 3)}"


def _ci(lo: float, hi: float, lang: str) -> str:
    word = "sampai" if lang == "id" else "to"
    return f"{_pct(lo, lang)} {word} {_pct(hi, lang)}"


def strength(effect: float) -> tuple[str, str]:
    """Words (id, en) for the size of a relative burden change, from :data:`STRENGTH`."""
    size = abs(effect) if np.isfinite(effect) else 0.0
    for bound, word_id, word_en in STRENGTH:
        if size < bound:
            return word_id, word_en
    return STRENGTH[-1][1], STRENGTH[-1][2]


def verdict_sentences(s: Mapping[str, Any], lang: str, subject: str = "") -> list[str]:
    """Sentences for one verdict of :func:`oslsim.analysis.summarise_hypothesis`.

    Which sentence is said, and every number in it, comes from ``s``: the verdict, the
    effect at the highest dose and its interval, the trend test and the saturation dose.
    ``subject`` (e.g. "Baseline") starts the first sentence.
    """
    if lang not in ("id", "en"):
        raise ValueError(f"lang must be 'id' or 'en', got {lang!r}")
    v, eff, lo, hi = s["verdict"], s["effect"], s["effect_lo"], s["effect_hi"]
    top, p = _dose(s["max_dose"], lang), _p(s["jt_p"], lang)
    ci = _ci(lo, hi, lang)
    word_id, word_en = strength(eff)
    head = f"{subject}: " if subject else ""
    out: list[str] = []
    if lang == "id":
        if v == "supported":
            out.append(f"{head}model mendukung hipotesis. Dari tanpa WKSBM sampai {top} WKSBM "
                       f"per 1.000 KK, beban warga turun {_pct(eff, lang)} (selang kepercayaan "
                       f"95%: {ci}); efeknya {word_id} (uji tren {p}).")
        elif v == "reversed":
            out.append(f"{head}model membantah hipotesis: makin banyak WKSBM, beban warga "
                       f"justru naik {_pct(-eff, lang)} pada {top} WKSBM per 1.000 KK "
                       f"(selang 95% perubahan: {_ci(-hi, -lo, lang)}; uji tren {p}).")
        elif v == "no_effect":
            out.append(f"{head}model tidak menemukan pengaruh jumlah WKSBM pada beban warga: "
                       f"perubahan beban pada {top} WKSBM per 1.000 KK dibanding tanpa WKSBM "
                       f"kecil dan tidak pasti, {_spct(-eff, lang)} (selang 95%: "
                       f"{_spct(-hi, lang)} sampai {_spct(-lo, lang)}, mencakup nol; uji tren "
                       f"{p}).")
        else:
            out.append(f"{head}hasilnya campuran. " + _mixed(s, lang))
    else:
        if v == "supported":
            out.append(f"{head}the model supports the hypothesis. From no WKSBM to {top} WKSBM "
                       f"per 1,000 households the burden falls by {_pct(eff, lang)} (95% "
                       f"confidence interval {ci}); a {word_en} effect (trend test {p}).")
        elif v == "reversed":
            out.append(f"{head}the model contradicts the hypothesis: with more WKSBM the "
                       f"burden rises, by {_pct(-eff, lang)} at {top} WKSBM per 1,000 "
                       f"households (95% interval of the change {_ci(-hi, -lo, lang)}; trend "
                       f"test {p}).")
        elif v == "no_effect":
            out.append(f"{head}the model finds no effect of the number of WKSBM on the burden: "
                       f"the change in burden from no WKSBM to {top} per 1,000 households is "
                       f"small and uncertain, {_spct(-eff, lang)} (95% interval "
                       f"{_spct(-hi, lang)} to {_spct(-lo, lang)}, which includes zero; trend "
                       f"test {p}).")
        else:
            out.append(f"{head}the result is mixed. " + _mixed(s, lang))
    if v == "supported":
        out.append(_saturation(s, lang))
    return out


def _mixed(s: Mapping[str, Any], lang: str) -> str:
    c = s["criteria"]
    eff, top = s["effect"], _dose(s["max_dose"], lang)
    ci = _ci(s["effect_lo"], s["effect_hi"], lang)
    p = _p(s["jt_p"], lang)
    if c["trend_decreasing"]:
        if lang == "id":
            return (f"Beban warga memang cenderung turun dengan makin banyak WKSBM ({p}), "
                    f"tetapi penurunan pada {top} WKSBM per 1.000 KK ({_pct(eff, lang)}, "
                    f"selang 95%: {ci}) terlalu kecil atau terlalu tidak pasti untuk dihitung "
                    f"sebagai dukungan (batas: {_pct(s['min_effect'], lang)}).")
        return (f"The burden does tend to fall with more WKSBM ({p}), but the reduction at "
                f"{top} WKSBM per 1,000 households ({_pct(eff, lang)}, 95% interval {ci}) is "
                f"too small or too uncertain to count as support (threshold "
                f"{_pct(s['min_effect'], lang)}).")
    if eff > 0:
        if lang == "id":
            return (f"Tidak ada tren yang konsisten ({p}), tetapi pada {top} WKSBM per 1.000 "
                    f"KK beban warga {_pct(eff, lang)} lebih rendah daripada tanpa WKSBM "
                    f"(selang 95%: {ci}): manfaatnya tidak naik seiring jumlah WKSBM.")
        return (f"There is no steady trend ({p}), yet at {top} WKSBM per 1,000 households "
                f"the burden is {_pct(eff, lang)} lower than with none (95% interval {ci}): "
                f"the benefit does not grow with the number of WKSBM.")
    if lang == "id":
        return (f"Tidak ada tren yang konsisten ({p}), tetapi pada {top} WKSBM per 1.000 KK "
                f"beban warga {_pct(-eff, lang)} lebih tinggi daripada tanpa WKSBM (selang "
                f"95% perubahan: {_ci(-s['effect_hi'], -s['effect_lo'], lang)}).")
    return (f"There is no steady trend ({p}), yet at {top} WKSBM per 1,000 households the "
            f"burden is {_pct(-eff, lang)} higher than with none (95% interval of the change "
            f"{_ci(-s['effect_hi'], -s['effect_lo'], lang)}).")


def _saturation(s: Mapping[str, Any], lang: str) -> str:
    sat, top = s["saturation_dose"], s["max_dose"]
    if sat is None:
        return ("Beban warga masih terus turun pada jumlah WKSBM tertinggi yang diuji."
                if lang == "id" else
                "The burden was still falling at the highest number of WKSBM tested.")
    if sat <= 0 or sat >= top:
        return ""
    if lang == "id":
        return (f"Manfaatnya jenuh: setelah sekitar {_dose(sat, lang)} WKSBM per 1.000 KK, "
                "tambahan WKSBM tidak lagi jelas meringankan beban.")
    return (f"The benefit saturates: beyond about {_dose(sat, lang)} WKSBM per 1,000 "
            "households, more WKSBM no longer clearly lightens the burden.")


_VERDICT_WORD = {
    "supported": ("mendukung", "supports"), "reversed": ("membantah", "contradicts"),
    "no_effect": ("tanpa efek", "no effect"), "mixed": ("campuran", "mixed"),
}


_SITE_VERDICT = {
    "supported": ("model mendukung hipotesis", "the model supports the hypothesis"),
    "reversed": ("model membantah hipotesis", "the model contradicts the hypothesis"),
    "no_effect": ("model tidak menemukan pengaruh", "the model finds no effect"),
    "mixed": ("hasilnya campuran", "the result is mixed"),
}


def _site_name(site: str) -> str:
    return str(site).replace("_", " ").title()


def headline(a: HypothesisAnalysis, lang: str) -> list[str]:
    """The report's opening paragraph: the verdict, how strong, where it does not hold."""
    ref = a.reference
    s = a.summaries[ref]
    out = verdict_sentences(s, lang)
    out[0] = out[0][0].upper() + out[0][1:]
    sites = {site: ss for (c, site), ss in a.site_summaries.items() if c == ref}
    if sites:
        out.append(_sites_sentence(sites, s["verdict"], lang))
    others = [(c, x) for c, x in a.summaries.items() if c != ref]
    if others:
        out.append(_conditions_sentence(a, others, s["verdict"], lang))
        out.append(_weaker_sentence(a, others, s, lang))
    null = a.summaries.get("null")
    if null is not None and ref != "null":
        out.append(_null_sentence(null, s, lang))
    return [x for x in out if x]


def _join(items: list[str], lang: str) -> str:
    word = " dan " if lang == "id" else " and "
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + word + items[-1]


def _sites_sentence(sites: Mapping[str, Mapping[str, Any]], ref_verdict: str, lang: str) -> str:
    agree = [_site_name(k) for k, v in sites.items() if v["verdict"] == ref_verdict]
    differ = [(k, v) for k, v in sites.items() if v["verdict"] != ref_verdict]
    best = max(sites.items(), key=lambda kv: kv[1]["effect"])
    worst = min(sites.items(), key=lambda kv: kv[1]["effect"])
    if lang == "id":
        if not differ:
            text = f"Hasil yang sama muncul di keempat lokasi ({_join(agree, lang)})."
            if len(sites) != 4:
                text = f"Hasil yang sama muncul di semua lokasi ({_join(agree, lang)})."
        else:
            parts = [f"di {_site_name(k)} {_SITE_VERDICT[v['verdict']][0]}" for k, v in differ]
            text = (f"Tidak semua lokasi sama: {'; '.join(parts)}"
                    + (f"; {_join(agree, lang)} sama dengan hasil gabungan." if agree else "."))
        if len(sites) < 2:
            return text
        return (text + f" Pada {_dose(best[1]['max_dose'], lang)} WKSBM per 1.000 KK, hasil "
                f"terbaik di {_site_name(best[0])} (beban {_change(best[1]['effect'], lang)}), "
                f"terburuk di {_site_name(worst[0])} (beban "
                f"{_change(worst[1]['effect'], lang)}).")
    if not differ:
        text = f"The same holds at every site ({_join(agree, lang)})."
    else:
        parts = [f"at {_site_name(k)} {_SITE_VERDICT[v['verdict']][1]}" for k, v in differ]
        verb = "matches" if len(agree) == 1 else "match"
        text = (f"Not every site agrees: {'; '.join(parts)}"
                + (f"; {_join(agree, lang)} {verb} the pooled result." if agree else "."))
    if len(sites) < 2:
        return text
    return (text + f" At {_dose(best[1]['max_dose'], lang)} WKSBM per 1,000 households the "
            f"best result is at {_site_name(best[0])} (burden "
            f"{_change(best[1]['effect'], lang)}), the worst at {_site_name(worst[0])} (burden "
            f"{_change(worst[1]['effect'], lang)}).")


def _conditions_sentence(a: HypothesisAnalysis, others: list[tuple[str, Mapping[str, Any]]],
                         ref_verdict: str, lang: str) -> str:
    holds = [c for c, s in others if s["verdict"] == "supported"]
    fails = [c for c, s in others if s["verdict"] != "supported" and c != "null"]
    i = 0 if lang == "id" else 1

    def name(c: str) -> str:
        lab = a.labels[c]
        return (lab.label_id if lang == "id" else lab.label_en).lower()

    if ref_verdict == "supported":
        if not fails:
            return ("Hipotesis tetap berlaku di semua uji mekanisme." if lang == "id" else
                    "The hypothesis holds under every mechanism check.")
        parts = [f"{name(c)} ({_VERDICT_WORD[a.summaries[c]['verdict']][i]})" for c in fails]
        if lang == "id":
            return f"Hipotesis tidak berlaku pada kondisi: {_join(parts, lang)}."
        return f"The hypothesis does not hold under: {_join(parts, lang)}."
    if not holds:
        return ("Tidak ada uji mekanisme yang mendukung hipotesis." if lang == "id" else
                "No mechanism check supports the hypothesis either.")
    if lang == "id":
        return f"Hipotesis hanya didukung pada kondisi: {_join([name(c) for c in holds], lang)}."
    return f"The hypothesis is supported only under: {_join([name(c) for c in holds], lang)}."


def _weaker_sentence(a: HypothesisAnalysis, others: list[tuple[str, Mapping[str, Any]]],
                     ref: Mapping[str, Any], lang: str) -> str:
    """Supported conditions whose effect is clearly (non-overlapping 95% CIs) below the ref."""
    if ref["verdict"] != "supported":
        return ""
    weaker = [(c, x) for c, x in others if c != "null" and x["verdict"] == "supported"
              and x["effect_hi"] < ref["effect_lo"]]
    if not weaker:
        return ""

    def item(c: str, x: Mapping[str, Any]) -> str:
        lab = a.labels[c]
        name = (lab.label_id if lang == "id" else lab.label_en).lower()
        return f"{name} ({_pct(x['effect'], lang)})"

    parts = _join([item(c, x) for c, x in weaker], lang)
    if lang == "id":
        return (f"Hipotesis tetap berlaku tetapi jelas lebih lemah (penurunan beban, dibanding "
                f"{_pct(ref['effect'], lang)} pada kondisi dasar) pada: {parts}.")
    return (f"It still holds but clearly more weakly (burden reduction, against "
            f"{_pct(ref['effect'], lang)} in the baseline) under: {parts}.")


def _null_sentence(null: Mapping[str, Any], ref: Mapping[str, Any], lang: str) -> str:
    ref_effect = ref["verdict"] != "no_effect"
    if null["verdict"] == "no_effect" and not ref_effect:
        return ("Model nol (OSL tidak melayani) juga tidak menunjukkan pengaruh." if lang == "id"
                else "The null model (organisations serve no one) shows no effect either.")
    if null["verdict"] == "no_effect":
        return ("Kontrol model nol lolos: jika OSL tidak melayani, jumlah WKSBM tidak mengubah "
                "beban warga, jadi efek di atas memang berasal dari layanan OSL."
                if lang == "id" else
                "The null-model control passes: when organisations serve no one, the number "
                "of WKSBM does not change the burden, so the effect above does come from "
                "their service.")
    word = _VERDICT_WORD[null["verdict"]][0 if lang == "id" else 1]
    return (f"Perhatian: model nol (OSL tidak melayani) tetap menunjukkan pengaruh ({word}); "
            "sebagian efek berasal dari jalur lain selain layanan, baca hasil dengan hati-hati."
            if lang == "id" else
            f"Caution: the null model (organisations serve no one) still shows an effect "
            f"({word}); part of the effect comes through channels other than service, so read "
            "the results with care.")


def condition_sentences(a: HypothesisAnalysis, lang: str) -> list[str]:
    """One line per condition: what was switched off and what the numbers say."""
    out = []
    for c, s in a.summaries.items():
        lab = a.labels[c]
        label = lab.label_id if lang == "id" else lab.label_en
        what = lab.what_id if lang == "id" else lab.what_en
        subject = f"**{label}** ({what})" if what else f"**{label}**"
        text = " ".join(verdict_sentences(s, lang, subject)).strip()
        drift = _drift_sentence(a, c, lang)
        out.append(f"{text} {drift}".strip())
    return out


def _drift_sentence(a: HypothesisAnalysis, cond: str, lang: str) -> str:
    dr = a.dose_response[a.dose_response["condition"] == cond]
    if "realised_dose" not in dr.columns or dr["realised_dose"].isna().all():
        return ""
    far = dr[(dr["realised_dose"] - dr["dose"]).abs()
             > np.maximum(DOSE_DRIFT * dr["dose"], 0.5)]
    if far.empty:
        return ""
    pairs = [f"{_dose(r.dose, lang)} → {_num(r.realised_dose, lang)}" for r in far.itertuples()]
    if lang == "id":
        return ("Jumlah WKSBM yang benar-benar bekerja berbeda dari rancangan (rancangan → "
                f"rata-rata 12 bulan terakhir per 1.000 KK: {'; '.join(pairs)}).")
    return ("The number of WKSBM actually working differed from the design (design → mean of "
            f"the last 12 months per 1,000 households: {'; '.join(pairs)}).")


def sensitivity_sentences(sens: Mapping[str, Any] | None, lang: str) -> list[str]:
    """What the size of the effect depends on, from the Sobol indices."""
    if sens is None:
        return []
    if not sens.get("complete"):
        return [("Analisis sensitivitas tidak lengkap ({points} dari {expected} titik); "
                 "jalankan ulang dengan --resume." if lang == "id" else
                 "The sensitivity analysis is incomplete ({points} of {expected} points); run "
                 "again with --resume.").format(**sens)]
    table = sens["table"].sort_values("ST", ascending=False)
    i = 0 if lang == "id" else 1
    names = [PARAM_LABELS.get(p, (p, p))[i] for p in table.index]
    st = table["ST"].to_numpy()
    conf = table["ST_conf"].to_numpy()
    clear = [k for k in range(len(st)) if st[k] - conf[k] > 0.0]
    top = [f"{names[k]} (ST = {_num(st[k], lang, 2)})" for k in clear[:2]]
    weak = [names[k] for k in range(len(st)) if k not in clear]
    out = []
    if not top:
        return [("Besar efek WKSBM (beban pada {hi} vs {lo} WKSBM per 1.000 KK; rata-rata "
                 "{m}) tidak dapat dikaitkan dengan parameter mana pun pada ukuran sampel ini: "
                 "semua selang indeks Sobol mencakup nol." if lang == "id" else
                 "At this sample size the size of the WKSBM effect (burden at {hi} vs {lo} WKSBM "
                 "per 1,000 households; on average {m}) cannot be tied to any parameter: every "
                 "Sobol index's interval includes zero.").format(
            hi=_dose(sens["dose_high"], lang), lo=_dose(sens["dose_low"], lang),
            m=_pct(sens["effect_mean"], lang))]
    if lang == "id":
        out.append(f"Besar efek WKSBM (beban pada {_dose(sens['dose_high'], lang)} vs "
                   f"{_dose(sens['dose_low'], lang)} WKSBM per 1.000 KK; rata-rata "
                   f"{_pct(sens['effect_mean'], lang)}) paling bergantung pada "
                   f"{_join(top, lang)}.")
        if sens["sum_s1"] <= 1.0 + OVERSHOOT:
            out.append(f"Pengaruh tunggal semua parameter bersama menjelaskan "
                       f"{_pct(min(sens['sum_s1'], 1.0), lang)} ragam efek; sisanya berasal "
                       "dari interaksi antarparameter dan dari keacakan model.")
        else:
            out.append(f"Jumlah indeks orde pertama ({_pct(sens['sum_s1'], lang)}) melebihi "
                       "100%: tanda galat taksiran pada ukuran sampel ini.")
        if sens["samples"] < SMALL_SOBOL:
            out.append(f"Dengan hanya {sens['samples']} sampel dasar, indeks ini hanya sketsa "
                       "kasar; run penuh memakai sampel yang jauh lebih besar.")
        if weak:
            out.append(f"Pengaruh {_join(weak, lang)} tidak terbedakan dari nol pada ukuran "
                       "sampel ini.")
    else:
        out.append(f"The size of the WKSBM effect (burden at {_dose(sens['dose_high'], lang)} "
                   f"vs {_dose(sens['dose_low'], lang)} WKSBM per 1,000 households; on average "
                   f"{_pct(sens['effect_mean'], lang)}) depends most on {_join(top, lang)}.")
        if sens["sum_s1"] <= 1.0 + OVERSHOOT:
            out.append(f"The parameters' effects alone explain "
                       f"{_pct(min(sens['sum_s1'], 1.0), lang)} of the effect's variation; the "
                       "rest comes from interactions between them and from the model's "
                       "randomness.")
        else:
            out.append(f"The first-order indices add up to {_pct(sens['sum_s1'], lang)}, more "
                       "than 100%: a sign of estimation error at this sample size.")
        if sens["samples"] < SMALL_SOBOL:
            out.append(f"With only {sens['samples']} base samples these indices are a rough "
                       "sketch; the full run uses a much larger sample.")
        if weak:
            out.append(f"The influence of {_join(weak, lang)} cannot be told apart from zero "
                       "at this sample size.")
    return out


# ======================================================================================
# figures (matplotlib, object-oriented: no global pyplot state)
# ======================================================================================


def _figure(width: float = 8.0, height: float = 5.0) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=110, layout="constrained")


def _save(fig: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return path


def _band(ax: Any, x: np.ndarray, mean: np.ndarray, lo: np.ndarray, hi: np.ndarray,
          label: str, **kw: Any) -> None:
    line = ax.plot(x, mean, marker="o", ms=4, label=label, **kw)[0]
    ax.fill_between(x, lo, hi, color=line.get_color(), alpha=0.15, lw=0)


def figures(a: HypothesisAnalysis, folder: Path) -> dict[str, Path]:
    """Draw the report's figures into ``folder``; return their paths by name."""
    out: dict[str, Path] = {}
    ref = a.reference
    xlabel = "WKSBM per 1.000 KK / WKSBM per 1,000 households"
    blabel = "beban warga / burden"

    fig = _figure()
    ax = fig.add_subplot()
    drs = a.dose_response_sites[a.dose_response_sites["condition"] == ref]
    for site, sub in drs.groupby("site"):
        _band(ax, sub["dose"].to_numpy(), sub["mean"].to_numpy(), sub["ci_lo"].to_numpy(),
              sub["ci_hi"].to_numpy(), _site_name(site))
    pooled = a.dose_response[a.dose_response["condition"] == ref]
    if drs["site"].nunique() > 1:
        ax.plot(pooled["dose"], pooled["mean"], color="black", lw=2.5, marker="s",
                label="gabungan / pooled")
    ax.set(xlabel=xlabel, ylabel=blabel,
           title="Beban warga menurut jumlah WKSBM (kondisi dasar)\n"
                 "Burden by number of WKSBM (baseline)")
    ax.legend(fontsize=8)
    out["dose_response"] = _save(fig, folder / "dose_response.png")

    conds = list(a.summaries)
    cols = min(4, len(conds))
    rows = math.ceil(len(conds) / cols)
    fig = _figure(3.2 * cols, 2.8 * rows)
    axes = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False).ravel()
    for ax, cond in zip(axes, conds, strict=False):
        if cond != ref:
            _band(ax, pooled["dose"].to_numpy(), pooled["mean"].to_numpy(),
                  pooled["ci_lo"].to_numpy(), pooled["ci_hi"].to_numpy(),
                  "kondisi dasar / baseline", color="0.6")
        sub = a.dose_response[a.dose_response["condition"] == cond]
        _band(ax, sub["dose"].to_numpy(), sub["mean"].to_numpy(), sub["ci_lo"].to_numpy(),
              sub["ci_hi"].to_numpy(), a.labels[cond].label_en, color="C3")
        word = _VERDICT_WORD[a.summaries[cond]["verdict"]]
        ax.set_title(f"{a.labels[cond].label_id}\n{a.labels[cond].label_en}: {word[1]}",
                     fontsize=8)
    for ax in axes[len(conds):]:
        ax.set_visible(False)
    fig.supxlabel(xlabel, fontsize=9)
    fig.supylabel(blabel, fontsize=9)
    out["conditions"] = _save(fig, folder / "conditions.png")

    fig = _figure()
    ax = fig.add_subplot()
    ax.axhline(0.0, color="black", lw=0.8)
    n = max(1, len(conds))
    for k, cond in enumerate(conds):
        sub = a.effects[a.effects["condition"] == cond]
        shift = (k - (n - 1) / 2) * 0.12
        x = sub["dose"].to_numpy() + shift
        y = 100 * sub["effect"].to_numpy()
        err = np.vstack([y - 100 * sub["effect_lo"].to_numpy(),
                         100 * sub["effect_hi"].to_numpy() - y])
        ax.errorbar(x, y, yerr=np.abs(err), marker="o", ms=4, capsize=2,
                    label=a.labels[cond].label_en, lw=2.0 if cond == ref else 1.0)
    ax.set(xlabel=xlabel, ylabel="penurunan beban (%) / burden reduction (%)",
           title="Penurunan beban dibanding tanpa WKSBM (selang 95%)\n"
                 "Burden reduction relative to no WKSBM (95% interval)")
    ax.legend(fontsize=7, ncol=2)
    out["effects"] = _save(fig, folder / "effects.png")

    if a.trajectory is not None and not a.trajectory.empty:
        fig = _figure()
        ax = fig.add_subplot()
        tr = a.trajectory[a.trajectory["condition"] == ref]
        cmap = _cmap("viridis")
        doses = sorted(tr["dose"].unique())
        for k, dose in enumerate(doses):
            sub = tr[tr["dose"] == dose]
            color = cmap(k / max(1, len(doses) - 1))
            ax.plot(sub["month"], sub["mean"], color=color, label=f"{_dose(dose, 'en')}")
            ax.fill_between(sub["month"], sub["lo"], sub["hi"], color=color, alpha=0.12, lw=0)
        ax.set(xlabel="bulan / month", ylabel=blabel,
               title="Beban warga dari bulan ke bulan, menurut jumlah WKSBM per 1.000 KK\n"
                     "Burden month by month, by WKSBM per 1,000 households (baseline)")
        ax.legend(title="WKSBM / 1.000", fontsize=7, ncol=2)
        out["trajectory"] = _save(fig, folder / "trajectory.png")

    if not a.side.empty:
        side = a.side[a.side["condition"] == ref]
        outs = list(dict.fromkeys(side["outcome"]))
        ncol = min(3, len(outs))
        nrow = math.ceil(len(outs) / ncol)
        fig = _figure(3.4 * ncol, 2.9 * nrow)
        axes = fig.subplots(nrow, ncol, squeeze=False).ravel()
        for ax in axes[len(outs):]:
            ax.set_visible(False)
        names = {"coverage": "cakupan layanan / coverage",
                 "pmks_prevalence": "prevalensi PMKS / PMKS prevalence",
                 "solidarity": "kesetiakawanan / solidarity",
                 "gov_spending": "belanja pemerintah / gov. spending (Rp/bln, month)",
                 "poverty_rate": "angka kemiskinan / poverty rate"}
        for ax, col in zip(axes, outs, strict=False):
            sub = side[side["outcome"] == col]
            _band(ax, sub["dose"].to_numpy(), sub["mean"].to_numpy(), sub["ci_lo"].to_numpy(),
                  sub["ci_hi"].to_numpy(), col)
            ax.set_title(names.get(col, col), fontsize=8)
            ax.set_xlabel("WKSBM / 1.000 KK", fontsize=8)
        out["outcomes"] = _save(fig, folder / "outcomes.png")

    if "realised_dose" in a.dose_response.columns:
        fig = _figure(6.0, 5.0)
        ax = fig.add_subplot()
        top = float(a.dose_response["dose"].max())
        ax.plot([0, top], [0, top], color="black", lw=0.8, ls="--", label="= rancangan / design")
        for cond in conds:
            sub = a.dose_response[a.dose_response["condition"] == cond]
            ax.plot(sub["dose"], sub["realised_dose"], marker="o", ms=4,
                    label=a.labels[cond].label_en)
        ax.set(xlabel="rancangan / design: " + xlabel,
               ylabel="terwujud / realised (12 bln terakhir / last 12 months)",
               title="WKSBM yang benar-benar bekerja\nWKSBM actually working")
        ax.legend(fontsize=7)
        out["realised_dose"] = _save(fig, folder / "realised_dose.png")

    sens = a.sensitivity
    if sens and sens.get("complete"):
        table = sens["table"].sort_values("ST")
        fig = _figure(7.0, 4.0)
        ax = fig.add_subplot()
        y = np.arange(len(table))
        names = [f"{PARAM_LABELS.get(p, (p, p))[0]} / {PARAM_LABELS.get(p, (p, p))[1]}"
                 for p in table.index]
        ax.barh(y - 0.2, table["S1"], 0.4, xerr=table["S1_conf"], label="S1 (tunggal / alone)")
        ax.barh(y + 0.2, table["ST"], 0.4, xerr=table["ST_conf"],
                label="ST (total, dengan interaksi / with interactions)")
        ax.set_yticks(y, names, fontsize=8)
        ax.axvline(0, color="black", lw=0.8)
        ax.set(xlabel="indeks Sobol / Sobol index",
               title="Efek WKSBM bergantung pada apa?\nWhat does the WKSBM effect depend on?")
        ax.legend(fontsize=7)
        out["sensitivity"] = _save(fig, folder / "sensitivity.png")

    reps = a.replicates
    if reps is not None and not reps["cv"].empty:
        fig = _figure(7.0, 4.5)
        ax = fig.add_subplot()
        cv = reps["cv"]
        keys = [c for c in ("site", "dose") if c in cv.columns]
        for key, sub in cv.groupby(keys):
            key = key if isinstance(key, tuple) else (key,)
            label = " ".join(f"{_site_name(k) if isinstance(k, str) else _dose(k, 'en')}"
                             for k in key)
            ax.plot(sub["n"], sub["cv"], label=label, lw=1)
            ax.fill_between(sub["n"], sub["cv_lo"], sub["cv_hi"], alpha=0.08, lw=0)
        if reps["stable"] is not None:
            ax.axvline(reps["stable"], color="black", ls="--", lw=0.8)
        ax.set(xlabel="ulangan / replicates", ylabel="CV beban / CV of burden",
               title="Koefisien variasi menurut jumlah ulangan (Lee dkk. 2015)\n"
                     "Coefficient of variation vs replicates (Lee et al. 2015)")
        ax.legend(fontsize=6, ncol=2)
        out["replicates"] = _save(fig, folder / "replicates.png")
    return out


def _cmap(name: str) -> Any:
    from matplotlib import colormaps

    return colormaps[name]


# ======================================================================================
# the report: blocks rendered to Markdown and to one self-contained HTML page
# ======================================================================================


def _fmt_cell(x: Any) -> str:
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


def _md_table(df: pd.DataFrame) -> str:
    head = "| " + " | ".join(str(c) for c in df.columns) + " |"
    sep = "|" + "|".join("---" for _ in df.columns) + "|"
    body = ["| " + " | ".join(_fmt_cell(v) for v in row) + " |"
            for row in df.itertuples(index=False)]
    return "\n".join([head, sep, *body])


def _html_table(df: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_fmt_cell(v))}</td>" for v in row)
                   + "</tr>" for row in df.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _md_inline_to_html(text: str) -> str:
    text = html.escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    text = re.sub(r"`(.+?)`", r"<code>\1</code>", text)
    return re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)", r"<em>\1</em>", text)


def _pct_col(x: pd.Series) -> pd.Series:
    return (100 * x).round(1)


def _tables(a: HypothesisAnalysis) -> dict[str, pd.DataFrame]:
    """The report's number tables."""
    t: dict[str, pd.DataFrame] = {}
    rows = []
    for c, s in a.summaries.items():
        rows.append({
            "condition": a.labels[c].label_en, "verdict": s["verdict"],
            "JT p": s["jt_p"], "Spearman rho": s["rho"],
            "slope /WKSBM": s["slope"], "slope CI": f"{_fmt_cell(s['slope_lo'])} … "
                                                   f"{_fmt_cell(s['slope_hi'])}",
            "max dose": s["max_dose"], "effect %": 100 * s["effect"],
            "effect CI %": f"{100 * s['effect_lo']:.1f} … {100 * s['effect_hi']:.1f}",
            "Cohen d": s["cohens_d"], "saturation": s["saturation_dose"],
        })
    t["verdicts"] = pd.DataFrame(rows)
    ref = a.reference
    dr = a.dose_response[a.dose_response["condition"] == ref].copy()
    eff = a.effects[a.effects["condition"] == ref].set_index("dose")
    tab = pd.DataFrame({"dose": dr["dose"].to_numpy()})
    if "realised_dose" in dr.columns:
        tab["realised"] = dr["realised_dose"].to_numpy()
    tab["n"] = dr["n"].to_numpy()
    tab["burden"] = dr["mean"].to_numpy()
    tab["burden CI"] = [f"{_fmt_cell(lo)} … {_fmt_cell(hi)}"
                        for lo, hi in zip(dr["ci_lo"], dr["ci_hi"], strict=True)]
    tab["effect %"] = [100 * eff.loc[d, "effect"] for d in dr["dose"]]
    tab["effect CI %"] = [f"{100 * eff.loc[d, 'effect_lo']:.1f} … "
                          f"{100 * eff.loc[d, 'effect_hi']:.1f}" for d in dr["dose"]]
    t["baseline"] = tab
    wide = a.dose_response.pivot_table(index="dose", columns="condition", values="mean")
    wide = wide[[c for c in a.summaries if c in wide.columns]]
    wide.columns = [a.labels[c].label_en for c in wide.columns]
    t["conditions"] = wide.reset_index()
    if not a.sites.empty:
        s = a.sites.copy()
        s["verdict"] = [a.site_summaries.get((ref, x), {}).get("verdict", "–")
                        for x in s["site"]]
        s["site"] = s["site"].map(_site_name)
        for col in ("effect", "effect_lo", "effect_hi"):
            s[col] = _pct_col(s[col])
        t["sites"] = s[["site", "verdict", "n", "slope", "slope_lo", "slope_hi", "jt_p",
                        "rho", "effect", "effect_lo", "effect_hi", "cohens_d"]].rename(
            columns={"effect": "effect %", "effect_lo": "lo %", "effect_hi": "hi %"})
    if not a.side.empty:
        side = a.side[a.side["condition"] == ref]
        t["side"] = side.pivot_table(index="dose", columns="outcome", values="mean").reset_index()
    sens = a.sensitivity
    if sens and sens.get("complete"):
        st = sens["table"].sort_values("ST", ascending=False).reset_index()
        st["parameter"] = st["parameter"].astype(str)
        t["sensitivity"] = st
    reps = a.replicates
    if reps is not None and not reps["power"].empty:
        p = reps["power"].copy()
        p["site"] = p["site"].map(_site_name)
        t["replicates"] = p
    return t


def _blocks(a: HypothesisAnalysis, figs: Mapping[str, Path]) -> list[tuple[str, Any]]:
    """The report as a list of blocks: (kind, payload)."""
    meta = a.meta
    b: list[tuple[str, Any]] = []
    b.append(("h1", "Hipotesis WKSBM: apa kata model / The WKSBM hypothesis: what the model "
                    "finds"))
    b.append(("quote", "*Semakin banyak bentukan OSL sebagai WKSBM akan mengurangi beban warga "
                       "masyarakatnya.* — The more OSLs work as WKSBM, the lighter the burden "
                       "on the community."))
    if meta.get("quick"):
        b.append(("note", f"Ini run cepat (--quick): {meta.get('replicates')} ulangan per "
                          "lokasi dan dosis, sehingga selang kepercayaan lebar. Jalankan "
                          "`oslsim hypothesis` (tanpa --quick) untuk hasil penuh. / This is the "
                          f"quick run: {meta.get('replicates')} replicates per site and dose, "
                          "so the intervals are wide. Run `oslsim hypothesis` without --quick "
                          "for the full result."))
    b.append(("h2", "Jawaban singkat / The short answer"))
    b.append(("p", " ".join(headline(a, "id"))))
    b.append(("p_en", " ".join(headline(a, "en"))))

    b.append(("h2", "Menurut kondisi / Condition by condition"))
    b.append(("list", list(zip(condition_sentences(a, "id"), condition_sentences(a, "en"),
                               strict=True))))
    ref = a.reference
    sites = [(site, s) for (c, site), s in a.site_summaries.items() if c == ref]
    if sites:
        b.append(("h2", "Menurut lokasi / Site by site"))
        b.append(("list", [(" ".join(verdict_sentences(s, "id", f"**{_site_name(x)}**")),
                            " ".join(verdict_sentences(s, "en", f"**{_site_name(x)}**")))
                           for x, s in sites]))
    sens_id = sensitivity_sentences(a.sensitivity, "id")
    if sens_id:
        b.append(("h2", "Bergantung pada apa? / What does it depend on?"))
        b.append(("p", " ".join(sens_id)))
        b.append(("p_en", " ".join(sensitivity_sentences(a.sensitivity, "en"))))

    t = _tables(a)
    b.append(("h2", "Angka / The numbers"))
    b.append(("p_en", _design_text(a)))
    b.append(("h3", "Verdicts per condition (sites pooled, runs paired by seed)"))
    b.append(("table", t["verdicts"]))
    b.append(("p_en", f"verdict: `supported` = burden falls with dose (Jonckheere–Terpstra "
                      f"p < {a.meta['alpha']}) and the reduction at the highest dose is at "
                      f"least {100 * a.meta['min_effect']:.0f}% with its 95% interval above "
                      "zero; `reversed` = burden rises significantly; `no_effect` = no "
                      "significant trend and the interval includes zero; `mixed` = anything "
                      "else. Effects are relative burden reductions from dose 0 (positive = "
                      "lighter burden), paired bootstrap over seeds. Saturation: smallest dose "
                      "no larger dose clearly improves on (non-overlapping 95% intervals); "
                      "'–' = still improving at the highest dose."))
    for key, title, caption in _FIGURES:
        if key in figs:
            b.append(("figure", (figs[key], title, caption)))
        if key == "dose_response":
            b.append(("h3", "Baseline dose–response (sites pooled)"))
            b.append(("table", t["baseline"]))
        if key == "conditions":
            b.append(("h3", "Mean burden by dose and condition (sites pooled)"))
            b.append(("table", t["conditions"]))
        if key == "effects" and "sites" in t:
            b.append(("h3", "Sites (baseline): trend and effect at the highest dose"))
            b.append(("table", t["sites"]))
        if key == "outcomes" and "side" in t:
            b.append(("h3", "Other outcomes by dose (baseline, sites pooled, last 12 months)"))
            b.append(("table", t["side"]))
        if key == "sensitivity" and "sensitivity" in t:
            b.append(("h3", "Sobol indices of the effect"))
            b.append(("table", t["sensitivity"]))
        if key == "replicates" and "replicates" in t:
            b.append(("h3", "Replicates: paired vs unpaired spread, runs needed"))
            b.append(("table", t["replicates"]))
            b.append(("p_en", _replicates_text(a)))
    b.append(("h2", "Batas model / Limits of the model"))
    b.append(("list", _limits(a)))
    b.append(("p_en", "How to read every figure and how the experiment is designed: "
                      "docs/hypothesis.md. Per-run numbers: runs.csv; verdicts as data: "
                      "summary.json; every run's months: the DuckDB store in this folder."))
    return b


_FIGURES = (
    ("dose_response", "Figure 1. Burden by WKSBM per 1,000 households, per site",
     "Each line is one site's mean burden (last 12 months) over its replicates, the band its "
     "95% bootstrap interval; black is the sites pooled. A line that falls to the right "
     "supports the hypothesis; a flat one does not."),
    ("conditions", "Figure 2. The same sweep under each mechanism check",
     "Red: the condition; grey: the baseline for comparison. Where red is flat the mechanism "
     "switched off carries the effect."),
    ("effects", "Figure 3. Burden reduction relative to no WKSBM",
     "Relative reduction from dose 0 with its paired-bootstrap 95% interval (points shifted "
     "sideways a little to stay apart). Above zero: lighter burden; below: heavier."),
    ("trajectory", "Figure 4. Burden month by month (baseline)",
     "Mean burden of all sites' runs per month, one line per dose, band = 95% interval of "
     "the mean. Lines that part early and stay apart show a lasting effect."),
    ("outcomes", "Figure 5. Other outcomes by dose (baseline)",
     "Coverage, PMKS prevalence, solidarity, government spending and poverty, last 12 "
     "months, with 95% intervals: how the burden changes come about."),
    ("realised_dose", "Figure 6. WKSBM actually working vs the design",
     "On the dashed line the realised number equals the design. Above it: groups were "
     "added to the forum (e.g. founded by government); below: WKSBM groups left or dissolved."),
    ("sensitivity", "Figure 7. Sobol indices of the WKSBM effect",
     "S1: share of the effect's variance due to one parameter alone; ST: including its "
     "interactions. Bars with intervals reaching zero are not distinguishable from no "
     "influence at this budget."),
    ("replicates", "Figure 8. Coefficient of variation of burden vs replicates",
     "Each line: CV of burden over the first n replicates (mean of random orders, band 95%) "
     "at the lowest and highest dose per site. The dashed line marks where every curve stays "
     "within the tolerance of its final value (Lee et al. 2015)."),
)


def _design_text(a: HypothesisAnalysis) -> str:
    m = a.meta
    doses = ", ".join(_dose(d, "en") for d in m.get("doses", []))
    sites = ", ".join(_site_name(s) for s in m.get("sites", []))
    parts = [f"Design: doses {doses} WKSBM per 1,000 households; sites {sites}; "
             f"{m.get('replicates')} replicates per site and dose (common random numbers: "
             f"replicate r has the same seed at every dose and in every condition); "
             f"{len(a.summaries)} conditions; {m.get('runs'):,} runs analysed"]
    if m.get("failed"):
        parts.append(f"{m['failed']} runs failed and are left out")
    if m.get("months"):
        parts.append(f"{m['months']} months per run, outcomes averaged over the last "
                     f"{WINDOW} months")
    if m.get("seed") is not None:
        parts.append(f"root seed {m['seed']}")
    if m.get("core_seconds") is not None:
        parts.append(f"the runs took {m['core_seconds'] / 60:.1f} core-minutes, "
                     f"{m['span_seconds'] / 60:.1f} minutes from the first start to the last "
                     "end")
    if m.get("workers") is not None:
        where = "in one process" if m["workers"] == 0 else f"on {m['workers']} workers"
        parts.append(f"run {where}; load average of the machine when the command started: "
                     f"{m.get('load', '?')}")
    return "; ".join(parts) + "."


def _replicates_text(a: HypothesisAnalysis) -> str:
    r = a.replicates
    assert r is not None  # noqa: S101 - only called when present
    stable = r["stable"]
    lo, hi = r["doses"]
    longest = int(r["cv"]["n"].max()) if not r["cv"].empty else 0
    if longest < MIN_CV_RUNS:
        when = (f"{longest} replicates per cell are too few to see whether the CV of burden "
                "settles")
    elif stable is not None:
        when = (f"the CV of burden stays within {100 * r['tolerance']:.0f}% of its all-runs "
                f"value from {stable} of {longest} replicates on")
    else:
        when = (f"the CV of burden has not settled within {100 * r['tolerance']:.0f}% by the "
                f"last of {longest} replicates")
    p = r["power"]
    need = (f"; by the spread of these runs, detecting a paired reduction of "
            f"{100 * r['min_effect']:.0f}% of the burden "
            f"between dose {_dose(lo, 'en')} and {_dose(hi, 'en')} (alpha 0.05, power 0.8) "
            f"needs {int(p['needed_paired'].max())} replicates per site with common random "
            f"numbers and {int(p['needed_unpaired'].max())} without"
            if not p.empty and p["needed_paired"].notna().all() else "")
    return f"In this run {when}{need}."


def _limits(a: HypothesisAnalysis) -> list[tuple[str, str]]:
    m = a.meta
    n_tests = len(a.summaries) + len(a.site_summaries)
    out = [
        ("Ini model, bukan pengamatan: sebagian besar parameter adalah asumsi yang masuk akal "
         "(docs/parameters.md), belum dikalibrasi pada data lapangan; angkanya menunjukkan "
         "arah dan besaran yang dihasilkan mekanisme model, bukan ramalan.",
         "This is a model, not an observation: most parameters are plausible assumptions "
         "(docs/parameters.md), not calibrated on field data; the numbers show the direction "
         "and size the model's mechanisms produce, not a forecast."),
        ("Satu kelurahan per run, sepuluh tahun; jumlah WKSBM ditetapkan dari luar (tidak ada "
         "kelompok yang bergabung ke forum belakangan), sehingga eksperimen ini bertanya "
         "'bagaimana jika ada sekian WKSBM', bukan 'berapa WKSBM yang akan tumbuh'.",
         "One kelurahan per run, ten years; the number of WKSBM is set from outside (no group "
         "joins the forum later), so the experiment asks 'what if there were so many WKSBM', "
         "not 'how many WKSBM would grow'."),
        ("Yang dijadikan WKSBM lebih dulu adalah kelompok yang paling mampu; menambah WKSBM "
         "berarti menambah kelompok yang kurang mampu.",
         "The most able groups become WKSBM first; adding WKSBM means adding less able groups."),
        (f"Ada {n_tests} uji tren (per kondisi dan per lokasi), masing-masing pada alpha "
         f"{_num(m.get('alpha', ALPHA), 'id', 2)}; beberapa hasil 'signifikan' bisa muncul "
         "karena kebetulan. Lihat besar efek dan selangnya, bukan hanya nilai p.",
         f"There are {n_tests} trend tests (per condition and per site), each at alpha "
         f"{m.get('alpha', ALPHA)}; a few 'significant' results can arise by chance. Read the "
         "effect sizes and their intervals, not only p-values."),
        ("Beban warga diukur sebagai kasus PMKS aktif yang tidak terlayani, ditimbang "
         "keparahannya; manfaat lain OSL (ekonomi, keagamaan, politik lokal) tidak dihitung.",
         "Burden counts active, unserved PMKS cases weighted by severity; the OSL's other "
         "benefits (economic, religious, local politics) are not counted."),
    ]
    if m.get("quick"):
        out.append(("Run cepat: ulangan sedikit, sensitivitas dengan sampel kecil; angka bisa "
                    "berubah pada run penuh.",
                    "Quick run: few replicates and a small sensitivity sample; the numbers may "
                    "change in the full run."))
    if m.get("failed"):
        out.append((f"{m['failed']} run gagal dan tidak dihitung.",
                    f"{m['failed']} runs failed and are not counted."))
    return out


def render_markdown(blocks: Sequence[tuple[str, Any]], folder: Path) -> str:
    """Render report blocks as Markdown (figures linked relative to ``folder``)."""
    lines: list[str] = []
    for kind, payload in blocks:
        if kind == "h1":
            lines += [f"# {payload}", ""]
        elif kind == "h2":
            lines += [f"## {payload}", ""]
        elif kind == "h3":
            lines += [f"### {payload}", ""]
        elif kind == "quote":
            lines += [f"> {payload}", ""]
        elif kind == "note":
            lines += [f"> **Catatan / Note.** {payload}", ""]
        elif kind == "p":
            lines += [f"**ID.** {payload}", ""]
        elif kind == "p_en":
            lines += [payload if payload.startswith(("How", "Design", "verdict", "In "))
                      else f"**EN.** {payload}", ""]
        elif kind == "list":
            for item in payload:
                if isinstance(item, tuple):
                    lines.append(f"- {item[0]}  \n  *{item[1]}*")
                else:
                    lines.append(f"- {item}")
            lines.append("")
        elif kind == "table":
            lines += [_md_table(payload), ""]
        elif kind == "figure":
            path, title, caption = payload
            rel = os.path.relpath(path, folder)
            lines += [f"![{title}]({rel})", "", f"*{title}.* {caption}", ""]
    return "\n".join(lines).rstrip() + "\n"


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:60rem;
margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}h3{font-size:1.05rem}
blockquote{border-left:4px solid #2a7;margin:1rem 0;padding:.3rem 1rem;background:#f4faf6}
.note{border-left:4px solid #d80;background:#fff7e6;padding:.5rem 1rem}
.en{color:#444;font-style:italic}
table{border-collapse:collapse;font-size:.82rem;margin:.5rem 0 1rem;display:block;overflow-x:auto}
td,th{border:1px solid #ccc;padding:.2rem .45rem;text-align:right}th{background:#f2f2f2}
td:first-child,th:first-child{text-align:left}
figure{margin:1rem 0}figure img{max-width:100%}figcaption{font-size:.85rem;color:#333}
li{margin-bottom:.5rem}
"""


def render_html(blocks: Sequence[tuple[str, Any]]) -> str:
    """Render report blocks as one self-contained HTML page (figures embedded as base64)."""
    parts = ["<!DOCTYPE html>", '<html lang="id"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             "<title>Hipotesis WKSBM / The WKSBM hypothesis</title>",
             f"<style>{_CSS}</style></head><body>"]
    for kind, payload in blocks:
        if kind in ("h1", "h2", "h3"):
            parts.append(f"<{kind}>{html.escape(payload)}</{kind}>")
        elif kind == "quote":
            parts.append(f"<blockquote>{_md_inline_to_html(payload)}</blockquote>")
        elif kind == "note":
            parts.append(f'<p class="note"><strong>Catatan / Note.</strong> '
                         f"{_md_inline_to_html(payload)}</p>")
        elif kind == "p":
            parts.append(f'<p lang="id">{_md_inline_to_html(payload)}</p>')
        elif kind == "p_en":
            parts.append(f'<p lang="en" class="en">{_md_inline_to_html(payload)}</p>')
        elif kind == "list":
            items = []
            for item in payload:
                if isinstance(item, tuple):
                    items.append(f'<li><span lang="id">{_md_inline_to_html(item[0])}</span>'
                                 f'<br><span lang="en" class="en">'
                                 f"{_md_inline_to_html(item[1])}</span></li>")
                else:
                    items.append(f"<li>{_md_inline_to_html(item)}</li>")
            parts.append("<ul>" + "".join(items) + "</ul>")
        elif kind == "table":
            parts.append(_html_table(payload))
        elif kind == "figure":
            path, title, caption = payload
            data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
            parts.append(f'<figure><img alt="{html.escape(title)}" '
                         f'src="data:image/png;base64,{data}"><figcaption><strong>'
                         f"{html.escape(title)}.</strong> {html.escape(caption)}"
                         "</figcaption></figure>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating, float)):
        return float(x) if np.isfinite(x) else None
    if isinstance(x, (np.bool_,)):
        return bool(x)
    if isinstance(x, Path):
        return str(x)
    return x


def write_report(a: HypothesisAnalysis, out: str | Path) -> dict[str, Path]:
    """Write ``report.md``, ``report.html``, ``figures/*.png``, ``runs.csv``, ``summary.json``.

    Returns the paths by name (``markdown``, ``html``, ``runs``, ``summary`` and figures).
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    figs = figures(a, folder / "figures")
    blocks = _blocks(a, figs)
    paths = {"markdown": folder / "report.md", "html": folder / "report.html",
             "runs": folder / "runs.csv", "summary": folder / "summary.json"}
    paths["markdown"].write_text(render_markdown(blocks, folder), encoding="utf-8")
    paths["html"].write_text(render_html(blocks), encoding="utf-8")
    a.runs.to_csv(paths["runs"], index=False)
    summary = {
        "headline_id": " ".join(headline(a, "id")), "headline_en": " ".join(headline(a, "en")),
        **a.verdicts(),
        "sensitivity": None if not (a.sensitivity and a.sensitivity.get("complete")) else {
            "ST": a.sensitivity["table"]["ST"].to_dict(),
            "S1": a.sensitivity["table"]["S1"].to_dict()},
        "meta": a.meta,
    }
    paths["summary"].write_text(json.dumps(_jsonable(summary), indent=2, ensure_ascii=False),
                                encoding="utf-8")
    return {**paths, **{f"figure_{k}": v for k, v in figs.items()}}


def docs_section(a: HypothesisAnalysis) -> str:
    """The result section of docs/hypothesis.md: headline, verdict table, how to regenerate."""
    t = _tables(a)
    lines = [
        DOCS_BEGIN,
        "",
        f"*Generated by `oslsim hypothesis{' --quick' if a.meta.get('quick') else ''} "
        "--update-docs docs/hypothesis.md` from runs finished "
        f"{a.meta.get('finished', '?')} (oslsim {a.meta.get('oslsim_version') or '?'}); do not "
        "edit between the markers.*",
        "",
        "**ID.** " + " ".join(headline(a, "id")),
        "",
        "**EN.** " + " ".join(headline(a, "en")),
        "",
        _md_table(t["verdicts"]),
        "",
        _design_text(a),
        "",
    ]
    if a.replicates is not None:
        lines += [_replicates_text(a), ""]
    sens = sensitivity_sentences(a.sensitivity, "en")
    if sens:
        lines += [" ".join(sens), ""]
    lines.append(DOCS_END)
    return "\n".join(lines)


def update_docs(a: HypothesisAnalysis, path: str | Path) -> Path:
    """Rewrite the marked result section of ``path`` (docs/hypothesis.md) from ``a``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"--update-docs {path}: file not found") from None
    if DOCS_BEGIN not in text or DOCS_END not in text:
        raise InputError(f"--update-docs {path}: no section marked {DOCS_BEGIN} … {DOCS_END}; "
                         "add the two markers where the result should go")
    head, rest = text.split(DOCS_BEGIN, 1)
    _, tail = rest.split(DOCS_END, 1)
    path.write_text(head + docs_section(a) + tail, encoding="utf-8")
    return path


# ======================================================================================
# the whole job
# ======================================================================================


@dataclass
class HypothesisRun:
    """What :func:`run_hypothesis` did: the analysis, the files written and the store."""

    analysis: HypothesisAnalysis
    paths: dict[str, Path]
    store: Path
    seconds: float


def release_run(scenario: Any, months: int, rng: int, overrides: Mapping[str, Any]) -> Any:
    """Run one simulation for a sweep, then let its model be freed.

    Mesa 3.3's ``Agent._ids`` keeps a reference to every model ever built (mesa#3179), so a
    worker running thousands of models would grow by megabytes per run. The sweep keeps only
    the monthly table, so the model's entry is dropped once the run is done.
    """
    import mesa

    from oslsim.simulation import simulate

    result = simulate(scenario, months=months, rng=rng, overrides=dict(overrides))
    ids = getattr(mesa.Agent, "_ids", None)
    if isinstance(ids, dict):
        ids.pop(result.model, None)
    return result


def _run_times(runs: pd.DataFrame, names: Sequence[str]) -> dict[str, float]:
    """Core time of the finished runs and the wall-clock span from first start to last end."""
    if not len(runs) or "started" not in runs.columns:
        return {}
    done = runs[runs["experiment"].isin(list(names)) & (runs["status"] == "done")]
    if done.empty:
        return {}
    span = (pd.to_datetime(done["finished"]).max() - pd.to_datetime(done["started"]).min())
    return {"core_seconds": float(done["seconds"].sum()),
            "span_seconds": float(span.total_seconds()),
            "finished": str(pd.to_datetime(done["finished"]).max())[:16] + " UTC",
            "oslsim_version": str(done["oslsim_version"].dropna().iloc[0])
            if "oslsim_version" in done.columns and done["oslsim_version"].notna().any()
            else ""}


def _default_workers() -> int:
    from oslsim.experiments.coordinator import default_workers

    return default_workers()


def _load_average() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except (AttributeError, OSError):  # pragma: no cover - not on Unix
        return "?"


def run_hypothesis(
    out: str | Path = "report",
    *,
    quick: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    experiments: str | Path | None = None,
    progress: bool = True,
    update_docs_path: str | Path | None = None,
    run_fn: Callable[..., Any] | None = None,
    n_boot: int = N_BOOT,
    log: Callable[[str], None] | None = None,
) -> HypothesisRun:
    """Run the hypothesis experiment, analyse it and write the report into ``out``.

    Parameters
    ----------
    out : path
        Output folder: the DuckDB store (``hypothesis.duckdb``), ``report.md``,
        ``report.html``, ``figures/``, ``runs.csv`` and ``summary.json``.
    quick : bool
        The same design with fewer replicates (:data:`QUICK_REPLICATES`) and a smaller
        Sobol sample (:data:`QUICK_SAMPLES`).
    workers, scheduler : optional
        Local worker processes, or the address of a Dask scheduler (see
        :func:`oslsim.experiments.sweep`).
    resume : bool
        Run only the runs missing from the store in ``out``; otherwise every run is run again.
    experiments : path, optional
        Folder of the ``wksbm_*.toml`` files.
    progress : bool
        Show progress bars on stderr.
    update_docs_path : path, optional
        Also rewrite the marked result section of this file (docs/hypothesis.md).
    run_fn : callable, optional
        Replaces :func:`release_run` (:func:`oslsim.simulate`) in the sweeps.
    n_boot : int
        Bootstrap resamples of every interval.
    log : callable, optional
        Receives one line per step (default: print to stderr).
    """
    from tqdm import tqdm

    from oslsim.experiments import ExperimentError, load_results, sweep

    say = log or (lambda line: print(line, file=sys.stderr, flush=True))
    started = time.perf_counter()
    load = _load_average()
    plan = load_plan(experiments, quick=quick)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    store = folder / STORE_NAME
    total = len(plan.experiments)
    say(f"oslsim hypothesis: {plan.runs():,} runs in {total} experiments "
        f"({'quick' if quick else 'full'}), store {store}")
    failed = ran = 0
    for k, exp in enumerate(plan.experiments, start=1):
        say(f"[{k}/{total}] {exp.name}: {exp.description}")
        try:
            report = sweep(exp, out=store, workers=workers, scheduler=scheduler,
                           resume=resume, overwrite=not resume, progress=progress,
                           run_fn=run_fn or release_run)
        except ExperimentError as exc:
            if resume and "different definition" in str(exc):
                raise InputError(f"{store}: {exp.name} is stored with a different definition "
                                 "(the experiment files changed); run without --resume to "
                                 "run it again, or give another --out") from None
            raise
        failed += report.failed
        ran += report.ran
    swept = time.perf_counter() - started
    say("analysing …")
    tables = load_results(store)
    runs, traj = collect(tables, plan)
    gen = np.random.default_rng(plan.reference.seed)
    sens = None
    if plan.sensitivity is not None:
        sens = _sobol(sensitivity_effects(tables, plan.sensitivity), plan.sensitivity, gen)
    timing = _run_times(tables["runs"], [e.name for e in plan.experiments])
    meta = {
        **timing,
        "quick": quick, "replicates": plan.reference.replicates,
        "months": plan.reference.months, "seed": plan.reference.seed, "failed": failed,
        "ran_now": ran,
        **({"load": load, "workers": scheduler if scheduler is not None else (
            workers if workers is not None else _default_workers())} if ran else {}),
        "seconds": time.perf_counter() - started, "sweep_seconds": swept,
        "store": str(store), "runs_planned": plan.runs(),
    }
    bar = (lambda it: tqdm(it, desc="analysis", unit="test", file=sys.stderr, leave=False)) \
        if progress else None
    a = analyse(runs, traj, sens, n_boot=n_boot, rng=gen, meta=meta, progress=bar)
    a.meta["seconds"] = time.perf_counter() - started
    paths = write_report(a, folder)
    if update_docs_path is not None:
        paths["docs"] = update_docs(a, update_docs_path)
    return HypothesisRun(a, paths, store, time.perf_counter() - started)

