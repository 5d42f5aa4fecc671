"""Mesa agents as views onto the arrays: households, organisations, the local government."""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
import pytest

from oslsim import OSLModel, Params
from oslsim.agents import Household, LocalGovernment, Organisation
from oslsim.pmks import CODES, KINDS


@pytest.fixture
def model():
    # 300 households (one RW) fully covered, 10 WKSBM per 1,000: three WKSBM at the start.
    m = OSLModel(Params(households=300).with_overrides({"organisations.wksbm_coverage": 1.0,
                                                        "organisations.wksbm_per_1000": 10.0}),
                 rng=8)
    m.run(2)
    return m


def test_household_17_is_a_view_onto_row_17(model):
    h = model.households[17]
    assert isinstance(h, Household) and isinstance(h, mesa.Agent)
    assert h.row == 17 and h.model is model
    st = model.state
    assert h.solidarity == st.solidarity[17]
    h.solidarity = 0.33
    assert st.solidarity[17] == 0.33
    st.solidarity[17] = 0.77
    assert h.solidarity == 0.77
    with pytest.raises(ValueError, match="solidarity"):
        h.solidarity = 1.5
    assert h.savings == st.savings[17] and h.income == st.income[17]
    assert h.rt == st.rt[17] and h.rw == st.rw[17] and h.poor == st.poor[17]
    assert h.size == int(st.size[17])
    assert set(h.conditions) <= set(CODES)
    assert h.conditions == [CODES[k] for k in np.flatnonzero(st.active[17])]


def test_phases_see_what_an_agent_wrote(model):
    h = model.households[5]
    h.solidarity = 0.0
    model.step()
    # Meetings raise it, drift erodes it: whatever happened started from 0, not the old
    # value, so it is far below the community's mean.
    assert model.households[5].solidarity < model.state.solidarity.mean()


def test_households_agentset_covers_every_row(model):
    hs = model.households
    assert isinstance(hs, mesa.agent.AgentSet)
    assert len(hs) == model.state.n
    assert [h.row for h in hs][:5] == [0, 1, 2, 3, 4]


def test_memberships_match_the_membership_arrays(model):
    st = model.state
    hh, org = st.members()
    row = int(hh[0])
    h = model.households[row]
    assert sorted(o.row for o in h.memberships) == sorted(org[hh == row].tolist())
    assert all(isinstance(o, Organisation) for o in h.memberships)


def test_organisations_agentset_attributes(model):
    orgs = model.organisations
    st = model.state
    assert isinstance(orgs, mesa.agent.AgentSet)
    assert len(orgs) == int(st.alive[: st.m].sum()) == model.timeseries()["osl_count"].iloc[-1]
    for o in orgs:
        assert o.kind in KINDS
        assert o.origin in ("natural", "government")
        assert o.scope in ("rt", "rw", "kelurahan")
        assert o.treasury == st.treasury[o.row]
        assert o.capacity == st.capacity[o.row]
        assert o.is_wksbm == bool(st.wksbm[o.row])
        assert o.alive
        assert o.n_members == len(o.members)
        assert all(isinstance(h, Household) for h in o.members)
    wksbm = [o for o in orgs if o.is_wksbm]
    assert len(wksbm) == model.timeseries()["wksbm_count"].iloc[-1]
    # The attribute API Mesa offers works on these properties.
    assert sorted(orgs.get("kind")) == sorted(o.kind for o in orgs)
    o = next(iter(orgs))
    o.capacity = 0.9
    assert st.capacity[o.row] == 0.9
    with pytest.raises(ValueError):
        o.capacity = -0.1
    assert "#" in o.name("id") and o.story("en")


def test_enrol_and_join_forum_go_through_methods(model):
    st = model.state
    o = next(o for o in model.organisations if not o.is_wksbm)
    outsider = next(h for h in model.households if o.row not in {x.row for x in h.memberships})
    before = o.n_members
    o.enrol(outsider)
    o.enrol(outsider)  # a second time has no effect
    assert o.n_members == before + 1
    assert outsider.row in [h.row for h in o.members]
    o.join_forum()
    assert o.is_wksbm and st.wksbm[o.row]


def test_receive_help_moves_money(model):
    giver, taker = model.households[3], model.households[4]
    st = model.state
    st.savings[3] = 500_000.0
    total = st.total_money()
    before = taker.savings
    taker.receive_help(200_000.0, giver)
    assert giver.savings == pytest.approx(300_000.0)
    assert taker.savings == pytest.approx(before + 200_000.0)
    assert taker.help_received >= 200_000.0
    assert st.total_money() == pytest.approx(total)
    with pytest.raises(ValueError):
        taker.receive_help(10_000_000.0, giver)  # more than the giver has
    with pytest.raises(ValueError):
        taker.receive_help(-1.0, giver)


def test_dissolved_organisations_leave_the_agentset(model):
    st = model.state
    o = next(iter(model.organisations))
    row = o.row
    # Its members all leave (as organisation life would let them): it falls below the
    # minimum membership and dissolves in the next month.
    st.mem_active[: st.e][st.mem_org[: st.e] == row] = False
    model.step()
    assert not st.alive[row]
    assert o not in model.organisations
    assert model.organisation(row) is o and not o.alive
    assert len(model.organisations) == model.timeseries()["osl_count"].iloc[-1]
    with pytest.raises(ValueError):
        o.join_forum()


def test_new_organisations_become_agents(model):
    before = len(model.organisations)
    model.government.found_organisations(2, kind="kube", wksbm=True)
    assert len(model.organisations) == before + 2
    new = [model.organisation(r) for r in (model.state.m - 2, model.state.m - 1)]
    assert all(o.kind == "kube" and o.origin == "government" and o.is_wksbm for o in new)
    with pytest.raises(ValueError, match="kind"):
        model.government.found_organisations(1, kind="bowling")


def test_government_agent(model):
    g = model.government
    assert isinstance(g, LocalGovernment) and isinstance(g, mesa.Agent)
    p = model.params.government
    assert g.mode == p.mode == "facilitator"
    assert g.budget == pytest.approx(p.budget_per_household * model.state.n)
    assert {"mode", "budget", "grant_share", "training_share", "direction"} <= set(g.policy)
    reg = g.register
    assert isinstance(reg, pd.DataFrame)
    assert list(reg.columns) == ["household", "rt", "rw", "category", "served"]
    assert set(reg["category"]) <= set(CODES)
    g.withdraw()
    assert g.mode == "none" and g.budget == 0.0
    g.restore()
    assert g.mode == "facilitator"


def test_government_interventions(model):
    g = model.government
    st = model.state
    wk = np.flatnonzero(st.alive[: st.m] & st.wksbm[: st.m])
    assert wk.size > 0
    treasury = st.treasury[wk].copy()
    grants, spent = st.ledger.grants, st.gov_spending
    g.grant(1_000_000.0)
    assert np.allclose(st.treasury[wk], treasury + 1_000_000.0 / wk.size)
    assert st.ledger.grants == pytest.approx(grants + 1_000_000.0)
    assert st.gov_spending == pytest.approx(spent + 1_000_000.0)
    capacity = st.capacity[: st.m].copy()
    trained = g.train_pengurus(share=1.0, who="all")
    assert trained == int(st.alive[: st.m].sum())
    assert (st.capacity[: st.m][st.alive[: st.m]] >= capacity[st.alive[: st.m]]).all()
    with pytest.raises(ValueError, match="who"):
        g.train_pengurus(who="everyone")
    g.direct(0.8)
    assert g.mode == "directive"
    with pytest.raises(ValueError):
        g.direct(2.0)


def test_a_dissolved_organisation_takes_no_members(model):
    st = model.state
    o = next(iter(model.organisations))
    st.mem_active[: st.e][st.mem_org[: st.e] == o.row] = False
    model.step()
    assert not o.alive
    with pytest.raises(ValueError):
        o.enrol(model.households[0])


def test_a_kelurahan_without_organisations():
    params = Params(households=60).with_overrides({"organisations.per_1000": 0.0,
                                                   "organisations.wksbm_coverage": 0.0,
                                                   "organisations.emergence_rate": 0.0})
    m = OSLModel(params, rng=2)
    m.run(2)
    assert len(m.organisations) == 0
    assert m.households[0].memberships == []
    assert (m.timeseries()["osl_count"] == 0).all()
