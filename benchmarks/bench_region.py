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
    t0 = time.perf_counter()
    model = RegionModel(region, rng=seed)
    t1 = time.perf_counter()
    model.run(months)
    t2 = time.perf_counter()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"build": t1 - t0, "run": t2 - t1, "peak_mib": peak_kib / 1024}


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
    print(f"{'households':>10} {'months':>6} {'build s':>9} {'run s':>9} {'us/hh-month':>12} "
          f"{'peak MiB':>9}")
    for size in args.sizes:
        results = []
        for r in range(args.repeats):
            out = subprocess.run([sys.executable, __file__, "--child", str(size),
                                  str(args.months), str(r)],
                                 check=True, capture_output=True, text=True).stdout
            results.append(json.loads(out))
            x = results[-1]
            print(f"  repeat {r + 1}: build {x['build']:.2f} s, run {x['run']:.2f} s, peak "
                  f"{x['peak_mib']:.0f} MiB, load {os.getloadavg()[0]:.2f}", file=sys.stderr,
                  flush=True)
        build = statistics.median(x["build"] for x in results)
        run = statistics.median(x["run"] for x in results)
        peak = statistics.median(x["peak_mib"] for x in results)
        per = run / (size * args.months) * 1e6
        print(f"{size:>10,} {args.months:>6} {build:>9.2f} {run:>9.2f} {per:>12.3f} "
              f"{peak:>9.0f}", flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("goals: <= 0.5 us per household-month at 100k; 1M x 120 months <= 60 s, <= 3 GB; "
          "build 1M <= 15 s")


if __name__ == "__main__":
    main()
