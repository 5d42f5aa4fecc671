"""OSLModel: a kelurahan's households, organisations and government, month by month."""

from __future__ import annotations

import fnmatch
import itertools
import numbers
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import Any

import mesa
import numpy as np
import pandas as pd

from oslsim.agents import Household, LocalGovernment, Organisation
from oslsim.ahead import run_ahead
from oslsim.community import build_community
from oslsim.founding import assign_wksbm
from oslsim.metrics import MonthCounts, logic_model, outcomes
from oslsim.numbering import rt_numbers, rw_numbers
from oslsim.params import Params
from oslsim.phases import PHASES
from oslsim.phases.drift import drift
from oslsim.phases.economy import economy
from oslsim.phases.government import directed, set_policy
from oslsim.phases.government import start as start_government
from oslsim.phases.onset import onset_recovery
from oslsim.pmks import CODES
from oslsim.state import SCOPE_RT, SCOPE_RW

__all__ = ["BUILD_ONLY", "HOOK_TIMES", "OSLModel", "as_seed"]

#: Phases that draw no random numbers: next month's first draws may start before them.
_NO_DRAWS = frozenset({drift})

#: A phase: ``phase(state, params, rng) -> None``, run once a month in schedule order.
Phase = Callable[[Any, Params, np.random.Generator], None]
#: An extra outcome: ``reporter(state, params) -> float``, measured every month.
Reporter = Callable[[Any, Params], float]
#: When a hook runs: before the month's phases (interventions) or after its outcomes.
HOOK_TIMES = ("before", "after")
#: Parameters read only when the community is built (glob patterns). Changing one on a model
#: that is already built cannot take effect, so :attr:`OSLModel.params` refuses it. A test
#: traces which parameters the phases read each month and keeps this list true.
BUILD_ONLY: tuple[str, ...] = (
    "households", "community.*", "economy.income_sigma", "economy.initial_savings_months",
    "economy.poverty_rate", "kinds.*.scope_rt", "kinds.*.scope_rw", "kinds.*.scope_kelurahan",
    "organisations.government_share", "organisations.initial_treasury_months",
    "organisations.memberships_mean", "organisations.per_1000", "organisations.wksbm_per_1000",
    "organisations.wksbm_coverage",
)
#: Household attributes a Mesa DataCollector records by default (``collect=True``).
HOUSEHOLD_REPORTERS = ("rt_number", "rw_number", "income", "savings", "poor", "solidarity",
                       "n_conditions")


def as_seed(rng: Any) -> int | np.random.Generator | np.random.SeedSequence | None:
    """Check a run's ``rng`` (SPEC 7): an int, an integral float, a Generator or a SeedSequence.

    EMA Workbench and pandas hand seeds back as floats (``3.0``); those are accepted when
    whole. Anything else raises a ``TypeError`` naming what is allowed.
    """
    if rng is None or isinstance(rng, (np.random.Generator, np.random.SeedSequence)):
        return rng
    if isinstance(rng, (bool, np.bool_)):
        raise TypeError(f"rng must be an int, a whole float, a numpy.random.Generator or a "
                        f"SeedSequence, got {rng!r}")
    if isinstance(rng, numbers.Integral):
        return int(rng)
    if isinstance(rng, numbers.Real) and float(rng).is_integer():
        return int(rng)
    raise TypeError(f"rng must be an int, a whole float, a numpy.random.Generator or a "
                    f"SeedSequence, got {type(rng).__name__} {rng!r}")


def _latest(model: OSLModel, name: str) -> Any:
    """This month's value of one outcome column (a picklable DataCollector model reporter)."""
    return model._rows[-1][name]


class HouseholdCollector(mesa.DataCollector):
    """A Mesa DataCollector whose agent reporters visit the households only.

    Mesa's own visits every agent, so organisations and the government would add rows of
    NaN; ``agenttype_reporters`` still reach any agent type.
    """

    def _record_agents(self, model: OSLModel) -> Iterable[tuple[Any, ...]]:
        funcs = list(self.agent_reporters.values())
        step = model.steps
        return ((step, h.unique_id, *(f(h) for f in funcs)) for h in model.households)


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
    rng : int, float, numpy.random.Generator or numpy.random.SeedSequence, optional
        The run's seed or generator (SPEC 7); a float must be whole. All randomness in the
        run comes from it.
    phases : sequence of callables, optional
        The month's schedule, each ``phase(state, params, rng)``; default
        :data:`oslsim.phases.PHASES`. Replace, drop or add phases without copying ``step``.
    reporters : mapping, optional
        Extra outcome columns ``{name: fn(state, params) -> float}``, measured every month
        after the phases and shown by :meth:`timeseries` (and storable by sweeps).
    collect : bool or mesa.DataCollector
        ``True`` keeps a Mesa DataCollector of the outcomes and of households (only);
        a DataCollector of your own is collected every month instead.
    **overrides
        Flat parameter overrides by dotted path, as Mesa's ``batch_run`` passes them:
        ``OSLModel(households=500, **{"organisations.capacity_mean": 0.4})``.

    Examples
    --------
    >>> m = OSLModel(Params(households=500), rng=42)
    >>> m.run(12)
    >>> m.timeseries()["burden"].iloc[-1] >= 0
    True
    """

    def __init__(self, params: Params | None = None,
                 rng: int | float | np.random.Generator | np.random.SeedSequence | None = None,
                 *, phases: Sequence[Phase] | None = None,
                 reporters: Mapping[str, Reporter] | None = None,
                 collect: bool | mesa.DataCollector = False, **overrides: Any) -> None:
        super().__init__(rng=as_seed(rng))
        base = params if params is not None else Params()
        self.params = base.with_overrides(overrides) if overrides else base
        self.state = build_community(self.params, self.rng)
        start_government(self.state, self.params)
        self._households = [Household(self, row) for row in range(self.state.n)]
        self._organisations: dict[int, Organisation] = {}
        self._organisations_made = True  # a region makes them when first asked for
        self.government = LocalGovernment(self)
        self.sync_agents()
        self._setup_extensions(phases, reporters, collect)

    def _setup_extensions(self, phases: Sequence[Phase] | None,
                          reporters: Mapping[str, Reporter] | None,
                          collect: bool | mesa.DataCollector) -> None:
        """Set the schedule, extra reporters, hooks and data collection; record month 0."""
        self.phases: tuple[Phase, ...] = tuple(PHASES if phases is None else phases)
        for i, phase in enumerate(self.phases):
            if not callable(phase):
                raise TypeError(f"phases[{i}]: {phase!r} is not callable; a phase is "
                                "phase(state, params, rng)")
        self.reporters: dict[str, Reporter] = dict(reporters or {})
        self._hooks: list[Callable[[OSLModel], None]] = []
        self._after_hooks: list[Callable[[OSLModel], None]] = []
        #: Parameter changes made mid-run: month, path, old and new value.
        self.param_changes: list[dict[str, Any]] = []
        self._rows: list[dict[str, float]] = []
        self._record_row()
        self._dc: mesa.DataCollector | None = None
        self._dc_view: tuple[int, mesa.DataCollector] | None = None
        self._collect = False
        if collect is True:
            self._dc = self.default_datacollector()
        elif isinstance(collect, mesa.DataCollector):
            self._dc = collect
        elif collect is not False:
            raise TypeError(f"collect must be True, False or a mesa.DataCollector, got "
                            f"{type(collect).__name__}")
        if self._dc is not None:
            self._collect = True
            self._dc.collect(self)

    def _record_row(self, counts: MonthCounts | None = None) -> None:
        """Measure this month: the outcome columns, then the extra reporters.

        ``counts`` are the month's :func:`~oslsim.metrics.month_counts` if taken already.
        """
        row = outcomes(self.state, self.params, counts)
        for name, fn in self.reporters.items():
            if name in row:
                raise ValueError(f"reporters: {name!r} is already an outcome column; give the "
                                 "reporter another name")
            row[name] = fn(self.state, self.params)
        self._rows.append(row)

    # ------------------------------------------------------------------ parameters
    @property
    def params(self) -> Params:
        """The parameters in force. Assigning new ones mid-run applies them from the next month.

        A change to a parameter the community was built from (:data:`BUILD_ONLY`) cannot take
        effect and raises ``ValueError``; ``government.mode`` and ``government.direction``
        switch the government's policy. Every change is listed in :attr:`param_changes`.
        """
        return self._params

    @params.setter
    def params(self, new: Params) -> None:
        if not isinstance(new, Params):
            raise TypeError(f"params must be an oslsim.Params, got {type(new).__name__}")
        old = getattr(self, "_params", None)
        if old is None or not hasattr(self, "state"):
            self._params = new
            return
        before, after = old.to_dict(), new.to_dict()
        changed = [k for k in after if after[k] != before[k]]
        fixed = [k for k in changed if any(fnmatch.fnmatchcase(k, pat) for pat in BUILD_ONLY)]
        if fixed:
            raise ValueError(f"{fixed[0]}: is used only when the community is built (month 0) "
                             "and cannot change mid-run; build a new OSLModel with it")
        self._params = new
        st = self.state
        if "government.direction" in changed or "government.mode" in changed:
            set_policy(st, new.government.mode if "government.mode" in changed else st.gov_mode,
                       new.government.direction)
            st.direction = directed(st)
        self.param_changes += [{"month": self.month, "path": k, "old": before[k],
                                "new": after[k]} for k in changed]

    def set_params(self, overrides: Mapping[str, Any] | None = None, **kw: Any) -> None:
        """Change parameters mid-run by dotted path (see :attr:`params` for what is allowed)."""
        self.params = self.params.with_overrides(overrides, **kw)

    # ------------------------------------------------------------------ agents
    @property
    def households(self) -> mesa.agent.AgentSet:
        """All households as a Mesa AgentSet, indexable by row: ``m.households[17]``."""
        return self.agents_by_type[Household]

    @property
    def organisations(self) -> mesa.agent.AgentSet:
        """The living organisations as a Mesa AgentSet."""
        self._organisation_agents()
        return self.agents_by_type[Organisation] if Organisation in self.agents_by_type \
            else mesa.agent.AgentSet([], random=self.random)

    def organisation(self, row: int) -> Organisation:
        """Return the organisation of a given row, living or dissolved."""
        return self._organisation_agents()[row]

    def _organisation_agents(self) -> dict[int, Organisation]:
        """The organisation agents by row; where they wait to be asked for, made now."""
        if not self._organisations_made:
            self._organisations_made = True
            self.sync_agents()
        return self._organisations

    def sync_agents(self) -> None:
        """Create agents for newly founded organisations and retire dissolved ones.

        Where the agents wait until asked for (a region's), there is nothing to do yet.
        """
        if not self._organisations_made:
            return
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

    def add_hook(self, hook: Callable[[OSLModel], None], when: str = "before") -> None:
        """Call ``hook(model)`` every month, ``"before"`` the phases or ``"after"`` the month.

        Before-hooks are interventions (a scenario's dated actions use them); after-hooks see
        the finished month, its outcomes already recorded, e.g. to log end-of-month values.
        """
        if when not in HOOK_TIMES:
            raise ValueError(f"when: {when!r} is not allowed; use one of {', '.join(HOOK_TIMES)}")
        (self._hooks if when == "before" else self._after_hooks).append(hook)

    def step(self) -> None:
        """Simulate one month: before-hooks, the phases in order, the outcomes, after-hooks."""
        st = self.state
        st.new_month()
        for hook in self._hooks:
            hook(self)
        ahead = self._drawn_ahead
        if ahead is not None and self.phases[:len(ahead[2])] != ahead[2]:
            self._put_back()  # drawn for phases that no longer come first
        self._drawn_ahead = None  # the economy phase takes them now
        gen = self._generator
        phases = self.phases
        quiet = len(phases)  # the month's last phases that draw nothing (drift)
        while quiet > 0 and phases[quiet - 1] in _NO_DRAWS:
            quiet -= 1
        for i, phase in enumerate(phases):
            if i == quiet:
                self._draw_ahead(gen)  # next month's first numbers, while the rest runs
            phase(st, self.params, gen)
        if quiet == len(phases):
            self._draw_ahead(gen)
        self.sync_agents()
        self._record_row()
        if self._collect:
            self._dc.collect(self)
        ahead = self._drawn_ahead
        if ahead is not None:  # joined here, so no thread draws between months
            st.drawn_ahead = (self._generator, ahead[1]())
            self._drawn_ahead = (ahead[0], None, ahead[2])
        for hook in self._after_hooks:
            hook(self)

    # ------------------------------------------------------------------ the generator
    @property
    def rng(self) -> np.random.Generator:
        """The run's one generator (SPEC 7), at the place in its stream the months left it.

        The model draws next month's first numbers (the income shocks and onset's uniforms)
        while it records this month, on a second thread (:mod:`oslsim.ahead`); asking for the
        generator between months puts them back (its state as before the draw), so the
        stream and every number are the same as drawing them in the phases.
        """
        self._put_back()
        return self._generator

    @rng.setter
    def rng(self, value: np.random.Generator) -> None:
        self._drawn_ahead = None
        if getattr(self, "state", None) is not None:
            self.state.drawn_ahead = None
        self._generator = value

    def _draw_ahead(self, gen: np.random.Generator) -> None:
        """Start drawing next month's first numbers if the economy (and onset) draw them next."""
        first = self.phases[:2]
        if first[:1] != (economy,):
            return
        st = self.state
        both = first == (economy, onset_recovery)
        prefix = first if both else first[:1]

        def draw() -> dict[str, np.ndarray]:
            numbers = {"economy": gen.standard_normal((2, st.n))}
            if both:
                numbers["onset"] = gen.random(st.active.shape, dtype=np.float32)
            return numbers

        before = gen.bit_generator.state  # to put the numbers back
        count = st.n * (2 + both * st.active.shape[1])
        self._drawn_ahead = (before, run_ahead(draw, count), prefix)

    def _put_back(self) -> None:
        """Undo the draw of next month's first numbers: the generator as before it."""
        ahead = self.__dict__.get("_drawn_ahead")
        if ahead is None:
            return
        before, take, _ = ahead
        if take is not None:
            take()  # the drawing thread finishes before the state goes back
        self._drawn_ahead = None
        self.state.drawn_ahead = None
        self._generator.bit_generator.state = before

    def run(self, months: int, progress: Callable[[Iterable[int]], Iterable[int]] | None = None,
            ) -> None:
        """Simulate ``months`` more months; ``progress`` may wrap the loop (e.g. ``tqdm``)."""
        if months < 0:
            raise ValueError(f"months must be 0 or more, got {months}")
        steps: Iterable[int] = range(months)
        for _ in progress(steps) if progress else steps:
            self.step()

    def begin_measurement(self, params: Params | None = None) -> None:
        """Start the measured period here (after a warm start): month 0 is now.

        With ``params`` (the run's own, after a burn-in without WKSBM) they take effect now
        and the WKSBM they ask for are chosen among the organisations living now; the
        changes are listed in :attr:`param_changes` at month 0. The rows recorded so far move
        to :meth:`warmup_timeseries`, months counted back from 0.
        """
        shift = self.state.month
        if params is not None:
            before, after = self._params.to_dict(), params.to_dict()
            self._params = params
            assign_wksbm(self.state, params, self.rng)
            self.param_changes += [{"month": 0, "path": k, "old": before[k], "new": after[k]}
                                   for k in after if after[k] != before[k]]
        self._warmup_rows = [{**row, "month": row["month"] - shift} for row in self._rows]
        self.state.month = 0
        self.sync_agents()
        self._rows = []
        self._record_row()

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

    # ------------------------------------------------------------------ tables
    def _numbers(self, rt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """RT numbers within their RW and RW numbers, both from 1, as residents say them."""
        st = self.state  # from the layout, so each kelurahan of a region keeps its own
        return rt_numbers(st, rt), rw_numbers(st, st.rt_rw[rt])

    def households_frame(self) -> pd.DataFrame:
        """One row per household: place, size, money, solidarity, PMKS flags, memberships.

        ``row`` is the 0-based row in the state arrays (``m.households[row]``), ``unique_id``
        Mesa's id; ``rt_number`` counts RT within their RW and ``rw_number`` RW within the
        kelurahan from 1, as residents do ("RT 03 / RW 05"); ``rt_index`` is the 0-based RT
        across the kelurahan, for grouping.
        """
        st = self.state
        rt_number, rw_number = self._numbers(st.rt.astype(np.int64))
        hh, _ = st.members()
        frame = pd.DataFrame({
            "row": np.arange(st.n), "unique_id": [h.unique_id for h in self._households],
            "rt_number": rt_number, "rw_number": rw_number, "rt_index": st.rt.astype(np.int64),
            "size": st.size, "income": st.income, "savings": st.savings, "poor": st.poor,
            "solidarity": st.solidarity, "n_conditions": st.active.sum(axis=1),
            "n_served": st.served.sum(axis=1), "memberships": np.bincount(hh, minlength=st.n),
            "help_received": st.help_received, "aid_received": st.aid_received,
        })
        flags = pd.DataFrame(st.active, columns=[f"pmks_{c}" for c in CODES])
        return pd.concat([frame, flags], axis=1)

    def organisations_frame(self) -> pd.DataFrame:
        """One row per organisation ever founded (``alive`` is False once dissolved).

        ``row`` is the 0-based row (``m.organisation(row)``); the area it serves is given as
        ``rt_number`` / ``rw_number`` from 1 (missing where the scope is wider).
        """
        st = self.state
        m = st.m
        area = st.area[:m].astype(np.int64)
        scope = st.scope[:m]
        rt_n, rw_of_rt = self._numbers(area)
        rt_number = pd.array(np.where(scope == SCOPE_RT, rt_n, 0), dtype="Int64")
        rt_number[scope != SCOPE_RT] = pd.NA
        rw_number = pd.array(np.select([scope == SCOPE_RT, scope == SCOPE_RW],
                                       [rw_of_rt, rw_numbers(st, np.minimum(area, st.n_rw - 1))],
                                       0), dtype="Int64")
        rw_number[(scope != SCOPE_RT) & (scope != SCOPE_RW)] = pd.NA
        _, org = st.members()
        made = self._organisation_agents()
        agents = [made[r] for r in range(m)]
        return pd.DataFrame({
            "row": np.arange(m), "unique_id": [a.unique_id for a in agents],
            "name": [a.name("en") for a in agents], "kind": [a.kind for a in agents],
            "origin": [a.origin for a in agents], "scope": [a.scope for a in agents],
            "rt_number": rt_number, "rw_number": rw_number, "alive": st.alive[:m],
            "wksbm": st.wksbm[:m], "members": np.bincount(org, minlength=m)[:m],
            "treasury": st.treasury[:m], "dues": st.dues[:m], "capacity": st.capacity[:m],
            "accountability": st.accountability[:m], "vitality": st.vitality[:m],
            "cases_served": st.cases_served[:m], "services_total": st.services_total[:m],
        })

    def register_frame(self) -> pd.DataFrame:
        """The government's PMKS register (cases the WKSBM forum reported), one row per case.

        ``row`` is the household's 0-based row; ``rt_number`` / ``rw_number`` count from 1.
        """
        reg = self.government.register
        rt_number, rw_number = self._numbers(reg["rt"].to_numpy(np.int64))
        return pd.DataFrame({"row": reg["household"].to_numpy(np.int64),
                             "rt_number": rt_number, "rw_number": rw_number,
                             "category": reg["category"], "served": reg["served"]})

    # ------------------------------------------------------------------ Mesa interop
    def default_datacollector(self) -> HouseholdCollector:
        """A DataCollector of every outcome column and, for households only, a few attributes."""
        return HouseholdCollector(
            model_reporters={name: partial(_latest, name=name) for name in self._rows[-1]},
            agent_reporters={name: name for name in HOUSEHOLD_REPORTERS})

    @property
    def datacollector(self) -> mesa.DataCollector:
        """A Mesa DataCollector, so Mesa tools (``mesa.batch_run``) work on this model.

        With ``collect=True`` (or a DataCollector given) it is the one collected every month;
        otherwise a view of :meth:`timeseries` (every month, no agent rows) built on demand.
        """
        if self._dc is not None:
            return self._dc
        if self._dc_view is None or self._dc_view[0] != len(self._rows):
            dc = mesa.DataCollector(
                model_reporters={name: partial(_latest, name=name) for name in self._rows[-1]})
            for name in dc.model_vars:
                dc.model_vars[name] = [row.get(name) for row in self._rows]
            self._dc_view = (len(self._rows), dc)
        return self._dc_view[1]

    @datacollector.setter
    def datacollector(self, dc: mesa.DataCollector) -> None:
        # Mesa idiom: a subclass assigns its own collector and calls its collect() itself.
        self._dc = dc
        self._collect = False
