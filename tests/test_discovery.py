"""Scenario discovery (oslsim.analysis.discovery) on synthetic tables with planted answers."""

import json
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from scipy.stats import qmc

pytest.importorskip("ema_workbench")

from oslsim import analysis  # noqa: E402
from oslsim.analysis.discovery import Box, classify, describe, discover  # noqa: E402
from oslsim.i18n import fmt_number  # noqa: E402

N = 600
NAMES = ["x1", "x2", "x3", "x4"]
#: How far a recovered limit may sit from the planted edge. PRIM peels 5% quantiles
#: (peel_alpha = 0.05) and the chosen box trades a little density for coverage, so an edge
#: lands within a peel or two of the truth: with 600 Latin-hypercube points one peel of a
#: region 0.3 wide is about 0.015, and 0.05 allows for three peels plus sampling noise.
TOL = 0.05


def points(n=N, seed=1):
    """A Latin-hypercube sample on the unit square in four parameters (seeded)."""
    return pd.DataFrame(qmc.LatinHypercube(d=len(NAMES), seed=seed).random(n), columns=NAMES)


def noise(n, seed=2, sd=0.01):
    """Small effects: sd 0.01 puts |effect| < 0.05 at 5 sd, so no point leaves the null band."""
    return np.random.default_rng(seed).normal(0.0, sd, n)


def by_answer(boxes, answer):
    return [b for b in boxes if b.answer == answer]


@pytest.fixture(scope="module")
def harm_table():
    x = points()
    eff = noise(N)
    region = ((x.x1 > 0.7) & (x.x2 < 0.3)).to_numpy()
    eff[region] = -0.2 + noise(int(region.sum()), seed=3)
    return x, eff, region


@pytest.fixture(scope="module")
def harm_boxes(harm_table):
    x, eff, _ = harm_table
    return discover(x, eff)


def test_planted_harm_region_comes_out_as_a_harms_box(harm_table, harm_boxes):
    x, eff, region = harm_table
    harms = by_answer(harm_boxes, "harms")
    assert len(harms) == 1 and harms[0].found
    box = harms[0]
    # only the two planted parameters are restricted; x3 and x4 carry no signal
    assert set(box.limits) == {"x1", "x2"}
    assert box.limits["x1"][0] == pytest.approx(0.7, abs=TOL)
    assert box.limits["x1"][1] == pytest.approx(x.x1.max())  # open above: the range's end
    assert box.limits["x2"][0] == pytest.approx(x.x2.min())
    assert box.limits["x2"][1] == pytest.approx(0.3, abs=TOL)
    # the box is the planted region up to the tolerance: nearly all harm points, mostly harm
    assert box.coverage >= 0.95
    assert box.density >= 0.8
    assert box.mean_effect < -0.1
    inside = ((x.x1 >= box.limits["x1"][0]) & (x.x2 <= box.limits["x2"][1])).to_numpy()
    assert box.n == int(inside.sum())
    assert box.density == pytest.approx(region[inside].mean())
    # no point helps, and the report gets an explicit not-found entry for it
    (helps,) = by_answer(harm_boxes, "helps")
    assert not helps.found and helps.reason == "none" and helps.limits == {}


def test_planted_null_is_no_effect_everywhere_and_says_none_found():
    x = points(seed=5)
    boxes = discover(x, noise(N, seed=6))
    (null,) = by_answer(boxes, "no_effect")
    assert null.found and null.limits == {}
    assert null.coverage == 1.0 and null.density == 1.0 and null.n == N
    for answer in ("helps", "harms"):
        (entry,) = by_answer(boxes, answer)
        assert not entry.found
        assert entry.reason == "none"
        assert entry.coverage == 0.0 and entry.density is None and entry.n == 0
    en = describe(by_answer(boxes, "harms")[0], "en")
    assert en.startswith("No region was found within the parameter ranges where more WKSBM "
                         "coverage harms")
    assert "Tidak ditemukan wilayah" in describe(by_answer(boxes, "harms")[0], "id")
    assert "seluruh rentang parameter" in describe(null, "id")


def test_planted_helps_region_and_its_complement():
    x = points(seed=7)
    eff = noise(N, seed=8)
    region = (x.x3 < 0.4).to_numpy()
    eff[region] = 0.15 + noise(int(region.sum()), seed=9)
    boxes = discover(x, eff)
    (helps,) = by_answer(boxes, "helps")
    assert set(helps.limits) == {"x3"}
    assert helps.limits["x3"][1] == pytest.approx(0.4, abs=TOL)
    assert helps.coverage >= 0.95 and helps.density >= 0.8
    assert helps.mean_effect > 0.1
    # the rest of the square is the null region, bounded by the same edge from the other side
    (null,) = by_answer(boxes, "no_effect")
    assert set(null.limits) == {"x3"}
    assert null.limits["x3"][0] == pytest.approx(0.4, abs=TOL)
    assert not by_answer(boxes, "harms")[0].found
    # given the sampled ranges, the open side of a limit is the range's end, not the data's
    (helps_b,) = by_answer(discover(x, eff, bounds={n: (0.0, 1.0) for n in NAMES}), "helps")
    assert helps_b.limits["x3"] == (0.0, helps.limits["x3"][1])
    assert "x3 is below" in describe(helps_b, "en")


def test_scattered_answer_is_not_a_region():
    # 5% of points harm, chosen at random: no box can be 80% dense
    x = points(seed=11)
    eff = noise(N, seed=12)
    hit = np.random.default_rng(13).random(N) < 0.05
    eff[hit] = -0.2
    (harms,) = by_answer(discover(x, eff), "harms")
    assert not harms.found and harms.reason == "no_box"
    assert harms.n_answer == int(hit.sum())
    en = describe(harms, "en")
    assert f"{int(hit.sum())} of the 600 points" in en and "PRIM found no box" in en
    assert "PRIM tidak menemukan satu kotak" in describe(harms, "id")


def test_restrictions_made_by_chance_are_released():
    # a noisy table (sd 0.03, six parameters, 300 points) on which PRIM's chosen box also
    # restricts two noise parameters; their quasi-p-values (> 0.05) release them
    x = pd.DataFrame(qmc.LatinHypercube(d=6, seed=2).random(300),
                     columns=[f"x{i}" for i in range(6)])
    eff = np.random.default_rng(12).normal(0, 0.03, 300)
    eff[(x.x0 > 0.6).to_numpy()] += 0.1
    (kept_all,) = by_answer(discover(x, eff, max_qp=1.0), "helps")
    assert set(kept_all.limits) > {"x0"}  # the case really exercises the release
    (helps,) = by_answer(discover(x, eff), "helps")
    assert set(helps.limits) == {"x0"}
    assert helps.limits["x0"][0] == pytest.approx(0.6, abs=TOL)


def test_same_input_same_boxes(harm_table, harm_boxes):
    x, eff, _ = harm_table
    assert discover(x.copy(), eff.copy()) == harm_boxes


def test_to_dict_json_round_trip(harm_boxes):
    for box in harm_boxes:
        d = json.loads(json.dumps(box.to_dict(), allow_nan=False))
        assert Box.from_dict(d) == box
        assert {"answer", "coverage", "density", "limits"} <= set(d)
        assert d["answer"] in ("helps", "no_effect", "harms")
        assert all(len(v) == 2 for v in d["limits"].values())
    harms = next(b for b in harm_boxes if b.answer == "harms").to_dict()
    assert harms["found"] is True and set(harms["limits"]) == {"x1", "x2"}
    helps = next(b for b in harm_boxes if b.answer == "helps").to_dict()
    assert helps["found"] is False and helps["density"] is None and helps["reason"] == "none"


def test_sentences_name_the_limits_in_both_languages(harm_boxes):
    box = next(b for b in harm_boxes if b.answer == "harms")
    labels = {"x1": {"id": "kapasitas pengurus", "en": "pengurus capacity"},
              "x2": "anggaran pemerintah"}
    lo1 = box.limits["x1"][0]
    hi2 = box.limits["x2"][1]
    id_text = describe(box, "id", labels)
    en_text = describe(box, "en", labels)
    # Indonesian: decimal comma, from the project's formatter (range width 1 -> 2 decimals)
    assert f"kapasitas pengurus di atas {fmt_number(lo1, 2, 'id')}" in id_text
    assert f"anggaran pemerintah di bawah {fmt_number(hi2, 2, 'id')}" in id_text
    assert "," in fmt_number(lo1, 2, "id") and "." not in fmt_number(lo1, 2, "id")
    assert "merugikan (beban naik ≥ 5%)" in id_text and "kepadatan" in id_text
    assert f"{fmt_number(100 * box.density, 0, 'id')}%" in id_text
    assert f"pengurus capacity is above {fmt_number(lo1, 2, 'en')}" in en_text
    assert f"anggaran pemerintah is below {fmt_number(hi2, 2, 'en')}" in en_text
    assert "harms (burden rises by ≥ 5%)" in en_text and "density" in en_text
    # no label map: the parameter path itself; a term format: the i18n style (percent)
    plain = describe(box, "id", kinds={"x1": "share"})
    assert f"x1 di atas {fmt_number(100 * lo1, 1, 'id')}%" in plain and "x2 di bawah" in plain
    with pytest.raises(ValueError, match="lang"):
        describe(box, "fr")


def test_between_limits_and_bounds_from_the_caller():
    x = points(seed=21)
    eff = noise(N, seed=22)
    region = ((x.x4 > 0.3) & (x.x4 < 0.7)).to_numpy()
    eff[region] = 0.2
    bounds = {n: (-1.0, 2.0) for n in NAMES}
    (helps,) = by_answer(discover(x, eff, bounds=bounds), "helps")
    assert set(helps.limits) == {"x4"}
    lo, hi = helps.limits["x4"]
    assert lo == pytest.approx(0.3, abs=TOL) and hi == pytest.approx(0.7, abs=TOL)
    assert helps.ranges["x4"] == (-1.0, 2.0)
    assert "x4 is between" in describe(helps, "en")


def test_an_answer_on_both_sides_of_a_middle_band_is_reported_as_not_found_by_prim():
    # PRIM's known limit, pinned so a report never claims a box it did not find: no effect
    # at both ends of x4, help in the middle; every first peel of x4 lowers the density of
    # the no-effect points, so PRIM stops at the whole square (density 0.6 < 0.8)
    x = points(seed=21)
    eff = noise(N, seed=22)
    eff[((x.x4 > 0.3) & (x.x4 < 0.7)).to_numpy()] = 0.2
    boxes = discover(x, eff, bounds={n: (0.0, 1.0) for n in NAMES})
    (null,) = by_answer(boxes, "no_effect")
    assert not null.found and null.reason == "no_box"
    assert null.n_answer == int(((x.x4 <= 0.3) | (x.x4 >= 0.7)).sum())
    # a released side of the found box is written as the caller's bound
    (helps,) = by_answer(boxes, "helps")
    assert helps.ranges["x4"] == (0.0, 1.0)


def test_classify_bands_and_half_widths():
    e = np.array([0.05, 0.049, -0.05, -0.049, 0.2, 0.06, 0.0])
    assert list(classify(e)) == ["helps", "no_effect", "harms", "no_effect", "helps", "helps",
                                 "no_effect"]
    h = np.array([0.0, 0.0, 0.0, 0.0, 0.1, 0.02, 0.06])
    # 0.2 ± 0.1 stays above 0.05; 0.06 ± 0.02 and 0.0 ± 0.06 cross a band edge
    assert list(classify(e, h)) == ["helps", "no_effect", "harms", "no_effect", "helps",
                                    "unclear", "unclear"]


def test_unclear_points_count_against_every_answer():
    x = points(seed=31)
    eff = noise(N, seed=32)
    region = (x.x1 > 0.6).to_numpy()
    eff[region] = 0.3
    hw = np.full(N, 0.01)
    hw[region & (x.x2 > 0.5).to_numpy()] = 0.5  # half the region: the interval crosses zero
    (helps,) = by_answer(discover(x, eff, half_width=hw), "helps")
    assert helps.found and set(helps.limits) == {"x1", "x2"}
    assert helps.limits["x2"][1] == pytest.approx(0.5, abs=TOL)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda x, e: (x, e[:-1]), "effect has 599 values but points has 600 rows"),
        (lambda x, e: (x.iloc[:0], e[:0]), "points has no rows"),
        (lambda x, e: (x, np.where(np.arange(N) == 3, np.nan, e)), "effect has 1 missing"),
        (lambda x, e: (x.assign(x1=np.nan), e), "parameter column 'x1' has 600 missing"),
        (lambda x, e: (x.assign(x1="a"), e), "parameter column 'x1' must be numeric"),
        (lambda x, e: (x.values, e), "points must be a pandas DataFrame"),
        (lambda x, e: (x, pd.Series(e, index=np.arange(N) + 1)), "index does not match"),
    ],
)
def test_bad_input_is_a_one_line_value_error(make, message):
    x, e = make(points(), noise(N))
    with pytest.raises(ValueError, match=message) as err:
        discover(x, e)
    assert "\n" not in str(err.value)


def test_bad_settings_are_one_line_value_errors():
    x, e = points(n=50), noise(50)
    for kwargs, message in [({"helps": -0.1}, "harms must be below helps"),
                            ({"min_density": 0.0}, "min_density"),
                            ({"bounds": {"x1": (0, 1)}}, "bounds must name exactly"),
                            ({"bounds": {n: (0.5, 1.0) for n in NAMES}}, "outside its bounds"),
                            ({"half_width": -np.ones(50)}, "non-negative"),
                            ({"max_boxes": 0}, "max_boxes")]:
        with pytest.raises(ValueError, match=message) as err:
            discover(x, e, **kwargs)
        assert "\n" not in str(err.value)


def test_exported_from_the_analysis_package():
    assert analysis.discover is discover and analysis.Box is Box
    assert set(analysis.ANSWERS) == {"helps", "no_effect", "harms"}


GLOBAL_STATE = textwrap.dedent(
    """
    import logging, multiprocessing as mp, sys, warnings
    import matplotlib
    import numpy as np, pandas as pd

    mp.set_start_method("fork", force=True)
    seen = []
    class Catch(logging.Handler):
        def emit(self, record):
            if record.name.startswith("EMA"):
                seen.append(record.getMessage())
    logging.basicConfig(level=logging.DEBUG, handlers=[Catch()])

    def state():
        return (list(warnings.filters), dict(matplotlib.rcParams),
                mp.get_start_method(allow_none=True), logging.root.level,
                list(logging.root.handlers), logging.getLogger("EMA").level)

    from oslsim.analysis import discover  # numpy, scipy and pandas add their filters here
    print("ema imported early:", "ema_workbench" in sys.modules)
    before = state()
    x = pd.DataFrame(np.random.default_rng(0).random((200, 2)), columns=["a", "b"])
    e = np.where(x["a"] > 0.5, 0.2, 0.0)
    boxes = discover(x, e)
    after = state()
    names = ["warnings.filters", "rcParams", "start method", "root level", "root handlers",
             "EMA logger level"]
    changed = [n for n, b, a in zip(names, before, after) if b != a]
    print("changed:", changed)
    print("ema records:", len(seen))
    print("boxes:", len(boxes))
    """
)


def test_running_prim_leaves_the_process_as_it_was():
    # a fresh interpreter, so that EMA is imported for the first time inside discover()
    out = subprocess.run([sys.executable, "-c", GLOBAL_STATE], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert "ema imported early: False" in out.stdout  # EMA is imported only by discover()
    assert "changed: []" in out.stdout
    assert "ema records: 0" in out.stdout
    assert "boxes: 3" in out.stdout
    assert out.stderr == ""  # EMA's import-time warnings (ipyparallel, altair) are contained
