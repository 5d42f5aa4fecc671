"""Scenario discovery: where in parameter space more WKSBM coverage helps, does nothing, harms.

Input is a sample of parameter points (one column per sampled parameter) and, at each point,
the *effect*: the relative burden reduction from coverage 0 to coverage 1, positive when more
coverage lightens the burden. Each point gets one answer (:func:`classify`):

- ``helps`` — effect ≥ ``helps`` (default 0.05: burden falls by at least 5%);
- ``harms`` — effect ≤ ``harms`` (default −0.05: burden rises by at least 5%);
- ``no_effect`` — strictly in between, i.e. ``harms < effect < helps`` (|effect| < 5% with the
  default, symmetric band).

With per-point confidence half-widths ``h`` the whole interval ``[effect − h, effect + h]``
must lie in an answer's band; a point whose interval crosses a band edge is ``unclear`` and
counts against every answer (it is never a case of interest).

For each answer, PRIM (Friedman & Fisher 1999; Bryant & Lempert 2010) is run on the binary
question "does this point give this answer?". PRIM is the Patient Rule Induction Method of
the `EMA Workbench <https://emaworkbench.readthedocs.io>`_, ``ema_workbench.analysis.prim``
(Kwakkel 2017, *Environ. Model. Softw.* 96:239–250), pinned to ``ema_workbench>=2.5,<2.6``
in ``pyproject.toml``. It is used rather than written here because it is the field's
reference implementation of scenario discovery, is maintained, and carries the
quasi-p-values of Bryant & Lempert that tell a real restriction from noise.

PRIM is interactive by design: it returns a peeling trajectory and leaves the choice of box
to the analyst. The rule used here, stated so a reader can check it:

1. On the trajectory, keep the boxes whose density is at least ``min_density`` (default
   0.8) and choose the one that best balances density and coverage: the largest harmonic
   mean ``2·d·c / (d + c)`` (the F1 score of the box read as a classifier, density being
   its precision and coverage its recall; ties: fewer restricted parameters, then the
   looser box). If none reaches ``min_density``, no region of that answer is reported.
   When every point gives one answer, its box is the whole space without running PRIM.
2. A restricted side of a parameter whose quasi-p-value exceeds ``max_qp`` (default 0.05)
   is released back to the parameter's range: the data do not support that restriction.
3. Coverage, density, size and mean effect are then computed on **all** points inside the
   final limits. A box that holds less than ``min_coverage`` (default 0.1) of the points
   with its answer is not reported.
4. Steps 1–3 repeat on the points outside the boxes found so far (PRIM's covering), up to
   ``max_boxes`` boxes per answer.

Boxes of different answers are found separately and may overlap; each box's density says
how pure it is. An answer for which no box qualifies is returned as an explicit *not found*
entry (``found`` is False) with its reason — no point gives that answer (``"none"``), or
PRIM found no box for the points that do (``"no_box"``) — so a report can say so in words
(:func:`describe`). ``"no_box"`` is what PRIM found, not a proof that no box exists: PRIM
peels from the edges of the ranges, so points scattered at random give it, and so can an
answer that holds on both sides of a middle band (helps in the middle of a range, no
effect at both ends: every first peel lowers the density).

PRIM is deterministic: the same table gives the same boxes, so no ``rng`` is taken. EMA's
logging, its import-time warnings and the pandas warnings raised inside its peeling are
contained: importing EMA and running PRIM leave the warning filters, the logging
configuration, matplotlib's settings and the multiprocessing start method as they were.
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from oslsim.i18n import fmt_number, fmt_value

__all__ = ["ANSWERS", "Box", "classify", "describe", "discover"]

#: The three answers, in the order boxes are returned.
ANSWERS = ("helps", "no_effect", "harms")
#: Label of a point whose confidence interval crosses a band edge.
UNCLEAR = "unclear"


@dataclass(frozen=True)
class Box:
    """One region of parameter space and the answer it gives, or an answer not found.

    Attributes
    ----------
    answer : str
        ``helps``, ``no_effect`` or ``harms``.
    coverage : float
        Share of all points with this answer that lie in the box (0 when not found).
    density : float or None
        Share of the points in the box that give this answer (None when not found).
    n : int
        Points inside the box.
    mean_effect : float or None
        Mean effect (relative burden reduction) of the points inside the box.
    limits : dict
        Restricted parameters only: name -> (low, high). Empty: the whole range.
    ranges : dict
        The full range of each restricted parameter, to tell "above" from "between".
    band : tuple
        The effect interval that defines the answer, None for an open end.
    n_answer, n_total : int
        Points with this answer, and all points.
    min_density : float
        The density a box had to reach.
    reason : str or None
        None for a found box; ``"none"`` (no point gives the answer) or ``"no_box"``
        (PRIM found no box reaching ``min_density`` and ``min_coverage``) when not found.
    """

    answer: str
    coverage: float
    density: float | None
    n: int
    mean_effect: float | None
    limits: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    band: tuple[float | None, float | None] = (None, None)
    n_answer: int = 0
    n_total: int = 0
    min_density: float = 0.8
    reason: str | None = None

    @property
    def found(self) -> bool:
        """Whether this entry is a region (True) or says that none was found (False)."""
        return self.reason is None

    @property
    def mass(self) -> float:
        """Share of all points that lie in the box."""
        return self.n / self.n_total if self.n_total else 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the contract of ``summary.json``'s ``discovery`` entries."""
        return {
            "answer": self.answer, "found": self.found, "coverage": float(self.coverage),
            "density": _opt(self.density), "n": int(self.n), "mass": float(self.mass),
            "mean_effect": _opt(self.mean_effect),
            "limits": {k: [float(lo), float(hi)] for k, (lo, hi) in self.limits.items()},
            "ranges": {k: [float(lo), float(hi)] for k, (lo, hi) in self.ranges.items()},
            "band": [_opt(b) for b in self.band], "n_answer": int(self.n_answer),
            "n_total": int(self.n_total), "min_density": float(self.min_density),
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Box:
        """Rebuild a box from :meth:`to_dict` output (e.g. read back from ``summary.json``)."""
        return cls(
            answer=d["answer"], coverage=float(d["coverage"]), density=_opt(d["density"]),
            n=int(d["n"]), mean_effect=_opt(d["mean_effect"]),
            limits={k: (float(v[0]), float(v[1])) for k, v in d["limits"].items()},
            ranges={k: (float(v[0]), float(v[1])) for k, v in d["ranges"].items()},
            band=tuple(_opt(b) for b in d["band"]), n_answer=int(d["n_answer"]),
            n_total=int(d["n_total"]), min_density=float(d["min_density"]), reason=d["reason"],
        )


def _opt(x: Any) -> float | None:
    """A float, or None kept as None (JSON's null)."""
    return None if x is None else float(x)


def _as_effect(effect: Any, n: int, name: str) -> np.ndarray:
    try:
        arr = np.asarray(effect, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numeric") from None
    if arr.shape[0] != n:
        raise ValueError(f"{name} has {arr.shape[0]} values but points has {n} rows")
    n_bad = int((~np.isfinite(arr)).sum())
    if n_bad:
        raise ValueError(f"{name} has {n_bad} missing or infinite values")
    return arr


def _check_points(points: Any) -> pd.DataFrame:
    if not isinstance(points, pd.DataFrame):
        raise ValueError(f"points must be a pandas DataFrame, got {type(points).__name__}")
    if len(points) == 0 or points.shape[1] == 0:
        raise ValueError("points has no rows or no parameter columns")
    out = pd.DataFrame(index=range(len(points)))
    for col in points.columns:
        if not isinstance(col, str):
            raise ValueError(f"parameter column names must be strings, got {col!r}")
        try:
            values = pd.to_numeric(points[col]).to_numpy(dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"parameter column {col!r} must be numeric") from None
        n_bad = int((~np.isfinite(values)).sum())
        if n_bad:
            raise ValueError(f"parameter column {col!r} has {n_bad} missing or infinite values")
        out[col] = values
    return out


def _check_bounds(x: pd.DataFrame, bounds: Mapping[str, Any] | None) -> dict[str, tuple]:
    data = {c: (float(x[c].min()), float(x[c].max())) for c in x.columns}
    if bounds is None:
        return data
    if set(bounds) != set(x.columns):
        raise ValueError(f"bounds must name exactly the columns of points {sorted(x.columns)}, "
                         f"got {sorted(bounds)}")
    out = {}
    for c in x.columns:
        try:
            lo, hi = (float(v) for v in bounds[c])
        except (TypeError, ValueError):
            raise ValueError(f"bounds[{c!r}] must be a pair (low, high)") from None
        if not lo < hi:
            raise ValueError(f"bounds[{c!r}] must have low < high, got ({lo}, {hi})")
        if data[c][0] < lo or data[c][1] > hi:
            raise ValueError(f"points column {c!r} spans [{data[c][0]}, {data[c][1]}], "
                             f"outside its bounds [{lo}, {hi}]")
        out[c] = (lo, hi)
    return out


def classify(effect: Any, half_width: Any = None, *, helps: float = 0.05,
             harms: float = -0.05) -> np.ndarray:
    """The answer at each point: ``helps``, ``no_effect``, ``harms`` or ``unclear``.

    Without ``half_width``: helps if effect ≥ ``helps``, harms if effect ≤ ``harms``, else
    no_effect. With it, the interval ``effect ± half_width`` must lie wholly in one band
    (helps: low end ≥ ``helps``; harms: high end ≤ ``harms``; no_effect: strictly between);
    otherwise the point is ``unclear``.

    Parameters
    ----------
    effect : array_like
        Relative burden reduction per point (positive: coverage helps).
    half_width : array_like, optional
        Confidence half-width of each effect, ≥ 0.
    helps, harms : float
        Band edges; ``harms < helps``.

    Returns
    -------
    ndarray of str
    """
    if not harms < helps:
        raise ValueError(f"harms must be below helps, got harms={harms}, helps={helps}")
    e = _as_effect(effect, np.size(effect), "effect")
    h = np.zeros_like(e) if half_width is None else _as_effect(half_width, e.size, "half_width")
    if (h < 0).any():
        raise ValueError("half_width must be non-negative")
    lo, hi = e - h, e + h
    return np.select([lo >= helps, hi <= harms, (lo > harms) & (hi < helps)],
                     ["helps", "harms", "no_effect"], UNCLEAR).astype(object)


@contextlib.contextmanager
def _quiet_ema() -> Iterator[None]:
    """Run EMA with its log and warnings silenced and global settings restored afterwards.

    Importing EMA imports statsmodels (which adds warning filters), seaborn (which sets
    matplotlib's palette) and warns that ipyparallel and altair are missing; its PRIM logs at
    INFO and pandas warns inside its peeling. None of that may reach the CLI or change the
    caller's process.
    """
    import matplotlib

    ema_log = logging.getLogger("EMA")
    level, disabled = ema_log.level, ema_log.disabled
    start_method = multiprocessing.get_start_method(allow_none=True)
    rc = matplotlib.rcParams.copy()
    ema_log.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        ema_log.setLevel(level)
        ema_log.disabled = disabled
        if multiprocessing.get_start_method(allow_none=True) != start_method:
            multiprocessing.set_start_method(start_method, force=True)
        if dict(matplotlib.rcParams) != dict(rc):
            # ``backend`` is left alone: resetting it would close the caller's figures.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                matplotlib.rcParams.update({k: v for k, v in rc.items() if k != "backend"})


def _prim_module() -> Any:
    """Import ``ema_workbench.analysis.prim`` quietly (call inside :func:`_quiet_ema`)."""
    try:
        from ema_workbench.analysis import prim
    except ImportError:
        raise ImportError("scenario discovery needs EMA Workbench 2.5: "
                          "pip install 'ema_workbench>=2.5,<2.6'") from None
    return prim


def _pick(box: Any, min_density: float) -> int | None:
    """Index of the box on the trajectory by rule 1 (best F1 of those at density ≥ min)."""
    traj = box.peeling_trajectory
    density = traj["density"].to_numpy(dtype=float)
    coverage = traj["coverage"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(density + coverage > 0, 2 * density * coverage / (density + coverage), 0.0)
    ok = np.flatnonzero(density >= min_density - 1e-12)
    if ok.size == 0:
        return None
    res_dim = traj["res_dim"].to_numpy(dtype=int)
    # F1 rounded to 1e-9 so that float noise does not break the tie-breaks
    return int(min(ok, key=lambda i: (-round(float(f1[i]), 9), int(res_dim[i]), int(i))))


def _limits(box: Any, i: int, init: pd.DataFrame, max_qp: float) -> dict[str, list[float]]:
    """Restricted sides of trajectory box ``i`` whose quasi-p-value is ≤ ``max_qp`` (rule 2)."""
    lims = box.box_lims[i]
    qp = box.qp[i]
    out: dict[str, list[float]] = {}
    for name in lims.columns:
        lo, hi = float(lims.at[0, name]), float(lims.at[1, name])
        lo0, hi0 = float(init.at[0, name]), float(init.at[1, name])
        q_lo, q_hi = qp.get(name, [-1, -1])
        keep_lo = lo != lo0 and 0 <= q_lo <= max_qp
        keep_hi = hi != hi0 and 0 <= q_hi <= max_qp
        if keep_lo or keep_hi:
            out[name] = [lo if keep_lo else -math.inf, hi if keep_hi else math.inf]
    return out


def _inside(x: pd.DataFrame, limits: Mapping[str, list[float]]) -> np.ndarray:
    mask = np.ones(len(x), dtype=bool)
    for name, (lo, hi) in limits.items():
        mask &= (x[name].to_numpy() >= lo) & (x[name].to_numpy() <= hi)
    return mask


def _boxes_for(
    prim_mod: Any, x: pd.DataFrame, y: np.ndarray, effect: np.ndarray, answer: str,
    ranges: dict[str, tuple], band: tuple, settings: dict[str, Any],
) -> list[Box]:
    """All boxes of one answer by the rule of the module docstring, or one not-found entry."""
    n_answer, n_total = int(y.sum()), len(y)
    common = dict(band=band, n_answer=n_answer, n_total=n_total,
                  min_density=settings["min_density"])
    not_found = Box(answer, 0.0, None, 0, None, reason="none" if n_answer == 0 else "no_box",
                    **common)
    if n_answer == 0:
        return [not_found]
    if n_answer == n_total:  # every point gives this answer: the whole space, no PRIM needed
        return [Box(answer, 1.0, 1.0, n_total, float(effect.mean()), **common)]
    prim = prim_mod.Prim(x, y.astype(int), threshold=settings["min_density"],
                         peel_alpha=settings["peel_alpha"], paste_alpha=settings["paste_alpha"],
                         mass_min=settings["mass_min"])
    init = prim.box_init
    found: list[Box] = []
    for _ in range(settings["max_boxes"]):
        box = prim.find_box()
        if box is None:
            break
        i = _pick(box, settings["min_density"])
        if i is None:
            break
        box.select(i)  # the covering step removes the points of the chosen box
        lims = _limits(box, i, init, settings["max_qp"])
        inside = _inside(x, lims)
        n_in = int(inside.sum())
        k_in = int(y[inside].sum())
        coverage = k_in / n_answer
        if n_in == 0 or coverage < settings["min_coverage"]:
            break
        limits = {k: (max(lo, ranges[k][0]), min(hi, ranges[k][1])) for k, (lo, hi) in
                  lims.items()}
        found.append(Box(answer, coverage, k_in / n_in, n_in, float(effect[inside].mean()),
                         limits=limits, ranges={k: ranges[k] for k in limits}, **common))
    return found or [not_found]


def discover(
    points: pd.DataFrame,
    effect: Any,
    *,
    half_width: Any = None,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    helps: float = 0.05,
    harms: float = -0.05,
    min_density: float = 0.8,
    min_coverage: float = 0.1,
    max_boxes: int = 3,
    max_qp: float = 0.05,
    peel_alpha: float = 0.05,
    paste_alpha: float = 0.05,
    mass_min: float = 0.05,
) -> list[Box]:
    """Boxes of parameter space where more coverage helps, does nothing, and harms (PRIM).

    Parameters
    ----------
    points : DataFrame
        One row per sampled point, one numeric column per parameter (named by its path).
    effect : Series or array_like
        Relative burden reduction at each point (positive: coverage helps).
    half_width : array_like, optional
        Confidence half-width of each effect; see :func:`classify`.
    bounds : dict, optional
        name -> (low, high), the sampled range of every column; default: the data's range.
    helps, harms : float
        Effect band edges (see :func:`classify`).
    min_density : float
        Density a box must reach (rule 1 of the module docstring).
    min_coverage : float
        Share of an answer's points a box must hold to be reported (rule 3).
    max_boxes : int
        Boxes per answer at most (rule 4).
    max_qp : float
        Largest quasi-p-value of a restriction that is kept (rule 2).
    peel_alpha, paste_alpha, mass_min : float
        PRIM's own settings, passed to ``ema_workbench.analysis.prim.Prim``.

    Returns
    -------
    list of Box
        The ``helps`` boxes, then ``no_effect``, then ``harms``; an answer with no region
        appears once, as a not-found entry.

    Raises
    ------
    ValueError
        On a table with no rows, lengths that differ, missing values or bad settings.
    """
    x = _check_points(points)
    if isinstance(effect, pd.Series) and not effect.index.equals(points.index):
        raise ValueError("effect's index does not match the index of points")
    eff = _as_effect(effect, len(x), "effect")
    if half_width is not None:
        _as_effect(half_width, len(x), "half_width")
    ranges = _check_bounds(x, bounds)
    labels = classify(eff, half_width, helps=helps, harms=harms)
    for name, value, ok, allowed in [
        ("min_density", min_density, 0.0 < min_density <= 1.0, "in (0, 1]"),
        ("min_coverage", min_coverage, 0.0 <= min_coverage <= 1.0, "in [0, 1]"),
        ("max_boxes", max_boxes, int(max_boxes) >= 1, "a positive integer"),
        ("max_qp", max_qp, 0.0 < max_qp <= 1.0, "in (0, 1]"),
    ]:
        if not ok:
            raise ValueError(f"{name} must be {allowed}, got {value}")
    settings = dict(min_density=float(min_density), min_coverage=float(min_coverage),
                    max_boxes=int(max_boxes), max_qp=float(max_qp),
                    peel_alpha=float(peel_alpha), paste_alpha=float(paste_alpha),
                    mass_min=float(mass_min))
    bands = {"helps": (helps, None), "no_effect": (harms, helps), "harms": (None, harms)}
    out: list[Box] = []
    with _quiet_ema():
        prim_mod = _prim_module()
        for answer in ANSWERS:
            y = labels == answer
            out.extend(_boxes_for(prim_mod, x, y, eff, answer, ranges, bands[answer], settings))
    return out


_WORDS = {
    "id": {
        "subject": "menambah cakupan WKSBM",
        "helps": "membantu (beban turun ≥ {p})",
        "no_effect": "tidak berpengaruh (beban berubah kurang dari {p})",
        "harms": "merugikan (beban naik ≥ {p})",
        "who": {"helps": "yang membantu", "no_effect": "yang tidak berpengaruh",
                "harms": "yang merugikan"},
        "when": "bila", "and": "dan", "everywhere": "di seluruh rentang parameter",
        "above": "{l} di atas {a}", "below": "{l} di bawah {b}",
        "between": "{l} antara {a} dan {b}",
        "stats": "di kotak ini {d} titik begitu (kepadatan kotak), dan kotak ini memuat {c} "
                 "dari semua titik {who} (cakupan kotak); {mean}",
        "falls": "rata-rata beban turun {v}", "rises": "rata-rata beban naik {v}",
        "flat": "rata-rata beban hampir tidak berubah",
        "none": "Tidak ditemukan wilayah dalam rentang parameter di mana {s} {a}: "
                "tidak ada satu pun dari {t} titik yang begitu.",
        "no_box": "Tidak ditemukan wilayah dalam rentang parameter di mana {s} {a}: "
                  "{k} dari {t} titik begitu, tetapi PRIM tidak menemukan satu kotak "
                  "(rentang tiap parameter) yang {d} titiknya atau lebih begitu.",
    },
    "en": {
        "subject": "more WKSBM coverage",
        "helps": "helps (burden falls by ≥ {p})",
        "no_effect": "makes no difference (burden changes by less than {p})",
        "harms": "harms (burden rises by ≥ {p})",
        "who": {"helps": "where it helps", "no_effect": "where it makes no difference",
                "harms": "where it harms"},
        "when": "when", "and": "and", "everywhere": "across the whole range of the parameters",
        "above": "{l} is above {a}", "below": "{l} is below {b}",
        "between": "{l} is between {a} and {b}",
        "stats": "in this box {d} of the points do so (box density), and the box holds {c} "
                 "of all points {who} (box coverage); {mean}",
        "falls": "on average burden falls by {v}", "rises": "on average burden rises by {v}",
        "flat": "on average burden hardly changes",
        "none": "No region was found within the parameter ranges where {s} {a}: "
                "none of the {t} points does so.",
        "no_box": "No region was found within the parameter ranges where {s} {a}: "
                  "{k} of the {t} points do so, but PRIM found no box (a range for each "
                  "parameter) in which {d} of the points or more do so.",
    },
}


def _pct(x: float, lang: str) -> str:
    """A share as a percentage: whole numbers unless that would hide the value."""
    v = 100 * x
    decimals = 0 if abs(v - round(v)) < 1e-9 or abs(v) >= 10 else 1
    return fmt_number(v, decimals, lang) + "%"


def _label(name: str, labels: Mapping[str, Any] | None, lang: str) -> str:
    if labels is None or name not in labels:
        return name
    lab = labels[name]
    return lab.get(lang, name) if isinstance(lab, Mapping) else str(lab)


def _num(x: float, name: str, width: float, kinds: Mapping[str, str] | None, lang: str) -> str:
    """A limit in its parameter's format, or with two significant digits of its range."""
    if kinds is not None and name in kinds:
        return fmt_value(x, kinds[name], lang)
    if width <= 0:
        return fmt_number(x, 2, lang)
    # the range's width to one significant digit (0.998 -> 1, so a unit range gets 2 decimals)
    magnitude = math.floor(math.log10(float(f"{width:.0e}")))
    decimals = max(0, min(6, 2 - magnitude))
    return fmt_number(x, decimals, lang)


def _condition(box: Box, labels: Mapping[str, Any] | None, kinds: Mapping[str, str] | None,
               lang: str) -> str:
    w = _WORDS[lang]
    if not box.limits:
        return w["everywhere"]
    parts = []
    for name, (lo, hi) in box.limits.items():
        r_lo, r_hi = box.ranges.get(name, (-math.inf, math.inf))
        width = r_hi - r_lo if math.isfinite(r_hi - r_lo) else hi - lo
        lab = _label(name, labels, lang)
        a, b = _num(lo, name, width, kinds, lang), _num(hi, name, width, kinds, lang)
        if lo > r_lo and hi < r_hi:
            parts.append(w["between"].format(l=lab, a=a, b=b))
        elif lo > r_lo:
            parts.append(w["above"].format(l=lab, a=a))
        else:
            parts.append(w["below"].format(l=lab, b=b))
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {w['and']} " + parts[-1]
    return f"{w['when']} {joined}"


def describe(
    box: Box,
    lang: str = "id",
    labels: Mapping[str, str | Mapping[str, str]] | None = None,
    kinds: Mapping[str, str] | None = None,
) -> str:
    """One plain sentence for a trainer about one box (or about an answer not found).

    Parameters
    ----------
    box : Box
        An entry of :func:`discover`.
    lang : {"id", "en"}
        Bahasa Indonesia (default) or English; numbers follow :func:`oslsim.i18n.fmt_number`.
    labels : dict, optional
        Parameter path -> label, either one string or ``{"id": ..., "en": ...}``; default the
        path itself.
    kinds : dict, optional
        Parameter path -> a term format of :func:`oslsim.i18n.fmt_value` (``share``,
        ``rupiah``, ...); default: two significant digits of the parameter's range.

    Returns
    -------
    str
    """
    if lang not in _WORDS:
        raise ValueError(f"lang must be one of {sorted(_WORDS)}, got {lang!r}")
    w = _WORDS[lang]
    lo, hi = box.band
    edge = {"helps": lo, "harms": hi, "no_effect": max(abs(lo or 0.0), abs(hi or 0.0))}
    answer = w[box.answer].format(p=_pct(abs(edge[box.answer] or 0.0), lang))
    if not box.found:
        return w[box.reason].format(s=w["subject"], a=answer, k=fmt_number(box.n_answer, 0, lang),
                                    t=fmt_number(box.n_total, 0, lang),
                                    d=_pct(box.min_density, lang))
    m = box.mean_effect or 0.0
    if abs(m) < 0.0005:
        mean = w["flat"]
    else:
        mean = w["falls" if m > 0 else "rises"].format(v=fmt_number(100 * abs(m), 1, lang) + "%")
    stats = w["stats"].format(d=_pct(box.density or 0.0, lang), c=_pct(box.coverage, lang),
                              who=w["who"][box.answer], mean=mean)
    subject = w["subject"][0].upper() + w["subject"][1:]
    return f"{subject} {answer} {_condition(box, labels, kinds, lang)}: {stats}."
