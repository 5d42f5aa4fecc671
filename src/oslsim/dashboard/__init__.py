"""The teaching page (``oslsim serve``): an offline Solara app in Bahasa Indonesia and English.

Importing this package does not import Solara; :mod:`oslsim.dashboard.app` holds the page,
:mod:`oslsim.dashboard.server` runs it, :mod:`oslsim.dashboard.labels` holds every word,
:mod:`oslsim.dashboard.levers` ties the sliders to the parameters' declared ranges.
"""

from oslsim.dashboard.labels import GLOSSARY, LABELS, LANGS, label
from oslsim.dashboard.levers import LEVERS, Lever, clamp
from oslsim.dashboard.run import DashboardRun, Settings

__all__ = ["GLOSSARY", "LABELS", "LANGS", "LEVERS", "DashboardRun", "Lever", "Settings", "clamp",
           "label", "serve"]


def serve(host: str = "127.0.0.1", port: int = 8765, lang: str = "id",
          scenario: str | None = None, kelurahan: str | None = None) -> int:
    """Serve the page until interrupted (see :func:`oslsim.dashboard.server.serve`)."""
    from oslsim.dashboard.server import serve as _serve

    return _serve(host=host, port=port, lang=lang, scenario=scenario, kelurahan=kelurahan)
