"""The EMA Workbench adapter: oslsim.ema builds a ReplicatorModel that EMA's evaluators run.

One test runs 8 experiments on a 2-process ``MultiprocessingEvaluator`` here; one runs the
same from a notebook (nbclient, fresh kernel) with a model function defined in a cell, which
hung when ``import oslsim`` had switched the process to the "spawn" start method.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

ema = pytest.importorskip("ema_workbench")

from oslsim.ema import OslsimFunction, ema_model  # noqa: E402
from oslsim.experiments.designs import replicate_seeds  # noqa: E402

SMALL = {"households": 150}
CELL_TIMEOUT_S = 300  # per notebook cell; generous for the shared 2-core machine


def small_model(**kw):
    args = {"uncertainties": {"organisations.capacity_mean": (0.2, 0.8)},
            "levers": {"government.mode": ["none", "facilitator"]},
            "outcomes": {"burden": "minimize", "coverage": "info"}, "months": 6,
            "replications": 2, "seed": 1, "overrides": SMALL}
    args.update(kw)
    return ema_model("baseline", **args)


def test_the_model_names_parameters_by_path_and_seeds_as_replications():
    model = small_model()
    assert isinstance(model, ema.ReplicatorModel)
    (unc,) = model.uncertainties
    assert unc.name == "organisations_capacity_mean"
    assert unc.variable_name == ["organisations.capacity_mean"]
    assert (unc.lower_bound, unc.upper_bound) == (0.2, 0.8)
    (lever,) = model.levers
    assert isinstance(lever, ema.CategoricalParameter)
    assert [dict(r) for r in model.replications] == [{"seed": s} for s in replicate_seeds(1, 2)]
    assert [o.kind for o in model.outcomes] == [ema.ScalarOutcome.MINIMIZE,
                                               ema.ScalarOutcome.INFO]


def test_declared_ranges_and_clear_errors():
    model = ema_model("baseline", uncertainties=["organisations.capacity_mean",
                                                 "government.mode", "households"],
                      outcomes=["burden"], months=2, overrides=SMALL)
    by_name = {p.name: p for p in model.uncertainties}
    assert isinstance(by_name["households"], ema.IntegerParameter)
    assert isinstance(by_name["government_mode"], ema.CategoricalParameter)
    with pytest.raises(ValueError, match="capacity_man"):
        ema_model("baseline", uncertainties=["organisations.capacity_man"], overrides=SMALL)
    with pytest.raises(ValueError, match="out of range"):
        ema_model("baseline", uncertainties={"organisations.capacity_mean": (0.2, 7.0)},
                  overrides=SMALL)
    with pytest.raises(ValueError, match="not a column"):
        ema_model("baseline", outcomes=["burdn"], overrides=SMALL)
    with pytest.raises(ValueError, match="replications"):
        ema_model("baseline", replications=0, overrides=SMALL)


def test_eight_experiments_on_two_processes_match_direct_runs():
    model = small_model()
    with ema.MultiprocessingEvaluator(model, n_processes=2) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=4, policies=2)
    assert len(experiments) == 8 and outcomes["burden"].shape == (8,)
    assert np.isfinite(outcomes["burden"]).all()
    # each outcome is the mean over the two replication seeds of a direct simulate() run
    fn = model.function
    seeds = replicate_seeds(1, 2)
    for i in (0, 5):
        row = experiments.iloc[i]
        params = {"organisations.capacity_mean": row["organisations_capacity_mean"],
                  "government.mode": row["government_mode"]}
        direct = np.mean([fn(seed=s, **params)["burden"] for s in seeds])
        assert outcomes["burden"][i] == pytest.approx(direct)


def test_aggregate_none_keeps_every_replication_and_window_averages_months():
    # EMA registers outcome names per process with their class: an ArrayOutcome needs a name
    # not used above as a ScalarOutcome
    model = small_model(aggregate=None, replications=3, levers=None,
                        outcomes=["solidarity"])
    with ema.SequentialEvaluator(model) as evaluator:
        _, outcomes = evaluator.perform_experiments(scenarios=2)
    assert np.asarray(outcomes["solidarity"]).shape == (2, 3)
    fn = OslsimFunction(model.function.scenario, 6, ("burden",), SMALL, window=3)
    from oslsim import simulate

    ts = simulate("baseline", months=6, rng=5, overrides=SMALL).timeseries
    assert fn(seed=5)["burden"] == pytest.approx(ts["burden"].iloc[-3:].mean())


NOTEBOOK_CELLS = [
    "import multiprocessing as mp\nimport oslsim\nprint(mp.get_start_method(allow_none=True))",
    # the model function defined in a cell, as an EMA user writes it
    "from ema_workbench import (MultiprocessingEvaluator, RealParameter, ReplicatorModel,\n"
    "                           ScalarOutcome)\n"
    "import numpy as np\n\n"
    "def f(capacity=0.5, seed=0):\n"
    "    r = oslsim.simulate('baseline', months=4, rng=seed,\n"
    "                        overrides={'households': 120,\n"
    "                                   'organisations.capacity_mean': capacity})\n"
    "    return {'burden': float(r.timeseries['burden'].iloc[-1])}\n\n"
    "model = ReplicatorModel('cell', function=f)\n"
    "model.uncertainties = [RealParameter('capacity', 0.2, 0.8)]\n"
    "model.outcomes = [ScalarOutcome('burden', function=np.mean)]\n"
    "model.replications = [{'seed': 1}, {'seed': 2}]\n"
    "with MultiprocessingEvaluator(model, n_processes=2) as ev:\n"
    "    experiments, outcomes = ev.perform_experiments(scenarios=8)\n"
    "assert outcomes['burden'].shape == (8,), outcomes",
    # and through the adapter
    "from oslsim.ema import ema_model\n"
    "m2 = ema_model('baseline', uncertainties={'organisations.capacity_mean': (0.2, 0.8)},\n"
    "               outcomes=['burden'], months=4, replications=2, seed=1,\n"
    "               overrides={'households': 120})\n"
    "with MultiprocessingEvaluator(m2, n_processes=2) as ev:\n"
    "    experiments2, outcomes2 = ev.perform_experiments(scenarios=8)\n"
    "print(len(experiments2), outcomes2['burden'].shape)",
]


def test_ema_multiprocessing_from_a_notebook_with_the_function_in_a_cell(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep
                       + os.environ.get("PATH", ""))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in NOTEBOOK_CELLS])
    client = nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    text = ["".join(o.get("text", "") for o in c.outputs if o.output_type == "stream"
                    and o.get("name") == "stdout") for c in nb.cells]
    errors = [o for c in nb.cells for o in c.outputs if o.output_type == "error"]
    assert errors == []
    assert text[0].strip() in ("None", "fork")  # not forced to "spawn" by importing oslsim
    assert text[2].strip() == "8 (8,)"
