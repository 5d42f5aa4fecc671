"""``oslsim run``: simulate one kelurahan (a scenario) and print a start-vs-end summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from oslsim.commands.common import (
    add_set_option,
    check_file_destination,
    param_int,
    parse_sets,
    positive_int,
    seed_int,
    write_table,
)
from oslsim.errors import InputError
from oslsim.seeds import fresh_seed
from oslsim.simulation import DEFAULT_SCENARIO, simulate
from oslsim.warmup import WINDOW_YEARS

SUMMARY = ("burden", "pmks_prevalence", "poverty_rate", "coverage", "solidarity",
           "bonding_capital", "bridging_capital", "linking_capital", "osl_count", "wksbm_count",
           "gov_spending")
#: File types ``--plot`` can write.
PLOT_SUFFIXES = (".png", ".svg", ".pdf")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``run`` subcommand."""
    p = sub.add_parser(
        "run", help="simulate one kelurahan month by month",
        description="Simulate one kelurahan (a built-in scenario or your own TOML file) and "
                    "print the main outcomes at the start and end.",
        epilog="examples:\n"
               "  oslsim run --households 5000 --months 120 --seed 42 --out run.csv\n"
               "  oslsim run --scenario diklat_pdps --seed 3 --out run.parquet --plot run.png\n"
               "  oslsim run --scenario ./desa_saya.toml "
               "--set organisations.capacity_mean=0.4 --months 60\n"
               "scenarios: oslsim scenarios list",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--scenario", metavar="NAME|FILE", default=None,
                   help=f"a built-in scenario or a .toml file (default {DEFAULT_SCENARIO}; "
                        "see 'oslsim scenarios list')")
    p.add_argument("--households", type=param_int("households"), default=None,
                   help="households in the kelurahan (default: the scenario's, else 2000)")
    p.add_argument("--months", type=positive_int, default=None,
                   help="months to simulate (default: the scenario's, usually 120)")
    p.add_argument("--seed", type=seed_int, default=None,
                   help="seed of the run's random generator (default: fresh entropy, printed)")
    p.add_argument("--warmup", action="store_true",
                   help="warm start: run first without WKSBM until the burden is stationary "
                        "(at most 360 months), then apply the scenario's WKSBM coverage and "
                        "run --months measured months")
    add_set_option(p)
    p.add_argument("--out", type=Path, help="write the monthly table (.csv or .parquet)")
    p.add_argument("--plot", type=Path, metavar="FILE.png",
                   help="draw the key panels into one figure (.png, .svg or .pdf)")
    p.add_argument("--lang", choices=("id", "en"), default="id",
                   help="language of the figure's labels (default id)")
    p.set_defaults(func=run)


def summary_table(df: pd.DataFrame) -> pd.DataFrame:
    """The start-vs-end table printed by ``oslsim run``."""
    first, last = df.iloc[0], df.iloc[-1]
    return pd.DataFrame({"start": first[list(SUMMARY)], f"month {int(last['month'])}":
                         last[list(SUMMARY)]})


def run(args: argparse.Namespace) -> int:
    """Resolve the scenario and overrides, run, print the summary, write table and figure."""
    taken = {"households": "--households"} if args.households is not None else None
    overrides: dict[str, object] = dict(parse_sets(args.sets, taken))
    if args.households is not None:
        overrides["households"] = args.households
    for option, path, allowed in (("--out", args.out, (".csv", ".parquet")),
                                  ("--plot", args.plot, PLOT_SUFFIXES)):
        if path is not None and path.suffix.lower() not in allowed:
            raise InputError(f"{option} {path}: use a name ending in {' or '.join(allowed)}")
        if path is not None:
            check_file_destination(option, path)  # before the run, so no result is lost
    seed = args.seed if args.seed is not None else fresh_seed()  # printed, to repeat the run
    result = simulate(
        args.scenario, months=args.months, rng=seed, overrides=overrides,
        warmup=args.warmup,
        progress=lambda it: tqdm(it, desc="months", file=sys.stderr, leave=False,
                                 disable=None))
    df = result.timeseries
    man = result.manifest
    site = f", site {man['site']}" if man["site"] else ""
    print(f"oslsim run: scenario {man['scenario']}{site}, {man['params']['households']} "
          f"households, {man['months']} months, seed {seed}")
    if man.get("warmup"):
        w = man["warmup"]
        state = "stationary" if w["stationary"] else "NOT stationary (reached max_months)"
        print(f"warm start: {w['months']} months without WKSBM, burden {state} "
              f"({100 * w['slope']:+.1f}% a year over its last "
              f"{max(3, min(WINDOW_YEARS, w['max_months'] // 12))} years)")
    for spec in man["not_reached"]:
        when = spec.get("month", spec.get("from"))
        print(f"note: {spec['action']} at month {when} is after the last month "
              f"({man['months']}) and was not reached", file=sys.stderr)
    with pd.option_context("display.float_format", "{:,.4g}".format):
        print(summary_table(df).to_string())
        if result.kelurahan is not None:  # a region: the last month, kelurahan by kelurahan
            last = result.kelurahan[result.kelurahan["month"] == result.kelurahan["month"].max()]
            print(last[["kelurahan", "name", "households", "burden", "coverage",
                        "wksbm_count", "budget"]].to_string(index=False))
    if args.out:
        # A region writes its long table (month x kelurahan); the region's rows are the
        # household-weighted means of it.
        write_table(df if result.kelurahan is None else result.kelurahan, args.out)
        print(f"wrote {args.out}")
    if args.plot:
        from oslsim.plots import run_figure, save_figure

        save_figure(run_figure(result, lang=args.lang), args.plot)
        print(f"wrote {args.plot}")
    return 0
