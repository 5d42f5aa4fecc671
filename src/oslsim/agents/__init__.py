"""Mesa agents: households and organisations are views onto the model's arrays."""

from oslsim.agents.government import LocalGovernment
from oslsim.agents.household import Household
from oslsim.agents.organisation import Organisation

__all__ = ["Household", "Organisation", "LocalGovernment"]
