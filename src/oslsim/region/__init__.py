"""A region (kabupaten / kota) of many kelurahan and desa in one model.

A region file (TOML data, never executed) lists its kelurahan, each built from a site
profile with its own size, poverty and organisations; kin ties across them; one Dinas
Sosial budget and the rule that shares it (:mod:`oslsim.allocation`). The kelurahan are
built one by one and joined into one :class:`~oslsim.state.State` with a kelurahan index
(``state.kel``), so the monthly phases stay vectorised over the whole region.

What differs by kelurahan, and what is regional: a kelurahan's site profile, the region's
``[params]`` and the kelurahan's own ``params`` all shape how it is *built* (its layout,
households, incomes and poverty, solidarity, organisations and memberships, the first
WKSBM). The monthly behaviour (hazards, rates, dues, the poverty line...) follows one set of
parameters, the region's ``[params]`` on the model's defaults: a kabupaten has one poverty
line (BPS counts it per kabupaten/kota) and one Dinas Sosial. Each kelurahan has its own
WKSBM forum, its own forum pool and its own part of the budget.

Outcomes: the region's monthly row (the DESIGN's columns over all households, plus the
inequality of burden across kelurahan, ``burden_gini`` and ``burden_max_min``, and each
kelurahan's burden as ``burden_kel_NN``), and a long table, one row per month and
kelurahan (:meth:`RegionModel.kelurahan_timeseries`).
"""

from __future__ import annotations

from oslsim.region.build import (
    build_region,
    gini,
    kelurahan_outcomes,
)
from oslsim.region.model import (
    RegionModel,
    simulate_region,
)
from oslsim.region.spec import (
    KELURAHAN_COLUMNS,
    KINDS,
    MAX_HOUSEHOLDS,
    Budget,
    Kelurahan,
    Region,
    RegionError,
    is_region,
    load_region,
    parse_region,
    region_names,
)

__all__ = [
    "Budget", "KELURAHAN_COLUMNS", "KINDS", "Kelurahan", "MAX_HOUSEHOLDS", "Region", "RegionError",
    "RegionModel", "build_region", "gini", "is_region", "kelurahan_outcomes", "load_region",
    "parse_region", "region_names", "simulate_region",
]
