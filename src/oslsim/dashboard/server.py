"""Run the teaching page: bind the port first, configure offline assets, start Solara.

The port is bound here, before any web machinery starts, so a busy port is a one-line
:class:`~oslsim.errors.InputError` (exit status 2 on the command line); the bound socket is
then handed to uvicorn, which serves Solara's Starlette app behind
:class:`~oslsim.dashboard.assets.BundledOnly` (front-end files only from the bundle).
"""

from __future__ import annotations

import ipaddress
import os
import socket
import warnings
from collections.abc import Callable

from oslsim.dashboard.labels import DEFAULT_LANG, LANGS
from oslsim.errors import InputError

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "APP", "bind", "check_options", "serve", "url_of"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
#: The Solara app the server runs.
APP = "oslsim.dashboard.app:Page"
#: Seconds the server waits for open pages when asked to stop (Ctrl+C).
GRACEFUL_SHUTDOWN_S = 2


def check_options(lang: str, port: int, scenario: str | None,
                  kelurahan: str | None = None) -> int | None:
    """Reject a language, port, scenario or kelurahan that is not allowed, in one line.

    Returns the kelurahan's 0-based index when the scenario is a region (the first when
    ``kelurahan`` is None), else None.
    """
    if lang not in LANGS:
        raise InputError(f"--lang {lang!r} is not available; use one of {', '.join(LANGS)}")
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise InputError(f"--port {port!r} is not allowed; use a whole number from 1 to 65535 "
                         "(0: any free port)")
    sc = None
    if scenario is not None:
        from oslsim.dashboard.run import load_scenario_or_none

        try:
            sc = load_scenario_or_none(scenario)
        except ValueError as exc:
            raise InputError(f"--scenario: {' '.join(str(exc).split())}") from None
    from oslsim.dashboard.run import is_region

    if not is_region(sc):
        if kelurahan is not None:
            from oslsim.region import region_names

            raise InputError(f"--kelurahan {kelurahan!r}: needs a region as --scenario "
                             f"({', '.join(region_names())} or a region file)")
        return None
    from oslsim.dashboard.region import resolve_kelurahan

    return resolve_kelurahan(sc, kelurahan)


def bind(host: str, port: int) -> socket.socket:
    """Bind and listen on ``host:port``; raise a one-line InputError if that is not possible."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise InputError(f"--host {host!r} is not an address of this computer; use "
                         f"{DEFAULT_HOST} (this computer only) or 0.0.0.0 (the network)") from None
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
            raise InputError(f"--port {port}: {host}:{port} is already in use (another "
                             f"server runs there); stop it or choose another port, e.g. "
                             f"--port {port + 1 if port < 65535 else 8766}") from None
        raise InputError(f"--host {host} --port {port}: cannot listen there "
                         f"({exc.strerror}); use another port or --host {DEFAULT_HOST}") from None
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket, host: str) -> str:
    """The address to open in a browser for a socket bound to ``host``."""
    port = sock.getsockname()[1]
    shown = host
    try:
        ip = ipaddress.ip_address(host)
        if ip.is_unspecified:
            shown = DEFAULT_HOST if ip.version == 4 else "::1"
        if ip.version == 6:
            shown = f"[{shown}]"
    except ValueError:
        pass
    return f"http://{shown}:{port}"


def _is_local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _say(text: str) -> None:
    print(text, flush=True)


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, lang: str = DEFAULT_LANG,
          scenario: str | None = None, say: Callable[[str], None] | None = None,
          kelurahan: str | None = None) -> int:
    """Serve the page until interrupted; return 0. Bad options raise InputError first.

    ``kelurahan`` (a name or a number from 1) picks the kelurahan of a region scenario the
    page shows first.
    """
    say = say or _say
    kel = check_options(lang, port, scenario, kelurahan)
    sock = bind(host, port)
    from oslsim.dashboard.assets import BundledOnly, configure_offline, missing_assets

    root = configure_offline()
    os.environ["SOLARA_APP"] = APP
    os.environ["OSLSIM_DASHBOARD_LANG"] = lang
    if scenario is not None:
        os.environ["OSLSIM_DASHBOARD_SCENARIO"] = scenario
    else:
        os.environ.pop("OSLSIM_DASHBOARD_SCENARIO", None)
    if kel is not None:
        os.environ["OSLSIM_DASHBOARD_KELURAHAN"] = str(kel)
    else:
        os.environ.pop("OSLSIM_DASHBOARD_KELURAHAN", None)
    url = url_of(sock, host)
    os.environ["SERVER_NAME"] = host
    os.environ["SERVER_PORT"] = str(sock.getsockname()[1])

    import solara.server.starlette as solara_starlette
    import uvicorn

    # Solara warns once that plain-http cookies fall back to SameSite=Lax: expected here.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none", category=UserWarning)

    if _is_local(host):
        say(f"oslsim serve: halaman pelatihan di {url} — hanya untuk komputer ini "
            f"(teaching page at {url}, this computer only; use --host 0.0.0.0 to share it).")
    else:
        say(f"oslsim serve: halaman pelatihan di {url} — TERBUKA untuk jaringan pada "
            f"{host}:{sock.getsockname()[1]} (teaching page at {url}, OPEN to the network "
            f"on {host}).")
    missing = missing_assets(root)
    if missing:
        say("oslsim serve: peringatan / warning: local front-end files are missing "
            f"({', '.join(missing)}) and are never fetched from the internet, so the page "
            "cannot load. Install solara-assets.")
    say("Tekan Ctrl+C untuk berhenti (press Ctrl+C to stop).")
    app = BundledOnly(solara_starlette.app, root)  # uncached CDN paths: 404, no fetch
    config = uvicorn.Config(app, host=host, port=sock.getsockname()[1],
                            log_level="warning", timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
                            ws="auto")
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return 0
