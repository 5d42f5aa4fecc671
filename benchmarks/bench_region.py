"""Benchmark: build and run a region of 100k and 1M households (the kabupaten, scaled).

The built-in ``kabupaten_contoh`` (20 desa and kelurahan, 60,000 households) is scaled so
each kelurahan keeps its share of the households. Each repeat runs in a fresh process;
the table gives medians of the repeats: build time, run time, microseconds per
household-month and peak memory (resident set size, ``resource.ru_maxrss``). The machine's
load (``os.getloadavg``) is printed, since the 2 cores are shared.
Goals (issue 16): <= 0.5 us per household-month at 100k; 1M x 120 months in <= 60 s and
<= 3 GB; build 1M in <= 15 s.

    python benchmarks/bench_region.py                          # 100k and 1M, 3 repeats
    python benchmarks/bench_region.py --sizes 100000 --months 24 --repeats 1
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import replace


def scaled(households: int):
    """The kabupaten with its kelurahan scaled to ``households`` in all (shares kept)."""
    from oslsim.region import load_region

    kab = load_region("kabupaten_contoh")
    total = kab.households
    sizes = [max(1, round(k.households * households / total)) for k in kab.kelurahan]
    sizes[-1] += households - sum(sizes)
    kel = tuple(replace(k, households=s) for k, s in zip(kab.kelurahan, sizes, strict=True))
    return replace(kab, kelurahan=kel, budget=replace(kab.budget, total=None))


def _one(households: int, months: int, seed: int) -> dict[str, float]:
    import resource

    from oslsim.region import RegionModel

    region = scaled(households)
    c0, t0 = time.process_time(), time.perf_counter()
    model = RegionModel(region, rng=seed)
    c1, t1 = time.process_time(), time.perf_counter()
    model.run(months)
    c2, t2 = time.process_time(), time.perf_counter()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"build": t1 - t0, "run": t2 - t1, "build_cpu": c1 - c0, "run_cpu": c2 - c1,
            "peak_mib": peak_kib / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", nargs=3, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_one(*args.child)))
        return
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'households':>10} {'months':>6} {'build s':>8} {'cpu':>7} {'run s':>8} {'cpu':>8} "
          f"{'us/hh-month':>11} {'cpu':>6} {'peak MiB':>8}")
    for size in args.sizes:
        results = []
        for r in range(args.repeats):
            out = subprocess.run([sys.executable, __file__, "--child", str(size),
                                  str(args.months), str(r)],
                                 check=True, capture_output=True, text=True).stdout
            results.append(json.loads(out))
            x = results[-1]
            print(f"  repeat {r + 1}: build {x['build']:.2f} s (cpu {x['build_cpu']:.2f}), run "
                  f"{x['run']:.2f} s (cpu {x['run_cpu']:.2f}), peak {x['peak_mib']:.0f} MiB, "
                  f"load {os.getloadavg()[0]:.2f}", file=sys.stderr, flush=True)
        med = {k: statistics.median(x[k] for x in results) for k in results[0]}
        per = 1e6 / (size * args.months)
        print(f"{size:>10,} {args.months:>6} {med['build']:>8.2f} {med['build_cpu']:>7.2f} "
              f"{med['run']:>8.2f} {med['run_cpu']:>8.2f} {med['run'] * per:>11.3f} "
              f"{med['run_cpu'] * per:>6.3f} {med['peak_mib']:>8.0f}", flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("cpu: process time (the machine is shared; wall time grows with the load)")
    print("goals: <= 0.5 us per household-month at 100k; 1M x 120 months <= 60 s, <= 3 GB; "
          "build 1M <= 15 s")


if __name__ == "__main__":
    main()
