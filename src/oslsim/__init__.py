"""oslsim: agent-based simulation of Indonesia's Organisasi Sosial Lokal working as WKSBM."""

from oslsim.model import OSLModel
from oslsim.params import Params

__version__ = "0.1.0"

__all__ = ["OSLModel", "Params", "__version__"]
