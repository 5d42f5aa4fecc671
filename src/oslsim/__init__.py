"""oslsim: agent-based simulation of Indonesia's Organisasi Sosial Lokal working as WKSBM."""

import multiprocessing as _mp

# Mesa 3.3's package import runs ``mesa.batchrunner``, which forces the whole process's
# start method to "spawn" (mesa/batchrunner.py, set_start_method(..., force=True)). That slows
# other libraries' pools (EMA Workbench) and breaks them in notebooks, so the method in force
# before Mesa was imported is put back. ``None`` (not chosen yet) is restored as ``None``.
_start_method = _mp.get_start_method(allow_none=True)
import mesa  # noqa: E402, F401 - imported here, once, so the start method can be restored

_mp.set_start_method(_start_method, force=True)
del _start_method

from oslsim.experiments import load_results, sweep  # noqa: E402
from oslsim.model import OSLModel  # noqa: E402
from oslsim.params import Params  # noqa: E402
from oslsim.scenarios import Scenario, load_scenario  # noqa: E402
from oslsim.simulation import RunResult, simulate  # noqa: E402

__version__ = "0.1.0"

__all__ = ["OSLModel", "Params", "RunResult", "Scenario", "__version__", "load_scenario",
           "load_results", "simulate", "sweep"]
