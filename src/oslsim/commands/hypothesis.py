"""``oslsim hypothesis``: run the WKSBM dose experiment and write the report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from oslsim.commands.common import (
    add_runner_options,
    check_file_destination,
    check_folder_destination,
)
from oslsim.errors import InputError

EPILOG = """examples:
  oslsim hypothesis --quick                 # the same design, fewer replicates (minutes)
  oslsim hypothesis                         # the full experiment (about 1-2 hours on 2 cores)
  oslsim hypothesis --out report/ --workers 4
  oslsim hypothesis --scheduler tcp://10.0.0.5:8786   # on a Dask cluster
  oslsim hypothesis --resume                # finish an interrupted run from its store
  oslsim hypothesis --report-only           # the report from what the store has, running nothing
  oslsim hypothesis --quick --posterior calibration/   # replicates at posterior draws
"""


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``hypothesis`` subcommand."""
    p = sub.add_parser(
        "hypothesis", help="test the study's hypothesis: more WKSBM, less burden?",
        description="Run the hypothesis experiment (experiments/wksbm_*.toml: WKSBM coverage "
                    "from none to every RW after a warm start, four study sites, mechanism "
                    "checks and nulls, overlap, Sobol sensitivity, PRIM) and write a report in "
                    "Bahasa Indonesia and English: Markdown, PNG figures and one "
                    "self-contained HTML page.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--quick", action="store_true",
                   help="the same design with fewer replicates (at most ~5 minutes on 2 cores)")
    p.add_argument("--out", type=Path, default=Path("report"), metavar="DIR",
                   help="folder for the report and its results store (default report/)")
    add_runner_options(p, dask_local=False)
    p.add_argument("--resume", action="store_true",
                   help="run only the runs missing from the store in --out")
    p.add_argument("--report-only", action="store_true",
                   help="run nothing: write the report from the runs already in the store "
                        "of --out (after a stop, or while a store grows to more replicates)")
    p.add_argument("--experiments", type=Path, metavar="DIR",
                   help="folder of the wksbm_*.toml files (default ./experiments)")
    p.add_argument("--update-docs", type=Path, metavar="FILE",
                   help="also rewrite the marked result section of FILE "
                        "(docs/hypothesis.md)")
    p.add_argument("--posterior", type=Path, metavar="DIR",
                   help="the --out folder of 'oslsim calibrate': replicate r of every "
                        "condition runs at draw r of its draws.csv, so the verdict carries "
                        "parameter uncertainty (Sobol and overlap are left out)")
    p.add_argument("--no-progress", action="store_true", help="do not show progress bars")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the experiment, write the report and say where it is."""
    from oslsim.experiments.store import StoreWriteError
    from oslsim.study import STORE_NAME, headline, run_hypothesis

    check_folder_destination("--out", args.out)  # every destination before any sweep
    if (args.out / STORE_NAME).exists():
        check_file_destination("--out", args.out / STORE_NAME)
    if args.update_docs is not None:
        _check_docs(args.update_docs)
    if args.report_only and not (args.out / STORE_NAME).is_file():
        raise InputError(f"--out {args.out}: no {STORE_NAME} there; --report-only writes the "
                         "report from a store the experiment already filled")
    posterior = getattr(args, "posterior", None)
    if posterior is not None:
        from oslsim.study.posterior import load_draws

        load_draws(posterior)  # a bad folder or file is refused before any run
    again = " ".join(["oslsim hypothesis", *(["--quick"] if args.quick else []),
                      *([f"--experiments {args.experiments}"] if args.experiments else []),
                      *([f"--posterior {posterior}"] if posterior is not None else []),
                      f"--out {args.out}", "--resume"])
    try:
        done = run_hypothesis(args.out, quick=args.quick, workers=args.workers,
                              scheduler=args.scheduler, resume=args.resume,
                              experiments=args.experiments, progress=not args.no_progress,
                              update_docs_path=args.update_docs, run=not args.report_only,
                              posterior=posterior)
    except KeyboardInterrupt as stop:
        report = getattr(stop, "report", None)
        term = getattr(report, "stopped_by", None) == "SIGTERM"
        print(f"oslsim hypothesis: {'stopped by SIGTERM' if term else 'interrupted'}; the "
              f"finished runs are kept in {args.out / STORE_NAME}; continue with: {again}",
              file=sys.stderr)
        return 143 if term else 130
    except StoreWriteError as exc:
        print(f"oslsim hypothesis: error: {' '.join(str(exc).split())}; when the cause is "
              f"fixed, continue with: {again}", file=sys.stderr)
        return 1
    print(" ".join(headline(done.analysis, "id")))
    print(" ".join(headline(done.analysis, "en")))
    print(f"report: {done.paths['html']} (Markdown: {done.paths['markdown']}); "
          f"store: {done.store}; {done.seconds / 60:.1f} minutes")
    if "docs" in done.paths:
        print(f"updated {done.paths['docs']}")
    return 0


def _check_docs(path: Path) -> None:
    """Refuse an ``--update-docs`` file that is missing, unwritable or lacks the markers."""
    from oslsim.study import DOCS_BEGIN, DOCS_END

    if not path.is_file():
        raise InputError(f"--update-docs {path}: file not found; give the Markdown file with "
                         f"the result section (docs/hypothesis.md)")
    check_file_destination("--update-docs", path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"--update-docs {path}: cannot be read ({exc})") from None
    if DOCS_BEGIN not in text or DOCS_END not in text:
        raise InputError(f"--update-docs {path}: no section marked {DOCS_BEGIN} … {DOCS_END}; "
                         "add the two markers where the result should go")
