"""Benchmark of the mechanisms: what more WKSBM coverage does, and what it costs.

For the baseline site at WKSBM coverage 0, 0.5 and 1 (5 paired seeds: the same seed builds
the same kelurahan at every coverage), 120 months, averaged over the last 12 months: burden,
coverage of cases, funds raised locally, money pooled by the forum, government spending and
coordination hours; then the same with no government (``government.mode = none``). The
forum's membership is held (``wksbm_join_rate = 0``) so the dose is what was set. The numbers
are whatever the mechanisms give: this script only measures.

    python benchmarks/bench_mechanisms.py                  # 2,000 households, 5 seeds
    python benchmarks/bench_mechanisms.py --seeds 3 --households 1000 --workers 1
"""

from __future__ import annotations

import argparse
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

COVERAGE = (0.0, 0.5, 1.0)
COLUMNS = ("burden", "coverage", "funds_raised", "funds_pooled", "gov_spending",
           "coordination_hours", "wksbm_count")


def one(job: tuple[str, float, int, int, int]) -> dict[str, float]:
    import oslsim

    mode, coverage, seed, households, months = job
    overrides = {"households": households, "organisations.wksbm_coverage": coverage,
                 "organisations.wksbm_join_rate": 0.0, "government.mode": mode}
    result = oslsim.simulate("baseline", months=months, rng=seed, overrides=overrides)
    tail = result.timeseries.iloc[-12:]
    return {c: float(tail[c].mean()) for c in COLUMNS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    jobs = [(mode, cov, seed, args.households, args.months)
            for mode in ("facilitator", "none") for cov in COVERAGE for seed in range(args.seeds)]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        results = dict(zip(jobs, pool.map(one, jobs), strict=True))
    print(f"{len(jobs)} runs of {args.households:,} households x {args.months} months "
          f"in {time.perf_counter() - t0:.0f} s; means over {args.seeds} paired seeds, "
          "last 12 months")
    for mode in ("facilitator", "none"):
        print(f"\ngovernment.mode = {mode}")
        print(f"{'coverage':>8} {'burden':>8} {'change':>14} {'served':>7} {'raised Rp':>12} "
              f"{'pooled Rp':>11} {'gov Rp':>11} {'coord h':>8} {'WKSBM':>6}")
        for cov in COVERAGE:
            rows = [results[(mode, cov, s, args.households, args.months)]
                    for s in range(args.seeds)]
            base = [results[(mode, 0.0, s, args.households, args.months)]
                    for s in range(args.seeds)]
            change = [100 * (r["burden"] / b["burden"] - 1) for r, b in zip(rows, base,
                                                                            strict=True)]
            sd = statistics.stdev(change) if len(change) > 1 else 0.0

            def mean(col: str, rows: list[dict[str, float]] = rows) -> float:
                return statistics.fmean(r[col] for r in rows)

            print(f"{cov:>8.1f} {mean('burden'):>8.4f} {statistics.fmean(change):>+7.1f}% "
                  f"±{sd:>4.1f} {mean('coverage'):>7.3f} {mean('funds_raised'):>12,.0f} "
                  f"{mean('funds_pooled'):>11,.0f} {mean('gov_spending'):>11,.0f} "
                  f"{mean('coordination_hours'):>8.1f} {mean('wksbm_count'):>6.1f}")
    print("\nchange: paired burden change against coverage 0 (mean ± sd over seeds)")


if __name__ == "__main__":
    main()
