"""Hand-made communities for the phase tests: a few households built directly as a ``State``.

The phase tests work out their expected values by hand, so everything here is explicit:
household arrays, a symmetric 0/1 network, organisations and memberships, and ``Params``
built from dotted overrides. Households are numbered RT by RT, as the community builder does
(``area_bounds`` relies on it): keep a hand-made RT no larger than ``community.hh_per_rt``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from oslsim.params import Params
from oslsim.pmks import CODES, KINDS, code_index
from oslsim.state import N_CATEGORIES, NATURAL, SCOPE_RT, UNKNOWN, State

__all__ = ["P", "all_categories", "ties", "make_state", "add_org", "add_case", "org_members"]


def P(overrides: Mapping[str, Any] | None = None, households: int = 3) -> Params:
    """Build ``Params`` for a tiny community from dotted overrides."""
    return Params(households=households).with_overrides(overrides or {})


def all_categories(name: str, value: float) -> dict[str, float]:
    """Dotted overrides that set one field of every PMKS category, e.g. ``onset``."""
    return {f"pmks.{code}.{name}": value for code in CODES}


def ties(n: int, edges: Iterable[tuple[int, int]]) -> sp.csr_matrix:
    """A symmetric 0/1 CSR adjacency over ``n`` households from an edge list."""
    pairs = np.array(list(edges), dtype=np.int64).reshape(-1, 2)
    rows = np.r_[pairs[:, 0], pairs[:, 1]]
    cols = np.r_[pairs[:, 1], pairs[:, 0]]
    m = sp.coo_matrix((np.ones(rows.size), (rows, cols)), shape=(n, n)).tocsr()
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def _column(value: Any, n: int, dtype: Any = np.float64) -> np.ndarray:
    return np.array(np.broadcast_to(np.asarray(value, dtype=dtype), (n,)))


def make_state(
    n: int = 3,
    *,
    size: Any = 4.0,
    base_income: Any = 2_000_000.0,
    savings: Any = 1_000_000.0,
    solidarity: Any = 0.5,
    income_rank: Any = None,
    eligible: Any = True,
    edges: Sequence[tuple[int, int]] = ((0, 1), (1, 2)),
    same_rt_edges: Sequence[tuple[int, int]] | None = None,
    rt: Any = 0,
    rw: Any = 0,
    n_rt: int = 1,
    n_rw: int = 1,
) -> State:
    """Build a community of ``n`` households by hand (one RT and one RW unless told).

    ``eligible`` is True (every category), a boolean (n, K) array, or a mapping from a
    category code to the households eligible for it. ``edges`` are all ties; ``same_rt_edges``
    (default: all of them) are the ties inside an RT.
    """
    if isinstance(eligible, Mapping):
        flags = np.zeros((n, N_CATEGORIES), bool)
        for code, rows in eligible.items():
            flags[list(rows), code_index(code)] = True
    else:
        flags = np.array(np.broadcast_to(np.asarray(eligible, bool), (n, N_CATEGORIES)))
    rank = np.linspace(0.2, 0.8, n) if income_rank is None else _column(income_rank, n)
    adjacency = ties(n, edges)
    same_rt = adjacency.copy() if same_rt_edges is None else ties(n, same_rt_edges)
    return State(
        rt=_column(rt, n, np.int32), rw=_column(rw, n, np.int32), size=_column(size, n),
        eligible=flags, base_income=_column(base_income, n), income_rank=rank,
        solidarity=_column(solidarity, n), savings=_column(savings, n),
        adjacency=adjacency, same_rt_tie=same_rt, n_rt=n_rt, n_rw=n_rw,
    )


def add_org(
    state: State,
    kind: str = "pkk",
    *,
    members: Sequence[int] = (),
    origin: int = NATURAL,
    scope: int = SCOPE_RT,
    area: int = 0,
    dues: float = 10_000.0,
    treasury: float = 0.0,
    capacity: float = 0.5,
    accountability: float = 1.0,
    vitality: float = 0.5,
    wksbm: bool = False,
    attendance: int | None = None,
    tie: float = 0.3,
    hours: float = 100.0,
) -> int:
    """Add one organisation with its members; return its row.

    ``attendance`` (what the meetings phase would have counted) defaults to every member;
    ``hours`` are its volunteer hours left for this month's work.
    """
    row = int(state.add_organisations(
        1, kind=KINDS.index(kind), origin=origin, scope=scope, area=area, dues=dues,
        treasury=treasury, capacity=capacity, accountability=accountability,
        vitality=vitality, alive=True, wksbm=wksbm,
    )[0])
    if members:
        state.add_memberships(np.asarray(members), np.full(len(members), row), tie=tie)
    state.n_members[row] = len(members)
    state.attendance[row] = len(members) if attendance is None else attendance
    state.hours[row] = hours
    return row


def add_case(state: State, hh: int, code: str, identified: int = UNKNOWN) -> None:
    """Give household ``hh`` an active condition ``code``, known at level ``identified``."""
    k = code_index(code)
    state.eligible[hh, k] = True
    state.active[hh, k] = True
    state.identified[hh, k] = identified


def org_members(state: State, row: int) -> list[int]:
    """The households with an active membership of organisation ``row``, sorted."""
    hh, org = state.members()
    return sorted(int(h) for h in hh[org == row])
