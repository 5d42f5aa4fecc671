"""The teaching page's state and actions: one ``solara.reactive`` per setting, kept per tab.

The Solara server keeps each reactive per browser tab, so trainees on one classroom server
each drive their own kelurahan. The actions change them (and catch a run's error to show it
on the page rather than stop the server); the components in :mod:`oslsim.dashboard.app`
read them.
"""

from __future__ import annotations

import os
import traceback
from typing import Any

import solara

from oslsim.dashboard.figures import COLOR_MODES
from oslsim.dashboard.labels import DEFAULT_LANG, LANGS
from oslsim.dashboard.levers import DEFAULT_SEED, Lever, clamp, lever_values
from oslsim.dashboard.run import (
    DashboardRun,
    Settings,
    Snapshot,
    is_region,
    load_scenario_or_none,
    scenario_choices,
)
from oslsim.params import Params

#: Environment variables through which ``oslsim serve`` passes its options to the page.
ENV_LANG = "OSLSIM_DASHBOARD_LANG"
ENV_SCENARIO = "OSLSIM_DASHBOARD_SCENARIO"
#: The kelurahan of a region to show first, 0-based (``oslsim serve --kelurahan``).
ENV_KELURAHAN = "OSLSIM_DASHBOARD_KELURAHAN"
DEFAULT_DELAY_MS = 300
#: The month "run to month N" proposes first (the lesson plan stops at month 24).
DEFAULT_TO_MONTH = 24


def _default_scenario() -> str | None:
    name = os.environ.get(ENV_SCENARIO) or None
    if name is None:
        names = [n for n, _ in scenario_choices("en")]
        name = "baseline" if "baseline" in names else None
    return name


def initial_settings(scenario: str | None = None, households: int | None = None,
                     seed: int = DEFAULT_SEED, kelurahan: int | str | None = None) -> Settings:
    """Settings for a fresh page: the scenario's own lever values, or the defaults.

    A scenario (a site) that sets its own number of households keeps it; otherwise
    ``households`` (or the default) is used. A region shows ``kelurahan`` (an index from 0,
    a name or a number from 1 as text; the first when None), with its own size and WKSBM
    lever, and starts cold: warming up a whole region takes minutes.
    """
    sc = load_scenario_or_none(scenario)
    if is_region(sc):
        from oslsim.dashboard.region import region_lever_values, resolve_kelurahan

        k = resolve_kelurahan(sc, kelurahan)
        return Settings(scenario=scenario, households=sc.kelurahan[k].households, seed=seed,
                        levers=region_lever_values(sc, k), warmup=False, kelurahan=k)
    params = sc.build_params() if sc is not None else Params()
    if sc is not None and "households" in sc.overrides():
        households = params.households
    return Settings(scenario=scenario, households=households or Settings().households,
                    seed=seed, levers=lever_values(params))


def _start_lang() -> str:
    lang = os.environ.get(ENV_LANG, DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


LANG = solara.reactive(_start_lang())
def _start_settings() -> Settings:
    kel = os.environ.get(ENV_KELURAHAN)
    return initial_settings(_default_scenario(), kelurahan=int(kel) if kel else None)


SETTINGS = solara.reactive(_start_settings())
GENERATION = solara.reactive(0)
TICK = solara.reactive(0)
PLAYING = solara.reactive(False)
DELAY = solara.reactive(DEFAULT_DELAY_MS)
COLOR_BY = solara.reactive(COLOR_MODES[0])
HOUSEHOLD = solara.reactive(0)
ORGANISATION = solara.reactive(-1)
ERROR = solara.reactive("")
TO_MONTH = solara.reactive(DEFAULT_TO_MONTH)
PINNED: solara.Reactive[Snapshot | None] = solara.reactive(None)
PRINT = solara.reactive(False)
NOTICE = solara.reactive("")


# ---------------------------------------------------------------------------- actions


def _build(settings: Settings) -> DashboardRun | None:
    try:
        run = DashboardRun(settings)
    except Exception as exc:  # noqa: BLE001 - shown on the page, the server keeps running
        traceback.print_exc()
        ERROR.set(" ".join(str(exc).split()))
        return None
    ERROR.set("")
    return run


def _step(run: DashboardRun, months: int = 1) -> bool:
    try:
        run.step(months)
    except Exception as exc:  # noqa: BLE001 - shown on the page, the server keeps running
        traceback.print_exc()
        ERROR.set(" ".join(str(exc).split()))
        PLAYING.set(False)
        return False
    TICK.set(TICK.value + 1)
    return True


def _set_lever(lv: Lever, value: Any) -> None:
    settings = SETTINGS.value
    value = clamp(lv, value)
    if settings.levers.get(lv.key) == value:
        return
    PLAYING.set(False)
    SETTINGS.set(settings.with_(levers={**settings.levers, lv.key: value}))


def _set_scenario(name: str | None) -> None:
    settings = SETTINGS.value
    if name == settings.scenario:
        return
    try:
        fresh = initial_settings(name, settings.households, settings.seed)
    except Exception as exc:  # noqa: BLE001 - a bad scenario is shown on the page
        ERROR.set(" ".join(str(exc).split()))
        return
    PLAYING.set(False)
    SETTINGS.set(fresh)


def _set_kelurahan(k: int) -> None:
    """Show another kelurahan of the region: its own size and levers, from month 0."""
    settings = SETTINGS.value
    if k == settings.kelurahan:
        return
    try:
        fresh = initial_settings(settings.scenario, seed=settings.seed, kelurahan=k)
    except Exception as exc:  # noqa: BLE001 - shown on the page
        ERROR.set(" ".join(str(exc).split()))
        return
    PLAYING.set(False)
    SETTINGS.set(fresh.with_(warmup=settings.warmup))


def _set_setting(**changes: Any) -> None:
    settings = SETTINGS.value
    PLAYING.set(False)
    SETTINGS.set(settings.with_(**changes))


def _run_to(run: DashboardRun, month: int) -> None:
    PLAYING.set(False)
    try:
        run.run_to(month)
    except Exception as exc:  # noqa: BLE001 - shown on the page, the server keeps running
        traceback.print_exc()
        ERROR.set(" ".join(str(exc).split()))
    TICK.set(TICK.value + 1)
