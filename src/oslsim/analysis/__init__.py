"""Statistics for the hypothesis experiment: dose–response, trend tests, effects, sensitivity.

The study's claim is that the more OSLs work as WKSBM per 1,000 households, the lower the
community's burden. These pure functions take a tidy table with one row per run — columns
``dose`` (WKSBM organisations per 1,000 households), ``replicate`` and an outcome, optionally
``site`` and ``condition`` — and return tables and numbers; the verdict of
:func:`summarise_hypothesis` is computed from those numbers alone.

One module per method, as SALib arranges its analyses: :mod:`~oslsim.analysis.dose_response`,
:mod:`~oslsim.analysis.trend`, :mod:`~oslsim.analysis.effects`,
:mod:`~oslsim.analysis.sensitivity`, :mod:`~oslsim.analysis.verdict`,
:mod:`~oslsim.analysis.replicates` and :mod:`~oslsim.analysis.discovery` (scenario discovery
with EMA Workbench's PRIM: where more coverage helps, does nothing or harms).

Randomness (bootstrap resampling, SALib's confidence intervals) follows SPEC 7: every
function that needs it takes ``rng``, an int or a :class:`numpy.random.Generator`, and never
touches global random state.
"""

from oslsim.analysis._common import DOSE, PAIR_CONTEXT, REPLICATE, VERDICTS
from oslsim.analysis.discovery import ANSWERS, Box, classify, describe, discover
from oslsim.analysis.dose_response import dose_response, saturation_point
from oslsim.analysis.effects import effect_sizes, site_differences
from oslsim.analysis.replicates import cv_by_replicates, replicates_needed, stable_replicates
from oslsim.analysis.sensitivity import morris_indices, sobol_indices
from oslsim.analysis.trend import jonckheere_terpstra, trend_test
from oslsim.analysis.verdict import summarise_hypothesis

__all__ = [
    "dose_response",
    "trend_test",
    "jonckheere_terpstra",
    "effect_sizes",
    "saturation_point",
    "site_differences",
    "sobol_indices",
    "morris_indices",
    "summarise_hypothesis",
    "cv_by_replicates",
    "stable_replicates",
    "replicates_needed",
    "discover",
    "describe",
    "classify",
    "Box",
    "ANSWERS",
    "DOSE",
    "PAIR_CONTEXT",
    "REPLICATE",
    "VERDICTS",
]
