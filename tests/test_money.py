"""Money is conserved over whole runs, checked against totals the phases do not write.

The ledger is the phases' own bookkeeping; here the expected change of the community's money
is rebuilt from the state arrays each month (households' income and consumption) and from
government spending less what trainers were paid. Leakage, activity spending and the forum's
transaction cost are set to zero so that nothing else may leave.
"""

from __future__ import annotations

import numpy as np
import pytest

from oslsim import OSLModel
from oslsim.scenarios import builtin_names, load_scenario

CLOSED = {"households": 400, "organisations.leakage": 0.0, "organisations.activity_share": 0.0,
          "funds.pool_cost": 0.0}


def _run_and_balance(params, scenario=None, months=120, seed=11):
    model = OSLModel(params, rng=seed)
    if scenario is not None:
        scenario.install(model)
    s = model.state
    start = s.savings.sum() + s.treasury[: s.m].sum() + s.rt_fund.sum()
    flows = 0.0
    trained = int(s.trained[: s.m].sum())
    for _ in range(months):
        model.step()
        now_trained = int(s.trained[: s.m].sum())
        gov_in = s.gov_spending - (now_trained - trained) * params.government.training_cost
        trained = now_trained
        flows += float(s.income.sum() - s.consumption.sum() + gov_in)
    end = s.savings.sum() + s.treasury[: s.m].sum() + s.rt_fund.sum()
    return start, end, flows


@pytest.mark.slow
@pytest.mark.parametrize("name", builtin_names())
def test_money_at_the_end_is_the_start_plus_what_came_in_less_consumption(name):
    sc = load_scenario(name)
    params = sc.build_params(CLOSED)
    start, end, flows = _run_and_balance(params, sc, months=min(sc.months, 120))
    # Float64 sums of about 10^11 rupiah over 120 months: a relative 1e-9 of the money.
    assert end - start == pytest.approx(flows, abs=1e-9 * max(abs(start), abs(end), 1.0))


def test_leakage_activities_and_forum_costs_only_take_money_out():
    sc = load_scenario("baseline")
    params = sc.build_params({"households": 400, "organisations.wksbm_coverage": 1.0})
    start, end, flows = _run_and_balance(params, sc, months=36)
    assert end - start < flows  # something left the community besides consumption
    assert np.isfinite(end)
