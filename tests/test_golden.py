"""A small run stored before a refactor must come out bit for bit the same after it.

``tests/data/golden_diklat_400_24.parquet`` was written by the model as it stood after the
second wave's mechanisms (issue 9), before the run-time pieces moved out of the community
builder (issue 17). A refactor that keeps behaviour keeps this table; a change of the model
regenerates it on purpose (see the docstring of ``regenerate``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import oslsim

GOLDEN = Path(__file__).parent / "data" / "golden_diklat_400_24.parquet"


def run() -> pd.DataFrame:
    return oslsim.simulate("diklat_pdps", months=24, rng=5, overrides={
        "households": 400, "organisations.wksbm_coverage": 1.0}).timeseries


def regenerate() -> None:  # pragma: no cover - run by hand when the model changes on purpose
    """``python -c "import tests.test_golden as g; g.regenerate()"`` after a deliberate change."""
    run().to_parquet(GOLDEN, index=False)


def test_a_stored_run_is_repeated_bit_for_bit():
    pd.testing.assert_frame_equal(run(), pd.read_parquet(GOLDEN), check_exact=True)
