"""Pattern-oriented calibration: ABC-SMC (pyabc) of assumption parameters against the patterns.

The distance of a run is how far its patterns (:data:`oslsim.patterns.PATTERNS` marked
``calibrate``) lie outside their target intervals, in half-widths; a run with every pattern
inside has distance 0. pyabc's ABC-SMC (Klinger, Rickert & Hasenauer 2018) shrinks the
tolerance generation by generation; a final tolerance of 0 means the last population is a
sample of the *not-ruled-out* space (every calibrated pattern within tolerance), weighted by
the prior. The history is pyabc's SQLite file, so an interrupted calibration resumes; the
pattern table before and after runs through the sweep machinery and its DuckDB store.

The package: :mod:`~oslsim.calibration.config` (what to calibrate, the calibration file),
:mod:`~oslsim.calibration.distance` (pyabc's model and distance), :mod:`~oslsim.calibration.report`
(posterior tables), :mod:`~oslsim.calibration.run` (:func:`calibrate`).
"""

from oslsim.calibration.config import (
    DEFAULT_PARAMETERS,
    FULL,
    HISTORY_NAME,
    PATTERN_KEYS,
    QUICK,
    STORE_NAME,
    TOP_KEYS,
    CalibrationConfig,
    CalibrationError,
    load_config,
    parse_config,
)
from oslsim.calibration.distance import PatternDistance, PatternModel, apply_draw, split_stats
from oslsim.calibration.report import posterior_summary
from oslsim.calibration.run import CalibrationResult, calibrate, measure_table

__all__ = [
    "CalibrationError",
    "CalibrationConfig",
    "CalibrationResult",
    "DEFAULT_PARAMETERS",
    "FULL",
    "HISTORY_NAME",
    "PATTERN_KEYS",
    "PatternDistance",
    "PatternModel",
    "QUICK",
    "STORE_NAME",
    "TOP_KEYS",
    "apply_draw",
    "calibrate",
    "load_config",
    "measure_table",
    "parse_config",
    "posterior_summary",
    "split_stats",
]
