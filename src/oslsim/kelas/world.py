"""The shared classroom world: one model run, one seed, each trainee the pengurus of one OSL.

:class:`KelasWorld` holds one :class:`~oslsim.dashboard.run.DashboardRun` (the teaching
page's model wrapper, so the trainer screen draws the same network), the trainees and their
OSL rows, and the session log. Decisions reach the model only through a before-hook that
writes the trainee's own row of the organisation arrays (``dues``, ``wksbm``,
``forum_share``, ``outreach_share``, ``service_share``) and, when the trainer offers Diklat,
calls :func:`oslsim.phases.government.train` on that row. The OSLs without a trainee follow
the model's own rules. Replaying the log on a fresh world with the same seed gives the same
months, bit for bit.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from oslsim.dashboard.run import DashboardRun, Settings
from oslsim.errors import InputError
from oslsim.params import param_info
from oslsim.phases.government import train
from oslsim.scenarios import load_scenario
from oslsim.seeds import fresh_seed

__all__ = ["DECISIONS", "EVENTS", "KelasWorld", "LOG_FORMAT", "MAX_TRAINEES",
           "ROUND_MONTHS", "check_decisions", "load_log"]

#: The log file's format tag and version.
LOG_FORMAT, LOG_VERSION = "oslsim-kelas", 1
#: Months in a round: the trainer chooses within this range.
ROUND_MONTHS = (1, 24)
#: Most trainees in one session (a Balai Diklat class is 30-40).
MAX_TRAINEES = 60
#: The trainer's economic shock: the globalisation_shock scenario's loss and reach, for a round.
SHOCK_LOSS, SHOCK_REACH = 0.25, 0.4


def _range(path: str) -> tuple[float, float]:
    info = param_info(path)
    return float(info.low), float(info.high)


#: What a trainee decides, with the server's bounds: each number lies in the range of the
#: parameter it stands for (dues: a kind's ``dues``; the treasury share:
#: ``organisations.service_budget_share``); hour shares are of the pengurus' volunteer hours.
DECISIONS: dict[str, dict[str, Any]] = {
    "dues": {"type": "number", "range": _range("kinds.arisan.dues"), "unit": "Rp/anggota/bulan"},
    "forum": {"type": "bool"},
    "forum_share": {"type": "number", "range": (0.0, 1.0), "unit": "bagian jam pengurus"},
    "outreach_share": {"type": "number", "range": (0.0, 1.0), "unit": "bagian jam pengurus"},
    "service_share": {"type": "number", "range": _range("organisations.service_budget_share"),
                      "unit": "bagian kas per bulan"},
    "diklat": {"type": "bool"},
}
#: What the trainer may announce for the next round.
EVENTS = ("guncangan", "mundur", "kembali", "diklat")
EVENT_NAMES = {"guncangan": "Guncangan ekonomi", "mundur": "Pemerintah mundur",
               "kembali": "Pemerintah kembali mendukung", "diklat": "Diklat ditawarkan"}


def check_decisions(data: Any) -> dict[str, Any]:
    """Validate a trainee's decisions; raise ``ValueError`` (one line) naming key and range.

    Unknown keys, wrong types, values outside the range and hour shares that add up to more
    than all the hours are refused, never clipped, so a trainee sees what was not allowed.
    """
    if not isinstance(data, Mapping):
        raise ValueError("keputusan harus berupa objek JSON (decisions must be a JSON object)")
    out: dict[str, Any] = {}
    for key, value in data.items():
        spec = DECISIONS.get(key)
        if spec is None:
            raise ValueError(f"{key}: tidak dikenal; pilih dari {', '.join(DECISIONS)}")
        if spec["type"] == "bool":
            if not isinstance(value, bool):
                raise ValueError(f"{key}: harus true atau false, bukan {value!r}")
            out[key] = value
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value):
            raise ValueError(f"{key}: harus angka, bukan {value!r}")
        low, high = spec["range"]
        if not low <= value <= high:
            raise ValueError(f"{key}: {value} di luar rentang [{low:g}, {high:g}]")
        out[key] = float(value)
    if out.get("forum_share", 0.0) + out.get("outreach_share", 0.0) > 1.0 + 1e-9:
        raise ValueError("forum_share + outreach_share: lebih dari seluruh jam pengurus (maks 1)")
    return out


@dataclass
class Trainee:
    """One trainee: a name, the OSL row they steer, their secret token, when they joined."""

    name: str
    row: int
    token: str = field(repr=False)
    joined_round: int = 0


class KelasWorld:
    """One classroom session: the model, trainees, decisions, trainer events and the log.

    Parameters
    ----------
    site : str
        Built-in site or scenario name, or a scenario file.
    seed : int, optional
        The run's seed; drawn and recorded when not given.
    households : int, optional
        Households in the kelurahan; default the site's.
    round_months : int
        Months in a round (the trainer can change it between rounds).
    code : str, optional
        The 4-digit session code; drawn when not given.
    log_path : path, optional
        Where the session log is saved after every change (JSON); nothing saved when None.
    warmup : bool
        Start from a warmed-up community (burn-in until burden is stationary, as the
        hypothesis experiment does), so what trainees see follows their choices rather than
        the first years' settling; False starts at month 0 of a new community.
    """

    def __init__(self, site: str = "surosutan", seed: int | None = None,
                 households: int | None = None, round_months: int = 12,
                 code: str | None = None, log_path: str | Path | None = None,
                 warmup: bool = True) -> None:
        try:
            sc = load_scenario(site)
        except ValueError as exc:
            raise InputError(f"--site: {' '.join(str(exc).split())}") from None
        self.site = site
        self.seed = int(fresh_seed() if seed is None else seed)
        self.households = int(households or sc.build_params().households)
        self.round_months = self._check_months(round_months)
        self.code = code or f"{secrets.randbelow(9000) + 1000}"
        self.trainer_key = secrets.token_urlsafe(12)
        self.log_path = Path(log_path) if log_path is not None else None
        self.warmup = bool(warmup)
        self.run = DashboardRun(Settings(scenario=site, households=self.households,
                                         seed=self.seed, warmup=self.warmup))
        self.model = self.run.model
        self.lock = self.run.lock
        #: Guards what trainees and the trainer send between rounds, so they never wait for one.
        self.plock = threading.Lock()
        self.trainees: dict[str, Trainee] = {}  # by token
        self.by_row: dict[int, Trainee] = {}
        self.in_force: dict[int, dict[str, Any]] = {}
        self.pending: dict[int, dict[str, Any]] = {}
        self.pending_events: list[str] = []
        self.rounds: list[dict[str, Any]] = []
        self.debrief: list[dict[str, Any]] = []
        self.round = 0
        self.started = False
        self.last_round_seconds: float | None = None
        self._round: dict[str, Any] | None = None
        self._round_start = 0
        self._shock_rows: np.ndarray | None = None
        self._served: dict[int, int] = {}
        self.model.add_hook(self._before)
        self.model.add_hook(self._after, when="after")
        self.snapshot = self._snapshot()

    # ------------------------------------------------------------------ setup
    @staticmethod
    def _check_months(months: Any) -> int:
        low, high = ROUND_MONTHS
        if isinstance(months, bool) or not isinstance(months, int) or not low <= months <= high:
            raise InputError(f"--months {months!r}: bulan per ronde harus bilangan bulat "
                             f"{low}-{high} (months per round: a whole number from {low} "
                             f"to {high})")
        return months

    def set_round_months(self, months: Any) -> None:
        """Change the months of the next rounds."""
        with self.lock:
            self.round_months = self._check_months(months)
            self.snapshot = self._snapshot()

    def free_osls(self) -> list[int]:
        """Rows of the living OSLs nobody steers, WKSBM members first."""
        taken = set(self.by_row)
        return [r for r in self.run.organisation_rows() if r not in taken]

    def osl_name(self, row: int) -> str:
        """The OSL's short name in Bahasa Indonesia."""
        return self.run.organisation_name(row, "id")

    def join(self, code: str, name: str, row: int | None = None) -> Trainee:
        """Join with the session code and a name; get a free OSL (or the one picked).

        A wrong code raises ``PermissionError``; a bad name or an OSL that is taken or not
        living raises ``ValueError``.
        """
        if not isinstance(code, str) or not secrets.compare_digest(code.strip(), self.code):
            raise PermissionError("kode sesi salah (wrong session code)")
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > 40:
            raise ValueError("nama: isi 1-40 huruf (name: 1-40 characters)")
        with self.lock:
            if len(self.trainees) >= MAX_TRAINEES:
                raise ValueError(f"kelas penuh: paling banyak {MAX_TRAINEES} peserta")
            free = self.free_osls()
            if row is None:
                if not free:
                    raise ValueError("tidak ada OSL yang masih bebas (no free OSL left)")
                row = free[0]
            elif isinstance(row, bool) or not isinstance(row, int) or row not in free:
                raise ValueError(f"osl {row!r}: tidak bebas; pilih salah satu OSL yang bebas")
            t = Trainee(name.strip(), int(row), secrets.token_urlsafe(18), self.round)
            self.trainees[t.token] = t
            self.by_row[t.row] = t
            self.snapshot = self._snapshot()
            self.save()
            return t

    def trainee(self, token: Any) -> Trainee:
        """The trainee holding ``token``; ``PermissionError`` for an unknown (forged) one."""
        t = self.trainees.get(token) if isinstance(token, str) else None
        if t is None:
            raise PermissionError("token tidak dikenal (unknown token): gabung lagi")
        return t

    def decide(self, token: Any, data: Any) -> dict[str, Any]:
        """Record a trainee's decisions for the next round, for their own OSL only."""
        t = self.trainee(token)
        decisions = check_decisions(data)
        with self.plock:
            merged = {**self.in_force.get(t.row, {}), **self.pending.get(t.row, {}),
                      **decisions}
            if merged.get("forum_share", 0.0) + merged.get("outreach_share", 0.0) > 1.0 + 1e-9:
                raise ValueError("forum_share + outreach_share: lebih dari seluruh jam pengurus")
            self.pending.setdefault(t.row, {}).update(decisions)
            return dict(self.pending[t.row])

    def announce(self, event: str) -> None:
        """The trainer announces a shock or policy change for the next round."""
        if event not in EVENTS:
            raise ValueError(f"event {event!r}: pilih dari {', '.join(EVENTS)}")
        with self.plock:
            if event not in self.pending_events:
                self.pending_events.append(event)

    def pending_for(self, row: int) -> dict[str, Any]:
        """The decisions a trainee has sent for the next round (not yet in force)."""
        with self.plock:
            return dict(self.pending.get(row, {}))

    # ------------------------------------------------------------------ rounds
    def advance(self) -> float:
        """Apply the pending decisions and events and run one round; return its seconds."""
        t0 = time.perf_counter()
        with self.lock:
            with self.plock:
                pending, self.pending = self.pending, {}
                events, self.pending_events = self.pending_events, []
            for row, d in pending.items():
                self.in_force.setdefault(row, {}).update(d)
            entry = {"round": self.round + 1, "months": self.round_months,
                     "decisions": {str(r): dict(d) for r, d in sorted(self.in_force.items())},
                     "events": events}
            self._play(entry)
            self.started = True
            self.snapshot = self._snapshot()
            self.save()
        self.last_round_seconds = time.perf_counter() - t0
        return self.last_round_seconds

    def _play(self, entry: dict[str, Any]) -> None:
        """Run one logged round: decisions in force, events at its first month."""
        self.in_force = {int(r): dict(d) for r, d in entry["decisions"].items()}
        self._round = entry
        self._round_start = self.model.month
        self._served = {r: 0 for r in self.in_force}
        self.run.step(int(entry["months"]))
        if self._shock_rows is not None:  # the shock lasts the round
            st = self.model.state
            st.income_loss[self._shock_rows] -= SHOCK_LOSS
            st.income_loss[np.abs(st.income_loss) < 1e-12] = 0.0
            self._shock_rows = None
        self.round = int(entry["round"])
        self.rounds.append(entry)
        self._record_round(entry)
        # Diklat is sent once per offer; the other choices stay in force.
        for d in self.in_force.values():
            d.pop("diklat", None)
        self._round = None

    def _before(self, model: Any) -> None:
        """Write each trainee's choices into their own OSL's row (a before-hook)."""
        if self._round is None:
            return
        st = model.state
        first = st.month == self._round_start + 1
        events = self._round["events"]
        if first:
            if "mundur" in events:
                model.government.withdraw()
            if "kembali" in events:
                model.government.restore()
            if "guncangan" in events:
                count = int(round(SHOCK_REACH * st.n))
                self._shock_rows = np.sort(model.rng.choice(st.n, size=count, replace=False))
                st.income_loss[self._shock_rows] += SHOCK_LOSS
        diklat = []
        for row, d in self.in_force.items():
            if not st.alive[row]:
                continue
            if "dues" in d:
                st.dues[row] = d["dues"]
            if "forum" in d:
                st.wksbm[row] = d["forum"]
            for key in ("forum_share", "outreach_share", "service_share"):
                if key in d:
                    getattr(st, key)[row] = d[key]
            if first and d.get("diklat") and "diklat" in events:
                diklat.append(row)
        if diklat:
            train(st, model.params, np.array(diklat, np.int64))

    def _after(self, model: Any) -> None:
        """Count each trainee OSL's cases served this month (an after-hook)."""
        if self._round is None:
            return
        st = model.state
        for row in self._served:
            self._served[row] += int(st.cases_served[row])

    def _unserved(self, row: int) -> int:
        """Active cases of the OSL's members' households that nobody serves now."""
        st = self.model.state
        e = st.e
        mine = st.mem_active[:e] & (st.mem_org[:e] == row)
        hh = np.unique(st.mem_hh[:e][mine])
        return int((st.active[hh] & ~st.served[hh]).sum())

    def _record_round(self, entry: dict[str, Any]) -> None:
        st = self.model.state
        last = self.model._rows[-1]
        for row, d in sorted(self.in_force.items()):
            t = self.by_row.get(row)
            self.debrief.append({
                "round": entry["round"], "month": self.model.month,
                "trainee": t.name if t else "", "osl_row": row, "osl": self.osl_name(row),
                "dues": d.get("dues"), "forum": d.get("forum"),
                "forum_share": d.get("forum_share"), "outreach_share": d.get("outreach_share"),
                "service_share": d.get("service_share"), "diklat": bool(d.get("diklat")),
                "diklat_offered": "diklat" in entry["events"],
                "events": " ".join(entry["events"]),
                "alive": bool(st.alive[row]), "wksbm": bool(st.wksbm[row]),
                "members": int(st.n_members[row]), "cases_served": self._served.get(row, 0),
                "cases_unserved": self._unserved(row), "treasury": float(st.treasury[row]),
                "capacity": float(st.capacity[row]), "trained": int(st.trained[row]),
                "burden": float(last["burden"]), "coverage": float(last["coverage"]),
            })

    # ------------------------------------------------------------------ views
    def osl_view(self, row: int) -> dict[str, Any]:
        """What a trainee sees of their OSL now."""
        st = self.model.state
        return {"row": row, "name": self.osl_name(row), "alive": bool(st.alive[row]),
                "wksbm": bool(st.wksbm[row]), "members": int(st.n_members[row]),
                "treasury": round(float(st.treasury[row])), "dues": float(st.dues[row]),
                "capacity": round(float(st.capacity[row]), 3),
                "trained": int(st.trained[row]), "unserved": self._unserved(row)}

    def _snapshot(self) -> dict[str, Any]:
        """Everything the pages show, built under the lock so a poll never waits for a round."""
        ts = self.model._rows
        last = ts[-1]
        return {
            "round": self.round, "month": self.model.month, "started": self.started,
            "round_months": self.round_months, "last_events": self.rounds[-1]["events"]
            if self.rounds else [], "seconds": self.last_round_seconds,
            "burden": float(last["burden"]), "coverage": float(last["coverage"]),
            "burden_series": [round(float(r["burden"]), 4) for r in ts],
            "trainees": [{"name": t.name, "row": t.row, "osl": self.osl_name(t.row)}
                         for t in self.trainees.values()],
            "osl": {t.row: self.osl_view(t.row) for t in self.trainees.values()},
            "results": {r["osl_row"]: r for r in self.debrief if r["round"] == self.round},
            "in_force": {r: dict(d) for r, d in self.in_force.items()},
            "free": [{"row": r, "name": self.osl_name(r)} for r in self.free_osls()],
        }

    def timeseries(self) -> pd.DataFrame:
        """The world's monthly outcome table so far."""
        return self.run.timeseries()

    def debrief_frame(self) -> pd.DataFrame:
        """One row per trainee OSL per round: choices and what followed (the debrief, CSV)."""
        return pd.DataFrame(self.debrief)

    # ------------------------------------------------------------------ the log
    def log(self) -> dict[str, Any]:
        """The session log: seed, site, trainees (no tokens), each round's decisions, events."""
        from oslsim import __version__

        return {"format": LOG_FORMAT, "version": LOG_VERSION, "oslsim": __version__,
                "site": self.site, "seed": self.seed, "households": self.households,
                "round_months": self.round_months, "code": self.code, "warmup": self.warmup,
                "trainees": [{"name": t.name, "row": t.row, "joined_round": t.joined_round}
                             for t in self.trainees.values()],
                "rounds": self.rounds, "pending_events": list(self.pending_events)}

    def save(self) -> None:
        """Write the log atomically (temporary file, then rename) if it has a path."""
        if self.log_path is None:
            return
        tmp = self.log_path.with_name(self.log_path.name + ".tmp")
        tmp.write_text(json.dumps(self.log(), ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.log_path)

    @classmethod
    def replay(cls, log: Mapping[str, Any] | str | Path) -> KelasWorld:
        """Rebuild a session from its log: same seed, same decisions, same months."""
        data = load_log(log) if not isinstance(log, Mapping) else log
        world = cls(site=data["site"], seed=data["seed"], households=data["households"],
                    round_months=data["round_months"], code=data.get("code"),
                    warmup=data.get("warmup", False))
        for t in data["trainees"]:
            tr = Trainee(t["name"], int(t["row"]), secrets.token_urlsafe(18),
                         int(t.get("joined_round", 0)))
            world.trainees[tr.token] = tr
            world.by_row[tr.row] = tr
        with world.lock:
            for i, entry in enumerate(data["rounds"]):
                rows = [int(r) for r in entry["decisions"]]
                if any(r >= world.model.state.m for r in rows):
                    raise InputError(f"--replay: rounds[{i}].decisions: an OSL row beyond the "
                                     f"{world.model.state.m} organisations of this world")
                world._play(entry)
            world.started = bool(data["rounds"])
            world.snapshot = world._snapshot()
        return world


def _bad(path: Any, key: str, allowed: str) -> InputError:
    return InputError(f"--replay {path}: {key}: {allowed}")


def load_log(path: str | Path) -> dict[str, Any]:
    """Read and check a session log (JSON, never executed); one-line InputError if bad."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"--replay {p}: cannot be read ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"--replay {p}: not a session log (JSON: {exc})") from None
    if not isinstance(data, dict) or data.get("format") != LOG_FORMAT:
        raise _bad(p, "format", f"expected {LOG_FORMAT!r}; this is not an oslsim kelas log")
    if data.get("version") != LOG_VERSION:
        raise _bad(p, "version", f"{data.get('version')!r} is not supported; use {LOG_VERSION}")
    for key, kind in (("site", str), ("seed", int), ("households", int),
                      ("round_months", int), ("trainees", list), ("rounds", list)):
        if not isinstance(data.get(key), kind) or isinstance(data.get(key), bool):
            raise _bad(p, key, f"missing or not {kind.__name__}")
    if not isinstance(data.get("warmup", False), bool):
        raise _bad(p, "warmup", "true or false")
    for i, t in enumerate(data["trainees"]):
        if not (isinstance(t, dict) and isinstance(t.get("name"), str)
                and isinstance(t.get("row"), int)):
            raise _bad(p, f"trainees[{i}]", "needs a name (text) and a row (whole number)")
    for i, r in enumerate(data["rounds"]):
        if not isinstance(r, dict) or not isinstance(r.get("decisions"), dict) \
                or not isinstance(r.get("events"), list):
            raise _bad(p, f"rounds[{i}]", "needs months, decisions and events")
        m = r.get("months")
        low, high = ROUND_MONTHS
        if isinstance(m, bool) or not isinstance(m, int) or not low <= m <= high:
            raise _bad(p, f"rounds[{i}].months", f"a whole number from {low} to {high}")
        bad = [e for e in r["events"] if e not in EVENTS]
        if bad:
            raise _bad(p, f"rounds[{i}].events", f"{bad[0]!r}; allowed: {', '.join(EVENTS)}")
        for row, d in r["decisions"].items():
            if not row.isdigit():
                raise _bad(p, f"rounds[{i}].decisions", f"{row!r} is not an OSL row")
            try:
                check_decisions(d)
            except ValueError as exc:
                raise _bad(p, f"rounds[{i}].decisions.{row}", str(exc)) from None
    return data
