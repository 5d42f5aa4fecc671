"""Phase 9, drift: values erosion, neighbours' pull and crowding out of solidarity."""

from __future__ import annotations

from numpy.testing import assert_allclose

from oslsim.phases import drift
from tiny import P, make_state


def community():
    """hh0 - hh1 - hh2 in a line, solidarity 0.2, 0.6, 1.0."""
    return make_state(solidarity=[0.2, 0.6, 1.0], edges=[(0, 1), (1, 2)])


def test_erosion_alone(rng):
    st = community()
    drift(st, P({"drift.solidarity_decay": 0.01, "drift.neighbour_influence": 0.0,
                 "government.crowd_out_drift": 0.0}), rng)
    # s * (1 - 0.01)
    assert_allclose(st.solidarity, [0.198, 0.594, 0.99])


def test_neighbours_pull_alone(rng):
    st = community()
    drift(st, P({"drift.solidarity_decay": 0.0, "drift.neighbour_influence": 0.5,
                 "government.crowd_out_drift": 0.0}), rng)
    # neighbours' means: hh0 0.6; hh1 (0.2 + 1.0) / 2 = 0.6; hh2 0.6
    # s + 0.5 * (mean - s): 0.4, 0.6, 0.8
    assert_allclose(st.solidarity, [0.4, 0.6, 0.8])


def test_pull_then_erosion_then_crowding_out(rng):
    st = community()
    st.extra_decay = 0.02  # a scenario's values erosion
    st.direction = 0.5
    drift(st, P({"drift.solidarity_decay": 0.03, "drift.neighbour_influence": 0.5,
                 "government.crowd_out_drift": 0.04}), rng)
    # pulled 0.4, 0.6, 0.8; * (1 - 0.03 - 0.02) = 0.38, 0.57, 0.76; - 0.04 * 0.5 = 0.02
    assert_allclose(st.solidarity, [0.36, 0.55, 0.74])


def test_solidarity_stays_in_bounds(rng):
    st = make_state(solidarity=[0.0, 0.01, 1.0], edges=[(0, 1)])
    st.direction = 1.0
    drift(st, P({"drift.solidarity_decay": 0.0, "drift.neighbour_influence": 0.0,
                 "government.crowd_out_drift": 0.05}), rng)
    # 0 - 0.05 and 0.01 - 0.05 are clipped at 0; 1 - 0.05 = 0.95
    assert_allclose(st.solidarity, [0.0, 0.0, 0.95])


def test_isolated_household_is_not_pulled(rng):
    st = make_state(solidarity=[0.2, 0.6, 1.0], edges=[(0, 1)])
    drift(st, P({"drift.solidarity_decay": 0.0, "drift.neighbour_influence": 0.5,
                 "government.crowd_out_drift": 0.0}), rng)
    # hh2 has no neighbour: it keeps 1.0.
    # hh0 moves to 0.2 + 0.5 * (0.6 - 0.2) = 0.4, hh1 to 0.6 + 0.5 * (0.2 - 0.6) = 0.4
    assert_allclose(st.solidarity, [0.4, 0.4, 1.0])


def test_a_weighted_network_pulls_by_its_weights(rng):
    """Only a 0/1 network's sums skip its weights; a weighted one is read as weighted."""
    import scipy.sparse as sp

    from oslsim.state import State

    st = community()
    assert st.unit_ties  # the hand-built network is 0/1
    w = sp.csr_matrix(([3.0, 3.0, 1.0, 1.0], ([0, 1, 1, 2], [1, 0, 2, 1])), shape=(3, 3))
    fields = {k: getattr(st, k) for k in ("rt", "rw", "size", "eligible", "base_income",
                                          "income_rank", "solidarity", "savings")}
    st = State(**fields, adjacency=w, same_rt_tie=w, n_rt=1, n_rw=1)
    assert not st.unit_ties and not st.unit_rt_ties
    drift(st, P({"drift.solidarity_decay": 0.0, "drift.neighbour_influence": 0.5,
                 "government.crowd_out_drift": 0.0}), rng)
    # degrees 3, 4, 1; weighted means: hh0 0.6, hh1 (3 * 0.2 + 1.0) / 4 = 0.4, hh2 0.6
    # s + 0.5 * (mean - s): 0.4, 0.5, 0.8
    assert_allclose(st.solidarity, [0.4, 0.5, 0.8])
