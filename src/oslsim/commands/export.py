"""``oslsim export``: not built yet (see the project's open issues)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``export`` subcommand (placeholder until its issue lands)."""
    p = sub.add_parser("export", help="(not available yet)")
    p.set_defaults(func=_missing)


def _missing(args: argparse.Namespace) -> int:
    raise NotImplementedError("'oslsim export' is not available in this version yet")
