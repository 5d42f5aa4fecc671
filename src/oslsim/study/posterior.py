"""The hypothesis under parameter uncertainty: each replicate runs at a draw from the posterior.

``oslsim calibrate`` writes ``draws.csv`` (draws from its posterior, or from the
not-ruled-out space). :class:`PosteriorRun` is a sweep run function that gives replicate
*r* draw *r* (by its seed, which is the same at every dose, site and condition), so the
paired dose contrasts keep their common random numbers and their spread now carries
parameter uncertainty as well as seed noise. A value the site profile or the condition sets
itself (e.g. no capacity) wins over the draw.
"""

from __future__ import annotations

import csv
import hashlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from oslsim.errors import InputError

__all__ = ["DRAWS_FILE", "PosteriorRun", "load_draws", "posterior_plan"]

#: The draws file ``oslsim calibrate`` writes in its output folder.
DRAWS_FILE = "draws.csv"
#: Most draws read (one per replicate; a larger file is refused before anything runs).
MAX_DRAWS = 100_000


def load_draws(folder: str | Path) -> list[dict[str, float]]:
    """Read ``draws.csv`` from a calibration folder: one mapping of parameter -> value per draw.

    The file is plain CSV (never unpickled); every column but ``draw`` must be a numeric
    parameter and every value within its range, or the error is one line naming file, row and
    column.
    """
    from oslsim.tomlcheck import check_param, find_param

    path = Path(folder).expanduser()
    if path.is_dir():
        path = path / DRAWS_FILE
    if not path.is_file():
        raise InputError(f"--posterior {folder}: no {DRAWS_FILE} there; give the --out folder "
                         "of an 'oslsim calibrate' run")
    try:
        with open(path, encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            columns = [c for c in (reader.fieldnames or []) if c != "draw"]
            if not columns:
                raise InputError(f"{path}: no parameter columns; expected the draws.csv of "
                                 "'oslsim calibrate'")
            for c in columns:
                try:
                    find_param(c)
                except ValueError as exc:
                    raise InputError(f"{path}: column {c!r}: {exc}") from None
            draws = []
            for i, row in enumerate(reader, start=2):
                if len(draws) >= MAX_DRAWS:
                    raise InputError(f"{path}: more than {MAX_DRAWS:,} draws")
                draw = {}
                for c in columns:
                    try:
                        value = float(row[c])
                        if not math.isfinite(value):
                            raise ValueError("not a finite number")
                        draw[c] = check_param(c, value)
                    except (TypeError, ValueError) as exc:
                        raise InputError(f"{path}, line {i}: {c}: {row[c]!r}: "
                                         f"{' '.join(str(exc).split())}") from None
                draws.append(draw)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: cannot be read ({' '.join(str(exc).split())})") from None
    if not draws:
        raise InputError(f"{path}: holds no draws")
    return draws


def _default_run(scenario: Any, months: int, rng: Any, overrides: Mapping[str, Any],
                 warmup: Mapping[str, Any] | None = None) -> Any:
    from oslsim.simulation import simulate

    return simulate(scenario, months=months, rng=rng, overrides=dict(overrides),
                    warmup=dict(warmup) if warmup else False)


@dataclass(frozen=True)
class PosteriorRun:
    """A sweep run function that runs replicate *r* (known by its seed) at draw *r*.

    Parameters
    ----------
    draws : sequence of mapping
        Parameter values, one mapping per draw.
    seeds : sequence of int
        The sweep's replicate seeds, in replicate order; replicate *r* takes draw
        ``r % len(draws)``. A seed not listed picks a draw by its hash.
    run : callable, optional
        The run function to call (default :func:`oslsim.simulate`).
    """

    draws: tuple[Mapping[str, float], ...]
    seeds: tuple[int, ...]
    run: Callable[..., Any] | None = None

    @property
    def outcomes(self) -> tuple[str, ...]:
        """Extra outcome columns of the wrapped run function (for ``keep.outcomes``)."""
        return tuple(getattr(self.run, "outcomes", ()) or ())

    def draw_for(self, seed: int) -> Mapping[str, float]:
        """The draw replicate ``seed`` runs at."""
        if seed in self.seeds:
            return self.draws[self.seeds.index(seed) % len(self.draws)]
        k = int(hashlib.sha256(str(int(seed)).encode()).hexdigest()[:12], 16)
        return self.draws[k % len(self.draws)]

    def __call__(self, scenario: Any, months: int, rng: Any, overrides: Mapping[str, Any],
                 warmup: Mapping[str, Any] | None = None) -> Any:
        """Run one task with its replicate's draw under the site's and the run's own values."""
        from oslsim.calibration import apply_draw
        from oslsim.scenarios import Scenario, load_scenario

        sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        over = apply_draw(sc, overrides, self.draw_for(int(rng)))
        fn = self.run or _default_run
        extra = {"warmup": warmup} if warmup else {}
        return fn(sc, months=months, rng=rng, overrides=over, **extra)


def _digest(draws: Sequence[Mapping[str, float]]) -> str:
    text = repr([sorted(d.items()) for d in draws])
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def posterior_plan(plan: Any, draws: Sequence[Mapping[str, float]]) -> tuple[Any, PosteriorRun]:
    """The plan's conditions renamed for the posterior, and the run function that applies it.

    The experiments get a ``_posterior_<digest>`` suffix (a store can hold them beside the
    ordinary ones, and other draws are another experiment); the Sobol and overlap
    experiments are left out, since they vary parameters themselves. Replicate *r* runs at
    draw *r*; with more replicates than draws the draws repeat.
    """
    from oslsim.experiments.designs import replicate_seeds

    if not draws:
        raise InputError("--posterior: holds no draws")
    suffix = f"_posterior_{_digest(draws)}"
    conditions = tuple((cond, replace(exp, name=f"{exp.name}{suffix}"))
                       for cond, exp in plan.conditions)
    new = replace(plan, conditions=conditions, sensitivity=None, overlap=None)
    ref = conditions[0][1]
    seeds = tuple(replicate_seeds(ref.seed, ref.replicates))
    return new, PosteriorRun(tuple(dict(d) for d in draws), seeds)
