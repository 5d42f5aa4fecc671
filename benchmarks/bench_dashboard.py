"""Benchmark: how long one step of a 2,000-household community takes to render on the page.

A thin wrapper over ``python -m oslsim.dashboard.benchmark`` (which owns the measurement);
pass ``--browser`` to time a click in headless Chromium as well. Goals: <= 1 s per step, and
the network picture of 2,000 households <= 150 ms (median).
"""

from __future__ import annotations

import runpy
import sys

if __name__ == "__main__":
    sys.argv[0] = "oslsim.dashboard.benchmark"
    runpy.run_module("oslsim.dashboard.benchmark", run_name="__main__")
