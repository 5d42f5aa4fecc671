"""A region's organisation agents are made when first asked for, and then are all there."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from oslsim.agents import Organisation
from oslsim.region import RegionModel, load_region


def test_region_organisation_agents_wait_and_then_match_the_arrays():
    kab = load_region("kabupaten_contoh")
    small = replace(kab, kelurahan=tuple(replace(k, households=60) for k in kab.kelurahan))
    m = RegionModel(small, rng=3)
    m.run(3)
    assert m._organisations == {}  # nothing made by the build or the months
    st = m.state
    living = m.organisations
    assert len(living) == int(st.alive[: st.m].sum())
    assert all(isinstance(a, Organisation) for a in living)
    assert sorted(a.row for a in living) == np.flatnonzero(st.alive[: st.m]).tolist()
    assert m.organisation(st.m - 1).row == st.m - 1
    m.run(2)  # once made, they follow the foundings and dissolutions
    assert len(m.organisations) == int(st.alive[: st.m].sum())
    assert len(m.organisations_frame()) == st.m
