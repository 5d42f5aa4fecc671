"""``oslsim serve``: the offline teaching page in Bahasa Indonesia (or English)."""

from __future__ import annotations

import argparse

from oslsim.commands.common import non_negative_int

#: Kept equal to oslsim.dashboard.server's defaults (not imported, to keep the CLI light).
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``serve`` subcommand."""
    p = sub.add_parser(
        "serve", help="open the teaching page (Bahasa Indonesia) in a browser",
        description="Serve the interactive teaching page on this computer: pick a site or\n"
                    "scenario, pull the levers (WKSBM, pengurus training, government role,\n"
                    "dues, an economic shock) and watch the kelurahan month by month. Works\n"
                    "without internet; Bahasa Indonesia by default.",
        epilog="examples:\n  oslsim serve                     # http://127.0.0.1:8765, "
               "Bahasa Indonesia\n  oslsim serve --lang en\n  oslsim serve --scenario "
               "no_government --port 8800\n  oslsim serve --host 0.0.0.0        # share "
               "with the classroom network\n  oslsim serve --scenario kabupaten_contoh "
               "--kelurahan 'Desa Mekarwangi'   # one desa of a region",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--lang", default="id", metavar="id|en",
                   help="language of the page at start: id (Bahasa Indonesia, default) or en; "
                        "a switch on the page changes it")
    p.add_argument("--host", default=DEFAULT_HOST,
                   help=f"address to listen on (default {DEFAULT_HOST}: this computer only; "
                        "0.0.0.0 opens it to the network)")
    p.add_argument("--port", type=non_negative_int, default=DEFAULT_PORT,
                   help=f"port to listen on (default {DEFAULT_PORT}; 0: any free port)")
    p.add_argument("--scenario", default=None, metavar="NAME",
                   help="built-in scenario or site to show first (see 'oslsim scenarios "
                        "list'), or a scenario .toml file; a region (kabupaten_contoh, "
                        "kota_contoh or a region file) runs whole and the page shows one "
                        "kelurahan of it")
    p.add_argument("--kelurahan", default=None, metavar="NAME|N",
                   help="with a region --scenario: the kelurahan the page shows first, by "
                        "name or number from 1 (default the first; the page can switch)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check the options, bind the port and serve until Ctrl+C."""
    from oslsim.dashboard.server import serve

    return serve(host=args.host, port=args.port, lang=args.lang, scenario=args.scenario,
                 kelurahan=args.kelurahan)
