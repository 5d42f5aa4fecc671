"""Global sensitivity: SALib's Sobol and Morris analyses, seeded from ``rng``."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["morris_indices", "sobol_indices"]


def _salib_seed(rng: int | np.random.Generator | None) -> int:
    """Draw an int seed for SALib from ``rng``.

    Never 0: ``SALib.analyze.sobol`` treats a falsy seed as "no seed" and falls back to
    numpy's global random state.
    """
    return int(np.random.default_rng(rng).integers(1, 2**31 - 1))


def _problem_names(problem: dict) -> list[str]:
    if "names" not in problem or "num_vars" not in problem:
        raise ValueError("problem must be a SALib problem dict with 'names' and 'num_vars'")
    return list(problem["names"])


def sobol_indices(
    problem: dict,
    Y: np.ndarray,
    rng: int | np.random.Generator | None = None,
    calc_second_order: bool = True,
    num_resamples: int = 100,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """First-order and total Sobol indices per parameter, via ``SALib.analyze.sobol``.

    ``Y`` must be the model outputs at a ``SALib.sample.sobol.sample`` design made with the
    same ``calc_second_order``. The bootstrap confidence intervals are seeded from ``rng``.

    Parameters
    ----------
    problem : dict
        SALib problem (``num_vars``, ``names``, ``bounds``).
    Y : ndarray
        Outputs, one per sample row.
    rng : int or numpy.random.Generator, optional
        Seed or generator for the confidence-interval bootstrap (SPEC 7).
    calc_second_order : bool
        Whether the sample includes the second-order cross-matrices.
    num_resamples : int
        Bootstrap resamples for the confidence intervals.
    conf_level : float
        Confidence level.

    Returns
    -------
    DataFrame
        Indexed by parameter name, columns ``S1, S1_conf, ST, ST_conf``.
    """
    from SALib.analyze import sobol

    names = _problem_names(problem)
    y = np.asarray(Y, dtype=float).ravel()
    res = sobol.analyze(
        problem,
        y,
        calc_second_order=calc_second_order,
        num_resamples=num_resamples,
        conf_level=conf_level,
        print_to_console=False,
        seed=_salib_seed(rng),
    )
    out = pd.DataFrame(
        {k: np.asarray(res[k], dtype=float) for k in ("S1", "S1_conf", "ST", "ST_conf")},
        index=pd.Index(names, name="parameter"),
    )
    return out


def morris_indices(
    problem: dict,
    X: np.ndarray,
    Y: np.ndarray,
    rng: int | np.random.Generator | None = None,
    num_levels: int = 4,
    num_resamples: int = 1000,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Morris elementary-effect screening per parameter, via ``SALib.analyze.morris``.

    ``X`` and ``Y`` come from a ``SALib.sample.morris.sample`` design with the same
    ``num_levels``; ``mu_star`` ranks influence and ``sigma`` flags non-linearity or
    interactions.

    Parameters
    ----------
    problem : dict
        SALib problem (``num_vars``, ``names``, ``bounds``).
    X : ndarray
        The Morris sample, shape (n, num_vars).
    Y : ndarray
        Outputs, one per sample row.
    rng : int or numpy.random.Generator, optional
        Seed or generator for the ``mu_star`` confidence bootstrap (SPEC 7).
    num_levels : int
        Grid levels used by the sampler.
    num_resamples : int
        Bootstrap resamples for ``mu_star_conf``.
    conf_level : float
        Confidence level.

    Returns
    -------
    DataFrame
        Indexed by parameter name, columns ``mu, mu_star, sigma, mu_star_conf``.
    """
    from SALib.analyze import morris

    names = _problem_names(problem)
    res = morris.analyze(
        problem,
        np.asarray(X, dtype=float),
        np.asarray(Y, dtype=float).ravel(),
        num_resamples=num_resamples,
        conf_level=conf_level,
        print_to_console=False,
        num_levels=num_levels,
        seed=_salib_seed(rng),
    )
    return pd.DataFrame(
        {k: np.asarray(res[k], dtype=float) for k in ("mu", "mu_star", "sigma", "mu_star_conf")},
        index=pd.Index(names, name="parameter"),
    )
