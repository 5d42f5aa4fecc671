"""Outcome columns (a contract, see DESIGN) and the study's logic-model table."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from oslsim import kernels
from oslsim.ahead import in_parallel
from oslsim.params import Params
from oslsim.pmks import CODES, category_vectors, severity_sum
from oslsim.state import SCOPE_KELURAHAN, SCOPE_RT, SCOPE_RW, State

#: The DESIGN's outcome columns, in order.
OUTCOMES: tuple[str, ...] = (
    "month", "burden", "pmks_prevalence", *(f"pmks_{c}" for c in CODES), "poverty_rate",
    "coverage", "solidarity", "bonding_capital", "bridging_capital", "linking_capital",
    "osl_count", "wksbm_count", "gov_spending", "poverty_rate_persons", "funds_raised",
    "funds_pooled", "volunteer_hours", "coordination_hours",
)
#: Process indicators reported beside the outcomes (used by the logic model).
PROCESS: tuple[str, ...] = (
    "membership_rate", "attendance_rate", "capacity_mean", "accountability_mean",
    "treasury_total", "identified_share", "referrals", "gov_spending_total", "rt_fund_total",
    "wksbm_coverage",
)


@dataclass(frozen=True)
class MonthCounts:
    """The month's whole-number counts, per kelurahan (one entry in a plain model).

    Taken once a month (:func:`month_counts`) and shared by the region's columns and the
    kelurahan table; whole numbers, so their sums are numpy's reductions exactly.
    """

    by_cat: np.ndarray  # (kelurahan, category): active cases
    unserved: np.ndarray  # (kelurahan, category): active cases not being served
    n_served: np.ndarray  # cells being served
    n_identified: np.ndarray  # active cases identified
    n_rows: np.ndarray  # households with an active case
    n_poor: np.ndarray  # households below the poverty line
    covered: np.ndarray  # households in an area a living WKSBM covers
    wksbm_rows: np.ndarray  # the living WKSBM, in row order


def month_counts(state: State) -> MonthCounts:
    """Count this month's cases, poor households and WKSBM-covered households per kelurahan."""
    kel_start = np.asarray(state.kel_start, np.int64)
    by_cat, unserved, n_served, n_identified, n_rows, n_poor = kernels.month_counts(
        _bytes(state.active), _bytes(state.served), state.identified, _bytes(state.poor),
        kel_start)
    m = state.m
    rows = np.flatnonzero(state.alive[:m] & state.wksbm[:m])
    return MonthCounts(by_cat, unserved, n_served, n_identified, n_rows, n_poor,
                       _covered_counts(state, rows), rows)


def _bytes(a: np.ndarray) -> np.ndarray:
    """A bool array as its uint8 view (the same 0/1 bytes; the compiled sums run faster)."""
    return a.view(np.uint8) if a.dtype == np.bool_ else a


def outcomes(state: State, params: Params, counts: MonthCounts | None = None,
             ) -> dict[str, float]:
    """Measure one month: the DESIGN's outcome columns plus the process indicators.

    ``counts`` are this month's :func:`month_counts` when the caller has them already.
    """
    v = category_vectors(params)
    n, m = state.n, state.m
    counts = month_counts(state) if counts is None else counts
    by_cat = counts.by_cat.sum(axis=0)
    open_by_cat = counts.unserved.sum(axis=0)
    n_served, n_identified = int(counts.n_served.sum()), int(counts.n_identified.sum())
    n_active = int(by_cat.sum())
    # The membership counts and the bridging and linking terms in one compiled pass.
    n_mem, n_attended, n_members, bridging, linking = _membership_measures(state)
    alive = state.alive[:m]
    row: dict[str, float] = {
        "month": state.month,
        "burden": float(severity_sum(open_by_cat, v.severity) / n),
        "pmks_prevalence": float(int(counts.n_rows.sum()) / n),
    }
    prevalence = by_cat / n
    row.update({f"pmks_{c}": float(prevalence[k]) for k, c in enumerate(CODES)})
    row.update({
        "poverty_rate": float(int(counts.n_poor.sum()) / n),
        "coverage": float(n_served / n_active) if n_active else 0.0,
        "solidarity": float(state.solidarity.mean()),
        "bonding_capital": _bonding(state),
        "bridging_capital": bridging,
        "linking_capital": linking,
        "osl_count": int(alive.sum()),
        "wksbm_count": int(counts.wksbm_rows.size),
        "gov_spending": float(state.gov_spending),
        # persons are whole numbers, so any order of summing gives the same exact total; not
        # a BLAS dot: OpenBLAS would start its threads, which then spin on the shared cores
        "poverty_rate_persons": float(kernels.masked_sum(state.size, state.poor)
                                      / state.size.sum()),
        "funds_raised": float(state.funds_raised),
        "funds_pooled": float(state.funds_pooled),
        "volunteer_hours": float(state.volunteer_hours),
        "coordination_hours": float(state.coordination_hours),
        "membership_rate": float(n_members / n),
        "attendance_rate": float(n_attended / n_mem) if n_mem else 0.0,
        "capacity_mean": float(state.capacity[:m][alive].mean()) if alive.any() else 0.0,
        "accountability_mean": float(state.accountability[:m][alive].mean())
        if alive.any() else 0.0,
        "treasury_total": float(state.treasury[:m][alive].sum()),
        "identified_share": float(n_identified / n_active) if n_active else 0.0,
        "referrals": int(state.referrals),
        "gov_spending_total": float(state.gov_spending_total),
        "rt_fund_total": float(state.rt_fund.sum()),
        "wksbm_coverage": (float(int(counts.covered.sum()) / n) if counts.wksbm_rows.size else 0.0),
    })
    return row


def kelurahan_columns(state: State, params: Params, counts: MonthCounts | None = None,
                      ) -> dict[str, np.ndarray]:
    """This month's outcomes of each kelurahan, as :func:`oslsim.region.kelurahan_outcomes`.

    The same numbers, from the month's shared :func:`month_counts`.
    """
    v = category_vectors(params)
    counts = month_counts(state) if counts is None else counts
    starts = state.kel_start[:-1]
    n_k = np.diff(state.kel_start).astype(np.float64)
    burden = severity_sum(counts.unserved, v.severity) / n_k
    n_active = counts.by_cat.sum(axis=1).astype(np.float64)
    n_served = counts.n_served.astype(np.float64)
    living = np.flatnonzero(state.alive[: state.m])
    return {
        "households": n_k,
        "burden": burden,
        "pmks_prevalence": counts.n_rows / n_k,
        "poverty_rate": counts.n_poor / n_k,
        "coverage": np.where(n_active > 0, n_served / np.maximum(n_active, 1), 0.0),
        "solidarity": np.add.reduceat(state.solidarity, starts) / n_k,
        "osl_count": np.bincount(state.org_kelurahan(living), minlength=state.n_kel
                                 ).astype(np.float64),
        "wksbm_count": np.bincount(state.org_kelurahan(counts.wksbm_rows), minlength=state.n_kel
                                   ).astype(np.float64),
        "wksbm_coverage": counts.covered / n_k,
        "budget": (np.zeros(state.n_kel) if state.kel_budget is None
                   else state.kel_budget.copy()),
        "gov_spending": state.kel_spending.copy(),
    }


def _membership_measures(state: State) -> tuple[int, int, int, float, float]:
    """Active and attended memberships, members, and the bridging and linking capital.

    The numbers of :func:`bridging_capital` and :func:`linking_capital` (the definitions):
    the terms from one compiled pass, ``log1p`` and ``exp`` in numpy, the per-household
    sums in membership order as ``numpy.bincount`` takes them.
    """
    e, n = state.e, state.n
    act = state.mem_active[:e]
    linking = bool(state.gov_active and state.gov_mode != "none")
    n_mem, n_attended, n_members, bridge, link, link_hh = kernels.membership_terms(
        act, state.mem_attended[:e], state.mem_hh[:e], state.mem_org[:e], state.mem_tie[:e],
        _cross_share_of(state, np.arange(state.m)), state.wksbm, n, linking)
    if n_mem == 0:
        return 0, 0, 0, 0.0, 0.0
    miss = kernels.household_sums(act, state.mem_hh[:e], _log1p(bridge), n)
    bridging = float((1.0 - np.exp(miss)).mean())
    if not linking:
        return n_mem, n_attended, n_members, bridging, 0.0
    miss = np.bincount(link_hh, weights=_log1p(link), minlength=n)
    return n_mem, n_attended, n_members, bridging, float((1.0 - np.exp(miss)).mean())


def _log1p(x: np.ndarray) -> np.ndarray:
    """``np.log1p(x)``, its two halves on two threads (numpy releases the GIL; same numbers)."""
    out = np.empty_like(x)
    half = x.size // 2
    in_parallel(lambda: np.log1p(x[:half], out=out[:half]),
                lambda: np.log1p(x[half:], out=out[half:]), x.size)
    return out


def _bonding(state: State) -> float:
    """:func:`bonding_capital` in one compiled pass over the RT ties (the same number)."""
    t = state.same_rt_tie
    if getattr(t, "format", None) != "csr":
        return bonding_capital(state)
    return float(kernels.bonding_terms(t.indptr, t.indices, t.data, state.solidarity,
                                       state.degree_rt, state.unit_rt_ties).mean())


def wksbm_coverage(state: State) -> float:
    """Share of households living in an area a living WKSBM covers (the realised dose)."""
    m = state.m
    rows = np.flatnonzero(state.alive[:m] & state.wksbm[:m])
    if rows.size == 0:
        return 0.0
    return float(int(_covered_counts(state, rows).sum()) / state.n)


def _covered_counts(state: State, rows: np.ndarray) -> np.ndarray:
    """Households per kelurahan in an area one of the organisations ``rows`` covers."""
    rt_cov, rw_cov, kel_cov = _covered_areas(state, rows)
    return kernels.covered_counts(state.rt, state.rw, state.kel, rt_cov, rw_cov, kel_cov,
                                  np.asarray(state.kel_start, np.int64))


def _covered_areas(state: State, rows: np.ndarray) -> tuple[np.ndarray, ...]:
    scope = state.scope[rows]
    rt_cov = np.zeros(state.n_rt, bool)
    rt_cov[state.area[rows[scope == SCOPE_RT]]] = True
    rw_cov = np.zeros(state.n_rw, bool)
    rw_cov[state.area[rows[scope == SCOPE_RW]]] = True
    kel_cov = np.zeros(state.n_kel, bool)
    kel_cov[state.area[rows[scope == SCOPE_KELURAHAN]]] = True
    return rt_cov, rw_cov, kel_cov


def covered_households(state: State, rows: np.ndarray) -> np.ndarray:
    """Which households live in an area one of the organisations ``rows`` covers."""
    at_kel = state.scope[rows] == SCOPE_KELURAHAN
    if state.n_kel == 1 and at_kel.any():
        return np.ones(state.n, bool)
    rt_cov = np.zeros(state.n_rt, bool)
    rt_cov[state.area[rows[state.scope[rows] == SCOPE_RT]]] = True
    rw_cov = np.zeros(state.n_rw, bool)
    rw_cov[state.area[rows[state.scope[rows] == SCOPE_RW]]] = True
    kel_cov = np.zeros(state.n_kel, bool)
    kel_cov[state.area[rows[at_kel]]] = True
    return rt_cov[state.rt] | rw_cov[state.rw] | kel_cov[state.kel]


def bonding_capital(state: State) -> float:
    """Mean of ``s_i * mean(s_j)`` over each household's ties inside its RT (0-1)."""
    s = state.solidarity
    nb = state.same_rt_tie @ s
    mean_nb = np.where(state.degree_rt > 0, nb / np.maximum(state.degree_rt, 1), 0.0)
    return float((s * mean_nb).mean())


def _cross_share(state: State, org: np.ndarray) -> np.ndarray:
    """Expected share of an organisation's members living in another RT than a given member."""
    # Worked out once per organisation, then read per membership (the same numbers).
    return _cross_share_of(state, np.arange(state.m))[org]


def _cross_share_of(state: State, org: np.ndarray) -> np.ndarray:
    scope = state.scope[org]
    if state.n_kel == 1:
        rts_in_rw: int | np.ndarray = min(state.rt_per_rw, state.n_rt)
        rts_in_kel: int | np.ndarray = state.n_rt
    else:  # in a region each RW and kelurahan has its own number of RT
        area = state.area[org]
        rts_in_rw = np.bincount(state.rt_rw, minlength=state.n_rw)[
            np.where(scope == SCOPE_RW, area, 0)]
        rts_in_kel = np.bincount(state.rt_kel, minlength=state.n_kel)[
            np.where(scope == SCOPE_KELURAHAN, area, 0)]
    covered = np.select([scope == SCOPE_RT, scope == SCOPE_RW, scope == SCOPE_KELURAHAN],
                        [1, rts_in_rw, rts_in_kel])
    return 1.0 - 1.0 / np.maximum(covered, 1)


def bridging_capital(state: State, hh: np.ndarray, org: np.ndarray) -> float:
    """Mean over households of ``1 - prod(1 - tie * cross-RT share)`` over their memberships."""
    if hh.size == 0:
        return 0.0
    tie = state.mem_tie[: state.e][state.mem_active[: state.e]]
    miss = np.log1p(-np.clip(tie * _cross_share(state, org), 0.0, 1.0 - 1e-12))
    return float((1.0 - np.exp(np.bincount(hh, weights=miss, minlength=state.n))).mean())


def linking_capital(state: State, hh: np.ndarray, org: np.ndarray) -> float:
    """Mean over households of their tie to government through WKSBM memberships (0-1)."""
    if hh.size == 0 or not state.gov_active or state.gov_mode == "none":
        return 0.0
    tie = state.mem_tie[: state.e][state.mem_active[: state.e]]
    wk = state.wksbm[org]
    miss = np.log1p(-np.clip(tie[wk], 0.0, 1.0 - 1e-12))
    return float((1.0 - np.exp(np.bincount(hh[wk], weights=miss, minlength=state.n))).mean())


#: The study's logic model (section IV.8): stage, indicator column, the study's item.
LOGIC_MODEL: tuple[tuple[str, str, str, str], ...] = (
    ("MASUKAN", "solidarity", "Modal sosial: kebersamaan, komitmen",
     "Social capital: togetherness"),
    ("MASUKAN", "osl_count", "Modal sosial: KPS", "Social institutions (KPS)"),
    ("MASUKAN", "bonding_capital", "Modal sosial: jaringan kerja", "Networks (bonding)"),
    ("MASUKAN", "capacity_mean", "Inisiator: pengurus", "Initiators: the pengurus' skill"),
    ("MASUKAN", "treasury_total", "Kearifan sosial: sumber daya dan dana",
     "Local resources and funds (Rp)"),
    ("MASUKAN", "gov_spending_total", "Inisiator: instansi pemda",
     "Local government support to date (Rp)"),
    ("PROSES", "attendance_rate", "Pertemuan rutin dan musyawarah", "Routine meetings"),
    ("PROSES", "identified_share", "Identifikasi masalah sosial", "Identifying social problems"),
    ("PROSES", "membership_rate", "Melibatkan semua anggota", "Involving all residents"),
    ("PROSES", "accountability_mean", "Tertib administrasi dan keuangan",
     "Orderly administration and finance"),
    ("KELUARAN", "wksbm_count", "Peningkatan perkembangan WKSBM", "Growth of WKSBM"),
    ("KELUARAN", "coverage", "Pengentasan PMKS", "PMKS cases served"),
    ("KELUARAN", "referrals", "Wadah pengkajian kasus sosial", "Cases referred onward"),
    ("DAMPAK", "burden", "Berkurangnya masalah sosial", "Fewer social problems (burden)"),
    ("DAMPAK", "pmks_prevalence", "Berkurangnya masalah sosial (prevalensi PMKS)",
     "PMKS prevalence"),
    ("DAMPAK", "linking_capital", "Membantu pemerintah dalam UKS",
     "Linking to government"),
    ("HASIL", "solidarity", "Meningkatnya solidaritas sosial", "Rising social solidarity"),
    ("HASIL", "bridging_capital", "Meningkatnya kegotongroyongan persaudaraan",
     "Bridging ties across RT"),
    ("HASIL", "poverty_rate", "Terentasnya masalah sosial lokal (kemiskinan)",
     "Local problems resolved (poverty)"),
)


def logic_model(timeseries: pd.DataFrame) -> pd.DataFrame:
    """Fill the study's MASUKAN / PROSES / KELUARAN / DAMPAK / HASIL table: start vs now."""
    start, now = timeseries.iloc[0], timeseries.iloc[-1]
    rows = [
        {"stage": stage, "indicator": col, "item_id": item_id, "item_en": item_en,
         "start": float(start[col]), "now": float(now[col]),
         "change": float(now[col] - start[col])}
        for stage, col, item_id, item_en in LOGIC_MODEL
    ]
    return pd.DataFrame(rows)
