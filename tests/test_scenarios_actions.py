"""Each intervention action: it acts at its month (not before), on whom it should, as it should.

Models are small (300-400 households) and short; where another mechanism would blur the
effect (routine training, capacity decay, forum joining), the test switches it off by a
parameter so the expected numbers can be computed by hand.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from oslsim.model import OSLModel
from oslsim.params import Params
from oslsim.pmks import KINDS
from oslsim.scenarios import ACTIONS, parse_scenario
from oslsim.state import GOVERNMENT

SMALL = {"households": 300, "organisations.wksbm_coverage": 1.0}  # one RW, covered


def scenario(*interventions, months=24, **params):
    """Build a scenario from intervention tables (plain dicts), validated like a file."""
    data = {"scenario": {"name": "t", "months": months},
            "params": {**SMALL, **{k.replace("__", "."): v for k, v in params.items()}},
            "interventions": list(interventions)}
    return parse_scenario(data)


def model_of(sc, seed=1, extra=None):
    m = OSLModel(sc.build_params(extra), rng=seed)
    log = sc.install(m)
    return m, log


def step_to(m, month):
    while m.month < month:
        m.step()


def test_registry_has_the_issues_actions():
    expected = {"train_pengurus", "grant", "form_wksbm", "found_organisations", "economic_shock",
                "withdraw_government", "direct_control", "values_erosion"}
    assert expected <= set(ACTIONS)
    for action in ACTIONS.values():
        assert action.doc and action.title_id and action.title_en
        for arg in action.args:
            assert arg.doc, f"{action.name}.{arg.name} lacks a description"


# ----------------------------------------------------------------------------- train_pengurus


def test_training_at_month_12_raises_capacity_at_12_and_not_before():
    sc = scenario({"month": 12, "action": "train_pengurus", "share": 0.5, "gain": 0.4,
                   "who": "all"},
                  government__training_share=0.0)  # no routine training to blur the effect
    m, log = model_of(sc)
    decay = m.params.organisations.capacity_decay
    step_to(m, 11)
    st = m.state
    assert st.trained[: st.m].sum() == 0, "nobody is trained before month 12"
    before = st.capacity[: st.m].copy()
    alive = st.alive[: st.m].copy()
    m.step()  # month 12: the hook trains, then organisation life applies the monthly decay
    rows = np.flatnonzero(alive)
    chosen = rows[np.argsort(before[rows], kind="stable")[: int(round(0.5 * rows.size))]]
    trained = np.flatnonzero(st.trained[: st.m] > 0)
    assert set(trained) == set(chosen), "the least able half is trained"
    assert_allclose(st.capacity[chosen], (before[chosen] + 0.4 * (1 - before[chosen]))
                    * (1 - decay))
    others = np.setdiff1d(rows, chosen)
    assert_allclose(st.capacity[others], before[others] * (1 - decay))
    assert log == [{"month": 12, "action": "train_pengurus", "event": "pulse",
                    "result": chosen.size}]


def test_training_default_gain_and_who_wksbm_only():
    sc = scenario({"month": 2, "action": "train_pengurus"}, government__training_share=0.0)
    m, _ = model_of(sc)
    step_to(m, 1)
    st = m.state
    wk = np.flatnonzero(st.alive[: st.m] & st.wksbm[: st.m])
    assert wk.size >= 1
    m.step()
    assert set(np.flatnonzero(st.trained[: st.m])) == set(wk)


def test_training_repeats_every_12_months_in_a_window():
    sc = scenario({"from": 3, "to": 24, "action": "train_pengurus", "share": 1.0, "who": "all"},
                  government__training_share=0.0)
    m, log = model_of(sc)
    step_to(m, 24)
    assert [e["month"] for e in log] == [3, 15]


# ----------------------------------------------------------------------------- grant


def test_grant_total_is_spread_over_the_window_among_wksbm():
    sc = scenario({"from": 4, "to": 7, "action": "grant", "total": 4_000_000.0},
                  government__grant_share=0.0,  # no routine grants to blur the effect
                  organisations__wksbm_join_rate=0.0, government__forum_facilitation=0.0,
                  organisations__wksbm_leave_rate=0.0)
    m, _ = model_of(sc)
    step_to(m, 3)
    st = m.state
    received = st.grants_received[: st.m].copy()
    spent_total = st.gov_spending_total
    m.step()  # month 4: 1,000,000 shared equally among the living WKSBM
    wk = np.flatnonzero(st.alive[: st.m] & st.wksbm[: st.m])
    delta = st.grants_received[: st.m] - received
    assert_allclose(delta[wk], 1_000_000.0 / wk.size)
    assert_allclose(np.delete(delta, wk), 0.0)
    assert st.gov_spending_total - spent_total >= 1_000_000.0
    assert st.gov_spending >= 1_000_000.0, "the month's spending includes the grant"
    step_to(m, 10)
    assert_allclose(st.grants_received[: st.m].sum() - received.sum(), 4_000_000.0)


def test_grant_amount_to_all_organisations_once():
    sc = scenario({"month": 5, "action": "grant", "amount": 600_000.0, "recipients": "all"},
                  government__grant_share=0.0)
    m, log = model_of(sc)
    step_to(m, 4)
    st = m.state
    received = st.grants_received[: st.m].copy()
    alive = np.flatnonzero(st.alive[: st.m])
    m.step()
    assert_allclose((st.grants_received[: st.m] - received)[alive], 600_000.0 / alive.size)
    step_to(m, 8)
    assert [e["month"] for e in log] == [5]


# ----------------------------------------------------------------------------- form_wksbm


def test_form_wksbm_brings_organisations_into_the_forum_at_its_month():
    sc = scenario({"month": 6, "action": "form_wksbm", "per_1000": 10.0},
                  organisations__wksbm_join_rate=0.0, government__forum_facilitation=0.0,
                  organisations__wksbm_leave_rate=0.0)
    m, _ = model_of(sc)
    step_to(m, 5)
    st = m.state
    before = int((st.alive[: st.m] & st.wksbm[: st.m]).sum())
    m.step()
    after = int((st.alive[: st.m] & st.wksbm[: st.m]).sum())
    assert after - before == 3  # 10 per 1,000 of 300 households
    assert m.timeseries()["wksbm_count"].iloc[5] == before


# ----------------------------------------------------------------------------- found_organisations


def test_found_organisations_of_a_kind_join_the_forum():
    sc = scenario({"month": 3, "action": "found_organisations", "count": 4, "kind": "kube",
                   "wksbm": True, "scope": "rt"}, organisations__emergence_rate=0.0)
    m, _ = model_of(sc)
    step_to(m, 2)
    st = m.state
    m_before = st.m
    m.step()
    new = np.arange(m_before, st.m)
    assert new.size == 4
    assert (st.kind[new] == KINDS.index("kube")).all()
    assert (st.origin[new] == GOVERNMENT).all()
    assert st.wksbm[new].all()
    assert (st.founded[new] == 3).all()
    assert (st.n_members[new] > 0).all()


# ----------------------------------------------------------------------------- economic_shock


def _shock_pair(loss, **params):
    """Two runs with the same seed whose shocks differ only in the loss (same draws)."""
    runs = []
    for value in (0.0, loss):
        sc = scenario({"month": 5, "action": "economic_shock", "loss": value, "reach": 0.3,
                       "duration": 3}, **params)
        runs.append(model_of(sc, seed=7)[0])
    return runs


def test_shock_lowers_income_only_for_its_reach_and_only_while_active():
    calm, shocked = _shock_pair(0.4)
    for m in (calm, shocked):
        step_to(m, 4)
    assert not shocked.state.income_loss.any(), "nothing before month 5"
    calm.step()
    shocked.step()
    hit = shocked.state.income_loss > 0
    assert hit.sum() == round(0.3 * 300)
    assert_allclose(shocked.state.income_loss[hit], 0.4)
    # Same seed and state up to month 5, so month 5's incomes differ exactly by the loss.
    assert_allclose(shocked.state.income[hit], 0.6 * calm.state.income[hit])
    assert_allclose(shocked.state.income[~hit], calm.state.income[~hit])
    step_to(shocked, 7)
    assert (shocked.state.income_loss[hit] == 0.4).all(), "still active in month 7"
    shocked.step()  # month 8: the shock (months 5-7) has ended
    assert not shocked.state.income_loss.any()


def test_overlapping_shocks_add_and_both_end():
    sc = scenario({"from": 2, "to": 6, "action": "economic_shock", "loss": 0.2, "reach": 1.0},
                  {"month": 4, "action": "economic_shock", "loss": 0.3, "reach": 1.0,
                   "duration": 5})
    m, log = model_of(sc)
    step_to(m, 4)
    assert_allclose(m.state.income_loss, 0.5)
    step_to(m, 7)
    assert_allclose(m.state.income_loss, 0.3)
    step_to(m, 9)
    assert not m.state.income_loss.any()
    assert [(e["month"], e["event"]) for e in log] == [(2, "start"), (4, "start"), (7, "end"),
                                                       (9, "end")]


# ----------------------------------------------------------------------------- withdraw_government


def test_withdraw_government_makes_spending_zero_from_that_month():
    sc = scenario({"month": 6, "action": "withdraw_government"})
    m, _ = model_of(sc)
    step_to(m, 12)
    ts = m.timeseries()
    assert (ts.loc[ts.month.between(1, 5), "gov_spending"] > 0).all()
    assert (ts.loc[ts.month >= 6, "gov_spending"] == 0).all()
    assert (ts.loc[ts.month >= 6, "linking_capital"] == 0).all()
    assert m.government.mode == "none"


def test_withdrawal_window_ends_with_support_restored():
    sc = scenario({"from": 3, "to": 5, "action": "withdraw_government"})
    m, _ = model_of(sc)
    step_to(m, 8)
    spending = m.timeseries().set_index("month")["gov_spending"]
    assert (spending.loc[3:5] == 0).all()
    assert (spending.loc[6:8] > 0).all()
    assert m.government.mode == "facilitator"


# ----------------------------------------------------------------------------- direct_control


def test_direct_control_turns_government_directive_then_back():
    sc = scenario({"from": 4, "to": 6, "action": "direct_control", "intensity": 0.9})
    m, _ = model_of(sc)
    step_to(m, 3)
    assert m.state.direction == 0.0
    m.step()
    assert m.government.mode == "directive"
    assert m.state.direction == pytest.approx(0.9)
    step_to(m, 7)
    assert m.government.mode == "facilitator"
    assert m.state.direction == 0.0


def test_direct_control_window_restores_a_directive_policy():
    sc = scenario({"from": 2, "to": 3, "action": "direct_control", "intensity": 1.0},
                  government__mode="directive", government__direction=0.3)
    m, _ = model_of(sc)
    step_to(m, 2)
    assert m.state.direction == pytest.approx(1.0)
    step_to(m, 4)
    assert m.government.mode == "directive"
    assert m.state.direction == pytest.approx(0.3)


def test_direction_erodes_solidarity_against_a_calm_twin():
    # Same seed; the twin's direction has intensity 0. The runs' draws part after month 2
    # (directive government founds groups), but ten months of crowd_out_drift (0.003 a
    # month at full direction) outweigh that noise in the mean of 300 households.
    finals = []
    for intensity in (0.0, 1.0):
        sc = scenario({"month": 2, "action": "direct_control", "intensity": intensity},
                      government__founding_rate=0.0)
        m, _ = model_of(sc, seed=3)
        step_to(m, 12)
        finals.append(m.timeseries()["solidarity"].iloc[-1])
    assert finals[1] < finals[0]


# ----------------------------------------------------------------------------- values_erosion


def test_values_erosion_adds_decay_only_in_its_window():
    runs = []
    for extra in (0.0, 0.02):
        sc = scenario({"from": 3, "to": 5, "action": "values_erosion", "extra_decay": extra})
        runs.append(model_of(sc, seed=5)[0])
    calm, eroded = runs
    for m in runs:
        step_to(m, 2)
    assert_allclose(eroded.state.solidarity, calm.state.solidarity)
    calm.step()
    eroded.step()
    assert eroded.state.extra_decay == pytest.approx(0.02)
    # Month 3 is the same up to drift: s' = pulled * (1 - decay - extra), crowding out 0.
    decay = calm.params.drift.solidarity_decay
    assert_allclose(eroded.state.solidarity,
                    np.clip(calm.state.solidarity * (1 - decay - 0.02) / (1 - decay), 0, 1))
    step_to(eroded, 6)
    assert eroded.state.extra_decay == 0.0


# ----------------------------------------------------------------------------- timing rules


def test_ends_come_before_starts_in_the_same_month():
    sc = scenario({"from": 2, "to": 4, "action": "values_erosion", "extra_decay": 0.01},
                  {"from": 5, "to": 6, "action": "values_erosion", "extra_decay": 0.03})
    m, log = model_of(sc)
    step_to(m, 5)
    assert m.state.extra_decay == pytest.approx(0.03)
    assert [(e["month"], e["event"]) for e in log if e["month"] == 5] == [(5, "end"),
                                                                          (5, "start")]


def test_no_interventions_install_no_hook():
    m = OSLModel(Params(households=300), rng=1)
    hooks = len(m._hooks)
    scenario().install(m)
    assert len(m._hooks) == hooks


def test_direct_control_default_intensity_is_the_parameter():
    sc = scenario({"month": 2, "action": "direct_control"}, government__direction=0.45)
    m, _ = model_of(sc)
    step_to(m, 2)
    assert m.state.direction == pytest.approx(0.45)
