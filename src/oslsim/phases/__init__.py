"""The nine monthly phases of DESIGN, in order; each is ``phase(state, params, rng) -> None``."""

from oslsim.phases.drift import drift
from oslsim.phases.economy import economy
from oslsim.phases.government import government
from oslsim.phases.identification import identification
from oslsim.phases.meetings import meetings
from oslsim.phases.mutual_aid import mutual_aid
from oslsim.phases.onset import onset_recovery
from oslsim.phases.organisation_life import organisation_life
from oslsim.phases.service import service

#: The schedule of one month.
PHASES = (economy, onset_recovery, meetings, identification, service, mutual_aid,
          organisation_life, government, drift)

__all__ = ["PHASES", "economy", "onset_recovery", "meetings", "identification", "service",
           "mutual_aid", "organisation_life", "government", "drift"]
