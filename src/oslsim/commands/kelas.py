"""``oslsim kelas``: a shared classroom world; each trainee steers one OSL from a phone."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from oslsim.commands.common import check_file_destination, non_negative_int, seed_int

#: Kept equal to oslsim.dashboard.server.DEFAULT_HOST (not imported, to keep the CLI light).
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8770


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``kelas`` subcommand."""
    p = sub.add_parser(
        "kelas", help="a shared classroom world: each trainee runs one OSL from a phone",
        description="Serve one kelurahan for a class: the trainer's screen at / and a\n"
                    "phone page at /ikut where each trainee, with the 4-digit session code,\n"
                    "becomes the pengurus of one OSL and decides each round (dues, hours,\n"
                    "WKSBM forum, Diklat, service spending). The world is one model run with\n"
                    "one seed; the session log replays it. Offline; Bahasa Indonesia.",
        epilog="examples:\n"
               "  oslsim kelas --site surosutan                 # this computer only\n"
               "  oslsim kelas --host 0.0.0.0 --port 8770       # open to the classroom Wi-Fi\n"
               "  oslsim kelas --replay kelas-4821.json         # reopen a session (read-only)\n"
               "  oslsim kelas --replay kelas-4821.json --csv debrief.csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--host", default=DEFAULT_HOST,
                   help=f"address to listen on (default {DEFAULT_HOST}: this computer only; "
                        "0.0.0.0 opens it to the network)")
    p.add_argument("--port", type=non_negative_int, default=DEFAULT_PORT,
                   help=f"port to listen on (default {DEFAULT_PORT}; 0: any free port)")
    p.add_argument("--site", default="surosutan", metavar="NAME",
                   help="built-in site or scenario (see 'oslsim scenarios list') or a .toml "
                        "file (default surosutan)")
    p.add_argument("--households", type=non_negative_int, default=None, metavar="N",
                   help="households in the kelurahan (default: the site's)")
    p.add_argument("--months", type=non_negative_int, default=12, metavar="N",
                   help="months per round, 1-24 (default 12; the trainer can change it)")
    p.add_argument("--seed", type=seed_int, default=None,
                   help="the world's seed (default: drawn and written in the log)")
    p.add_argument("--cold", action="store_true",
                   help="start from a new community at month 0 instead of a warmed-up one "
                        "(faster to start; the first rounds then show the community settling)")
    p.add_argument("--log", type=Path, default=None, metavar="FILE",
                   help="session log (JSON), saved after every change (default "
                        "kelas-CODE-DATE.json here)")
    p.add_argument("--replay", type=Path, default=None, metavar="FILE",
                   help="reopen a session log: rerun it and serve the trainer screen and "
                        "debrief, read-only")
    p.add_argument("--csv", type=Path, default=None, metavar="FILE",
                   help="with --replay: write the debrief (each OSL's choices and results "
                        "per round) as CSV and exit")
    p.add_argument("--timeseries", type=Path, default=None, metavar="FILE",
                   help="with --replay: write the world's monthly outcomes as CSV and exit")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check the options, build (or replay) the world, bind the port and serve."""
    from oslsim.errors import InputError

    if (args.csv or args.timeseries) and not args.replay:
        raise InputError("--csv and --timeseries need --replay FILE (export a saved session)")
    if args.households is not None and args.households < 1:
        raise InputError("--households 0: use a whole number of 1 or more")
    for option, path in (("--csv", args.csv), ("--timeseries", args.timeseries),
                         ("--log", args.log)):
        if path is not None:
            check_file_destination(option, path)
    from oslsim.kelas.world import KelasWorld, load_log

    if args.replay is not None:
        world = KelasWorld.replay(load_log(args.replay))
        if args.csv or args.timeseries:
            if args.csv:
                world.debrief_frame().to_csv(args.csv, index=False)
            if args.timeseries:
                world.timeseries().to_csv(args.timeseries, index=False)
            return 0
        from oslsim.kelas.serve import serve

        return serve(world, args.host, args.port, replay=True)
    from oslsim.dashboard.server import bind

    sock = bind(args.host, args.port)  # a busy port fails before the world is built
    print("oslsim kelas: menyiapkan kelurahan"
          f"{'' if args.cold else ' (pemanasan hingga stabil, sekitar setengah menit)'}... "
          f"(building the kelurahan{'' if args.cold else ', warming up'})", flush=True)
    world = KelasWorld(site=args.site, seed=args.seed, households=args.households,
                       round_months=args.months, warmup=not args.cold)
    log = args.log or Path(f"kelas-{world.code}-{time.strftime('%Y%m%d-%H%M%S')}.json")
    if args.log is None:
        check_file_destination("--log", log)
    world.log_path = log
    world.save()
    from oslsim.kelas.serve import serve

    return serve(world, args.host, args.port, sock=sock)
