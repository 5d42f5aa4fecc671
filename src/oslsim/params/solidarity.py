"""Parameters of solidarity: its drift (``drift``) and gotong royong (``mutual_aid``)."""

from __future__ import annotations

from dataclasses import dataclass

from oslsim.params._declare import ASSUMPTION, _Validated, param

# --------------------------------------------------------------------------- drift


@dataclass(frozen=True)
class DriftParams(_Validated):
    """Exogenous change: globalisation and the erosion of values (study III-D)."""

    solidarity_decay: float = param(
        0.004, "share per month", 0.0, 0.05, "study III-D: globalisation erodes local values",
        "Monthly erosion of solidarity toward zero.",
    )
    neighbour_influence: float = param(
        0.02, "share per month", 0.0, 0.5, ASSUMPTION,
        "Pull of a household's solidarity toward its network neighbours' mean.",
    )
    aid_solidarity_gain: float = param(
        0.02, "per help received", 0.0, 0.2, ASSUMPTION,
        "Solidarity gained by a household that received help this month.",
    )


@dataclass(frozen=True)
class MutualAidParams(_Validated):
    """Gotong royong between network neighbours."""

    help_probability: float = param(
        0.5, "probability per month at full solidarity", 0.0, 1.0, ASSUMPTION,
        "Chance a household with a surplus helps needy neighbours this month.",
    )
    help_share: float = param(
        0.01, "share of surplus per month", 0.0, 0.5, ASSUMPTION,
        "Share of its surplus a helper gives in a month.",
    )
    surplus_months: float = param(
        1.0, "months of subsistence", 0.0, 12.0, ASSUMPTION,
        "Savings above this many months of subsistence count as surplus.",
    )
