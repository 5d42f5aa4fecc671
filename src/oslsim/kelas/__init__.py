"""A shared classroom world (``oslsim kelas``): trainees steer OSLs from phones, offline.

:mod:`oslsim.kelas.world` is the session (model, trainees, decisions, log, replay);
:mod:`oslsim.kelas.server` serves the trainer screen (``/``) and the trainee page (``/ikut``).
"""

from oslsim.kelas.world import DECISIONS, EVENTS, KelasWorld, check_decisions, load_log

__all__ = ["DECISIONS", "EVENTS", "KelasWorld", "check_decisions", "load_log"]
