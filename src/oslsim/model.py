"""OSLModel: a kelurahan's households, organisations and government, month by month."""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable, Iterable

import mesa
import numpy as np
import pandas as pd

from oslsim.agents import Household, LocalGovernment, Organisation
from oslsim.community import build_community
from oslsim.metrics import logic_model, outcomes
from oslsim.params import Params
from oslsim.phases import PHASES
from oslsim.phases.government import start as start_government

__all__ = ["OSLModel"]


class _WeakIds(weakref.WeakKeyDictionary):
    """Mesa's per-model id counters, held weakly so a finished model can be freed.

    Mesa 3.3.1 keeps ``Agent._ids`` as a class-level ``defaultdict`` keyed by model, so every
    model ever built stays alive with all its agents (mesa issue #3179, fixed after 3.3).
    A sweep builds thousands of models; without this each leaks a few megabytes.
    """

    def __getitem__(self, key: object) -> itertools.count:
        try:
            return super().__getitem__(key)
        except KeyError:
            value = itertools.count(1)
            self[key] = value
            return value


if not isinstance(mesa.Agent._ids, _WeakIds):
    mesa.Agent._ids = _WeakIds()


class OSLModel(mesa.Model):
    """The model: owns the state arrays, runs the nine phases in order, records outcomes.

    Parameters
    ----------
    params : Params, optional
        All parameters; defaults to ``Params()``.
    rng : int or numpy.random.Generator, optional
        The run's seed or generator (SPEC 7). All randomness in the run comes from it.

    Examples
    --------
    >>> m = OSLModel(Params(households=500), rng=42)
    >>> m.run(12)
    >>> m.timeseries()["burden"].iloc[-1] >= 0
    True
    """

    def __init__(self, params: Params | None = None, rng: int | np.random.Generator | None = None,
                 ) -> None:
        super().__init__(rng=rng)
        self.params = params if params is not None else Params()
        self.state = build_community(self.params, self.rng)
        start_government(self.state, self.params)
        self._households = [Household(self, row) for row in range(self.state.n)]
        self._organisations: dict[int, Organisation] = {}
        self.government = LocalGovernment(self)
        self.sync_agents()
        self._rows: list[dict[str, float]] = [outcomes(self.state, self.params)]
        self._hooks: list[Callable[[OSLModel], None]] = []

    # ------------------------------------------------------------------ agents
    @property
    def households(self) -> mesa.agent.AgentSet:
        """All households as a Mesa AgentSet, indexable by row: ``m.households[17]``."""
        return self.agents_by_type[Household]

    @property
    def organisations(self) -> mesa.agent.AgentSet:
        """The living organisations as a Mesa AgentSet."""
        return self.agents_by_type[Organisation] if Organisation in self.agents_by_type \
            else mesa.agent.AgentSet([], random=self.random)

    def organisation(self, row: int) -> Organisation:
        """Return the organisation of a given row, living or dissolved."""
        return self._organisations[row]

    def sync_agents(self) -> None:
        """Create agents for newly founded organisations and retire dissolved ones."""
        st = self.state
        for row in range(len(self._organisations), st.m):
            self._organisations[row] = Organisation(self, row)
        for row in np.flatnonzero(~st.alive[: st.m]):
            agent = self._organisations[int(row)]
            if agent in self.agents:
                agent.remove()

    # ------------------------------------------------------------------ time
    @property
    def month(self) -> int:
        """Months simulated so far."""
        return self.state.month

    def add_hook(self, hook: Callable[[OSLModel], None]) -> None:
        """Call ``hook(model)`` at the start of every month, before the phases (interventions)."""
        self._hooks.append(hook)

    def step(self) -> None:
        """Simulate one month: the nine phases of DESIGN, then record the outcomes."""
        st = self.state
        st.new_month()
        for hook in self._hooks:
            hook(self)
        for phase in PHASES:
            phase(st, self.params, self.rng)
        self.sync_agents()
        self._rows.append(outcomes(st, self.params))

    def run(self, months: int, progress: Callable[[Iterable[int]], Iterable[int]] | None = None,
            ) -> None:
        """Simulate ``months`` more months; ``progress`` may wrap the loop (e.g. ``tqdm``)."""
        if months < 0:
            raise ValueError(f"months must be 0 or more, got {months}")
        steps: Iterable[int] = range(months)
        for _ in progress(steps) if progress else steps:
            self.step()

    def begin_measurement(self) -> None:
        """Start the measured period here (after a warm start): month 0 is now.

        The rows recorded so far move to :meth:`warmup_timeseries`, with months counted
        back from 0 (the last burn-in month is 0, the first is minus the burn-in's length).
        """
        shift = self.state.month
        self._warmup_rows = [{**row, "month": row["month"] - shift} for row in self._rows]
        self.state.month = 0
        self.sync_agents()
        self._rows = [outcomes(self.state, self.params)]

    # ------------------------------------------------------------------ results
    def timeseries(self) -> pd.DataFrame:
        """One row per month from 0: the DESIGN's outcome columns, then process indicators."""
        return pd.DataFrame(self._rows)

    def warmup_timeseries(self) -> pd.DataFrame:
        """The burn-in's rows of a warm start (empty for a cold start); months up to 0."""
        return pd.DataFrame(getattr(self, "_warmup_rows", []))

    def logic_model(self) -> pd.DataFrame:
        """The study's MASUKAN / PROSES / KELUARAN / DAMPAK / HASIL table, start vs now."""
        return logic_model(self.timeseries())
