"""Running a calibration: pyabc's ABC-SMC, then the pattern tables before and after."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from oslsim.calibration.config import (
    HISTORY_NAME,
    STORE_NAME,
    CalibrationConfig,
    CalibrationError,
    load_config,
)
from oslsim.calibration.distance import PatternDistance, PatternModel, _safe
from oslsim.calibration.report import (
    _population,
    _screening,
    _summary_markdown,
    _write,
    posterior_summary,
)
from oslsim.patterns import (
    ROLES,
    STATISTICS,
    pattern_table,
    pattern_values,
    run_patterns,
    table_markdown,
)


@dataclass
class CalibrationResult:
    """What :func:`calibrate` did: the posterior, the tables and where they are."""

    posterior: pd.DataFrame
    summary: pd.DataFrame
    before: pd.DataFrame
    after: pd.DataFrame
    generations: pd.DataFrame
    paths: dict[str, Path]
    seconds: float
    manifest: dict[str, Any]


def _sampler(workers: int | None, scheduler: str | None) -> Any:
    import pyabc

    if scheduler is not None:
        from distributed import Client

        try:
            client = Client(scheduler, timeout=30)
        except (OSError, TimeoutError) as exc:
            raise ConnectionError(f"cannot reach the Dask scheduler at {scheduler} "
                                  f"({' '.join(str(exc).split())}); is 'dask scheduler' "
                                  "running there?") from None
        return pyabc.sampler.DaskDistributedSampler(dask_client=client)
    if workers == 0:
        return pyabc.sampler.SingleCoreSampler()
    if workers is None:
        from oslsim.experiments.coordinator import default_workers

        workers = default_workers()
    return pyabc.sampler.MulticoreEvalParallelSampler(n_procs=max(1, int(workers)))


def _quiet_pyabc() -> None:
    import logging

    for name in ("ABC", "pyabc", "Sampler", "Distance", "Epsilon", "Acceptor", "History",
                 "ABC.Sampler", "ABC.History", "ABC.Distance", "ABC.Epsilon",
                 "ABC.Predictor", "ABC.Transition", "ABC.Population"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _load_average() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except (AttributeError, OSError):  # pragma: no cover - not on Unix
        return "?"


def _pattern_experiment(cfg: CalibrationConfig, name: str, replicates: int) -> dict[str, Any]:
    """The sweep that measures the pattern table: every site, ``replicates`` seeds."""
    sites = list(dict.fromkeys(cfg.sites.values()))
    return {"name": name, "description": "pattern table runs of oslsim calibrate",
            "factors": {"scenario": sites}, "replicates": replicates, "months": cfg.months,
            "seed": cfg.seed, "params": cfg.constants(),
            "warmup": {"max_months": cfg.warmup_months},
            "keep": {"outcomes": list(STATISTICS), "months": "last"}}


def measure_table(cfg: CalibrationConfig, store: Path, name: str, replicates: int,
                  run_fn: Any, *, workers: int | None, scheduler: str | None, resume: bool,
                  progress: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sweep the pattern runs into ``store`` and return (pattern table, per-replicate values)."""
    from oslsim.experiments import load_results, parse_experiment, sweep, tidy

    exp = parse_experiment(_pattern_experiment(cfg, name, replicates),
                           source=f"<{name}>", outcomes=STATISTICS)
    sweep(exp, out=store, workers=workers, scheduler=scheduler, resume=resume,
          overwrite=not resume, progress=progress, run_fn=run_fn)
    runs = tidy(load_results(store, name))
    rows = []
    for _, group in runs.groupby("replicate"):
        stats = {}
        for rec in group.to_dict("records"):
            for role, site in cfg.sites.items():
                if rec["scenario"] == site:
                    stats[role] = {k: rec[k] for k in STATISTICS if k in rec}
        rows.append(pattern_values(stats, {r: r for r in ROLES}, cfg.patterns))
    values = pd.DataFrame(rows)
    return pattern_table(values, cfg.patterns), values


def calibrate(out: str | Path = "calibration", *, quick: bool = False,
              config: str | Path | CalibrationConfig | None = None,
              workers: int | None = None, scheduler: str | None = None,
              resume: bool = False, progress: bool = True,
              log: Any = None) -> CalibrationResult:
    """Run the calibration and write the posterior, its manifest and the pattern tables.

    Parameters
    ----------
    out : path
        Output folder: ``calibration.db`` (pyabc history), ``posterior.csv``,
        ``posterior_summary.csv``/``.md``, ``draws.csv``, ``generations.csv``,
        ``screening.csv``, ``patterns_before.*``, ``patterns_after.*``, ``patterns.md``,
        ``calibration.duckdb`` (the pattern runs) and ``manifest.json``.
    quick : bool
        A small calibration (:data:`QUICK`): at most about ten minutes on 2 cores.
    config : path or CalibrationConfig, optional
        A calibration TOML file (parameters, pattern tolerances and weights, sites, sizes).
    workers, scheduler : optional
        Local processes, or the address of a Dask scheduler.
    resume : bool
        Continue the calibration stored in ``out`` and run only missing pattern runs.
    """
    from datetime import timedelta

    import pyabc
    from tqdm import tqdm

    from oslsim.simulation import checkout, versions

    say = log or (lambda line: print(line, file=sys.stderr, flush=True))
    started = time.perf_counter()
    load_before = _load_average()
    cfg = config if isinstance(config, CalibrationConfig) else load_config(config, quick=quick)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    db_path = folder / HISTORY_NAME
    manifest_path = folder / "manifest.json"
    fingerprint = cfg.fingerprint()
    if resume:
        if not db_path.is_file():
            raise CalibrationError(f"{db_path}: no calibration to resume; run without --resume")
        try:
            old = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = {}
        if old.get("fingerprint") != fingerprint:
            raise CalibrationError(f"{manifest_path}: the stored calibration has another "
                                   "definition (parameters, patterns, sites or sizes); run "
                                   "without --resume, or give another --out")
    _quiet_pyabc()
    names = {_safe(k): k for k in cfg.parameters}
    prior = pyabc.Distribution(**{_safe(k): pyabc.RV("uniform", lo, hi - lo)
                                  for k, (lo, hi) in cfg.parameters.items()})
    model = PatternModel(dict(cfg.sites), names, cfg.constants(), cfg.months,
                         cfg.warmup_months, cfg.seed)
    distance = PatternDistance(cfg.calibrated, dict(cfg.weights))
    np.random.seed(cfg.seed % 2**32)  # pyabc draws its proposals from numpy's global state
    # A new calibration starts from a prior sample (tolerance infinite); a resumed one takes
    # the median distance of its last stored generation, as an uninterrupted run would.
    first = "from_sample" if resume else np.inf
    abc = pyabc.ABCSMC(model, prior, distance, population_size=cfg.population,
                       eps=pyabc.QuantileEpsilon(initial_epsilon=first, alpha=0.5),
                       sampler=_sampler(workers, scheduler))
    db = f"sqlite:///{db_path.resolve()}"
    if resume:
        history = abc.load(db, abc_id=_last_run_id(db_path))
    else:
        history = abc.new(db, {"distance": 0.0},
                          meta_info={"oslsim_fingerprint": fingerprint})
    manifest: dict[str, Any] = {
        "fingerprint": fingerprint, "config": cfg.to_dict(), "quick": quick,
        "method": "ABC-SMC (pyabc), distance = RMS excess of the calibrated patterns over "
                  "their intervals; QuantileEpsilon(alpha=0.5) from an infinite first "
                  "tolerance (generation 0 is a prior sample)",
        "pyabc_version": pyabc.__version__, "abc_id": int(history.id),
        "versions": versions(), **checkout(), "load_average_start": load_before,
        "workers": scheduler if scheduler is not None else workers,
        "status": "running",
    }
    manifest_path.write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
    done_t = history.max_t + 1 if history.max_t is not None and history.max_t >= 0 else 0
    deadline = None if cfg.minutes is None else started + cfg.minutes * 60.0
    say(f"oslsim calibrate: ABC-SMC over {len(cfg.parameters)} parameters "
        f"({', '.join(cfg.parameters)}), {len(cfg.calibrated)} patterns, population "
        f"{cfg.population}, up to {cfg.generations} generations; sites "
        f"{', '.join(f'{r}={s}' for r, s in cfg.sites.items())}; history {db_path}")
    bar = tqdm(total=cfg.generations, initial=min(done_t, cfg.generations),
               desc="calibrate", unit="generation", file=sys.stderr, disable=not progress,
               dynamic_ncols=True)
    last_seconds = 0.0
    stopped = "generations"
    try:
        while done_t < cfg.generations:
            # a generation needs about twice the simulations of the one before (alpha 0.5)
            if deadline is not None and done_t > 0 and \
                    time.perf_counter() + 2.0 * last_seconds > deadline:
                stopped = "time budget"
                break
            t0 = time.perf_counter()
            kwargs: dict[str, Any] = {"max_nr_populations": 1, "minimum_epsilon": 0.0}
            if deadline is not None:
                kwargs["max_walltime"] = timedelta(seconds=max(1.0, deadline - time.perf_counter()))
            history = abc.run(**kwargs)
            last_seconds = time.perf_counter() - t0
            done_t = history.max_t + 1
            pops = history.get_all_populations()
            eps = float(pops["epsilon"].iloc[-1])
            bar.set_postfix_str(f"epsilon {eps:.3g}", refresh=False)
            bar.update(1)
            if eps <= 0.0:
                stopped = "tolerance 0 reached"
                break
    finally:
        bar.close()
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0].reset_index(drop=True)
    sims = pops["samples"].to_numpy(float)
    generations = pd.DataFrame({"generation": pops["t"], "epsilon": pops["epsilon"],
                                "simulations": pops["samples"],
                                "particles": cfg.population,
                                "acceptance_rate": cfg.population / np.maximum(sims, 1)})
    post = _population(history, history.max_t, names)
    post = post[[*cfg.parameters, "weight", "distance"]]
    summary = posterior_summary(post, cfg)
    screening = _screening(history, cfg, names)
    gen = np.random.default_rng(cfg.seed)
    pick = gen.choice(len(post), size=cfg.draws, replace=True, p=post["weight"].to_numpy())
    draws = post.iloc[pick][list(cfg.parameters)].reset_index(drop=True)
    draws.insert(0, "draw", range(len(draws)))
    paths = {"history": db_path}
    paths["posterior"] = _write(folder / "posterior.csv", post)
    paths["summary"] = _write(folder / "posterior_summary.csv", summary)
    (folder / "posterior_summary.md").write_text(_summary_markdown(summary), encoding="utf-8")
    paths["draws"] = _write(folder / "draws.csv", draws)
    paths["generations"] = _write(folder / "generations.csv", generations)
    paths["screening"] = _write(folder / "screening.csv", screening)
    abc_seconds = time.perf_counter() - started
    say(f"ABC: {len(generations)} generations, {int(sims.sum())} simulations, final "
        f"tolerance {float(generations['epsilon'].iloc[-1]):.3g} ({stopped}); "
        f"{abc_seconds / 60:.1f} minutes")
    store = folder / STORE_NAME
    from oslsim.study.posterior import PosteriorRun

    before, _ = measure_table(cfg, store, "patterns_defaults", cfg.draws, run_patterns,
                              workers=workers, scheduler=scheduler, resume=resume,
                              progress=progress)
    from oslsim.experiments.designs import replicate_seeds

    seeds = replicate_seeds(cfg.seed, cfg.draws)
    post_run = PosteriorRun(tuple(draws[list(cfg.parameters)].to_dict("records")),
                            tuple(seeds), run=run_patterns)
    # named after the draws: a resumed calibration with a new posterior is a new experiment
    digest = hashlib.sha256(draws.to_csv(index=False).encode()).hexdigest()[:8]
    after, _ = measure_table(cfg, store, f"patterns_posterior_{digest}", cfg.draws,
                             post_run, workers=workers, scheduler=scheduler, resume=resume,
                             progress=progress)
    paths["before"] = _write(folder / "patterns_before.csv", before)
    paths["after"] = _write(folder / "patterns_after.csv", after)
    (folder / "patterns_before.md").write_text(table_markdown(before), encoding="utf-8")
    (folder / "patterns_after.md").write_text(table_markdown(after), encoding="utf-8")
    paths["patterns"] = folder / "patterns.md"
    paths["patterns"].write_text(
        "# Patterns before and after calibration\n\n"
        f"Before: the defaults, {cfg.draws} seeds per site. After: {cfg.draws} draws from "
        "the posterior, one seed each (common random numbers with the defaults' runs).\n\n"
        "## Before (defaults)\n\n" + table_markdown(before) +
        "\n## After (posterior draws)\n\n" + table_markdown(after) +
        "\n## Posterior\n\n" + _summary_markdown(summary), encoding="utf-8")
    seconds = time.perf_counter() - started
    manifest.update({
        "status": "done", "stopped_by": stopped, "generations": len(generations),
        "simulations": int(sims.sum()), "final_epsilon": float(generations["epsilon"].iloc[-1]),
        "not_ruled_out": bool(float(generations["epsilon"].iloc[-1]) <= 0.0),
        "abc_seconds": abc_seconds, "seconds": seconds,
        "load_average_end": _load_average(), "store": str(store),
        "draws_seeds": [int(s) for s in seeds],
    })
    manifest_path.write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
    paths["manifest"] = manifest_path
    return CalibrationResult(post, summary, before, after, generations, paths, seconds,
                             manifest)


def _last_run_id(db_path: Path) -> int:
    """The id of the newest calibration in a pyabc history file."""
    import sqlite3

    try:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT MAX(id) FROM abc_smc").fetchone()
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise CalibrationError(f"{db_path}: cannot be read as a pyabc history ({exc})") from None
    if not row or row[0] is None:
        raise CalibrationError(f"{db_path}: holds no calibration to resume")
    return int(row[0])
