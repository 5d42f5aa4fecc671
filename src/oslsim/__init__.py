"""oslsim: agent-based simulation of Indonesia's Organisasi Sosial Lokal working as WKSBM."""

from oslsim.experiments import load_results, sweep
from oslsim.model import OSLModel
from oslsim.params import Params
from oslsim.scenarios import Scenario, load_scenario
from oslsim.simulation import RunResult, simulate

__version__ = "0.1.0"

__all__ = ["OSLModel", "Params", "RunResult", "Scenario", "__version__", "load_scenario",
           "load_results", "simulate", "sweep"]
