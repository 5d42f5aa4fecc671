"""A household (rumah tangga, KK): a Mesa agent whose attributes are its row in the arrays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from oslsim.i18n import fmt_number, fmt_rupiah, rt_rw
from oslsim.numbering import rt_numbers, rw_numbers
from oslsim.pmks import CATEGORIES, CODES
from oslsim.state import SERVED_GOV, SERVED_NONE, SERVED_RT

if TYPE_CHECKING:
    from oslsim.agents.organisation import Organisation
    from oslsim.model import OSLModel


class Household(mesa.Agent):
    """One household. Reading or writing ``h.solidarity`` touches the numbers phases use."""

    def __init__(self, model: OSLModel, row: int) -> None:
        super().__init__(model)
        self.row = row

    @property
    def _state(self):  # noqa: ANN202 - the model's State
        return self.model.state

    # --- composition and place
    @property
    def rt(self) -> int:
        """0-based index of the household's RT across the kelurahan (for arrays)."""
        return int(self._state.rt[self.row])

    @property
    def rw(self) -> int:
        """0-based index of the household's RW (for arrays)."""
        return int(self._state.rw[self.row])

    @property
    def rt_number(self) -> int:
        """The RT's number within its RW, from 1, as residents say it ("RT 03 / RW 05")."""
        return int(rt_numbers(self._state, self.rt))

    @property
    def number(self) -> int:
        """The household's number as people read it, from 1 (its row is ``number - 1``)."""
        return self.row + 1

    @property
    def rw_number(self) -> int:
        """The RW's number within the kelurahan, from 1."""
        return int(rw_numbers(self._state, self.rw))

    @property
    def size(self) -> int:
        """Persons in the household."""
        return int(self._state.size[self.row])

    # --- economy
    @property
    def income(self) -> float:
        """This month's income (Rp)."""
        return float(self._state.income[self.row])

    @property
    def savings(self) -> float:
        """Savings (Rp)."""
        return float(self._state.savings[self.row])

    @property
    def poor(self) -> bool:
        """Whether this month's per-capita consumption fell below the poverty line."""
        return bool(self._state.poor[self.row])

    # --- social
    @property
    def solidarity(self) -> float:
        """Solidarity (kesetiakawanan), 0-1."""
        return float(self._state.solidarity[self.row])

    @solidarity.setter
    def solidarity(self, value: float) -> None:
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"solidarity must be in [0, 1], got {value}")
        self._state.solidarity[self.row] = value

    @property
    def conditions(self) -> list[str]:
        """Codes of the household's active PMKS conditions."""
        return [CODES[k] for k in np.flatnonzero(self._state.active[self.row])]

    @property
    def n_conditions(self) -> int:
        """How many PMKS conditions are active."""
        return int(np.count_nonzero(self._state.active[self.row]))

    @property
    def served_conditions(self) -> list[str]:
        """Codes of the conditions being served this month."""
        return [CODES[k] for k in np.flatnonzero(self._state.served[self.row])]

    @property
    def memberships(self) -> list[Organisation]:
        """The organisations the household belongs to."""
        hh, org = self._state.members()
        return [self.model.organisation(int(o)) for o in org[hh == self.row]]

    @property
    def help_received(self) -> float:
        """Gotong royong help received this month (Rp)."""
        return float(self._state.help_received[self.row])

    @property
    def aid_received(self) -> float:
        """Service aid received this month from organisations or government (Rp)."""
        return float(self._state.aid_received[self.row])

    def receive_help(self, amount: float, giver: Household) -> None:
        """Receive ``amount`` Rp from another household; money moves, it is not created."""
        if amount < 0 or amount > giver.savings:
            raise ValueError("help must be between 0 and the giver's savings")
        self._state.savings[giver.row] -= amount
        self._state.savings[self.row] += amount
        self._state.help_received[self.row] += amount

    def story(self, lang: str = "id") -> str:
        """Describe the household in plain words (Bahasa Indonesia or English)."""
        st = self._state
        names = {c.code: (c.name_id if lang == "id" else c.name_en) for c in CATEGORIES}
        parts = []
        if lang == "id":
            parts.append(f"Rumah tangga {self.number} di {rt_rw(self.rt_number, self.rw_number)}, "
                         f"{self.size} orang, {'miskin' if self.poor else 'tidak miskin'}.")
        else:
            parts.append(f"Household {self.number} in {rt_rw(self.rt_number, self.rw_number)}, "
                         f"{self.size} people, {'poor' if self.poor else 'not poor'}.")
        for k in np.flatnonzero(st.active[self.row]):
            by = int(st.served_by[self.row, k])
            if by == SERVED_NONE:
                who = "belum dilayani" if lang == "id" else "not yet served"
            elif by == SERVED_GOV:
                who = "dilayani pemerintah" if lang == "id" else "served by government"
            elif by == SERVED_RT:
                who = "dibantu kas sosial RT" if lang == "id" else "helped by the RT's kas sosial"
            else:
                org_name = self.model.organisation(by).name(lang)
                who = f"dilayani {org_name}" if lang == "id" else f"served by {org_name}"
            parts.append(f"- {names[CODES[k]]}: {who}")
        orgs = ", ".join(o.name(lang) for o in self.memberships)
        if orgs:
            parts.append(("Anggota: " if lang == "id" else "Member of: ") + orgs)
        else:
            parts.append("Belum menjadi anggota OSL mana pun." if lang == "id" else
                         "Not yet a member of any OSL.")
        sol = fmt_number(self.solidarity, 2, lang)
        help_rp, aid_rp = fmt_rupiah(self.help_received, lang), fmt_rupiah(self.aid_received, lang)
        parts.append(f"Kesetiakawanan {sol}; bantuan tetangga bulan ini {help_rp}; bantuan "
                     f"layanan {aid_rp}." if lang == "id" else
                     f"Solidarity {sol}; neighbours' help this month {help_rp}; service aid "
                     f"{aid_rp}.")
        return "\n".join(parts)

    def __repr__(self) -> str:
        return (f"Household(row={self.row}, rt={self.rt}, poor={self.poor}, "
                f"conditions={self.conditions})")
