"""The local government (lurah, Pemda, Dinas Sosial) as one Mesa agent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import mesa
import numpy as np
import pandas as pd

from oslsim.founding import found_organisations
from oslsim.phases.government import budget, grant, set_policy, train
from oslsim.pmks import CODES, KINDS
from oslsim.state import GOVERNMENT, KNOWN_FORUM, KNOWN_REGISTER, SCOPE_RT, SCOPE_RW

if TYPE_CHECKING:
    from oslsim.model import OSLModel

MODES = ("none", "facilitator", "directive")


class LocalGovernment(mesa.Agent):
    """Facilitator of the OSL: budget, grants, training, referral, and its policy levers.

    The monthly routine runs in :func:`oslsim.phases.government.government`; the methods
    here are the dated interventions a scenario can call.
    """

    def __init__(self, model: OSLModel) -> None:
        super().__init__(model)

    @property
    def _state(self):  # noqa: ANN202 - the model's State
        return self.model.state

    @property
    def mode(self) -> str:
        """``none``, ``facilitator`` or ``directive``."""
        return self._state.gov_mode if self._state.gov_active else "none"

    @property
    def budget(self) -> float:
        """Monthly budget (Rp) while active."""
        return budget(self._state, self.model.params)

    @property
    def policy(self) -> dict[str, float | str]:
        """The policy now in force."""
        g = self.model.params.government
        return {"mode": self.mode, "budget": self.budget, "grant_share": g.grant_share,
                "training_share": g.training_share, "direction": self._state.direction}

    @property
    def spending(self) -> float:
        """Rupiah spent this month."""
        return float(self._state.gov_spending)

    @property
    def register(self) -> pd.DataFrame:
        """The PMKS register: active cases on the lurah's register or reported by the forum."""
        st = self._state
        hh, cat = np.nonzero(st.active & ((st.identified & (KNOWN_FORUM | KNOWN_REGISTER)) > 0))
        return pd.DataFrame({"household": hh, "rt": st.rt[hh], "rw": st.rw[hh],
                             "category": np.asarray(CODES)[cat], "served": st.served[hh, cat]})

    # ------------------------------------------------------------------ interventions
    def train_pengurus(self, share: float = 1.0, gain: float | None = None,
                       who: str = "wksbm", kelurahan: Sequence[int] | None = None) -> int:
        """Diklat / PDPS: train the pengurus of ``share`` of the organisations in ``who``.

        ``who`` is ``"wksbm"``, ``"all"``, ``"natural"`` or ``"government"``; the least able
        are trained first. ``kelurahan`` (0-based, in a region) limits it to the
        organisations serving those kelurahan. Returns how many organisations were trained.
        """
        st = self._state
        m = st.m
        masks = {"wksbm": st.wksbm[:m], "all": np.ones(m, bool),
                 "natural": st.origin[:m] != GOVERNMENT, "government": st.origin[:m] == GOVERNMENT}
        if who not in masks:
            raise ValueError(f"who: {who!r} is not allowed; use one of {', '.join(masks)}")
        rows = self._in_kelurahan(np.flatnonzero(st.alive[:m] & masks[who]), kelurahan)
        count = int(round(share * rows.size))
        chosen = rows[np.argsort(st.capacity[rows], kind="stable")[:count]]
        train(st, self.model.params, chosen, gain)
        return int(chosen.size)

    def grant(self, amount: float, to: str = "wksbm",
              kelurahan: Sequence[int] | None = None) -> None:
        """Give ``amount`` Rp, shared equally, to the WKSBM (or ``"all"``) organisations.

        ``kelurahan`` (0-based, in a region) limits it to the organisations serving them.
        """
        if to not in ("wksbm", "all"):
            raise ValueError(f"to: {to!r} is not allowed; use one of wksbm, all")
        st = self._state
        m = st.m
        mask = st.alive[:m] & (st.wksbm[:m] if to == "wksbm" else True)
        rows = self._in_kelurahan(np.flatnonzero(mask), kelurahan)
        if rows.size == 0 or amount <= 0:
            return
        grant(st, rows, amount / rows.size)

    def form_wksbm(self, count: int, kelurahan: Sequence[int] | None = None) -> int:
        """Forum drive: bring ``count`` able organisations into WKSBM (found new if too few).

        ``kelurahan`` (0-based, in a region) limits the drive to those kelurahan.
        """
        st = self._state
        m = st.m
        rows = self._in_kelurahan(np.flatnonzero(st.alive[:m] & ~st.wksbm[:m]), kelurahan)
        chosen = rows[np.argsort(-st.capacity[rows], kind="stable")[:count]]
        st.wksbm[chosen] = True
        missing = count - chosen.size
        if missing > 0:
            self.found_organisations(missing, wksbm=True, kelurahan=kelurahan)
        self.model.sync_agents()
        return int(count)

    def found_organisations(self, count: int, kind: str | None = None, wksbm: bool = False,
                            scope: int = SCOPE_RW, kelurahan: Sequence[int] | None = None,
                            ) -> None:
        """Initiate ``count`` organisations (prakarsa pemerintah) of ``kind`` (any if None).

        ``kelurahan`` (0-based, in a region) places them in those kelurahan: each serves an
        RT, an RW or a kelurahan drawn at random among theirs.
        """
        if kind is not None and kind not in KINDS:
            raise ValueError(f"kind: {kind!r} is not allowed; use one of {', '.join(KINDS)}")
        st, rng = self._state, self.model.rng
        area = None
        if kelurahan is not None and count > 0:
            owner = {SCOPE_RT: st.rt_kel, SCOPE_RW: st.rw_kel}.get(scope, np.arange(st.n_kel))
            area = rng.choice(np.flatnonzero(np.isin(owner, kelurahan)), size=count)
        found_organisations(st, self.model.params, rng, count,
                            kind=None if kind is None else KINDS.index(kind),
                            origin=GOVERNMENT, scope=scope, area=area, wksbm=wksbm)
        self.model.sync_agents()

    def _in_kelurahan(self, rows: np.ndarray, kelurahan: Sequence[int] | None) -> np.ndarray:
        """The organisation ``rows`` that serve one of ``kelurahan`` (all of them if None)."""
        if kelurahan is None:
            return rows
        return rows[np.isin(self._state.org_kelurahan(rows), np.asarray(kelurahan))]

    def withdraw(self) -> None:
        """Stop all support: no budget, grants, training or referral (the study's question)."""
        self._state.gov_active = False
        self._state.direction = 0.0

    def restore(self) -> None:
        """Resume support after a withdrawal."""
        self._state.gov_active = True

    def direct(self, intensity: float) -> None:
        """Switch to top-down direction of the given intensity (0 ends it)."""
        if not 0.0 <= intensity <= 1.0:
            raise ValueError(f"intensity must be in [0, 1], got {intensity}")
        set_policy(self._state, "directive" if intensity > 0 else "facilitator", intensity)
