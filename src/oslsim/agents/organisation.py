"""An organisation (OSL / KPS): a Mesa agent whose attributes are its row in the arrays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from oslsim.i18n import fmt_number, fmt_rupiah, rt_rw
from oslsim.numbering import rt_numbers, rw_numbers
from oslsim.pmks import KIND_NAMES, KINDS
from oslsim.state import ORIGIN_NAMES, SCOPE_NAMES

if TYPE_CHECKING:
    from oslsim.agents.household import Household
    from oslsim.model import OSLModel


class Organisation(mesa.Agent):
    """One local social organisation: kind, origin, scope, members, money and skill."""

    def __init__(self, model: OSLModel, row: int) -> None:
        super().__init__(model)
        self.row = row

    @property
    def _state(self):  # noqa: ANN202 - the model's State
        return self.model.state

    @property
    def kind(self) -> str:
        """Kind code, e.g. ``"majelis_taklim"``."""
        return KINDS[int(self._state.kind[self.row])]

    @property
    def origin(self) -> str:
        """``"natural"`` (alamiah) or ``"government"`` (prakarsa pemerintah)."""
        return ORIGIN_NAMES[int(self._state.origin[self.row])]

    @property
    def scope(self) -> str:
        """``"rt"``, ``"rw"`` or ``"kelurahan"``."""
        return SCOPE_NAMES[int(self._state.scope[self.row])]

    @property
    def area(self) -> int:
        """0-based index of the RT or RW it serves (0 for the kelurahan); see :meth:`name`."""
        return int(self._state.area[self.row])

    @property
    def members(self) -> list[Household]:
        """Member households."""
        hh, org = self._state.members()
        return [self.model.households[int(h)] for h in hh[org == self.row]]

    @property
    def n_members(self) -> int:
        """Number of members."""
        hh, org = self._state.members()
        return int((org == self.row).sum())

    @property
    def treasury(self) -> float:
        """Money in the kas (Rp)."""
        return float(self._state.treasury[self.row])

    @property
    def dues(self) -> float:
        """Monthly dues per attending member (Rp)."""
        return float(self._state.dues[self.row])

    @property
    def capacity(self) -> float:
        """Pengurus capacity, 0-1."""
        return float(self._state.capacity[self.row])

    @capacity.setter
    def capacity(self, value: float) -> None:
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"capacity must be in [0, 1], got {value}")
        self._state.capacity[self.row] = value

    @property
    def accountability(self) -> float:
        """Transparency and orderly books, 0-1."""
        return float(self._state.accountability[self.row])

    @property
    def vitality(self) -> float:
        """How alive the group is (attendance and money), 0-1."""
        return float(self._state.vitality[self.row])

    @property
    def is_wksbm(self) -> bool:
        """Whether it works as WKSBM (serves its area, in the kelurahan forum)."""
        return bool(self._state.wksbm[self.row])

    @property
    def alive(self) -> bool:
        """False once dissolved."""
        return bool(self._state.alive[self.row])

    @property
    def cases_served(self) -> int:
        """Cases served this month."""
        return int(self._state.cases_served[self.row])

    @property
    def services_total(self) -> int:
        """Case-months served since the start."""
        return int(self._state.services_total[self.row])

    def name(self, lang: str = "id") -> str:
        """A short readable name, e.g. ``"Karang taruna RW 3"``."""
        label = KIND_NAMES[self.kind][0 if lang == "id" else 1]
        st, area = self._state, self.area  # RT within their RW, RW within the kelurahan
        where = {"rt": lambda: rt_rw(rt_numbers(st, area), rw_numbers(st, st.rt_rw[area])),
                 "rw": lambda: f"RW {int(rw_numbers(st, area)):02d}",
                 "kelurahan": lambda: "kelurahan"}[self.scope]()
        return f"{label} {where} (#{self.row})"

    def enrol(self, household: Household) -> None:
        """Take ``household`` in as a member (no effect if it is one already)."""
        if not self.alive:
            raise ValueError(f"{self.name('en')} has dissolved")
        self.model.state.add_memberships([household.row], [self.row])

    def join_forum(self) -> None:
        """Start working as WKSBM: join the kelurahan's forum."""
        if not self.alive:
            raise ValueError(f"{self.name('en')} has dissolved")
        self._state.wksbm[self.row] = True

    def story(self, lang: str = "id") -> str:
        """Describe the organisation in plain words."""
        if lang == "id":
            origin = ("tumbuh secara alamiah dari warga" if self.origin == "natural"
                      else "dibentuk atas prakarsa pemerintah")
            return (f"{self.name('id')}: {origin}, "
                    f"{fmt_number(self.n_members)} anggota, kas {fmt_rupiah(self.treasury)}, "
                    f"kemampuan pengurus {fmt_number(self.capacity, 2)}, "
                    f"{'WKSBM' if self.is_wksbm else 'bukan WKSBM'}; "
                    f"melayani {fmt_number(self.cases_served)} kasus bulan ini "
                    f"({fmt_number(self.services_total)} sejak awal).")
        return (f"{self.name('en')}: {self.origin} origin, {self.n_members} members, treasury "
                f"{fmt_rupiah(self.treasury, 'en')}, pengurus skill {self.capacity:.2f}, "
                f"{'works as WKSBM' if self.is_wksbm else 'not WKSBM'}; served "
                f"{self.cases_served} cases this month ({self.services_total} in all).")

    def __repr__(self) -> str:
        return (f"Organisation(row={self.row}, kind={self.kind!r}, scope={self.scope!r}, "
                f"wksbm={self.is_wksbm}, alive={self.alive})")
