"""The whole job: sweep the plan into one store, analyse it, write the report."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from oslsim.errors import InputError
from oslsim.study.analyse import (
    N_BOOT,
    HypothesisAnalysis,
    analyse,
    discovery,
    overlap_summary,
    sobol_summary,
)
from oslsim.study.collect import collect, overlap_runs, sensitivity_effects
from oslsim.study.plan import load_plan
from oslsim.study.report import update_docs, write_report

__all__ = ["STORE_NAME", "HypothesisRun", "run_hypothesis"]

#: The report's store, tables and pages inside the output folder.
STORE_NAME = "hypothesis.duckdb"




@dataclass
class HypothesisRun:
    """What :func:`run_hypothesis` did: the analysis, the files written and the store."""

    analysis: HypothesisAnalysis
    paths: dict[str, Path]
    store: Path
    seconds: float


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
    run: bool = True,
    posterior: str | Path | None = None,
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
        Replaces :func:`oslsim.simulate` in the sweeps.
    n_boot : int
        Bootstrap resamples of every interval.
    log : callable, optional
        Receives one line per step (default: print to stderr).
    run : bool
        False runs nothing and analyses the runs already in the store (``--report-only``).
    posterior : path, optional
        The folder of an ``oslsim calibrate`` run: replicate *r* of every condition runs at
        draw *r* of its ``draws.csv`` (:mod:`oslsim.study.posterior`); the Sobol and overlap
        experiments are left out.
    """
    from tqdm import tqdm

    from oslsim.experiments import ExperimentError, load_results, sweep

    say = log or (lambda line: print(line, file=sys.stderr, flush=True))
    started = time.perf_counter()
    load = _load_average()
    plan = load_plan(experiments, quick=quick)
    draws = None
    if posterior is not None:
        from oslsim.study.posterior import load_draws, posterior_plan

        draws = load_draws(posterior)
        plan, post_run = posterior_plan(plan, draws)
        run_fn = run_fn or post_run
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    store = folder / STORE_NAME
    total = len(plan.experiments)
    say(f"oslsim hypothesis: {plan.runs():,} runs in {total} experiments "
        f"({'quick' if quick else 'full'}), store {store}")
    failed = ran = 0
    for k, exp in enumerate(plan.experiments if run else [], start=1):
        say(f"[{k}/{total}] {exp.name}: {exp.description}")
        try:
            report = sweep(exp, out=store, workers=workers, scheduler=scheduler,
                           resume=resume, overwrite=not resume, progress=progress,
                           run_fn=run_fn)
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
    sens = boxes = None
    if plan.sensitivity is not None:
        effects = sensitivity_effects(tables, plan.sensitivity)
        sens = sobol_summary(effects, plan.sensitivity, gen)
        boxes = discovery(effects, plan.sensitivity)
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
        "warmup": getattr(plan.reference, "warmup", None),
        **({"posterior": str(posterior), "posterior_draws": len(draws)} if draws else {}),
    }
    bar = (lambda it: tqdm(it, desc="analysis", unit="test", file=sys.stderr, leave=False)) \
        if progress else None
    a = analyse(runs, traj, sens, n_boot=n_boot, rng=gen, meta=meta, progress=bar)
    a.discovery = boxes
    if plan.overlap is not None:
        a.overlap = overlap_summary(overlap_runs(tables, plan.overlap), n_boot=n_boot, rng=gen)
    a.meta["seconds"] = time.perf_counter() - started
    paths = write_report(a, folder)
    if update_docs_path is not None:
        paths["docs"] = update_docs(a, update_docs_path)
    return HypothesisRun(a, paths, store, time.perf_counter() - started)

