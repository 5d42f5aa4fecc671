"""``oslsim calibrate``: pattern-oriented calibration (ABC-SMC) and the pattern tables."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from oslsim.commands.common import add_runner_options, check_folder_destination

EPILOG = """examples:
  oslsim calibrate --quick                  # a small ABC-SMC (at most ~10 minutes on 2 cores)
  oslsim calibrate --out calibration/ --workers 4
  oslsim calibrate --scheduler tcp://10.0.0.5:8786   # on a Dask cluster
  oslsim calibrate --resume                 # continue an interrupted calibration in --out
  oslsim calibrate --config my_patterns.toml   # other parameters, tolerances, weights, sites
  oslsim hypothesis --quick --posterior calibration/   # then: the dose effect over the posterior
"""


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``calibrate`` subcommand."""
    p = sub.add_parser(
        "calibrate", help="calibrate assumption parameters against empirical patterns (ABC)",
        description="Approximate Bayesian computation (pyabc ABC-SMC) of the influential "
                    "assumption parameters against the pattern table (oslsim.patterns: BPS "
                    "poverty, Susenas poverty dynamics, Grootaert's membership premium, IFLS "
                    "crisis smoothing, Bone's group density and age). Writes the posterior, "
                    "its manifest and the pattern table before and after into --out.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--quick", action="store_true",
                   help="a small calibration: 600 households a site, population 24, up to 5 "
                        "generations, none started that would end after 7 minutes of ABC; 6 "
                        "draws for the tables (at most ~10 minutes on 2 cores)")
    p.add_argument("--out", type=Path, default=Path("calibration"), metavar="DIR",
                   help="folder for the history, posterior, tables and manifest "
                        "(default calibration/)")
    add_runner_options(p, dask_local=False)
    p.add_argument("--resume", action="store_true",
                   help="continue the calibration stored in --out")
    p.add_argument("--config", type=Path, metavar="FILE",
                   help="a calibration TOML file (see docs/validation.md)")
    p.add_argument("--no-progress", action="store_true", help="do not show progress bars")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check the input, calibrate, and say where the results are."""
    from oslsim.calibration import calibrate, load_config

    check_folder_destination("--out", args.out)
    config = load_config(args.config, quick=args.quick)  # a bad file: one line, before work
    again = " ".join(["oslsim calibrate", *(["--quick"] if args.quick else []),
                      *([f"--config {args.config}"] if args.config else []),
                      f"--out {args.out}", "--resume"])
    try:
        done = calibrate(args.out, quick=args.quick, config=config, workers=args.workers,
                         scheduler=args.scheduler, resume=args.resume,
                         progress=not args.no_progress)
    except KeyboardInterrupt:
        print(f"oslsim calibrate: interrupted; what finished is kept in {args.out}; continue "
              f"with: {again}", file=sys.stderr)
        return 130
    after = done.after
    judged = after[after["result"] != "-"]
    print(f"patterns at the posterior: {int((judged['result'] == 'pass').sum())} of "
          f"{len(judged)} pass (before: "
          f"{int((done.before['result'] == 'pass').sum())}); final tolerance "
          f"{done.manifest['final_epsilon']:.3g} after {done.manifest['generations']} "
          f"generations, {done.manifest['simulations']} simulations")
    print(f"posterior: {done.paths['posterior']}; tables: {done.paths['patterns']}; "
          f"manifest: {done.paths['manifest']}; {done.seconds / 60:.1f} minutes")
    return 0
