"""One session's simulation behind the page, in plain Python (no Solara), so it can be tested.

:class:`DashboardRun` builds the model from the page's settings (a built-in scenario or
site, the community size, the seed and the levers), steps it, and answers what the page
asks: the month, the time series, the logic-model table, stories, and a layout of the
households for the network picture.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from oslsim.dashboard.labels import check_lang
from oslsim.dashboard.levers import DEFAULT_HOUSEHOLDS, DEFAULT_SEED, overrides_from
from oslsim.errors import InputError
from oslsim.metrics import logic_model
from oslsim.params import Params
from oslsim.simulation import prepare

__all__ = ["Settings", "DashboardRun", "Snapshot", "scenario_choices", "load_scenario_or_none",
           "DEFAULT_MONTHS", "MAX_NODES", "EXTRA_COLUMNS", "household_layout", "sample_rows"]

#: Months a run plays before stopping by itself (a scenario's own length wins).
DEFAULT_MONTHS = 120
#: At most this many households are drawn in the network picture (an even sample).
MAX_NODES = 2500
#: Columns the page adds to the model's monthly table, read from the state after each month:
#: organisations by origin, and meeting attendance of poor and other members.
EXTRA_COLUMNS = ("osl_natural", "osl_government", "attendance_poor", "attendance_rest")
#: Golden angle (radians): spreads the households of one RT evenly on a disc.
_GOLDEN = np.pi * (3.0 - np.sqrt(5.0))


def _scenarios_module() -> Any:
    """Return ``oslsim.scenarios`` or None when this installation does not have it."""
    try:
        import oslsim.scenarios as scenarios
    except ImportError:  # pragma: no cover - the package ships with oslsim
        return None
    return scenarios


def scenario_choices(lang: str = "id") -> list[tuple[str, str]]:
    """Built-in scenarios as ``(name, title)``: recommendations, then sites, then regions."""
    check_lang(lang)
    mod = _scenarios_module()
    if mod is None:
        return []
    from oslsim.region import load_region, region_names

    return [(sc.name, sc.title(lang)) for sc in mod.list_scenarios()] + \
        [(name, load_region(name).title(lang)) for name in region_names()]


def is_region(scenario: Any) -> bool:
    """Whether a loaded scenario is a region (:class:`oslsim.region.Region`)."""
    from oslsim.region import Region

    return isinstance(scenario, Region)


def load_scenario_or_none(name: str | None) -> Any:
    """Load a scenario by built-in name or path; ``None`` means the default parameters.

    Raises :class:`oslsim.errors.InputError` (one line) for an unknown name.
    """
    if name is None:
        return None
    mod = _scenarios_module()
    if mod is None:  # pragma: no cover - the package ships with oslsim
        raise InputError(f"--scenario {name!r}: scenarios are not available in this "
                         "installation")
    return mod.load_scenario(name)


@dataclass(frozen=True)
class Settings:
    """What the page's controls decide before month 0."""

    scenario: str | None = None
    households: int = DEFAULT_HOUSEHOLDS
    seed: int = DEFAULT_SEED
    levers: Mapping[str, Any] = field(default_factory=dict)
    warmup: bool = True
    #: The kelurahan shown when the scenario is a region (0-based; None for one kelurahan).
    kelurahan: int | None = None

    def with_(self, **changes: Any) -> Settings:
        """Return a copy with some fields changed."""
        data = {"scenario": self.scenario, "households": self.households, "seed": self.seed,
                "levers": dict(self.levers), "warmup": self.warmup,
                "kelurahan": self.kelurahan}
        data.update(changes)
        return Settings(**data)

    def __hash__(self) -> int:
        return hash((self.scenario, self.households, self.seed,
                     tuple(sorted(self.levers.items())), self.warmup, self.kelurahan))


def household_layout(rt: np.ndarray, rw: np.ndarray, rt_per_rw: int) -> np.ndarray:
    """Place households on a map: RWs on a grid, their RTs on a sub-grid, a disc per RT.

    Deterministic (no randomness), so the picture does not jump between months.
    Returns an ``(n, 2)`` array of coordinates.
    """
    n = rt.shape[0]
    if n == 0:
        return np.zeros((0, 2))
    n_rw = int(rw.max()) + 1
    rw_cols = int(np.ceil(np.sqrt(n_rw)))
    rt_cols = int(np.ceil(np.sqrt(max(rt_per_rw, 1))))
    rt_in_rw = rt - rw * rt_per_rw
    order = np.argsort(rt, kind="stable")
    counts = np.bincount(rt)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    k = np.empty(n, dtype=np.int64)
    k[order] = np.arange(n) - starts[rt[order]]
    size = np.maximum(counts[rt], 1)
    radius = 0.42 * np.sqrt((k + 0.5) / size)
    theta = k * _GOLDEN
    cell_x = (rw % rw_cols) * (rt_cols + 0.6) + (rt_in_rw % rt_cols)
    cell_y = (rw // rw_cols) * (rt_cols + 0.6) + (rt_in_rw // rt_cols)
    return np.column_stack([cell_x + radius * np.cos(theta), -(cell_y + radius * np.sin(theta))])


def sample_rows(n: int, limit: int = MAX_NODES) -> np.ndarray:
    """Rows of the households to draw: all of them, or an even sample of ``limit``."""
    if n <= limit:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, limit).round().astype(np.int64))


@dataclass(frozen=True)
class Snapshot:
    """A run pinned as "A" for comparison: its settings, monthly table and logic model."""

    settings: Settings
    timeseries: pd.DataFrame
    month: int
    warmup_months: int | None


def _extras(st: Any) -> dict[str, float]:
    """This month's page-only indicators, read (never written) from the model's state."""
    alive = st.alive[: st.m]
    origin = st.origin[: st.m]
    hh, _ = st.members()
    attended = st.mem_attended[: st.e][st.mem_active[: st.e]]
    poor = st.poor[hh].astype(bool)
    return {
        "osl_natural": float(np.count_nonzero(alive & (origin == 0))),
        "osl_government": float(np.count_nonzero(alive & (origin == 1))),
        "attendance_poor": float(attended[poor].mean()) if poor.any() else 0.0,
        "attendance_rest": float(attended[~poor].mean()) if (~poor).any() else 0.0,
    }


class DashboardRun:
    """The model of one browser session, built from :class:`Settings`.

    Stepping and every reading hold :attr:`lock`, so a page re-rendered from another thread
    (a click while playing) never reads a month half-done.

    Parameters
    ----------
    settings : Settings
        Scenario (built-in name, path or None), households, seed and lever values.

    Examples
    --------
    >>> run = DashboardRun(Settings(households=300, seed=3))
    >>> run.step(2)
    >>> run.month
    2
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.scenario = load_scenario_or_none(self.settings.scenario)
        #: The region shown (a kelurahan of it) and that kelurahan (0-based), or None.
        self.region: Any = None
        self.kelurahan: int | None = None
        #: Household rows the page shows: all of them, or one kelurahan's of a region.
        self.first_row, self.end_row = 0, 0
        self.lock = threading.RLock()
        self._segments: np.ndarray | None = None
        if is_region(self.scenario):
            self._start_region()
            return
        overrides = {"households": int(self.settings.households),
                     **overrides_from(dict(self.settings.levers))}
        # The page starts its run the way simulate and the sweeps do; no scenario is the
        # default kelurahan (the baseline, which changes no parameter).
        # A warm start burns in without WKSBM until the burden is stationary, so month 0
        # shows a settled community instead of the first years' warm-up.
        ready = prepare(self.scenario, int(self.settings.seed), overrides=overrides,
                        warmup=bool(self.settings.warmup))
        self.params: Params = ready.params
        #: Months of burn-in before month 0 (None for a cold start).
        self.warmup_months: int | None = ready.warm.months if ready.warm is not None else None
        self.months = int(self.scenario.months) if self.scenario is not None else DEFAULT_MONTHS
        self.model = ready.model
        st = self.model.state
        self.end_row = st.n
        self.positions = household_layout(st.rt, st.rw, st.rt_per_rw)
        self.shown = sample_rows(st.n)
        self._extra: list[dict[str, float]] = [_extras(st)]

    def _start_region(self) -> None:
        """Build the whole region and show one kelurahan of it (:mod:`oslsim.dashboard.region`).

        The region runs whole (its budget rule shares the Dinas Sosial budget among all its
        kelurahan); each month the page measures the chosen kelurahan alone.
        """
        from oslsim.dashboard.region import start_region

        start_region(self)

    @property
    def segments(self) -> np.ndarray:
        """Ties among the drawn households as line segments ``(k, 2, 2)`` (the network is fixed)."""
        if self._segments is None:
            sub = self.model.state.adjacency[self.shown][:, self.shown].tocoo()
            keep = sub.row < sub.col
            xy = self.positions[self.shown]
            self._segments = np.stack([xy[sub.row[keep]], xy[sub.col[keep]]], axis=1)
        return self._segments

    # ------------------------------------------------------------------ time
    @property
    def month(self) -> int:
        """Months simulated so far."""
        return self.model.month

    @property
    def finished(self) -> bool:
        """Whether the run reached its planned length (playing stops there)."""
        return self.model.month >= self.months

    def _view_row(self) -> dict[str, float]:
        """This month's row of the shown kelurahan of a region."""
        from oslsim.dashboard.region import view_row

        return view_row(self)

    def step(self, months: int = 1) -> None:
        """Simulate ``months`` more months."""
        with self.lock:
            for _ in range(months):
                self.model.step()
                if self.region is None:
                    self._extra.append(_extras(self.model.state))
                else:
                    self._view_rows.append(self._view_row())

    def run_to(self, month: int) -> int:
        """Simulate up to ``month`` (clipped to the run's length); return the months stepped."""
        target = int(min(max(month, 0), self.months))
        todo = max(0, target - self.month)
        self.step(todo)
        return todo

    # ------------------------------------------------------------------ results
    def timeseries(self) -> pd.DataFrame:
        """The model's monthly table so far, with the page's :data:`EXTRA_COLUMNS`.

        For a region, the chosen kelurahan's own table (its households and organisations).
        """
        with self.lock:
            if self.region is not None:
                return pd.DataFrame(self._view_rows)
            ts = self.model.timeseries()
            extra = pd.DataFrame(self._extra[: len(ts)], index=ts.index)
            return pd.concat([ts, extra], axis=1)

    def snapshot(self) -> Snapshot:
        """Freeze this run as it is now, to pin it as run A."""
        with self.lock:
            return Snapshot(self.settings, self.timeseries().copy(), self.month,
                            self.warmup_months)

    def nearest_household(self, x: float, y: float, radius: float = 0.35) -> int | None:
        """The drawn household nearest to map point ``(x, y)``, if within ``radius``."""
        xy = self.positions[self.shown]
        d = np.hypot(xy[:, 0] - x, xy[:, 1] - y)
        k = int(np.argmin(d)) if d.size else -1
        return int(self.shown[k]) if k >= 0 and d[k] <= radius else None

    def organisation_centres(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows, member centres ``(k, 2)`` and member counts of the active organisations."""
        with self.lock:
            st = self.model.state
            hh, org = st.members()
            m = st.m
            counts = np.bincount(org, minlength=m)
            live = np.flatnonzero(st.alive[:m] & (counts > 0) & self._shown_orgs())
            cx = np.bincount(org, weights=self.positions[hh, 0], minlength=m)[live]
            cy = np.bincount(org, weights=self.positions[hh, 1], minlength=m)[live]
            centres = np.column_stack([cx, cy]) / np.maximum(counts[live], 1)[:, None]
            return live, centres, counts[live]

    def logic_model(self) -> pd.DataFrame:
        """The study's logic-model table, start versus now."""
        with self.lock:
            if self.region is not None:  # without the rows the region counts only whole
                table = logic_model(self.timeseries())
                return table[table["now"].notna()].reset_index(drop=True)
            return self.model.logic_model()

    @property
    def n_households(self) -> int:
        """Households on the page: the community's, or the shown kelurahan's."""
        return self.end_row - self.first_row

    @property
    def view_rows(self) -> np.ndarray:
        """Rows of the households on the page (all, or the shown kelurahan's)."""
        return np.arange(self.first_row, self.end_row)

    def _shown_orgs(self) -> np.ndarray | bool:
        """Which organisations are on the page: all, or those serving the shown kelurahan."""
        if self.region is None:
            return True
        return self.model.state.org_kelurahan() == self.kelurahan

    def household_story(self, row: int, lang: str = "id") -> str:
        """The story of household ``row`` (clipped to the rows on the page) in plain words."""
        row = int(min(max(row, self.first_row), self.end_row - 1))
        with self.lock:
            return self.model.households[row].story(check_lang(lang))

    def organisation_rows(self) -> list[int]:
        """Rows of the living organisations, WKSBM members first."""
        with self.lock:
            st = self.model.state
            alive = np.flatnonzero(st.alive[: st.m] & self._shown_orgs())
            return sorted((int(r) for r in alive), key=lambda r: (not st.wksbm[r], r))

    def organisation_story(self, row: int, lang: str = "id") -> str:
        """The story of organisation ``row`` in plain words."""
        with self.lock:
            return self.model.organisation(int(row)).story(check_lang(lang))

    def organisation_name(self, row: int, lang: str = "id") -> str:
        """The short name of organisation ``row``."""
        return self.model.organisation(int(row)).name(check_lang(lang))

    def next_unserved(self, after: int = -1) -> int | None:
        """The next household after ``after`` (wrapping) with an active condition nobody serves."""
        st = self.model.state
        with self.lock:
            lo, hi = self.first_row, self.end_row
            unserved = lo + np.flatnonzero((st.active[lo:hi] & ~st.served[lo:hi]).any(axis=1))
        if unserved.size == 0:
            return None
        later = unserved[unserved > after]
        return int(later[0] if later.size else unserved[0])
