"""``oslsim results``: not built yet (see the project's open issues)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``results`` subcommand (placeholder until its issue lands)."""
    p = sub.add_parser("results", help="(not available yet)")
    p.set_defaults(func=_missing)


def _missing(args: argparse.Namespace) -> int:
    raise NotImplementedError("'oslsim results' is not available in this version yet")
