"""The ``oslsim`` command: a thin layer that parses arguments and calls the library.

Each subcommand lives in ``oslsim.commands.<name>`` and exposes ``register(subparsers)``.
Exit status: 0 success, 2 bad input (one line, no traceback), 1 anything else.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from oslsim import __version__
from oslsim.errors import InputError

#: Subcommands, in the order ``oslsim --help`` lists them.
COMMANDS = ("run", "scenarios", "sweep", "results", "export", "hypothesis", "calibrate",
            "serve", "kelas")

EPILOG = """examples:
  oslsim run --households 5000 --months 120 --seed 42 --out run.csv
  oslsim run --set organisations.capacity_mean=0.6 --set government.mode=none
  oslsim scenarios list
  oslsim hypothesis --quick --out report/
  oslsim calibrate --quick --out calibration/
  oslsim serve --lang id
"""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit with status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Print one line naming the problem, then exit 2."""
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """Build the full parser with every subcommand registered."""
    parser = Parser(
        prog="oslsim",
        description="Agent-based simulation of Indonesia's local social organisations (OSL) "
                    "working as WKSBM, and of the burden of PMKS in a kelurahan.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"oslsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMANDS:
        module = importlib.import_module(f"oslsim.commands.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except (InputError, ValueError) as exc:
        print(f"oslsim {args.command}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        term = getattr(exc, "signal_name", None) == "SIGTERM"
        print(f"oslsim {args.command}: {'stopped by SIGTERM' if term else 'interrupted'}",
              file=sys.stderr)
        return 143 if term else 130
    except Exception as exc:  # noqa: BLE001 - last resort: one line, exit 1
        print(f"oslsim {args.command}: {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)
        return 1


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
