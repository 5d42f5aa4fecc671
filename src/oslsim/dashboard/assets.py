"""Serve the page's front-end files from this computer, so it works with no internet.

Solara loads its JavaScript and CSS from a CDN unless its asset proxy finds them in a local
cache. The ``solara-assets`` package ships that cache; :func:`configure_offline` points
Solara at it (through its documented ``SOLARA_*`` settings) and turns off Solara's
telemetry, so a classroom without internet sees the whole page.

Solara's proxy fetches any file missing from the cache from the public CDN (with retries)
and writes it into the cache, on the request of any client. :class:`BundledOnly` sits in
front of the app and answers every ``/_solara/cdn/`` request for a file the bundle lacks
with 404 at once, so the server never reaches the network and never writes the cache.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["REQUIRED", "CDN_PREFIX", "BundledOnly", "assets_dir", "missing_assets",
           "configure_offline", "OFFLINE_ENV"]

#: Files the page needs from the CDN cache (solara 1.64 with ipywidgets 8 and Vue 2).
REQUIRED: tuple[str, ...] = (
    "@widgetti/solara-vuetify-app@10.1.1/dist/solara-vuetify-app8.min.js",
    "@widgetti/solara-vuetify-app@10.1.1/dist/main8.css",
    "@widgetti/solara-vuetify-app@10.1.1/dist/fonts.css",
    "requirejs@2.3.6/require.js",
    "font-awesome@4.5.0/css/font-awesome.min.css",
)
_MARKER = "share/solara/cdn/"
#: Where Solara serves its CDN proxy (``solara.server.cdn_helper.cdn_url_path``).
CDN_PREFIX = "/_solara/cdn/"


def assets_dir() -> Path | None:
    """The folder holding Solara's CDN files as installed by ``solara-assets``, if any."""
    try:
        files = metadata.distribution("solara-assets").files or []
    except metadata.PackageNotFoundError:
        files = []
    for f in files:
        text = str(f).replace("\\", "/")
        if _MARKER in text:
            full = Path(f.locate()).resolve()
            depth = text.split(_MARKER, 1)[1].count("/") + 1
            root = full.parents[depth - 1]
            if root.is_dir():
                return root
    default = Path(sys.prefix) / "share" / "solara" / "cdn"
    return default if default.is_dir() else None


def missing_assets(root: Path | None = None) -> list[str]:
    """The required files that the local cache lacks (empty when the page works offline)."""
    root = root if root is not None else assets_dir()
    if root is None:
        return list(REQUIRED)
    return [p for p in REQUIRED if not (root / p).is_file()]


#: Settings for an offline server, besides the cache folder.
OFFLINE_ENV: dict[str, str] = {
    "SOLARA_ASSETS_PROXY": "True",
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_MODE": "production",
    "SOLARA_THEME_SHOW_BANNER": "False",
}


def configure_offline(environ: dict[str, str] | None = None) -> Path | None:
    """Set the ``SOLARA_*`` variables for an offline page; return the cache folder used.

    Must run before Solara's server modules are imported (they read the settings once).
    """
    env = os.environ if environ is None else environ
    root = assets_dir()
    env.update(OFFLINE_ENV)
    if root is not None:
        env["SOLARA_ASSETS_PROXY_CACHE_DIR"] = str(root)
    return root


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class BundledOnly:
    """ASGI wrapper: CDN-proxy requests are served only from the bundled cache, else 404.

    Parameters
    ----------
    app : ASGI application
        Solara's Starlette app.
    root : Path or None
        The bundled cache (:func:`assets_dir`); ``None``: every CDN request is a 404.
    """

    def __init__(self, app: Callable[..., Awaitable[None]], root: Path | None) -> None:
        self.app = app
        self.root = root.resolve() if root is not None else None

    def bundled(self, path: str) -> bool:
        """Whether ``path`` (below the CDN prefix) is a file of the bundle.

        Mirrors Solara's cache layout (a bare package name is ``name/__main.js``); a path
        that leaves the folder (``..``, a symbolic link out) is not bundled.
        """
        if self.root is None or not path or "\x00" in path:
            return False
        parts = path.replace("\\", "/").split("/")
        rel = Path(path) / "__main.js" if len(parts) == 1 else Path(path)
        try:
            full = (self.root / rel).resolve()
        except (OSError, RuntimeError, ValueError):
            return False
        return full.is_relative_to(self.root) and full.is_file()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer an unbundled CDN request with 404; pass everything else to the app."""
        if scope.get("type") == "http":
            path = scope.get("path", "")
            root_path = scope.get("root_path", "")
            if root_path and path.startswith(root_path):
                path = path[len(root_path):]
            if path.startswith(CDN_PREFIX) and not self.bundled(path[len(CDN_PREFIX):]):
                body = b"not bundled with this server (it never fetches from the internet)\n"
                await send({"type": "http.response.start", "status": 404,
                            "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
