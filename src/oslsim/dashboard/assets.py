"""Serve the page's front-end files from this computer, so it works with no internet.

Solara loads its JavaScript and CSS from a CDN unless its asset proxy finds them in a local
cache. The ``solara-assets`` package ships that cache; :func:`configure_offline` points
Solara at it (through its documented ``SOLARA_*`` settings) and turns off Solara's
telemetry, so a classroom without internet sees the whole page and the server never tries
to reach the network.
"""

from __future__ import annotations

import os
import sys
from importlib import metadata
from pathlib import Path

__all__ = ["REQUIRED", "assets_dir", "missing_assets", "configure_offline", "OFFLINE_ENV"]

#: Files the page needs from the CDN cache (solara 1.64 with ipywidgets 8 and Vue 2).
REQUIRED: tuple[str, ...] = (
    "@widgetti/solara-vuetify-app@10.1.1/dist/solara-vuetify-app8.min.js",
    "@widgetti/solara-vuetify-app@10.1.1/dist/main8.css",
    "@widgetti/solara-vuetify-app@10.1.1/dist/fonts.css",
    "requirejs@2.3.6/require.js",
    "font-awesome@4.5.0/css/font-awesome.min.css",
)
_MARKER = "share/solara/cdn/"


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
