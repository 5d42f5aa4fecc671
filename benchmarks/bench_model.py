"""Benchmark: build and run 1k, 10k and 100k households for 120 months.

Prints median build time, run time, microseconds per household-month and peak memory
(resident set size, measured in a fresh process per size so sizes do not mix).
Goals on a 2-core machine: run <= 1 us per household-month at 100k households; build a
100k community in <= 10 s.

    python benchmarks/bench_model.py                 # 1k, 10k, 100k; 3 repeats each
    python benchmarks/bench_model.py --sizes 1000 --repeats 5 --months 60
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time


def _one(households: int, months: int, seed: int) -> dict[str, float]:
    import resource

    import oslsim

    t0 = time.perf_counter()
    model = oslsim.OSLModel(oslsim.Params(households=households), rng=seed)
    t1 = time.perf_counter()
    model.run(months)
    t2 = time.perf_counter()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"build": t1 - t0, "run": t2 - t1, "peak_mib": peak_kib / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", nargs=3, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_one(*args.child)))
        return
    print(f"{'households':>10} {'build s':>9} {'run s':>9} {'us/hh-month':>12} {'peak MiB':>9}")
    for size in args.sizes:
        results = []
        for r in range(args.repeats):
            out = subprocess.run([sys.executable, __file__, "--child", str(size),
                                  str(args.months), str(r)],
                                 check=True, capture_output=True, text=True).stdout
            results.append(json.loads(out))
        build = statistics.median(x["build"] for x in results)
        run = statistics.median(x["run"] for x in results)
        peak = statistics.median(x["peak_mib"] for x in results)
        per = run / (size * args.months) * 1e6
        print(f"{size:>10,} {build:>9.2f} {run:>9.2f} {per:>12.3f} {peak:>9.0f}", flush=True)
    print("goals: <= 1 us per household-month at 100k; build 100k in <= 10 s")


if __name__ == "__main__":
    main()
