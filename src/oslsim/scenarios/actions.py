"""The registry of dated interventions a scenario may schedule, with their argument schemas.

Each action is a small function over the public model API (``model.government``'s levers,
``model.state.income_loss`` and ``model.state.extra_decay``). *Pulse* actions happen at a
month (or repeatedly, ``every`` months, inside a ``from``/``to`` window); *lasting* actions
start at a month and end after their window (or last to the end of the run).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from oslsim.phases.government import set_policy
from oslsim.pmks import KINDS
from oslsim.state import SCOPE_KELURAHAN, SCOPE_RT, SCOPE_RW

if TYPE_CHECKING:
    from oslsim.model import OSLModel

__all__ = ["Arg", "Action", "ACTIONS", "PULSE", "LASTING", "TARGETABLE"]

PULSE, LASTING = "pulse", "lasting"
SCOPES = {"rt": SCOPE_RT, "rw": SCOPE_RW, "kelurahan": SCOPE_KELURAHAN}


@dataclass(frozen=True)
class Arg:
    """One argument of an action: its type, default, range or choices, and meaning."""

    name: str
    type: type
    default: Any = None
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    doc: str = ""
    required: bool = False

    def allowed(self) -> str:
        """Describe the allowed values in a few words, for error messages and docs."""
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.type is bool:
            return "true or false"
        kind = "an integer" if self.type is int else "a number"
        if self.low is None and self.high is None:
            return kind
        if self.high is None:
            return f"{kind} of at least {self.low:g}"
        return f"{kind} in [{self.low:g}, {self.high:g}]"


@dataclass(frozen=True)
class Action:
    """A registered intervention: its schema and what it does to a running model.

    ``start(model, args)`` runs at every scheduled month of a pulse action, or once at the
    start of a lasting action and returns a token; ``stop(model, args, token)`` ends a lasting
    action the month after its window.
    """

    name: str
    timing: str
    args: tuple[Arg, ...]
    start: Callable[[OSLModel, dict[str, Any]], Any]
    stop: Callable[[OSLModel, dict[str, Any], Any], None] | None = None
    title_id: str = ""
    title_en: str = ""
    doc: str = ""
    default_every: int = 12
    one_of: tuple[tuple[str, ...], ...] = field(default=())

    def arg(self, name: str) -> Arg:
        """Return one argument's schema by name."""
        for a in self.args:
            if a.name == name:
                return a
        raise KeyError(name)


# --------------------------------------------------------------------------- pulse actions


# A region's intervention may name its kelurahan: ``a["_kelurahan"]`` holds their 0-based
# indices (None: the whole region, or one kelurahan). Only the actions in TARGETABLE take it.


def _train(model: OSLModel, a: dict[str, Any]) -> int:
    return model.government.train_pengurus(share=a["share"], gain=a["gain"], who=a["who"],
                                           kelurahan=a.get("_kelurahan"))


def _households(model: OSLModel, a: dict[str, Any]) -> np.ndarray | None:
    """Rows of the households of the named kelurahan (None: every household)."""
    kel = a.get("_kelurahan")
    return None if kel is None else np.flatnonzero(np.isin(model.state.kel, kel))


def _count(model: OSLModel, a: dict[str, Any]) -> int:
    """Resolve ``count`` or ``per_1000`` (per 1,000 households reached) to a whole number."""
    if a.get("count") is not None:
        return int(a["count"])
    rows = _households(model, a)
    n = model.state.n if rows is None else rows.size
    return int(round(a["per_1000"] * n / 1000))


def _grant(model: OSLModel, a: dict[str, Any]) -> float:
    amount = a["amount"] if a.get("amount") is not None else a["total"] / a["_pulses"]
    model.government.grant(amount, to=a["recipients"], kelurahan=a.get("_kelurahan"))
    return amount


def _form(model: OSLModel, a: dict[str, Any]) -> int:
    return model.government.form_wksbm(_count(model, a), kelurahan=a.get("_kelurahan"))


def _found(model: OSLModel, a: dict[str, Any]) -> int:
    count = _count(model, a)
    kind = None if a["kind"] == "any" else a["kind"]
    model.government.found_organisations(count, kind=kind, wksbm=a["wksbm"],
                                         scope=SCOPES[a["scope"]],
                                         kelurahan=a.get("_kelurahan"))
    return count


# --------------------------------------------------------------------------- lasting actions


def _shock_start(model: OSLModel, a: dict[str, Any]) -> np.ndarray:
    st = model.state
    rows = _households(model, a)
    if rows is None:
        count = int(round(a["reach"] * st.n))
        chosen = np.sort(model.rng.choice(st.n, size=count, replace=False))
    else:
        count = int(round(a["reach"] * rows.size))
        chosen = np.sort(model.rng.choice(rows, size=count, replace=False))
    st.income_loss[chosen] += a["loss"]
    return chosen


def _shock_stop(model: OSLModel, a: dict[str, Any], chosen: np.ndarray) -> None:
    st = model.state
    st.income_loss[chosen] -= a["loss"]
    st.income_loss[np.abs(st.income_loss) < 1e-12] = 0.0


def _withdraw_start(model: OSLModel, a: dict[str, Any]) -> None:
    model.government.withdraw()


def _withdraw_stop(model: OSLModel, a: dict[str, Any], token: None) -> None:
    model.government.restore()


def _direct_start(model: OSLModel, a: dict[str, Any]) -> tuple[str, float]:
    st = model.state
    before = (st.gov_mode, st.gov_direction)
    intensity = a["intensity"]
    model.government.direct(model.params.government.direction if intensity is None
                            else intensity)
    return before


def _direct_stop(model: OSLModel, a: dict[str, Any], before: tuple[str, float]) -> None:
    # Return to the policy in force before the direction began (not always facilitator).
    set_policy(model.state, *before)


def _erosion_start(model: OSLModel, a: dict[str, Any]) -> None:
    model.state.extra_decay += a["extra_decay"]


def _erosion_stop(model: OSLModel, a: dict[str, Any], token: None) -> None:
    st = model.state
    st.extra_decay -= a["extra_decay"]
    if abs(st.extra_decay) < 1e-15:
        st.extra_decay = 0.0


_COUNT_ARGS = (
    Arg("count", int, None, 0, 10_000, doc="how many organisations"),
    Arg("per_1000", float, None, 0.0, 100.0, doc="how many per 1,000 households"),
)

ACTIONS: dict[str, Action] = {a.name: a for a in (
    Action(
        "train_pengurus", PULSE,
        (Arg("share", float, 1.0, 0.0, 1.0, doc="share of the chosen organisations trained"),
         Arg("gain", float, None, 0.0, 1.0,
             doc="capacity gained, as a share of the gap to 1 (default "
                 "government.training_gain)"),
         Arg("who", str, "wksbm", choices=("wksbm", "all", "natural", "government"),
             doc="which organisations' pengurus are eligible; the least able go first")),
        _train, title_id="Diklat / PDPS pengurus", title_en="Train the pengurus (Diklat / PDPS)",
        doc="Raises the trained organisations' pengurus capacity: capacity += gain * (1 - "
            "capacity), from that month on; each costs government.training_cost "
            "(LocalGovernment.train_pengurus).",
    ),
    Action(
        "grant", PULSE,
        (Arg("amount", float, None, 0.0, 1e12, doc="Rp paid at each scheduled month"),
         Arg("total", float, None, 0.0, 1e13,
             doc="Rp paid in all, spread equally over the scheduled months"),
         Arg("recipients", str, "wksbm", choices=("wksbm", "all"),
             doc="shared equally among the living WKSBM (or all) organisations")),
        _grant, title_id="Hibah Pemda", title_en="Government grant",
        doc="Puts money into the treasuries of the WKSBM (or all) organisations, shared "
            "equally; it enters the community as a grant and counts as government spending, "
            "even while government has withdrawn (LocalGovernment.grant).",
        default_every=1, one_of=(("amount", "total"),),
    ),
    Action(
        "form_wksbm", PULSE, _COUNT_ARGS,
        _form, title_id="Pembentukan WKSBM", title_en="WKSBM formation drive",
        doc="Brings the most able organisations not yet in the forum into WKSBM; founds new "
            "government-initiated WKSBM groups if too few exist (LocalGovernment.form_wksbm).",
        one_of=(("count", "per_1000"),),
    ),
    Action(
        "found_organisations", PULSE,
        (*_COUNT_ARGS,
         Arg("kind", str, "any", choices=("any", *KINDS),
             doc="kind of the new organisations (any: drawn from the site's mix)"),
         Arg("wksbm", bool, False, doc="whether they join the WKSBM forum at once"),
         Arg("scope", str, "rw", choices=tuple(SCOPES), doc="area each one serves")),
        _found, title_id="OSL prakarsa pemerintah", title_en="Government founds organisations",
        doc="Founds organisations of government origin (prakarsa pemerintah) with their first "
            "members (LocalGovernment.found_organisations).",
        one_of=(("count", "per_1000"),),
    ),
    Action(
        "economic_shock", LASTING,
        (Arg("loss", float, None, 0.0, 1.0, required=True,
             doc="share of income the reached households lose"),
         Arg("reach", float, None, 0.0, 1.0, required=True,
             doc="share of households reached (drawn at random when the shock starts)"),
         Arg("duration", int, None, 1, 1200,
             doc="months the shock lasts; needed with `month`, not with a from/to window")),
        _shock_start, _shock_stop, title_id="Guncangan ekonomi", title_en="Economic shock",
        doc="A covariate income shock: the reached households lose `loss` of their income "
            "every month while it lasts (State.income_loss, applied by the economy phase). "
            "Overlapping shocks add up (capped at the whole income).",
    ),
    Action(
        "withdraw_government", LASTING, (),
        _withdraw_start, _withdraw_stop, title_id="Pemerintah menarik diri",
        title_en="Government withdraws",
        doc="No budget, grants, training, referral or direction while it lasts "
            "(LocalGovernment.withdraw; restore at the end of a window).",
    ),
    Action(
        "direct_control", LASTING,
        (Arg("intensity", float, None, 0.0, 1.0,
             doc="intensity of top-down direction (default government.direction)"),),
        _direct_start, _direct_stop, title_id="Pengarahan dari atas",
        title_en="Top-down direction",
        doc="Government turns directive: it founds and steers organisations and its direction "
            "crowds out voluntary attendance and erodes solidarity (LocalGovernment.direct); "
            "the previous policy returns at the end of a window.",
    ),
    Action(
        "values_erosion", LASTING,
        (Arg("extra_decay", float, None, 0.0, 0.1, required=True,
             doc="extra share of solidarity lost each month"),),
        _erosion_start, _erosion_stop, title_id="Erosi nilai", title_en="Values erosion",
        doc="Globalisation erodes local values: solidarity decays faster by `extra_decay` a "
            "month while it lasts (State.extra_decay, applied by the drift phase).",
    ),
)}

#: Actions a region's intervention may limit to named kelurahan (``kelurahan = [...]``); the
#: others act on the region's one Dinas Sosial and its policy, or on the whole region's drift.
TARGETABLE = ("train_pengurus", "grant", "form_wksbm", "found_organisations", "economic_shock")
