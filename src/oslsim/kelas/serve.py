"""Run the classroom server: bind first (one-line errors), say where to join, serve with uvicorn."""

from __future__ import annotations

import socket
from collections.abc import Callable

from oslsim.dashboard.server import GRACEFUL_SHUTDOWN_S, _is_local, bind, url_of
from oslsim.kelas.world import KelasWorld

__all__ = ["lan_addresses", "serve"]


def lan_addresses() -> list[str]:
    """This computer's IPv4 addresses other than loopback, from its own name (no traffic)."""
    try:
        _, _, addresses = socket.gethostbyname_ex(socket.gethostname())
    except OSError:
        return []
    return sorted({a for a in addresses if not a.startswith("127.")})


def serve(world: KelasWorld, host: str, port: int, replay: bool = False,
          sock: socket.socket | None = None, say: Callable[[str], None] | None = None) -> int:
    """Serve ``world`` on ``host:port`` until Ctrl+C; return 0."""
    import uvicorn

    from oslsim.kelas.server import create_app

    say = say or (lambda text: print(text, flush=True))
    sock = sock or bind(host, port)
    url = url_of(sock, host)
    real_port = sock.getsockname()[1]
    if _is_local(host):
        say(f"oslsim kelas: hanya untuk komputer ini di {url} (this computer only; use "
            "--host 0.0.0.0 for the classroom network).")
        join = f"{url}/ikut"
    else:
        lan = lan_addresses()
        say(f"oslsim kelas: TERBUKA untuk jaringan pada {host}:{real_port} (OPEN to the "
            f"network on {host}:{real_port}).")
        join = " atau ".join(f"http://{a}:{real_port}/ikut" for a in lan) or f"{url}/ikut"
    if replay:
        say(f"Putar ulang (replay, read-only): {world.round} ronde, bulan {world.model.month}. "
            f"Layar: {url}/  Debrief: {url}/debrief")
    else:
        say(f"Peserta: buka {join}  Kode sesi: {world.code}")
        say(f"Layar pelatih (trainer screen): {url}/?kunci={world.trainer_key}")
        say(f"Log sesi (session log): {world.log_path}")
    say("Tekan Ctrl+C untuk berhenti (press Ctrl+C to stop).")
    app = create_app(world, join_url=join, replay=replay)
    config = uvicorn.Config(app, host=host, port=real_port, log_level="warning",
                            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S, ws="none",
                            lifespan="off")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
    return 0
