"""The community's state as arrays: households, memberships, organisations, government.

Phases read and write these arrays; agents are views onto their rows. Organisation and
membership arrays grow by doubling when new groups are founded or members join.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from oslsim import kernels
from oslsim.pmks import CATEGORIES, KINDS

__all__ = ["State", "Ledger", "SCOPE_RT", "SCOPE_RW", "SCOPE_KELURAHAN", "NATURAL", "GOVERNMENT",
           "UNKNOWN", "KNOWN_OWN", "KNOWN_FORUM", "KNOWN_REGISTER", "SERVED_NONE", "SERVED_GOV",
           "SERVED_RT", "N_CATEGORIES", "N_KINDS"]

SCOPE_RT, SCOPE_RW, SCOPE_KELURAHAN = 0, 1, 2
SCOPE_NAMES = ("rt", "rw", "kelurahan")
NATURAL, GOVERNMENT = 0, 1
ORIGIN_NAMES = ("natural", "government")
#: ``identified`` bit flags: known to the household's own organisations, to the WKSBM forum
#: (shared case data), to the RT and the lurah's PMKS register. 0 is unknown to all.
UNKNOWN, KNOWN_OWN, KNOWN_FORUM, KNOWN_REGISTER = 0, 1, 2, 4
#: ``served_by`` codes besides an organisation's row: nobody, the government, the RT's kas.
SERVED_NONE, SERVED_GOV, SERVED_RT = -2, -1, -3
N_CATEGORIES = len(CATEGORIES)
N_KINDS = len(KINDS)


@dataclass
class Ledger:
    """Money that entered or left the community this month, by channel (Rp)."""

    income: float = 0.0
    grants: float = 0.0
    gov_aid: float = 0.0
    consumption: float = 0.0
    leakage: float = 0.0
    forum_costs: float = 0.0
    activities: float = 0.0

    def reset(self) -> None:
        """Zero every channel at the start of a month."""
        self.income = self.grants = self.gov_aid = self.consumption = 0.0
        self.leakage = self.forum_costs = self.activities = 0.0

    @property
    def net(self) -> float:
        """Money in minus money out."""
        return (self.income + self.grants + self.gov_aid - self.consumption - self.leakage
                - self.forum_costs - self.activities)


def _grow(a: np.ndarray, size: int, fill: float | int | bool = 0) -> np.ndarray:
    if size <= a.shape[0]:
        return a
    new = np.full((max(size, 2 * a.shape[0], 16),) + a.shape[1:], fill, dtype=a.dtype)
    new[: a.shape[0]] = a
    return new


def _unit_weights(matrix: object) -> bool:
    """Whether ``matrix`` is a CSR matrix whose every stored entry is 1.0 (a 0/1 network)."""
    return (getattr(matrix, "format", None) == "csr"
            and bool(np.all(matrix.data == 1.0)))  # type: ignore[attr-defined]


@dataclass
class State:
    """Arrays of one community. Households are rows ``0..n-1``; organisations ``0..m-1``."""

    # --- households (n)
    rt: np.ndarray
    rw: np.ndarray
    size: np.ndarray
    eligible: np.ndarray  # (n, K) bool: composition allows the category
    base_income: np.ndarray  # usual household income, Rp/month
    income_rank: np.ndarray  # 0..1 position in the usual-income distribution
    solidarity: np.ndarray
    savings: np.ndarray
    adjacency: sp.csr_matrix  # symmetric, 0/1, kin and neighbour ties
    same_rt_tie: sp.csr_matrix  # the ties inside an RT (bonding)
    n_rt: int
    n_rw: int
    rt_per_rw: int = 10
    # --- kelurahan of a region (one kelurahan unless built by :mod:`oslsim.region`)
    n_kel: int = 1
    kel: np.ndarray = field(default=None)  # type: ignore[assignment]  # household's kelurahan
    rt_rw: np.ndarray = field(default=None)  # type: ignore[assignment]  # each RT's RW
    rt_kel: np.ndarray = field(default=None)  # type: ignore[assignment]  # each RT's kelurahan
    rw_kel: np.ndarray = field(default=None)  # type: ignore[assignment]  # each RW's kelurahan
    #: Monthly government budget of each kelurahan (Rp), set by a region's allocation rule;
    #: ``None`` in a single kelurahan, whose budget is ``budget_per_household`` per household.
    kel_budget: np.ndarray | None = None
    #: Part of ``kel_budget`` reserved for forming WKSBM (the "WKSBM formation first" rule).
    kel_formation: np.ndarray | None = None
    kel_formation_fund: np.ndarray | None = None  # formation money not spent yet (Rp)
    shock: np.ndarray = field(default=None)  # type: ignore[assignment]
    #: Log deviation of the usual income from its long-run level ``base_income`` (income
    #: mobility, ODD 3.4.1); 0 at the start. ``usual_var`` is its variance over draws, the
    #: same for every household (all start at 0), kept for the exact mean correction.
    usual_shock: np.ndarray = field(default=None)  # type: ignore[assignment]
    usual_var: float = 0.0
    income: np.ndarray = field(default=None)  # type: ignore[assignment]
    consumption: np.ndarray = field(default=None)  # type: ignore[assignment]
    poor: np.ndarray = field(default=None)  # type: ignore[assignment]
    income_loss: np.ndarray = field(default=None)  # type: ignore[assignment]
    active: np.ndarray = field(default=None)  # type: ignore[assignment]
    served: np.ndarray = field(default=None)  # type: ignore[assignment]
    quality: np.ndarray = field(default=None)  # type: ignore[assignment]
    served_by: np.ndarray = field(default=None)  # type: ignore[assignment]
    identified: np.ndarray = field(default=None)  # type: ignore[assignment]
    attended: np.ndarray = field(default=None)  # type: ignore[assignment]
    help_received: np.ndarray = field(default=None)  # type: ignore[assignment]
    help_given: np.ndarray = field(default=None)  # type: ignore[assignment]
    aid_received: np.ndarray = field(default=None)  # type: ignore[assignment]
    cases_recovered: np.ndarray = field(default=None)  # type: ignore[assignment]
    hours_used: np.ndarray = field(default=None)  # type: ignore[assignment]
    # --- the RTs (n_rt): the kas sosial RT (jimpitan) and its helpers' hours this month
    rt_fund: np.ndarray = field(default=None)  # type: ignore[assignment]
    rt_hours_left: np.ndarray = field(default=None)  # type: ignore[assignment]
    # --- organisations (m of capacity rows)
    m: int = 0
    kind: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    origin: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    scope: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    area: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    dues: np.ndarray = field(default_factory=lambda: np.zeros(0))
    treasury: np.ndarray = field(default_factory=lambda: np.zeros(0))
    capacity: np.ndarray = field(default_factory=lambda: np.zeros(0))
    accountability: np.ndarray = field(default_factory=lambda: np.zeros(0))
    vitality: np.ndarray = field(default_factory=lambda: np.zeros(0))
    alive: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    wksbm: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    founded: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    dissolved: np.ndarray = field(default_factory=lambda: np.full(0, -1, np.int32))
    trained: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    attendance: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    n_members: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    cases_served: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    services_total: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    grants_received: np.ndarray = field(default_factory=lambda: np.zeros(0))
    hours: np.ndarray = field(default_factory=lambda: np.zeros(0))  # volunteer hours left
    forum_effort: np.ndarray = field(default_factory=lambda: np.zeros(0))  # 0-1, this month
    outreach: np.ndarray = field(default_factory=lambda: np.zeros(0))  # 0-1, this month
    org_kel: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))  # its kelurahan
    # Pengurus' own choices (the classroom, ``oslsim.kelas``); NaN follows the model's rule:
    # shares of volunteer hours for forum work and outreach, share of treasury for service.
    forum_share: np.ndarray = field(default_factory=lambda: np.zeros(0))
    outreach_share: np.ndarray = field(default_factory=lambda: np.zeros(0))
    service_share: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # --- memberships (edges of the household x organisation bipartite graph)
    e: int = 0
    mem_hh: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    mem_org: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    mem_tie: np.ndarray = field(default_factory=lambda: np.zeros(0))
    mem_active: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    mem_attended: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    # --- government and the month
    month: int = 0
    gov_active: bool = True
    gov_mode: str = "facilitator"
    gov_direction: float = 0.0
    direction: float = 0.0
    training_fund: float = 0.0
    kel_training_fund: np.ndarray | None = None  # a region's training fund by kelurahan
    gov_spending: float = 0.0
    gov_spent_referral: float = 0.0
    kel_referral: np.ndarray | None = None  # referral spending by kelurahan this month
    gov_spending_total: float = 0.0
    referrals: int = 0
    identified_now: int = 0
    #: Next month's first draws (the economy's income shocks, onset's uniforms) by phase,
    #: with the generator they came from, drawn by the model while it recorded this month
    #: (that generator is already past them); a phase given that generator takes its own
    #: instead of drawing (:func:`oslsim.ahead.take_drawn`).
    drawn_ahead: tuple[np.random.Generator, dict[str, np.ndarray]] | None = None
    extra_decay: float = 0.0
    # --- this month's flows (outcome columns)
    funds_raised: float = 0.0
    funds_pooled: float = 0.0
    volunteer_hours: float = 0.0
    coordination_hours: float = 0.0
    ledger: Ledger = field(default_factory=Ledger)

    def __post_init__(self) -> None:
        n = self.rt.shape[0]
        shape = (n, N_CATEGORIES)
        defaults = {
            "shock": np.zeros(n), "usual_shock": np.zeros(n), "income": self.base_income.copy(),
            "consumption": np.zeros(n), "poor": np.zeros(n, bool), "income_loss": np.zeros(n),
            "active": np.zeros(shape, bool), "served": np.zeros(shape, bool),
            "quality": np.zeros(shape, np.float32),
            "served_by": np.full(shape, SERVED_NONE, np.int32),
            "identified": np.zeros(shape, np.int8), "attended": np.zeros(n, np.int32),
            "help_received": np.zeros(n), "help_given": np.zeros(n), "aid_received": np.zeros(n),
            "cases_recovered": np.zeros(n, np.int32), "hours_used": np.zeros(n),
            "rt_fund": np.zeros(self.n_rt), "rt_hours_left": np.zeros(self.n_rt),
            "kel": np.zeros(n, np.int32),
            "rt_rw": (np.arange(self.n_rt) // max(self.rt_per_rw, 1)).astype(np.int32),
            "rt_kel": np.zeros(self.n_rt, np.int32), "rw_kel": np.zeros(self.n_rw, np.int32),
        }
        for name, value in defaults.items():
            if getattr(self, name) is None:
                setattr(self, name, value)
        # The phases multiply the networks by float64 vectors; a float32 matrix would be
        # converted on every product (the same numbers, twice the time).
        if self.adjacency.dtype != np.float64:
            self.adjacency = self.adjacency.astype(np.float64)
        if self.same_rt_tie.dtype != np.float64:
            self.same_rt_tie = self.same_rt_tie.astype(np.float64)
        self.degree = np.asarray(self.adjacency.sum(axis=1), dtype=np.float64).ravel()
        self.degree_rt = np.asarray(self.same_rt_tie.sum(axis=1), dtype=np.float64).ravel()
        # The builders' networks are 0/1: the kernels' row sums then skip reading the weights
        # (the same numbers, a third of the bytes). Read here, once, as the degrees are.
        self.unit_ties = _unit_weights(self.adjacency)
        self.unit_rt_ties = _unit_weights(self.same_rt_tie)
        # Households are numbered RT by RT (and so RW by RW, kelurahan by kelurahan): the
        # first row of each area, and one past the last.
        self.rt_start = np.searchsorted(self.rt, np.arange(self.n_rt + 1)).astype(np.int64)
        self.rw_start = np.searchsorted(self.rw, np.arange(self.n_rw + 1)).astype(np.int64)
        self.kel_start = np.searchsorted(self.kel, np.arange(self.n_kel + 1)).astype(np.int64)
        #: Government spending of each kelurahan this month (Rp).
        self.kel_spending = np.zeros(self.n_kel)

    # ------------------------------------------------------------------ sizes and views
    @property
    def n(self) -> int:
        """Number of households."""
        return int(self.rt.shape[0])

    def members(self) -> tuple[np.ndarray, np.ndarray]:
        """Return (household, organisation) of the active memberships."""
        act = self.mem_active[: self.e]
        return self.mem_hh[: self.e][act], self.mem_org[: self.e][act]

    def org_kelurahan(self, rows: np.ndarray | None = None) -> np.ndarray:
        """The kelurahan of organisations ``rows`` (all ``m`` by default), from their area."""
        return self.org_kel[: self.m] if rows is None else self.org_kel[np.asarray(rows)]

    def _place_organisations(self, rows: slice) -> None:
        """Record the kelurahan of new organisations (``org_kel``) from their scope and area."""
        if self.n_kel == 1:
            return
        scope, area = self.scope[rows], self.area[rows]
        self.org_kel[rows] = np.select(
            [scope == SCOPE_RT, scope == SCOPE_RW],
            [self.rt_kel[np.where(scope == SCOPE_RT, area, 0)],
             self.rw_kel[np.where(scope == SCOPE_RW, area, 0)]], area)

    def memberships_per_household(self) -> np.ndarray:
        """Count each household's active memberships."""
        return kernels.count_active(self.mem_active[: self.e], self.mem_hh[: self.e], self.n)

    def total_money(self) -> float:
        """All money inside the community: savings, every treasury and the RTs' kas sosial."""
        return float(self.savings.sum() + self.treasury[: self.m].sum() + self.rt_fund.sum())

    def new_month(self) -> None:
        """Advance the clock and zero this month's flows and the ledger."""
        self.month += 1
        self.ledger.reset()
        self.gov_spending = 0.0
        self.kel_spending[:] = 0.0
        self.funds_raised = self.funds_pooled = 0.0
        self.volunteer_hours = self.coordination_hours = 0.0

    # ------------------------------------------------------------------ growth
    def add_organisations(self, count: int, **columns: np.ndarray) -> np.ndarray:
        """Append ``count`` organisations; return their rows. Missing columns take defaults."""
        start, stop = self.m, self.m + count
        for name, fill in _ORG_COLUMNS.items():
            arr = _grow(getattr(self, name), stop, fill)
            arr[start:stop] = columns.get(name, fill)
            setattr(self, name, arr)
        self.m = stop
        self._place_organisations(slice(start, stop))
        return np.arange(start, stop)

    def add_memberships(self, hh: np.ndarray, org: np.ndarray, tie: float = 0.0) -> None:
        """Append memberships (household, organisation) that are not held already."""
        hh = np.asarray(hh, np.int32)
        org = np.asarray(org, np.int32)
        if hh.size == 0:
            return
        codes = hh.astype(np.int64) * self.n_org_codes + org
        codes, first = np.unique(codes, return_index=True)
        hh, org = hh[first], org[first]
        # Only the memberships of the households involved can clash with the new ones
        # (one compiled pass; the two np.isin it replaced gave the same).
        e = self.e
        new = ~kernels.memberships_held(self.mem_active[:e], self.mem_hh[:e], self.mem_org[:e],
                                        hh, codes, self.n_org_codes, self.n)
        hh, org = hh[new], org[new]
        start, stop = self.e, self.e + hh.size
        for name, fill in _MEM_COLUMNS.items():
            setattr(self, name, _grow(getattr(self, name), stop, fill))
        self.mem_hh[start:stop] = hh
        self.mem_org[start:stop] = org
        self.mem_tie[start:stop] = tie
        self.mem_active[start:stop] = True
        self.mem_attended[start:stop] = False
        self.e = stop

    #: Multiplier that turns (household, organisation) into one integer code.
    n_org_codes: int = 1 << 24

    def compact_memberships(self) -> None:
        """Drop ended memberships from the edge arrays (keeps the arrays small)."""
        keep = np.flatnonzero(self.mem_active[: self.e])
        for name in _MEM_COLUMNS:
            arr = getattr(self, name)
            arr[: keep.size] = arr[keep]
        self.e = int(keep.size)


_ORG_COLUMNS: dict[str, float | int | bool] = {
    "kind": 0, "origin": 0, "scope": 0, "area": 0, "dues": 0.0, "treasury": 0.0,
    "capacity": 0.0, "accountability": 0.0, "vitality": 0.0, "alive": True, "wksbm": False,
    "founded": 0, "dissolved": -1, "trained": 0, "attendance": 0, "n_members": 0,
    "cases_served": 0, "services_total": 0, "grants_received": 0.0, "hours": 0.0,
    "forum_effort": 0.0, "outreach": 0.0, "org_kel": 0,
    "forum_share": np.nan, "outreach_share": np.nan, "service_share": np.nan,
}
_MEM_COLUMNS: dict[str, float | int | bool] = {
    "mem_hh": 0, "mem_org": 0, "mem_tie": 0.0, "mem_active": False, "mem_attended": False,
}


# Fast reductions over the (households x categories) boolean arrays. numpy reduces slowly
# along a short trailing axis; one compiled pass (oslsim.kernels) does it in a fraction.


def row_any(a: np.ndarray) -> np.ndarray:
    """Return ``a.any(axis=1)`` for a 2-D boolean array with few columns."""
    return kernels.row_any(a)


def row_count(a: np.ndarray) -> np.ndarray:
    """Return ``a.sum(axis=1)`` as int32 for a 2-D boolean array with few columns."""
    return kernels.row_count(a)


def col_count(a: np.ndarray) -> np.ndarray:
    """Return ``a.sum(axis=0)`` for a 2-D boolean array with few columns."""
    return kernels.col_count(a)


def nonzero2(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``np.nonzero(a)`` for a C-contiguous 2-D array, faster than numpy's own."""
    rows, cols = np.divmod(np.flatnonzero(a), a.shape[1])
    return rows, cols
