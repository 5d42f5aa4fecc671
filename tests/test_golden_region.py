"""A small region stored before the speed work must come out bit for bit the same after it.

``tests/data/golden_region_900_24_*.parquet`` were written by the model as it stood before the
speed work of issue 16 (item 4): three kelurahan of ``kabupaten_contoh`` (a desa without
WKSBM, a desa with a few, an urban kelurahan with full coverage), scaled to 900 households,
24 months, under the "WKSBM formation first" rule with a formation cost low enough that
formation happens in the run. A change made for speed keeps both tables (the region's
monthly row and the long month x kelurahan table); a change of the model regenerates them on
purpose (see ``regenerate``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from oslsim.region import RegionModel, load_region

DATA = Path(__file__).parent / "data"
GOLDEN_TS = DATA / "golden_region_900_24_timeseries.parquet"
GOLDEN_KEL = DATA / "golden_region_900_24_kelurahan.parquet"
#: Rows of kabupaten_contoh's kelurahan list and the households each gets here.
PICK = {0: 250, 2: 300, 16: 350}


def region():
    """Three kelurahan of the kabupaten, 900 households, the formation-first rule."""
    kab = load_region("kabupaten_contoh")
    kel = tuple(replace(kab.kelurahan[i], households=h) for i, h in PICK.items())
    small = replace(kab, kelurahan=kel, budget=replace(kab.budget, total=None))
    return small.with_rule("wksbm_formation_first", formation_cost=1_000_000.0)


def run() -> tuple[pd.DataFrame, pd.DataFrame]:
    model = RegionModel(region(), rng=11)
    model.run(24)
    return model.timeseries(), model.kelurahan_timeseries()


def regenerate() -> None:  # pragma: no cover - run by hand when the model changes on purpose
    """``python -c "import tests.test_golden_region as g; g.regenerate()"`` after a change."""
    ts, kel = run()
    ts.to_parquet(GOLDEN_TS, index=False)
    kel.to_parquet(GOLDEN_KEL, index=False)


def test_a_stored_region_run_is_repeated_bit_for_bit():
    ts, kel = run()
    pd.testing.assert_frame_equal(ts, pd.read_parquet(GOLDEN_TS), check_exact=True)
    pd.testing.assert_frame_equal(kel, pd.read_parquet(GOLDEN_KEL), check_exact=True)


def test_the_stored_region_exercises_the_formation_rule():
    # The golden is only a guard if the paths it stores ran: WKSBM were formed (the count
    # grows in a kelurahan that started with none) and the budget was spent.
    kel = pd.read_parquet(GOLDEN_KEL)
    first = kel[kel.month == 0].set_index("kelurahan")
    last = kel[kel.month == 24].set_index("kelurahan")
    assert (last.wksbm_count > first.wksbm_count).any()
    assert kel.gov_spending.sum() > 0
