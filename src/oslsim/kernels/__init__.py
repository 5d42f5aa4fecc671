"""Compiled loops (numba) for the phases' hottest array work, the same numbers as numpy's.

Each kernel does in one pass what the phases did in many numpy passes over the
(households x categories) and membership arrays; there is one module per part of the
month. They are written so the results are bit for bit those of the numpy code they
replace: only +, -, *, / and comparisons (IEEE in both), no transcendental functions
(numpy and libm may differ in the last bit; those stay in numpy), and sums taken in the
order numpy's ``bincount`` takes them. Random numbers are never drawn here: the phases
draw them with the run's generator, as before, and pass them in.

Kernels are compiled on first use and cached on disk where numba can write a cache (next
to this file or in the user's cache directory); where it cannot, they are compiled per
process.
"""

from oslsim.kernels.basic import col_count, count_active, masked_sum, org_sum, row_any, row_count
from oslsim.kernels.households import aid_offers, aid_receive, give_step, onset_step
from oslsim.kernels.meetings import meeting_chance, meeting_dues, meeting_ties, over_hours
from oslsim.kernels.networks import mt_words, rewire_blocks
from oslsim.kernels.organisations import dissolve_members, drift_away
from oslsim.kernels.outcomes import case_counts, kel_case_counts, membership_counts
from oslsim.kernels.service import (
    active_cells,
    attended_rows,
    attended_sums,
    deliver_cases,
    first_in_slot,
    first_requests,
    forum_miss,
    greedy_serve,
    identify_cells,
    identify_step,
    open_cases,
    open_in_cells,
    own_request_slots,
    own_requests,
    row_any_open,
    still_open,
    unknown_cells,
    unknown_rows,
)

__all__ = [
    "aid_offers", "aid_receive", "attended_sums", "case_counts", "col_count", "count_active",
    "dissolve_members", "drift_away", "give_step", "identify_step", "kel_case_counts",
    "masked_sum", "meeting_chance", "meeting_dues", "meeting_ties", "membership_counts",
    "mt_words", "onset_step", "open_cases", "org_sum", "over_hours", "own_requests",
    "rewire_blocks", "row_any", "row_any_open", "row_count", "still_open", "unknown_rows",
    "attended_rows", "deliver_cases", "first_in_slot", "first_requests", "greedy_serve",
    "own_request_slots", "active_cells", "open_in_cells",
    "forum_miss", "identify_cells", "unknown_cells",
]
