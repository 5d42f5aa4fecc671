"""The classroom server: a small Starlette app over :class:`~oslsim.kelas.world.KelasWorld`.

Phones poll plain HTTP (JSON every few seconds) instead of holding a websocket: a phone that
sleeps, a browser that drops its connection on a weak classroom Wi-Fi, or a reload simply
asks again, with its token from ``localStorage``, and is the same OSL. The two pages are
hand-written HTML with inline CSS and JS (no CDN, nothing fetched from outside); plots are
PNG drawn here with matplotlib, like the teaching page's network.

Who may do what: joining needs the 4-digit session code (a client that gives ten wrong
codes waits a minute); a trainee's token (random, 144 bits) changes only that trainee's OSL;
the trainer's controls need the trainer key printed on the console (``/?kunci=...``).
"""

from __future__ import annotations

import io
import threading
import time
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from oslsim.kelas.world import EVENT_NAMES, KelasWorld

__all__ = ["WRONG_CODE_LIMIT", "create_app", "page"]

#: Wrong session codes a client may give before it waits :data:`WRONG_CODE_WAIT_S`.
WRONG_CODE_LIMIT = 10
WRONG_CODE_WAIT_S = 60.0
#: Cache-Control for the pages: small and re-fetched when the trainer restarts a session.
PAGE_HEADERS = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}


def page(name: str) -> str:
    """The text of one of the two pages (``ikut`` or ``pelatih``)."""
    return resources.files("oslsim.kelas").joinpath(f"pages/{name}.html").read_text("utf-8")


def _error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _json(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        return None


def create_app(world: KelasWorld, join_url: str | None = None, replay: bool = False
               ) -> Starlette:
    """The ASGI app serving ``world``: ``/`` (trainer), ``/ikut`` (trainee) and the API."""
    wrong: dict[str, list[float]] = {}
    wrong_lock = threading.Lock()
    plots: dict[tuple[str, int], bytes] = {}
    trainee_page, trainer_page = page("ikut"), page("pelatih")

    def is_trainer(request: Request) -> bool:
        import secrets

        given = request.headers.get("x-kunci", "")
        return bool(given) and secrets.compare_digest(given, world.trainer_key)

    def client(request: Request) -> str:
        return request.client.host if request.client else "?"

    def locked_out(request: Request) -> bool:
        now = time.monotonic()
        with wrong_lock:
            times = [t for t in wrong.get(client(request), []) if now - t < WRONG_CODE_WAIT_S]
            wrong[client(request)] = times
            return len(times) >= WRONG_CODE_LIMIT

    def count_wrong(request: Request) -> None:
        with wrong_lock:
            wrong.setdefault(client(request), []).append(time.monotonic())

    def code_ok(request: Request, code: Any) -> Response | None:
        import secrets

        if locked_out(request):
            return _error("terlalu banyak kode salah; tunggu satu menit (too many wrong codes)",
                          429)
        if not isinstance(code, str) or not secrets.compare_digest(code.strip(), world.code):
            count_wrong(request)
            return _error("kode sesi salah (wrong session code)", 403)
        return None

    async def trainer_screen(request: Request) -> Response:
        return HTMLResponse(trainer_page, headers=PAGE_HEADERS)

    async def trainee_screen(request: Request) -> Response:
        return HTMLResponse(trainee_page, headers=PAGE_HEADERS)

    async def free(request: Request) -> Response:
        bad = code_ok(request, request.query_params.get("kode"))
        return bad or JSONResponse({"free": world.snapshot["free"]})

    def join(request: Request, body: Any) -> Response:
        if not isinstance(body, dict):
            return _error("kirim JSON {kode, nama}", 400)
        bad = code_ok(request, body.get("kode"))
        if bad:
            return bad
        if replay:
            return _error("ini putar ulang; tidak bisa bergabung (a replay takes no trainees)",
                          409)
        try:
            t = world.join(body["kode"], body.get("nama"), body.get("osl"))
        except ValueError as exc:
            return _error(str(exc), 400)
        return JSONResponse({"token": t.token, "row": t.row, "osl": world.osl_name(t.row)})

    async def join_endpoint(request: Request) -> Response:
        body = await _json(request)
        from starlette.concurrency import run_in_threadpool

        return await run_in_threadpool(join, request, body)

    async def me(request: Request) -> Response:
        try:
            t = world.trainee(request.headers.get("x-token"))
        except PermissionError as exc:
            return _error(str(exc), 403)
        snap = world.snapshot
        return JSONResponse({
            "name": t.name, "round": snap["round"], "month": snap["month"],
            "round_months": snap["round_months"], "burden": snap["burden"],
            "last_events": snap["last_events"],
            "last_events_names": [EVENT_NAMES[e] for e in snap["last_events"]],
            "osl": snap["osl"][t.row], "result": snap["results"].get(t.row),
            "in_force": snap["in_force"].get(t.row, {}), "pending": world.pending_for(t.row),
        })

    async def decide(request: Request) -> Response:
        try:
            t = world.trainee(request.headers.get("x-token"))
        except PermissionError as exc:
            return _error(str(exc), 403)
        if replay:
            return _error("ini putar ulang (a replay takes no decisions)", 409)
        try:
            pending = world.decide(t.token, await _json(request))
        except ValueError as exc:
            return _error(str(exc), 400)
        return JSONResponse({"pending": pending, "row": t.row})

    async def board(request: Request) -> Response:
        snap = world.snapshot
        trainer = is_trainer(request)
        with world.plock:
            submitted = sorted(world.pending)
            events = list(world.pending_events)
        return JSONResponse({
            **{k: snap[k] for k in ("round", "month", "started", "round_months", "seconds",
                                    "trainees", "results", "burden", "coverage")},
            "osl": snap["osl"], "site": world.site, "trainer": trainer, "replay": replay,
            "code": world.code if trainer and not replay else None,
            "join": join_url if trainer else None, "submitted": submitted,
            "pending_events": events, "pending_events_names": [EVENT_NAMES[e] for e in events],
        })

    def need_trainer(request: Request) -> Response | None:
        if replay:
            return _error("ini putar ulang; dunia tidak berjalan lagi (a replay is read-only)", 409)
        if not is_trainer(request):
            return _error("hanya pelatih (trainer key needed: open the address with ?kunci=)",
                          403)
        return None

    async def advance(request: Request) -> Response:
        bad = need_trainer(request)
        if bad:
            return bad
        from starlette.concurrency import run_in_threadpool

        seconds = await run_in_threadpool(world.advance)
        return JSONResponse({"round": world.round, "month": world.model.month,
                             "seconds": seconds})

    async def announce(request: Request) -> Response:
        bad = need_trainer(request)
        if bad:
            return bad
        body = await _json(request)
        try:
            world.announce(body.get("event") if isinstance(body, dict) else None)
        except ValueError as exc:
            return _error(str(exc), 400)
        return JSONResponse({"pending_events": world.pending_events})

    async def months(request: Request) -> Response:
        bad = need_trainer(request)
        if bad:
            return bad
        body = await _json(request)
        try:
            world.set_round_months(body.get("months") if isinstance(body, dict) else None)
        except ValueError as exc:
            return _error(str(exc), 400)
        return JSONResponse({"round_months": world.round_months})

    def plot(which: str) -> bytes:
        month = world.model.month
        key = (which, month)
        if key not in plots:
            with world.lock:
                plots.clear() if len(plots) > 8 else None
                plots[key] = _network_png(world) if which == "jaringan" else _series_png(world)
        return plots[key]

    async def plot_endpoint(request: Request) -> Response:
        which = request.path_params["which"]
        if which not in ("jaringan", "seri"):
            return _error("plot: jaringan atau seri", 404)
        from starlette.concurrency import run_in_threadpool

        return Response(await run_in_threadpool(plot, which), media_type="image/png",
                        headers={"Cache-Control": "no-cache"})

    async def debrief(request: Request) -> Response:
        return HTMLResponse(_debrief_html(world), headers=PAGE_HEADERS)

    async def export_csv(request: Request) -> Response:
        with world.lock:
            text = world.debrief_frame().to_csv(index=False)
        return Response(text, media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="kelas-{world.code}-debrief.csv"'})

    async def timeseries_csv(request: Request) -> Response:
        with world.lock:
            text = world.timeseries().to_csv(index=False)
        return Response(text, media_type="text/csv; charset=utf-8")

    routes = [
        Route("/", trainer_screen), Route("/ikut", trainee_screen),
        Route("/api/bebas", free), Route("/api/gabung", join_endpoint, methods=["POST"]),
        Route("/api/saya", me), Route("/api/putuskan", decide, methods=["POST"]),
        Route("/api/papan", board), Route("/api/ronde", advance, methods=["POST"]),
        Route("/api/umumkan", announce, methods=["POST"]),
        Route("/api/bulan", months, methods=["POST"]),
        Route("/plot/{which}.png", plot_endpoint), Route("/debrief", debrief),
        Route("/export.csv", export_csv), Route("/timeseries.csv", timeseries_csv),
    ]
    return Starlette(routes=routes)


def _network_png(world: KelasWorld) -> bytes:
    """The kelurahan network, drawn as on the teaching page (organisations coloured)."""
    from oslsim.dashboard.figures import network_png

    return network_png(world.run, "id", color_by="org")


def _series_png(world: KelasWorld) -> bytes:
    """Burden and coverage by month, with the rounds marked."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    ts = world.timeseries()
    fig = Figure(figsize=(7, 3.2), dpi=90)
    ax = fig.add_subplot(1, 1, 1)
    ax.plot(ts["month"], ts["burden"], color="#c62828", label="beban warga")
    ax.set_xlabel("bulan")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("beban warga", color="#c62828")
    ax2 = ax.twinx()
    ax2.plot(ts["month"], ts["coverage"], color="#1565c0", label="cakupan layanan")
    ax2.set_ylabel("cakupan layanan", color="#1565c0")
    ax2.set_ylim(0, 1)
    month = 0
    for entry in world.rounds:
        month += int(entry["months"])
        ax.axvline(month, color="#999", lw=0.8, ls=":")
        if entry["events"]:
            ax.text(month - int(entry["months"]) + 0.2, ax.get_ylim()[1],
                    ", ".join(EVENT_NAMES[e] for e in entry["events"]), fontsize=7,
                    va="top", color="#ef6c00")
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def _debrief_html(world: KelasWorld) -> str:
    """The end-of-session debrief: each OSL's choices round by round and what followed."""
    import html

    from oslsim.i18n import fmt_number, fmt_rupiah

    with world.lock:
        df = world.debrief_frame()
    cols = [("round", "Ronde"), ("trainee", "Peserta"), ("osl", "OSL"), ("dues", "Iuran"),
            ("forum", "Forum"), ("forum_share", "Jam forum"),
            ("outreach_share", "Jam penjangkauan"), ("service_share", "Kas utk layanan"),
            ("diklat", "Diklat"), ("events", "Pengumuman"), ("members", "Anggota"),
            ("cases_served", "Dilayani"), ("cases_unserved", "Belum terlayani"),
            ("treasury", "Kas"), ("capacity", "Kapasitas"), ("burden", "Beban kelurahan")]

    def cell(key: str, v: Any) -> str:
        if v is None or (isinstance(v, float) and v != v):
            return "–"
        if isinstance(v, bool) or key in ("forum", "diklat"):
            return "ya" if v else "tidak"
        if key in ("forum_share", "outreach_share", "service_share"):
            return f"{100 * float(v):.0f}%"
        if key in ("dues", "treasury"):
            return fmt_rupiah(float(v))
        if key in ("capacity", "burden"):
            return fmt_number(float(v), 3)
        return html.escape(str(v))

    head = "".join(f"<th>{t}</th>" for _, t in cols)
    rows = "".join("<tr>" + "".join(f"<td>{cell(k, r[k])}</td>" for k, _ in cols) + "</tr>"
                   for r in df.to_dict("records")) if len(df) else \
        f'<tr><td colspan="{len(cols)}">Belum ada ronde.</td></tr>'
    return ("<!doctype html><html lang='id'><head><meta charset='utf-8'><meta name='viewport' "
            "content='width=device-width,initial-scale=1'><title>Debrief kelas OSL</title>"
            "<style>body{font:14px system-ui,sans-serif;margin:12px}table{border-collapse:"
            "collapse}td,th{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left}"
            "</style></head><body><h1>Debrief: pilihan tiap OSL dan akibatnya</h1>"
            f"<p>Lokasi {html.escape(world.site)} · seed {world.seed} · {world.round} ronde · "
            f"bulan {world.model.month} · <a href='/export.csv'>unduh CSV</a> · "
            f"<a href='/'>kembali</a></p><table><thead><tr>{head}</tr></thead><tbody>{rows}"
            "</tbody></table></body></html>")
