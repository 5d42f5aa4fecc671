"""The teaching page on a region: the whole region runs, the page shows one kelurahan.

Design: a region (``kabupaten_contoh``, ``kota_contoh`` or a region file) is built and run
whole, month by month, so its Dinas Sosial budget rule shares the money among all its
kelurahan as in ``oslsim run``. After each month the page takes the chosen kelurahan out of
the region's arrays (:func:`oslsim.region.split.kelurahan_state`) and measures it with the
single kelurahan's outcome formulas; the plots, the logic model, the network picture, the
stories and the summary are that kelurahan's. Without a choice the page shows the first
kelurahan and says so; the selector on the page (or ``oslsim serve --kelurahan``) picks
another, which builds the region again from month 0 (the same seed gives the same region).

The WKSBM lever sets the shown kelurahan's own WKSBM coverage (each kelurahan has its own);
every other lever sets the region's parameter, for all kelurahan (one Dinas Sosial, one set
of monthly rules). A lever left where the page put it changes nothing, so the kelurahan keep
their own make-up from the region file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from oslsim.dashboard.levers import LEVERS, lever_values, overrides_from
from oslsim.errors import InputError

if TYPE_CHECKING:
    from oslsim.dashboard.run import DashboardRun
    from oslsim.region import Region

__all__ = ["KELURAHAN_LEVERS", "kelurahan_choices", "region_lever_values", "resolve_kelurahan",
           "start_region", "view_row"]

#: Levers that set the shown kelurahan's own parameter; the others are the region's.
KELURAHAN_LEVERS = ("wksbm",)


def resolve_kelurahan(region: Region, given: str | int | None) -> int:
    """The 0-based index of a kelurahan given by name or number (from 1); 0 when None.

    Raises :class:`oslsim.errors.InputError` (one line listing the names) when there is
    no such kelurahan.
    """
    names = [k.name for k in region.kelurahan]
    if given is None:
        return 0
    if isinstance(given, int) and not isinstance(given, bool):
        if 0 <= given < len(names):
            return given
    else:
        text = str(given).strip()
        if text in names:
            return names.index(text)
        folded = [n.casefold() for n in names]
        if text.casefold() in folded:
            return folded.index(text.casefold())
        if text.isdigit() and 1 <= int(text) <= len(names):
            return int(text) - 1
    raise InputError(f"--kelurahan {given!r}: {region.name} has no such kelurahan; use a number "
                     f"from 1 to {len(names)} or one of: {', '.join(names)}")


def kelurahan_choices(region: Region) -> list[tuple[int, str, int]]:
    """The region's kelurahan as ``(index, name, households)``, in file order."""
    return [(i, k.name, k.households) for i, k in enumerate(region.kelurahan)]


def region_lever_values(region: Region, k: int) -> dict[str, Any]:
    """The levers' starting values on kelurahan ``k``: its own WKSBM, the region's others."""
    values = lever_values(region.build_params())
    own = lever_values(region.kelurahan_params(k))
    values.update({key: own[key] for key in KELURAHAN_LEVERS})
    return values


def _split_levers(region: Region, k: int, levers: dict[str, Any],
                  ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The moved levers as (kelurahan ``k``'s own overrides, the region's overrides)."""
    start = region_lever_values(region, k)
    moved = {key: v for key, v in levers.items()
             if key in start and v != start[key] and key in {lv.key for lv in LEVERS}}
    own = overrides_from({key: v for key, v in moved.items() if key in KELURAHAN_LEVERS})
    regional = overrides_from({key: v for key, v in moved.items()
                               if key not in KELURAHAN_LEVERS})
    return own, regional


def start_region(run: DashboardRun) -> None:
    """Build (and, when asked, warm-start) the region of ``run.settings``; show one kelurahan."""
    from oslsim.dashboard.run import household_layout, sample_rows
    from oslsim.region import RegionModel
    from oslsim.warmup import WARMUP_DEFAULTS

    region: Region = run.scenario
    settings = run.settings
    k = resolve_kelurahan(region, settings.kelurahan)
    own, regional = _split_levers(region, k, dict(settings.levers))
    if own:
        region = region.with_kelurahan_params(k, own)
    seed = int(settings.seed)
    if settings.warmup:
        from oslsim.region.warm import warm_start_region

        model, warm = warm_start_region(region, seed, overrides=regional, **WARMUP_DEFAULTS)
        run.warmup_months = warm.months
    else:
        model, run.warmup_months = RegionModel(region, rng=seed, overrides=regional), None
    region.install(model)
    run.model, run.region, run.kelurahan = model, region, k
    run.params = model.params
    run.months = int(region.months)
    st = model.state
    lo, hi = int(st.kel_start[k]), int(st.kel_start[k + 1])
    run.first_row, run.end_row = lo, hi
    #: The kelurahan's own RT per RW (its site's), for its map and its RT numbers.
    run.rt_per_rw = int(region.kelurahan_params(k).community.rt_per_rw)
    rt0, rw0 = int(st.rt[lo]), int(st.rw[lo])
    run.positions = np.zeros((st.n, 2))
    run.positions[lo:hi] = household_layout(st.rt[lo:hi] - rt0, st.rw[lo:hi] - rw0,
                                            run.rt_per_rw)
    run.shown = lo + sample_rows(hi - lo)
    run._spent_total = 0.0
    run._view_rows = [view_row(run)]


def view_row(run: DashboardRun) -> dict[str, float]:
    """This month's row of the shown kelurahan: its outcomes and the page's extra columns.

    ``gov_spending_total`` adds up the kelurahan's own government spending month by month.
    """
    from oslsim.dashboard.run import _extras
    from oslsim.region.split import kelurahan_row, kelurahan_state

    st = run.model.state
    sub = kelurahan_state(st, run.kelurahan, run.rt_per_rw)
    row = kelurahan_row(st, run.params, run.kelurahan, run.rt_per_rw, sub)
    if st.month > 0:
        run._spent_total += row["gov_spending"]
    row["gov_spending_total"] = run._spent_total
    row.update(_extras(sub))
    return row
