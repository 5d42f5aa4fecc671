"""Tests of the pattern machinery, the calibration file, the posterior draws and a tiny ABC run.

The statistics are checked on data whose answer is known by construction; the end-to-end
calibration is the smallest that still runs every step (a few seconds).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oslsim import calibration as cal
from oslsim import patterns as pt
from oslsim.cli import main
from oslsim.errors import InputError
from oslsim.study.posterior import PosteriorRun, load_draws, posterior_plan

# --------------------------------------------------------------------------- the table


def test_every_pattern_names_its_source_statistic_and_tolerance():
    keys = [p.key for p in pt.PATTERNS]
    assert len(keys) == len(set(keys))
    for p in pt.PATTERNS:
        assert p.statistic in pt.STATISTICS, p.key
        assert p.role in (*pt.ROLES, "all"), p.key
        assert p.source and p.why, p.key
        if p.status == "cited":
            # a cited number lies inside its own tolerance interval
            assert p.target is not None and p.passes(p.target), p.key
        else:
            # no number from the source: none is made up
            assert p.target is None, p.key
        if p.calibrate:
            assert p.low is not None or p.high is not None, p.key
    # the numbers, exactly as the sources give them
    assert pt.pattern("poverty_national").target == 0.0847
    assert pt.pattern("poverty_urban").target == 0.0673
    assert pt.pattern("poverty_rural").target == 0.1103
    assert pt.pattern("membership_premium").target == 0.015
    assert pt.pattern("group_density").low == 50


def test_excess_counts_half_widths_outside_the_interval():
    p = pt.pattern("poverty_urban")  # [0.0538, 0.0808]: half-width 0.0135
    assert pt.excess(p, 0.07) == 0.0
    assert pt.excess(p, 0.0808 + 0.0135) == pytest.approx(1.0)
    assert pt.excess(p, 0.0538 - 0.027) == pytest.approx(2.0)
    one_sided = pt.pattern("group_density")  # >= 50: scale 50
    assert pt.excess(one_sided, 60) == 0.0
    assert pt.excess(one_sided, 25) == pytest.approx(0.5)
    assert pt.excess(p, float("nan")) == 10.0


def test_membership_premium_regression_recovers_a_known_slope():
    # log c = 0.02 m + 1.0 log(y/size) - 0.1 log size + RW effect + noise(sd 0.05): the
    # estimator must find 0.02. With 4,000 households and memberships of sd ~1.4 the standard
    # error is about 0.05 / (1.4 * sqrt(4000)) = 0.0006; 0.002 is over three of them.
    gen = np.random.default_rng(7)
    n = 4000
    size = gen.integers(1, 8, n).astype(float)
    income = np.exp(gen.normal(14, 0.6, n)) * size
    rw = gen.integers(0, 5, n)
    mem = gen.poisson(2.0, n) + (np.log(income / size) > 14)  # richer join more
    logc = (0.02 * mem + np.log(income / size) - 0.1 * np.log(size) + 0.03 * rw
            + gen.normal(0, 0.05, n))
    b, se = pt.membership_premium(np.exp(logc) * size, size, mem, income, rw)
    assert abs(b - 0.02) < 0.002, (b, se)
    assert 0.0002 < se < 0.002, se


def test_pattern_table_judges_the_mean_and_reports_the_spread():
    values = pd.DataFrame({"poverty_urban": [0.05, 0.07, 0.09], "group_density": [40, 45, 80],
                           "pmks_prevalence": [0.1, 0.1, 0.1]})
    table = pt.pattern_table(values).set_index("pattern")
    assert table.loc["poverty_urban", "simulated_mean"] == pytest.approx(0.07)
    assert table.loc["poverty_urban", "result"] == "pass"
    # one of three runs inside [0.0538, 0.0808]
    assert table.loc["poverty_urban", "share_in_interval"] == pytest.approx(1 / 3)
    assert table.loc["group_density", "result"] == "pass"  # mean 55 >= 50
    assert table.loc["pmks_prevalence", "result"] == "-"  # no target: not judged
    assert table.loc["poverty_rural", "result"] == "fail"  # not measured: NaN fails
    assert "| Poverty, persons, urban site | urban | 0.0673 |" in pt.table_markdown(
        table.reset_index())


def test_distance_is_zero_only_when_every_calibrated_pattern_is_inside():
    inside = {"urban": {"poverty_persons": 0.0673}, "rural": {"poverty_persons": 0.1103,
              "share_older_10y": 0.9}, "national": {"poverty_persons": 0.0847}}
    for role in inside:
        inside[role].update(poverty_persistence=0.3, poverty_entry=0.07,
                            membership_premium=0.015, smoothing_gap=0.0)
    flat = {f"{r}.{k}": v for r, s in inside.items() for k, v in s.items()}
    d = cal.PatternDistance(tuple(p for p in pt.PATTERNS if p.calibrate), {})
    assert d(flat) == 0.0
    flat["urban.poverty_persons"] = 0.0808 + 0.0135  # one pattern one half-width out
    n = sum(p.calibrate for p in pt.PATTERNS)
    assert d(flat) == pytest.approx(math.sqrt(1.0 / n))


# --------------------------------------------------------------------------- the file


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cal.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, where, hint", [
    ('[parameters]\n"economy.mpc_incom" = { low = 0.8, high = 1.0 }\n',
     "parameters.economy.mpc_incom", "mpc_income"),
    ("[patterns.poverty_urbn]\nweight = 2\n", "patterns.poverty_urbn", "poverty_urban"),
    ("[patterns.poverty_urban]\ntolerance = 2\n", "patterns.poverty_urban.tolerance", "low"),
    ('[parameters]\n"economy.mpc_income" = { low = 0.8, high = 1.5 }\n',
     "parameters.economy.mpc_income.high", "1.0"),
    ('[parameters]\n"government.mode" = { low = 0, high = 1 }\n',
     "parameters.government.mode", "numeric"),
    ("[sites]\nsuburban = \"klender\"\n", "sites.suburban", "urban"),
    ("[patterns.pmks_prevalence]\ncalibrate = true\n", "patterns.pmks_prevalence",
     "no target"),
    ("populaton = 10\n", "populaton", "population"),
])
def test_a_bad_calibration_file_is_one_line_naming_file_line_and_key(tmp_path, text, where,
                                                                     hint):
    path = _write(tmp_path, text)
    with pytest.raises(cal.CalibrationError) as info:
        cal.load_config(path)
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith(f"{path}, line ") and f": {where}: " in msg, msg
    assert hint in msg, msg


def test_the_command_refuses_a_bad_file_with_status_2_and_writes_nothing(tmp_path, capsys):
    path = _write(tmp_path, "[patterns.nope]\nweight = 1\n")
    out = tmp_path / "out"
    assert main(["calibrate", "--config", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "patterns.nope: unknown pattern" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_a_good_file_changes_parameters_tolerances_and_weights(tmp_path):
    path = _write(tmp_path, '[parameters]\n"economy.mpc_income" = { low = 0.8, high = 0.95 }\n'
                            "[patterns.poverty_urban]\nlow = 0.05\nweight = 2\n"
                            "[patterns.crisis_smoothing]\ncalibrate = false\n")
    cfg = cal.load_config(path, quick=True)
    assert dict(cfg.parameters) == {"economy.mpc_income": (0.8, 0.95)}
    urban = next(p for p in cfg.patterns if p.key == "poverty_urban")
    assert (urban.low, urban.high) == (0.05, 0.0808) and cfg.weights["poverty_urban"] == 2
    assert "crisis_smoothing" not in [p.key for p in cfg.calibrated]
    assert cfg.population == cal.QUICK["population"]
    assert cfg.fingerprint() != cal.load_config(None, quick=True).fingerprint()


# --------------------------------------------------------------------------- the posterior


class _Recorder:
    """A run function that returns the overrides it was given."""

    outcomes = ("x",)

    def __call__(self, scenario, months, rng, overrides, warmup=None):
        return {"name": scenario.name, "rng": rng, **overrides}


def test_replicate_r_runs_at_draw_r_under_the_sites_and_runs_own_values():
    draws = ({"economy.shock_sigma": 0.4, "economy.mpc_income": 0.8},
             {"economy.shock_sigma": 0.5, "economy.mpc_income": 0.85})
    run = PosteriorRun(draws, (11, 22), run=_Recorder())
    assert run.outcomes == ("x",)
    got = run("klender", 12, 22, {"households": 300})
    assert got["economy.shock_sigma"] == 0.5 and got["economy.mpc_income"] == 0.85
    # Cibodas states its own shock_sigma (0.25): the site profile wins over the draw.
    got = run("cibodas", 12, 11, {})
    assert "economy.shock_sigma" not in got and got["economy.mpc_income"] == 0.8
    # A condition's own value (a mechanism check) wins too.
    got = run("klender", 12, 11, {"economy.mpc_income": 0.5})
    assert got["economy.mpc_income"] == 0.5
    # An unknown seed still gets a draw, the same one every time.
    assert run.draw_for(999) is run.draw_for(999)


def test_draws_are_read_as_checked_csv(tmp_path):
    (tmp_path / "draws.csv").write_text("draw,economy.mpc_income\n0,0.9\n1,0.95\n")
    assert load_draws(tmp_path) == [{"economy.mpc_income": 0.9}, {"economy.mpc_income": 0.95}]
    (tmp_path / "draws.csv").write_text("draw,economy.mpc_incom\n0,0.9\n")
    with pytest.raises(InputError, match="column 'economy.mpc_incom'.*mpc_income"):
        load_draws(tmp_path)
    (tmp_path / "draws.csv").write_text("draw,economy.mpc_income\n0,0.9\n1,7\n")
    with pytest.raises(InputError, match=r"line 3: economy.mpc_income: '7'"):
        load_draws(tmp_path)
    with pytest.raises(InputError, match="no draws.csv"):
        load_draws(tmp_path / "missing")


def test_hypothesis_posterior_option_refuses_a_folder_without_draws(tmp_path, capsys):
    code = main(["hypothesis", "--quick", "--posterior", str(tmp_path), "--out",
                 str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "no draws.csv" in err, err


def test_posterior_plan_renames_the_conditions_and_keeps_their_design():
    from oslsim.study import load_plan

    plan = load_plan(quick=True)
    draws = [{"economy.mpc_income": 0.9}, {"economy.mpc_income": 0.95}]
    new, run = posterior_plan(plan, draws)
    assert new.sensitivity is None and new.overlap is None
    names = [e.name for _, e in new.conditions]
    assert all("_posterior_" in n for n in names) and len(set(names)) == len(names)
    ref = new.reference
    assert ref.replicates == plan.reference.replicates and ref.seed == plan.reference.seed
    assert len(run.seeds) == ref.replicates and run.draws[1] == draws[1]
    # other draws are another experiment (another name in the store)
    other, _ = posterior_plan(plan, draws[:1])
    assert other.reference.name != ref.name


# --------------------------------------------------------------------------- end to end


@pytest.mark.slow
def test_a_tiny_calibration_writes_posterior_tables_and_manifest_and_resumes(tmp_path):
    text = ("households = 100\nwarmup_months = 36\npopulation = 3\ndraws = 2\n"
            'generations = {}\n[sites]\nnational = "baseline"\n')
    cfg = _write(tmp_path, text.format(1))
    out = tmp_path / "out"
    cal.calibrate(out, config=cal.load_config(cfg), workers=0, progress=False,
                  log=lambda line: None)
    # resume with one more generation: it continues from the stored one
    cfg = _write(tmp_path, text.format(2))
    done = cal.calibrate(out, config=cal.load_config(cfg), workers=0, progress=False,
                         resume=True, log=lambda line: None)
    for name in ("calibration.db", "posterior.csv", "posterior_summary.csv", "draws.csv",
                 "generations.csv", "screening.csv", "patterns_before.csv",
                 "patterns_after.csv", "patterns.md", "manifest.json", "calibration.duckdb"):
        assert (out / name).is_file(), name
    post = pd.read_csv(out / "posterior.csv")
    assert len(post) == 3 and post["weight"].sum() == pytest.approx(1.0)
    for name, (lo, hi) in cal.DEFAULT_PARAMETERS.items():
        assert post[name].between(lo, hi).all(), name  # inside the prior's support
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "done" and manifest["generations"] == 2
    eps = done.generations["epsilon"]
    # generation 0 is the prior sample; the resumed generation 1 has a finite tolerance, the
    # median distance of generation 0 (not a second prior sample)
    assert math.isinf(eps.iloc[0]) and math.isfinite(eps.iloc[1]), list(eps)
    assert set(done.after["pattern"]) == {p.key for p in pt.PATTERNS}
    assert len(load_draws(out)) == 2
    # resume again: both generations are stored, so nothing more is sampled
    again = cal.calibrate(out, config=cal.load_config(cfg), workers=0, progress=False,
                          resume=True, log=lambda line: None)
    assert again.manifest["simulations"] == manifest["simulations"]
    # a changed definition does not resume into the old history
    other = _write(tmp_path, "households = 120\nwarmup_months = 36\npopulation = 3\n"
                             "generations = 2\ndraws = 2\n")
    with pytest.raises(cal.CalibrationError, match="another definition"):
        cal.calibrate(out, config=cal.load_config(other), workers=0, progress=False,
                      resume=True, log=lambda line: None)


@pytest.mark.slow
def test_hypothesis_over_posterior_draws_runs_replicate_r_at_draw_r(tmp_path):
    from oslsim.experiments import load_results
    from oslsim.study import run_hypothesis
    from test_hypothesis import shrink

    exp = shrink(tmp_path / "exp", months=12, replicates=2, households=200,
                 sites='["klender", "cibodas"]', doses="[0.0, 1.0]",
                 files=("wksbm_hypothesis.toml",))
    post = tmp_path / "post"
    post.mkdir()
    (post / "draws.csv").write_text("draw,economy.mpc_income,economy.shock_sigma\n"
                                    "0,0.8,0.4\n1,0.95,0.3\n")
    done = run_hypothesis(tmp_path / "out", experiments=exp, workers=0, progress=False,
                          n_boot=100, log=lambda line: None, posterior=post)
    assert done.analysis.meta["posterior_draws"] == 2
    runs = load_results(done.store)["runs"]
    assert len(runs) == 8 and (runs["status"] == "done").all()
    assert runs["experiment"].str.contains("_posterior_").all()
    for rec in runs.to_dict("records"):
        params = json.loads(rec["params"])
        want = (0.8, 0.4) if rec["replicate"] == 0 else (0.95, 0.3)
        assert params["economy.mpc_income"] == want[0]
        # Cibodas states its own shock_sigma (0.25), which the draw does not replace
        sigma = 0.25 if rec["scenario"] == "cibodas" else want[1]
        assert params["economy.shock_sigma"] == sigma, rec["scenario"]


def test_validation_page_names_every_pattern_number_and_calibrated_parameter():
    text = (Path(__file__).resolve().parents[1] / "docs" / "validation.md").read_text()
    for name in cal.DEFAULT_PARAMETERS:
        assert f"`{name}`" in text, name
    for number in ("6.73%", "11.03%", "8.47%", "28%", "7%", "1.5%", "> 50"):
        assert number in text, number
    headings = re.findall(r"^## \d ([^\n]+)$", text, flags=re.M)
    assert headings == ["Problem formulation", "Model description", "Data evaluation",
                        "Conceptual model evaluation", "Implementation verification",
                        "Model output verification", "Model analysis",
                        "Model output corroboration"]  # TRACE's eight elements, in order
