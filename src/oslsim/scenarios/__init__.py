"""Scenarios: the study's sites and recommendations as runnable, editable TOML files.

``load_scenario(name_or_path)`` reads a built-in (``oslsim scenarios list``) or a user's
file and validates it; :data:`ACTIONS` is the registry of dated interventions.
"""

from oslsim.scenarios.actions import ACTIONS, Action, Arg
from oslsim.scenarios.loader import (
    DEFAULT_MONTHS,
    MAX_MONTHS,
    RECOMMENDATIONS,
    SITES,
    Intervention,
    Scenario,
    ScenarioError,
    builtin_names,
    list_scenarios,
    load_scenario,
    parse_scenario,
    parse_scenario_text,
)

__all__ = ["ACTIONS", "Action", "Arg", "DEFAULT_MONTHS", "MAX_MONTHS", "RECOMMENDATIONS", "SITES",
           "Intervention", "Scenario", "ScenarioError", "builtin_names", "list_scenarios",
           "load_scenario", "parse_scenario", "parse_scenario_text"]
