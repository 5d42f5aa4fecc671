"""A region's warm start: burn in at WKSBM coverage 0 until burden is stationary, then run.

As for one kelurahan (:mod:`oslsim.warmup`), the burn-in holds WKSBM coverage at 0 and
nobody joins the forum, running a year at a time until the yearly mean burden of the whole
region has stopped moving. During the burn-in the Dinas Sosial budget is shared per
household (no formation fund), so the burn-in does not depend on the allocation rule: with
common random numbers every rule of a seed starts from the same warmed region, and a process
keeps the last burn-ins (:data:`oslsim.warmup.CACHE_HOUSEHOLDS`) to start the next rule from
a copy. Then each kelurahan gets the WKSBM its own parameters ask for (its own
``wksbm_coverage`` of its RW), the region's rule shares the budget, and month 0 starts.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from oslsim.founding import assign_wksbm
from oslsim.region.model import RegionModel, with_formation
from oslsim.region.spec import Region, RegionError
from oslsim.warmup import BURN_IN, WarmUp, _burn_ins, _remember, burn_in, check_settings

__all__ = ["BURN_IN_RULE", "begin_region_measurement", "warm_start_region"]

#: How the budget is shared during the burn-in (no rule of its own, no formation fund).
BURN_IN_RULE = "equal_per_household"


def warm_start_region(region: Region, rng: Any = None, *,
                      overrides: Mapping[str, Any] | None = None, max_months: int = 360,
                      tolerance: float = 0.01) -> tuple[RegionModel, WarmUp]:
    """Build a region, burn it in without WKSBM until stationary, then start its measured run.

    Returns the model at month 0 of the measured period (the burn-in's region rows in
    ``model.warmup_timeseries()``, its long table in ``model.warmup_kelurahan``) and how the
    burn-in went. Raises :class:`RegionError` for a bad ``max_months`` or ``tolerance``.
    """
    try:
        check_settings(max_months, tolerance)
    except ValueError as exc:
        raise RegionError(f"{region.source}: {exc}") from None
    overrides = dict(overrides or {})
    burn = replace(region.with_rule(BURN_IN_RULE), interventions=())  # those come after
    key = _cache_key(burn, overrides, rng, max_months, tolerance)
    if key is not None and key in _burn_ins:
        _burn_ins.move_to_end(key)
        cached, ok, slope = _burn_ins[key]
        model = copy.deepcopy(cached)
    else:
        model = RegionModel(burn, rng=rng, overrides={**overrides, **BURN_IN})
        ok, slope = burn_in(model, max_months, tolerance)
        if key is not None:
            _remember(key, model, ok, slope)
    begin_region_measurement(model, region, overrides)
    return model, WarmUp(months=len(model.warmup_timeseries()) - 1, stationary=ok, slope=slope,
                         tolerance=tolerance)


def begin_region_measurement(model: RegionModel, region: Region,
                             overrides: Mapping[str, Any] | None = None) -> None:
    """Start the measured period of a burned-in region: its dose, its rule, month 0.

    Each kelurahan's WKSBM are chosen among its living organisations by its own parameters
    (:func:`oslsim.founding.assign_wksbm` on its RW), the region's monthly parameters and
    allocation rule take over (the budget is shared again by that rule), and the rows so far
    move to the burn-in's tables.
    """
    st = model.state
    params = region.build_params(overrides)
    before, after = model.params.to_dict(), params.to_dict()
    model._params = params  # the dose; BUILD_ONLY keys change only here, before month 0
    for i in range(st.n_kel):
        assign_wksbm(st, region.kelurahan_params(i, overrides), model.rng,
                     rws=np.flatnonzero(st.rw_kel == i))
    model.region = region
    model.phases = with_formation(tuple(p for p in model.phases if not _is_formation(p)),
                                  region.budget)
    model.allocate()
    warm_kel = model.kelurahan_timeseries()
    warm_kel["month"] -= st.month  # months counted back from 0, as the region's rows
    model.warmup_kelurahan = warm_kel
    model._kel_rows = []
    model.begin_measurement(None)  # rows to the burn-in, month 0, records month 0's row
    model.param_changes += [{"month": 0, "path": k, "old": before[k], "new": after[k]}
                            for k in after if after[k] != before[k]]


def _is_formation(phase: Any) -> bool:
    from oslsim.allocation import form_wksbm

    return getattr(phase, "func", None) is form_wksbm


def _cache_key(burn: Region, overrides: Mapping[str, Any], rng: Any, max_months: int,
               tolerance: float) -> tuple | None:
    """What makes two region burn-ins the same; None unless the seed is a plain integer."""
    if isinstance(rng, bool) or not isinstance(rng, (int, np.integer)):
        return None
    return (RegionModel, repr(burn.to_dict()), burn.source, repr(sorted(overrides.items())),
            int(rng), max_months, float(tolerance))
