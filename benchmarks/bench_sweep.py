"""Benchmark: a sweep of 40 runs (2,000 households, 60 months) on 1 and 2 local workers and
on a local Dask cluster; and the coordinator's memory as the number of runs grows.

Prints medians over repeats of: wall time, runs per minute, mean run time (measured on the
workers), parallel efficiency on 2 workers (T1 / (2 T2)), overhead per run
((workers x wall - sum of run times) / runs, as a share of a run) and Dask's extra overhead
over the 2-worker pool. Then the coordinator's peak resident memory above its baseline for
sweeps of growing size (results are streamed to the store, so it should stay flat), and the
time the coordinator spends committing one run. Goals on 2 cores: efficiency >= 80%, Dask
overhead <= 5% of a run. Other processes on the machine distort these numbers: note the load.

    python benchmarks/bench_sweep.py
    python benchmarks/bench_sweep.py --runs 20 --households 1000 --months 24 --repeats 1
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

import pandas as pd
import psutil


def experiment(name: str, runs: int, households: int, months: int) -> dict:
    """Four WKSBM coverage levels x replicates = ``runs`` runs of the baseline scenario."""
    doses = [0.0, 0.25, 0.5, 1.0]
    return {"name": name, "months": months, "seed": 1, "replicates": max(1, runs // len(doses)),
            "params": {"households": households},
            "factors": {"organisations.wksbm_coverage": doses}}


class PeakRSS:
    """Sample this process's resident memory in a thread; keep the peak (and the Python heap's)."""

    def __init__(self, every: float = 0.005) -> None:
        self.proc = psutil.Process()
        self.every = every
        self.peak = self.base = self.proc.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(self.every)

    def __enter__(self) -> PeakRSS:
        self.peak = self.base = self.proc.memory_info().rss
        tracemalloc.start()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.heap = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def timed_sweep(folder: Path, exp: dict, tag: str, monitor=None, **how) -> dict[str, float]:
    """Run one sweep into a fresh store; ``monitor`` (a context manager) wraps only the sweep."""
    from contextlib import nullcontext

    from oslsim.experiments import load_results, sweep

    store = folder / f"{tag}.duckdb"
    store.unlink(missing_ok=True)
    with monitor or nullcontext():
        t0 = time.perf_counter()
        report = sweep(exp, out=store, progress=False, **how)
        wall = time.perf_counter() - t0
    runs = load_results(store)["runs"]
    assert report.done == len(runs), report.summary()
    workers = report.workers
    busy = float(runs["seconds"].sum())
    mean_run = busy / len(runs)
    return {"wall": wall, "runs": len(runs), "workers": workers, "mean_run": mean_run,
            "per_min": 60 * len(runs) / wall,
            "overhead_run": (workers * wall - busy) / len(runs)}


def median_of(rows: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in rows) for k in rows[0]}


def commit_time(folder: Path, n: int = 200) -> float:
    """Median seconds the coordinator takes to commit one run of 61 months x 30 columns."""
    from datetime import datetime

    from oslsim import simulate
    from oslsim.experiments import ResultStore, plan_sweep
    from oslsim.experiments.runner import RunOutcome
    from oslsim.experiments.spec import parse_experiment

    exp = parse_experiment({"name": "commit", "months": 60, "replicates": n, "seed": 1,
                            "params": {"households": 200}})
    plan = plan_sweep(exp, 1)
    import pyarrow as pa

    ts = simulate("baseline", months=60, rng=1, overrides={"households": 200}).timeseries
    times = []
    with ResultStore(folder / "commit.duckdb") as store:
        store.begin(exp, 1, plan.fingerprint, plan.design, plan.tasks)
        now = datetime.now()
        for task in plan.tasks:
            table = pa.Table.from_pandas(ts, preserve_index=False)  # as a worker sends it
            table = table.add_column(0, "run_id", pa.array([task.run_id] * len(ts)))
            out = RunOutcome(task.run_id, "done", None, table, {"households": 200}, now, now)
            t0 = time.perf_counter()
            store.record(out)
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--memory-runs", type=int, nargs="+", default=[40, 160, 640],
                        help="sweep sizes (tiny runs) for the coordinator's memory")
    args = parser.parse_args()

    import dask
    from distributed import Client, LocalCluster

    from oslsim.experiments.runner import LOCAL_DASK_CONFIG

    print(f"machine: {os.cpu_count()} cores; load average before: "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"sweep: {args.runs} runs of {args.households:,} households x {args.months} months; "
          f"medians of {args.repeats} repeats\n")
    exp = experiment("bench", args.runs, args.households, args.months)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # imports, and the fork server that every later local pool forks its workers from
        timed_sweep(folder, experiment("warm", 4, 200, 6), "warm", workers=2)
        one = median_of([timed_sweep(folder, exp, "pool1", workers=1)
                         for _ in range(args.repeats)])
        two = median_of([timed_sweep(folder, exp, "pool2", workers=2)
                         for _ in range(args.repeats)])
        t0 = time.perf_counter()
        with dask.config.set(LOCAL_DASK_CONFIG):  # as `oslsim sweep --dask-local` starts one
            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address=":0")
        client = Client(cluster)
        start_dask = time.perf_counter() - t0
        try:
            address = cluster.scheduler_address
            cold = timed_sweep(folder, exp, "dask_cold", scheduler=address)
            dask = median_of([timed_sweep(folder, exp, "dask", scheduler=address)
                              for _ in range(args.repeats)])
        finally:
            client.close()
            cluster.close()

        rows = {"1 local worker": one, "2 local workers": two,
                "dask, 2 workers (first sweep)": cold, "dask, 2 workers": dask}
        table = pd.DataFrame({
            name: {"wall s": r["wall"], "runs/min": r["per_min"], "mean run s": r["mean_run"],
                   "overhead/run s": r["overhead_run"],
                   "overhead % of run": 100 * r["overhead_run"] / r["mean_run"]}
            for name, r in rows.items()}).T
        print(table.to_string(float_format=lambda x: f"{x:,.3f}"))
        efficiency = one["wall"] / (2 * two["wall"])
        extra = (dask["wall"] - two["wall"]) * 2 / args.runs
        busy = 100 / (1 + two["overhead_run"] / two["mean_run"])
        print(f"\nparallel efficiency, 2 local workers: {100 * efficiency:.1f}% (goal >= 80%); "
              f"from the workers' busy time: {busy:.1f}% (the share of 2 x wall spent running; "
              "insensitive to other load slowing runs)")
        print(f"dask overhead per run over the 2-worker pool: {extra:+.3f} s = "
              f"{100 * extra / one['mean_run']:+.1f}% of a run (goal <= 5%); its own overhead: "
              f"{100 * dask['overhead_run'] / dask['mean_run']:.1f}% of a run")
        print(f"local dask cluster start-up: {start_dask:.2f} s (once per sweep with "
              "--dask-local; not counted above)")

        print("\ncoordinator memory (2 local workers, 200 households x 6 months per run):")
        timed_sweep(folder, experiment("mem_warm", 8, 200, 6), "mem_warm", workers=2)
        for n in args.memory_runs:
            rss = PeakRSS()
            r = timed_sweep(folder, experiment(f"mem{n}", n, 200, 6), f"mem{n}", monitor=rss,
                            workers=2)
            print(f"  {r['runs']:>6} runs: peak RSS {rss.peak / 2**20:7.1f} MiB, "
                  f"{(rss.peak - rss.base) / 2**20:+6.1f} MiB above the start; Python heap peak "
                  f"{rss.heap / 2**20:5.2f} MiB; {r['per_min']:,.0f} runs/min")
        print(f"\ncommit of one run (61 months x 30 columns) to DuckDB: "
              f"{1000 * commit_time(folder):.1f} ms (median)")
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
