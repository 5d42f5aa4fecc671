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
from oslsim.kernels.households import (
    aid_incoming,
    aid_offers,
    aid_offers_on,
    aid_receive,
    budget_step,
    give_step,
    income_shocks,
    needy_flags,
    neighbour_mean_of,
    onset_exponent,
    onset_step,
)
from oslsim.kernels.meetings import (
    active_memberships,
    arisan_winners,
    attendance_results,
    beyond_hours,
    household_hours,
    meeting_chance,
    meeting_dues,
    meeting_ties,
    over_hours,
    pay_pots,
    pot_rows,
)
from oslsim.kernels.networks import mt_words, rewire_blocks
from oslsim.kernels.organisations import (
    dissolve_count,
    drift_count,
    drift_step,
    memberships_held,
    rt_need,
    seekers,
)
from oslsim.kernels.outcomes import (
    bonding_terms,
    covered_counts,
    household_sums,
    kel_case_counts,
    membership_terms,
    month_counts,
)
from oslsim.kernels.service import (
    active_cells,
    attended_rows,
    deliver_cases,
    first_in_slot,
    forum_miss,
    greedy_serve,
    identify_cells,
    open_cases,
    open_in_cells,
    own_request_slots,
    reset_served,
    still_open,
    unknown_cells,
)

__all__ = [
    "active_cells",
    "active_memberships",
    "aid_incoming",
    "aid_offers",
    "aid_offers_on",
    "aid_receive",
    "arisan_winners",
    "attendance_results",
    "attended_rows",
    "beyond_hours",
    "bonding_terms",
    "budget_step",
    "col_count",
    "count_active",
    "covered_counts",
    "deliver_cases",
    "dissolve_count",
    "drift_count",
    "drift_step",
    "first_in_slot",
    "forum_miss",
    "give_step",
    "greedy_serve",
    "household_hours",
    "household_sums",
    "identify_cells",
    "income_shocks",
    "kel_case_counts",
    "masked_sum",
    "meeting_chance",
    "meeting_dues",
    "meeting_ties",
    "membership_terms",
    "memberships_held",
    "month_counts",
    "mt_words",
    "needy_flags",
    "neighbour_mean_of",
    "onset_exponent",
    "onset_step",
    "open_cases",
    "open_in_cells",
    "org_sum",
    "over_hours",
    "own_request_slots",
    "pay_pots",
    "pot_rows",
    "reset_served",
    "rewire_blocks",
    "row_any",
    "row_count",
    "rt_need",
    "seekers",
    "still_open",
    "unknown_cells",
]
