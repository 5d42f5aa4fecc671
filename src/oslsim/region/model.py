"""The region's model and run: one budget shared among the kelurahan by its rule."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from oslsim.agents import Household, LocalGovernment, Organisation
from oslsim.allocation import allocate, form_wksbm, summarise
from oslsim.metrics import MonthCounts, kelurahan_columns, month_counts
from oslsim.model import OSLModel, as_seed
from oslsim.phases import PHASES
from oslsim.phases.government import start as start_government
from oslsim.region.build import build_region, gini
from oslsim.region.spec import (
    Region,
    RegionError,
    load_region,
)

# --------------------------------------------------------------------------- the model


class RegionModel(OSLModel):
    """A region's households, organisations and Dinas Sosial, month by month.

    The phases are the single kelurahan's, run over the whole region at once; the budget is
    shared by the region's rule at the start and every ``budget.every`` months.

    Parameters
    ----------
    region : Region or str
        A loaded region, a built-in region's name or a region file.
    rng : int, Generator or SeedSequence, optional
        The run's seed (SPEC 7).
    overrides : mapping, optional
        Dotted parameter overrides, applied to the region and to every kelurahan's build.
    """

    def __init__(self, region: Region | str | Path,
                 rng: int | np.random.Generator | np.random.SeedSequence | None = None, *,
                 overrides: Mapping[str, Any] | None = None,
                 phases: Iterable[Callable[..., None]] | None = None,
                 reporters: Mapping[str, Callable[..., float]] | None = None) -> None:
        mesa.Model.__init__(self, rng=as_seed(rng))
        self.region = load_region(region) if not isinstance(region, Region) else region
        self.params = self.region.build_params(overrides)
        self.state = build_region(self.region, self.rng, overrides)
        start_government(self.state, self.params)
        # The allocation draws (a competitive round's noise) have their own stream, so the
        # rule does not shift the phases' random numbers.
        self.allocation_rng = np.random.default_rng(self.rng.integers(2**63))
        self._budget_total = self.region.total_budget(self.params)
        self.allocate()
        self._household_agents: list[Household] | None = None  # made when first asked for
        # Organisation agents, too, wait until asked for (m.organisations, m.organisation(r),
        # organisations_frame): the phases work on the arrays.
        self._organisations: dict[int, Organisation] = {}
        self._organisations_made = False
        self.government = LocalGovernment(self)
        self.sync_agents()
        schedule = with_formation(tuple(PHASES if phases is None else phases),
                                  self.region.budget)
        self._kel_rows: list[dict[str, np.ndarray]] = []
        self._setup_extensions(schedule, reporters, False)
        self.add_hook(_reallocate)

    @property
    def _households(self) -> list[Household]:
        """The household agents, made the first time they are asked for.

        A region of a million households would spend most of its build making Mesa agents
        nobody may look at; the phases work on the arrays, so the agents wait until a
        notebook or table asks for them.
        """
        if self._household_agents is None:
            self._household_agents = [Household(self, row) for row in range(self.state.n)]
        return self._household_agents

    @property
    def households(self) -> mesa.agent.AgentSet:
        """All households as a Mesa AgentSet (made on first use), indexable by row."""
        self._households  # noqa: B018 - make them
        return self.agents_by_type[Household]

    def allocate(self) -> None:
        """Share the budget by the region's rule, from what the Dinas Sosial sees now."""
        b = self.region.budget
        st = self.state
        alloc = allocate(self._budget_total, b.rule, b.params, summarise(st, self.params),
                         self.allocation_rng)
        st.kel_budget = alloc.budget
        st.kel_formation = alloc.formation if alloc.formation.any() else None

    def _record_row(self, counts: MonthCounts | None = None) -> None:
        # The month's counts are taken once, for the region's row and the kelurahan table
        # (the numbers of kelurahan_outcomes).
        counts = month_counts(self.state) if counts is None else counts
        super()._record_row(counts)
        kel = kelurahan_columns(self.state, self.params, counts)
        self._kel_rows.append(kel)
        row = self._rows[-1]
        burden = kel["burden"]
        row["burden_gini"] = gini(burden)
        row["burden_max_min"] = float(burden.max() / burden.min()) if burden.min() > 0 \
            else float("nan")
        for i, b in enumerate(burden):
            row[f"burden_kel_{i + 1:02d}"] = float(b)

    def households_frame(self) -> pd.DataFrame:
        """One row per household (see :meth:`OSLModel.households_frame`), with its kelurahan.

        ``kelurahan`` counts from 1 in file order and ``kelurahan_name`` names it; RT are
        numbered within their RW and RW within their kelurahan, each kelurahan on its own
        site's layout.
        """
        return _with_kelurahan(super().households_frame(), self.state.kel, self.region)

    def organisations_frame(self) -> pd.DataFrame:
        """One row per organisation ever founded, with the kelurahan it serves."""
        rows = np.arange(self.state.m)
        return _with_kelurahan(super().organisations_frame(), self.state.org_kelurahan(rows),
                               self.region)

    def kelurahan_timeseries(self) -> pd.DataFrame:
        """The long table: one row per month and kelurahan (:data:`KELURAHAN_COLUMNS`)."""
        k = self.state.n_kel
        names = [x.name for x in self.region.kelurahan]
        frames = [pd.DataFrame({"month": row["month"], "kelurahan": np.arange(1, k + 1),
                                "name": names, **kel})
                  for row, kel in zip(self._rows, self._kel_rows, strict=True)]
        out = pd.concat(frames, ignore_index=True)
        for col in ("households", "osl_count", "wksbm_count"):
            out[col] = out[col].astype(np.int64)
        return out


def with_formation(schedule: tuple[Callable[..., None], ...], budget: Any,
                   ) -> tuple[Callable[..., None], ...]:
    """The schedule, with WKSBM formation after organisation life under that rule's budget."""
    if budget.rule != "wksbm_formation_first":
        return schedule
    i = schedule.index(PHASES[7]) + 1 if PHASES[7] in schedule else len(schedule)
    return (*schedule[:i], partial(form_wksbm, cost=budget.params["formation_cost"]),
            *schedule[i:])


def _with_kelurahan(frame: pd.DataFrame, kel: np.ndarray, region: Region) -> pd.DataFrame:
    """``frame`` with ``kelurahan`` (from 1) and ``kelurahan_name`` after its ``row`` column."""
    names = np.array([k.name for k in region.kelurahan], dtype=object)
    at = frame.columns.get_loc("row") + 1
    frame.insert(at, "kelurahan", np.asarray(kel, np.int64) + 1)
    frame.insert(at + 1, "kelurahan_name", names[kel])
    return frame


def _reallocate(model: OSLModel) -> None:
    """Reallocate at the start of each budget year after the first (months 1 + k * every)."""
    every = model.region.budget.every
    if model.month > 1 and (model.month - 1) % every == 0:
        model.allocate()


def simulate_region(region: Region | str | Path, months: int | None = None,
                    rng: Any = None, *, overrides: Mapping[str, Any] | None = None,
                    progress: Callable[[Iterable[int]], Iterable[int]] | None = None,
                    warmup: Any = False, **_: Any) -> Any:
    """Run a region; returns a :class:`~oslsim.simulation.RunResult` with ``kelurahan`` set.

    ``timeseries`` is the region's monthly table; ``kelurahan`` the long table. ``warmup``
    is :func:`oslsim.simulate`'s: a warm start (:func:`oslsim.region.warm.warm_start_region`)
    whose burn-in rows are in ``RunResult.warmup``; the region file's dated interventions are
    counted from the measured period's start.
    """
    import pandas as pd

    from oslsim.seeds import fresh_seed
    from oslsim.simulation import (
        EVENT_COLUMNS,
        RunResult,
        _event_records,
        _warmup_settings,
        checkout,
        seed_summary,
        versions,
    )

    reg = load_region(region) if not isinstance(region, Region) else region
    try:
        settings = _warmup_settings(warmup)
    except (TypeError, ValueError) as exc:
        raise RegionError(f"{reg.source}: {exc}") from None
    run_months = reg.months if months is None else months
    not_reached = reg.check_months(run_months)
    params = reg.build_params(overrides)
    seed = as_seed(fresh_seed() if rng is None else rng)
    seed_info = seed_summary(seed) if isinstance(seed, np.random.Generator) else seed
    if isinstance(seed, np.random.SeedSequence):
        seed_info = {"entropy": seed.entropy, "spawn_key": list(seed.spawn_key)}
    warm = None
    if settings is None:
        model = RegionModel(reg, rng=seed, overrides=overrides)
    else:
        from oslsim.region.warm import warm_start_region

        model, warm = warm_start_region(reg, seed, overrides=overrides, **settings)
    log = reg.install(model)
    model.run(run_months, progress=progress)
    happened, planned = _event_records(reg, log, not_reached)  # type: ignore[arg-type]
    manifest = {
        "scenario": reg.name, "source": reg.source, "site": None, "months": int(run_months),
        "seed": seed_info, "overrides": dict(overrides or {}),
        "params": params.to_dict(), "region": reg.to_dict(),
        "budget_total": model._budget_total,
        "interventions": [dict(iv.spec) for iv in reg.interventions],
        "not_reached": [dict(iv.spec) for iv in not_reached], "events": planned,
        "param_changes": list(model.param_changes),
        "model": f"{RegionModel.__module__}.{RegionModel.__qualname__}",
        "warmup": None if warm is None else {**settings, "months": warm.months,
                                             "stationary": warm.stationary,
                                             "slope": float(warm.slope)},
        "versions": versions(), **checkout(),
    }
    return RunResult(timeseries=model.timeseries(), logic_model=model.logic_model(),
                     manifest=manifest, model=model, scenario=reg,
                     events=pd.DataFrame(happened, columns=list(EVENT_COLUMNS)),
                     warmup=model.warmup_timeseries(),
                     kelurahan=model.kelurahan_timeseries())
