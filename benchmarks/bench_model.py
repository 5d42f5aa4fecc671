"""Benchmark: build and run 1k, 10k and 100k households for 120 months.

Prints median build time, run time, microseconds per household-month and peak memory
(resident set size, measured in a fresh process per size so sizes do not mix).
Goals on a 2-core machine (issue 16): run <= 0.5 us per household-month at 100k households.
The machine's load (``os.getloadavg``) is printed, and CPU (process) time beside wall time.

    python benchmarks/bench_model.py                 # 1k, 10k, 100k; 3 repeats each
    python benchmarks/bench_model.py --sizes 1000 --repeats 5 --months 60
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def _one(households: int, months: int, seed: int) -> dict[str, float]:
    import resource

    import oslsim

    c0, t0 = time.process_time(), time.perf_counter()
    model = oslsim.OSLModel(oslsim.Params(households=households), rng=seed)
    c1, t1 = time.process_time(), time.perf_counter()
    model.run(months)
    c2, t2 = time.process_time(), time.perf_counter()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"build": t1 - t0, "run": t2 - t1, "build_cpu": c1 - c0, "run_cpu": c2 - c1,
            "peak_mib": peak_kib / 1024}


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
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'households':>10} {'build s':>8} {'cpu':>6} {'run s':>8} {'cpu':>8} "
          f"{'us/hh-month':>11} {'cpu':>6} {'peak MiB':>8}")
    for size in args.sizes:
        results = []
        for r in range(args.repeats):
            out = subprocess.run([sys.executable, __file__, "--child", str(size),
                                  str(args.months), str(r)],
                                 check=True, capture_output=True, text=True).stdout
            results.append(json.loads(out))
        med = {k: statistics.median(x[k] for x in results) for k in results[0]}
        per = 1e6 / (size * args.months)
        print(f"{size:>10,} {med['build']:>8.2f} {med['build_cpu']:>6.2f} {med['run']:>8.2f} "
              f"{med['run_cpu']:>8.2f} {med['run'] * per:>11.3f} {med['run_cpu'] * per:>6.3f} "
              f"{med['peak_mib']:>8.0f}", flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("cpu: process time (the machine is shared; wall time grows with the load)")
    print("goal: <= 0.5 us per household-month at 100k")


if __name__ == "__main__":
    main()
