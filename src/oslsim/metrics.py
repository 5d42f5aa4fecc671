"""Outcome columns (a contract, see DESIGN) and the study's logic-model table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from oslsim import kernels
from oslsim.params import Params
from oslsim.pmks import CODES, category_vectors
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


def outcomes(state: State, params: Params) -> dict[str, float]:
    """Measure one month: the DESIGN's outcome columns plus the process indicators."""
    v = category_vectors(params)
    n, m = state.n, state.m
    # The case and membership counts in one compiled pass each (the same integers).
    by_cat, open_by_cat, n_served, n_identified, n_rows = kernels.case_counts(
        state.active, state.served, state.identified)
    n_active = int(by_cat.sum())
    e = state.e
    n_mem, n_attended, n_members = kernels.membership_counts(
        state.mem_active[:e], state.mem_attended[:e], state.mem_hh[:e], n)
    alive = state.alive[:m]
    hh, org = state.members()
    row: dict[str, float] = {
        "month": state.month,
        "burden": float(open_by_cat @ v.severity / n),
        "pmks_prevalence": float(n_rows / n),
    }
    prevalence = by_cat / n
    row.update({f"pmks_{c}": float(prevalence[k]) for k, c in enumerate(CODES)})
    row.update({
        "poverty_rate": float(state.poor.mean()),
        "coverage": float(n_served / n_active) if n_active else 0.0,
        "solidarity": float(state.solidarity.mean()),
        "bonding_capital": bonding_capital(state),
        "bridging_capital": bridging_capital(state, hh, org),
        "linking_capital": linking_capital(state, hh, org),
        "osl_count": int(alive.sum()),
        "wksbm_count": int((alive & state.wksbm[:m]).sum()),
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
        "wksbm_coverage": wksbm_coverage(state),
    })
    return row


def wksbm_coverage(state: State) -> float:
    """Share of households living in an area a living WKSBM covers (the realised dose)."""
    m = state.m
    rows = np.flatnonzero(state.alive[:m] & state.wksbm[:m])
    if rows.size == 0:
        return 0.0
    return float(covered_households(state, rows).mean())


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
