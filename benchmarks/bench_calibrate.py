"""Benchmark: ``oslsim calibrate --quick`` end to end, and one pattern run per site.

Prints the wall time of the quick calibration (the issue's budget: at most 10 minutes on 2
cores), how far its ABC got (generations, simulations, final tolerance) and the load average
before and after; then the time of one pattern run (warm start, 36 months, the shock) per
site at the quick and the full size. Other processes on the machine slow every number here:
the quick run stops starting generations at its 7-minute ABC budget, so under load it ends
on time with fewer generations. Note the load.

    python benchmarks/bench_calibrate.py
    python benchmarks/bench_calibrate.py --skip-quick
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from oslsim.calibration import FULL, QUICK
from oslsim.patterns import ROLES, run_patterns


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def quick(workers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cal"
        before = load()
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "oslsim.cli", "calibrate", "--quick", "--out",
                        str(out), "--workers", str(workers), "--no-progress"], check=True)
        wall = time.perf_counter() - t
        m = json.loads((out / "manifest.json").read_text())
        print(f"calibrate --quick, {workers} workers: {wall / 60:.1f} min wall "
              f"(ABC {m['abc_seconds'] / 60:.1f} min: {m['generations']} generations, "
              f"{m['simulations']} simulations, final tolerance {m['final_epsilon']:.3g}, "
              f"stopped by {m['stopped_by']}); load before {before}, after {load()}")


def per_site() -> None:
    for size in (QUICK, FULL):
        for role, site in ROLES.items():
            t = time.perf_counter()
            run_patterns(site, rng=1, overrides={"households": size["households"]},
                         warmup={"max_months": size["warmup_months"]})
            print(f"pattern run {site} ({role}), {size['households']} households, warm start "
                  f"<= {size['warmup_months']}: {time.perf_counter() - t:.2f} s (load {load()})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip-quick", action="store_true")
    args = ap.parse_args()
    per_site()
    if not args.skip_quick:
        quick(args.workers)


if __name__ == "__main__":
    main()
