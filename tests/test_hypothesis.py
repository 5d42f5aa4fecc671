"""Tests of the hypothesis experiment: plan, tiny sweep to report, null model, chosen words."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oslsim import study as hy
from oslsim.cli import main
from oslsim.errors import InputError
from oslsim.study import words

REPO = Path(__file__).resolve().parents[1]
EXPERIMENTS = REPO / "experiments"


def shrink(dst: Path, *, months: int = 14, replicates: int = 3, households: int = 480,
           sites: str = '["klender", "cibodas"]', doses: str = "[0.0, 0.5, 1.0]",
           files: tuple[str, ...] | None = None) -> Path:
    """Copy the real experiment files with a tiny design (same structure, same seeds)."""
    dst.mkdir(parents=True, exist_ok=True)
    for f in sorted(EXPERIMENTS.glob("wksbm_*.toml")):
        if files is not None and f.name not in files:
            continue
        t = f.read_text()
        t = re.sub(r"^months = 120", f"months = {months}", t, flags=re.M)
        t = re.sub(r"^replicates = \d+", f"replicates = {replicates}", t, flags=re.M)
        t = re.sub(r"^samples = \d+", "samples = 2", t, flags=re.M)
        t = re.sub(r"^scenario = \[.*\]", f"scenario = {sites}", t, flags=re.M)
        t = re.sub(r'^"organisations.wksbm_coverage" = \[0\.0, 0\.1.*\]',
                   f'"organisations.wksbm_coverage" = {doses}', t, flags=re.M)
        # The shortest warm start: three years, always stationary.
        t = re.sub(r"^max_months = \d+", "max_months = 36", t, flags=re.M)
        t = re.sub(r"^tolerance = [0-9.]+", "tolerance = 1.0", t, flags=re.M)
        t = t.replace("[params]\n", f"[params]\nhouseholds = {households}\n")
        last = list(range(max(0, months - 11), months + 1))
        t = re.sub(r"^months = \[.*\]", f"months = {last}", t, flags=re.M)
        (dst / f.name).write_text(t)
    return dst


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """One tiny end-to-end hypothesis run (all conditions and the Sobol step) in-process."""
    root = tmp_path_factory.mktemp("hyp")
    exp = shrink(root / "exp")
    done = hy.run_hypothesis(root / "out", experiments=exp, workers=0, progress=False,
                             n_boot=300, log=lambda line: None)
    return root, done


# --------------------------------------------------------------------------- the real files


def test_real_experiment_files_share_one_design():
    plan = hy.load_plan(EXPERIMENTS)
    assert [c.name for c, _ in plan.conditions] == [c.name for c in hy.CONDITIONS]
    assert len(plan.doses) >= 6 and plan.doses[0] == 0.0
    assert set(plan.sites) == {"klender", "pondok_pinang", "surosutan", "cibodas"}
    assert plan.reference.replicates >= 30
    # the dose is coverage, from none to every RW, and every run starts warm
    assert plan.doses == (0.0, 0.1, 0.25, 0.5, 0.75, 1.0)
    # the dose is held in every condition, and the conditions differ as their names say
    for cond, exp in plan.conditions:
        assert exp.params["organisations.wksbm_join_rate"] == 0.0
        assert exp.warmup == {"max_months": 360, "tolerance": 0.01}, cond.name
    params = {c.name: dict(e.params) for c, e in plan.conditions}
    assert params["coordination_null"]["organisations.forum_enabled"] is False
    # the null's label brings no government resource; label_only keeps the priorities
    assert params["coordination_null"]["government.grant_wksbm_priority"] == 0.0
    assert params["coordination_null"]["government.training_wksbm_first"] is False
    assert params["label_only"]["organisations.forum_enabled"] is False
    assert "government.grant_wksbm_priority" not in params["label_only"]
    assert params["service_off"]["organisations.service_enabled"] is False
    assert params["no_money"]["funds.giving_share"] == 0.0
    assert plan.sensitivity is not None and plan.sensitivity.design == "sobol"


def test_directive_condition_holds_the_dose():
    """At coverage 0 the directive condition has no WKSBM: government founds none of its own.

    With the default founding rate (0.5 per 1,000 households a year) a kelurahan of 2,000
    households expects 5 government WKSBM in five years, so the check can fail.
    """
    from oslsim import simulate

    plan = hy.load_plan(EXPERIMENTS)
    directive = dict(next(e for c, e in plan.conditions if c.name == "directive").params)
    directive.update({"households": 2000, "organisations.wksbm_coverage": 0.0})
    held = simulate("klender", months=60, rng=3, overrides=directive).timeseries
    assert (held["wksbm_count"] == 0).all()
    assert held["wksbm_coverage"].max() == 0.0
    founding = dict(directive)
    founding.pop("government.founding_rate")
    grown = simulate("klender", months=60, rng=3, overrides=founding).timeseries
    assert grown["wksbm_count"].iloc[-1] > 0  # the default rate founds some: the test can fail


def test_quick_plan_is_the_same_structure_at_a_smaller_size():
    full, quick = hy.load_plan(EXPERIMENTS), hy.load_plan(EXPERIMENTS, quick=True)
    assert quick.reference.replicates == hy.QUICK_REPLICATES < full.reference.replicates
    assert [c.name for c, _ in quick.conditions] == [c.name for c, _ in full.conditions]
    assert set(quick.doses) <= set(full.doses) and {0.0, 1.0} <= set(quick.doses)
    assert set(quick.sites) <= set(full.sites) and len(quick.sites) == 2
    assert quick.reference.seed == full.reference.seed
    assert quick.reference.warmup["max_months"] <= full.reference.warmup["max_months"]
    assert all(e.name.endswith("_quick") for e in quick.experiments)
    assert quick.sensitivity.samples == hy.QUICK_SAMPLES < full.sensitivity.samples
    # the sensitivity experiment still keeps its last year, of the shorter run
    assert quick.sensitivity.keep.months[-1] == quick.sensitivity.months
    assert quick.overlap is not None and quick.overlap.replicates == hy.QUICK_REPLICATES
    # the quick run's size: what `make demo` must finish in minutes on 2 cores
    assert quick.runs() <= 250


def test_a_condition_with_another_design_is_refused(tmp_path):
    null = "wksbm_coordination_null.toml"
    exp = shrink(tmp_path / "exp", files=("wksbm_hypothesis.toml", null))
    text = (exp / null).read_text().replace("replicates = 3", "replicates = 4")
    (exp / null).write_text(text)
    with pytest.raises(InputError, match=r"null\.toml: replicates: 4 differs from 3"):
        hy.load_plan(exp)
    text = (exp / null).read_text().replace("replicates = 4", "replicates = 3")
    (exp / null).write_text(text.replace("max_months = 36", "max_months = 48"))
    with pytest.raises(InputError, match=r"null\.toml: warmup: .* differs"):
        hy.load_plan(exp)


def test_missing_experiments_folder_is_one_line_exit_2(tmp_path, capsys):
    status = main(["hypothesis", "--experiments", str(tmp_path / "nowhere"), "--out",
                   str(tmp_path / "r")])
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert len(err.splitlines()) == 1 and "wksbm_hypothesis.toml" in err


# --------------------------------------------------------------------------- tiny sweep


def test_report_builds_from_a_tiny_sweep(tiny):
    root, done = tiny
    out = root / "out"
    for name in ("report.md", "report.html", "runs.csv", "summary.json", "hypothesis.duckdb"):
        assert (out / name).is_file(), name
    runs = pd.read_csv(out / "runs.csv")
    # 9 conditions x 2 sites x 3 doses x 3 replicates
    assert len(runs) == len(hy.CONDITIONS) * 2 * 3 * 3 == 9 * 2 * 3 * 3
    assert {"burden", "coverage", "pmks_prevalence", "solidarity", "gov_spending",
            "realised_dose"} <= set(runs.columns)
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary["conditions"]) == {c.name for c in hy.CONDITIONS}
    assert set(summary["verdict"]["conditions"]) == set(summary["conditions"])
    for v in summary["verdict"]["conditions"].values():
        assert v["ci_low"] <= v["effect"] <= v["ci_high"]
    assert "stationarity" in summary  # None here: 14 months are less than two years
    assert summary["discovery"] == [] or summary["discovery"][0]["answer"]
    assert all(v["verdict"] in ("supported", "reversed", "no_effect", "mixed")
               for v in summary["conditions"].values())
    md = (out / "report.md").read_text()
    # the plain-language answer comes first, in Indonesian then English
    first = md.index("## Jawaban singkat")
    assert first < md.index("## Angka / The numbers") < md.index("## Batas model")
    assert summary["headline_id"] in md and summary["headline_en"] in md
    for fig in ("dose_response", "conditions", "effects", "trajectory", "outcomes",
                "realised_dose", "replicates"):
        assert (out / "figures" / f"{fig}.png").stat().st_size > 1000, fig
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") >= 7
    assert not re.search(r'<img[^>]+src="(?!data:)', html)  # self-contained


def test_realised_dose_is_the_coverage_reached(tiny):
    _, done = tiny
    runs = done.analysis.runs
    base = runs[runs["condition"] == "baseline"]
    at_zero = base.loc[base["dose"] == 0.0, "realised_dose"]
    assert (at_zero == 0.0).all()  # the dose is held: nobody joins the forum later
    # Full coverage covers every household unless a WKSBM dissolves; 480 households are two
    # RW at Cibodas (240 per RW), so coverage 0.5 is one of two.
    full = base.loc[base["dose"] == 1.0, "realised_dose"]
    assert (full <= 1.0).all() and full.mean() > 0.5
    half = base[(base["dose"] == 0.5) & (base["site"] == "cibodas")]["realised_dose"]
    assert (half <= 0.5 + 1e-9).all()
    # WKSBM per 1,000 households: none at coverage 0; at Cibodas's two RW of 480 households
    # at most one per RW (2 per 480 = 4.17 per 1,000) at full coverage, and some.
    per = base.groupby(["site", "dose"])["wksbm_per_1000"].mean()
    assert (per.xs(0.0, level="dose") == 0.0).all()
    assert 0.0 < per[("cibodas", 1.0)] <= 2000 / 480 + 1e-9


def test_sensitivity_effects_pair_low_and_high_dose(tiny):
    _, done = tiny
    from oslsim.experiments import load_results

    plan = hy.load_plan(tiny[0] / "exp")
    eff = hy.sensitivity_effects(load_results(done.store), plan.sensitivity)
    k = len(plan.sensitivity.ranged)
    assert len(eff) == 2 * (k + 2)  # Saltelli, N = 2, k parameters, no second order
    assert np.allclose(eff["effect"], (eff["b_low"] - eff["b_high"]) / eff["b_low"])
    assert done.analysis.sensitivity["complete"]


def test_cli_resume_reuses_the_store_and_prints_the_answer(tiny, capsys):
    root, done = tiny
    status = main(["hypothesis", "--experiments", str(root / "exp"), "--out",
                   str(root / "out"), "--workers", "0", "--resume", "--no-progress"])
    out = capsys.readouterr().out
    assert status == 0
    assert "report.html" in out
    # the verdict's opening words; the intervals after them come from the CLI's own bootstrap
    # (its default n_boot, not the fixture's 300), so they may differ in the last digit
    assert " ".join(hy.headline(done.analysis, "en")).split(":")[0].split(" (")[0] in out


def test_report_only_runs_nothing_and_needs_a_store(tiny, tmp_path, capsys):
    root, done = tiny
    import duckdb

    def runs_table():
        with duckdb.connect(str(done.store), read_only=True) as con:
            return con.execute("SELECT run_id, finished FROM runs ORDER BY run_id").fetchall()

    before = runs_table()
    status = main(["hypothesis", "--experiments", str(root / "exp"), "--out",
                   str(root / "out"), "--report-only", "--no-progress"])
    assert status == 0 and runs_table() == before  # nothing ran again
    assert "report.html" in capsys.readouterr().out
    status = main(["hypothesis", "--experiments", str(root / "exp"), "--out",
                   str(tmp_path / "empty"), "--report-only"])
    err = capsys.readouterr().err.strip()
    assert status == 2 and len(err.splitlines()) == 1 and "--report-only" in err


def test_update_docs_rewrites_only_the_marked_section(tiny, tmp_path):
    _, done = tiny
    doc = tmp_path / "hypothesis.md"
    old = f"{hy.DOCS_BEGIN}\nOLD-RESULT-TEXT\n{hy.DOCS_END}"
    doc.write_text(f"# Title\n\nbefore\n\n{old}\n\nafter\n")
    hy.update_docs(done.analysis, doc)
    text = doc.read_text()
    assert "OLD-RESULT-TEXT" not in text and text.startswith("# Title\n\nbefore\n")
    assert text.endswith("after\n")
    assert " ".join(hy.headline(done.analysis, "id")) in text
    doc.write_text("no markers")
    with pytest.raises(InputError, match="no section marked"):
        hy.update_docs(done.analysis, doc)


# --------------------------------------------------------------------------- null model


def test_null_model_finds_no_trend_with_fixed_seeds(tmp_path):
    """Organisations that serve no one: the dose must not move the burden.

    A bigger null sweep than the tiny fixture (one site, four doses, six paired
    replicates), so that a dose effect through a channel other than service would show.
    """
    exp = shrink(tmp_path / "exp", months=36, replicates=6, households=960,
                 sites='["surosutan"]', doses="[0.0, 0.25, 0.5, 1.0]",
                 files=("wksbm_hypothesis.toml", "wksbm_coordination_null.toml"))
    plan = hy.load_plan(exp, sensitivity=False)
    from oslsim.experiments import load_results, sweep

    store = tmp_path / "null.duckdb"
    sweep(plan.conditions[1][1], out=store, workers=0, progress=False)
    plan = hy.Plan(plan.conditions[1:], None, False, exp)
    runs, _ = hy.collect(load_results(store), plan)
    assert len(runs) == 4 * 6
    a = hy.analyse(runs, n_boot=500, rng=1)
    s = a.summaries["coordination_null"]
    assert s["jt_p"] >= 0.05
    assert s["effect_lo"] <= 0.0 <= s["effect_hi"]
    assert s["verdict"] == "no_effect"
    assert "finds no effect" in " ".join(hy.verdict_sentences(s, "en"))
    assert "tidak menemukan pengaruh" in " ".join(hy.verdict_sentences(s, "id"))


# --------------------------------------------------------------------------- chosen words


def synthetic(mean_of_dose, conditions=("baseline", "coordination_null"), sites=("a", "b"), reps=20,
              noise=0.004, seed=0, site_shape=None, cond_shape=None):
    """Per-run table with a known dose-response; replicate effects shared across doses.

    The baseline follows ``mean_of_dose`` (or ``site_shape[site]``), other conditions are
    flat unless ``cond_shape`` gives their curve.
    """
    gen = np.random.default_rng(seed)
    rows = []
    for cond in conditions:
        for site in sites:
            shape = (site_shape or {}).get(site, mean_of_dose)
            f = shape if cond == "baseline" else (cond_shape or {}).get(cond, lambda d: 0.1)
            shared = gen.normal(0, noise, reps)
            for dose in (0.0, 0.1, 0.25, 0.5, 0.75, 1.0):
                eps = gen.normal(0, noise / 2, reps)
                for r in range(reps):
                    rows.append({"condition": cond, "site": site, "dose": dose, "replicate": r,
                                 "burden": f(dose) + shared[r] + eps[r],
                                 "realised_dose": dose})
    return pd.DataFrame(rows)


SHAPES = {
    "supported": lambda d: 0.1 - 0.032 * d,    # 32% lighter at full coverage
    "no_effect": lambda d: 0.1,
    "reversed": lambda d: 0.1 + 0.032 * d,
}


@pytest.mark.parametrize("truth", list(SHAPES))
def test_the_words_follow_the_numbers(truth, tmp_path):
    a = hy.analyse(synthetic(SHAPES[truth]), n_boot=400, rng=3)
    assert a.summaries["baseline"]["verdict"] == truth
    en = " ".join(hy.headline(a, "en"))
    idn = " ".join(hy.headline(a, "id"))
    expected = {"supported": ("supports the hypothesis", "mendukung hipotesis"),
                "no_effect": ("finds no effect", "tidak menemukan pengaruh"),
                "reversed": ("contradicts the hypothesis", "membantah hipotesis")}[truth]
    assert expected[0] in en and expected[1] in idn
    others = [w for t, w in [("supported", "supports the hypothesis"),
                             ("no_effect", "finds no effect"),
                             ("reversed", "contradicts the hypothesis")] if t != truth]
    assert not any(w in en.split(". ")[0] for w in others)
    paths = hy.write_report(a, tmp_path / "r")
    assert expected[0] in paths["markdown"].read_text()


def test_the_numbers_in_the_sentence_are_the_effect():
    a = hy.analyse(synthetic(SHAPES["supported"]), n_boot=400, rng=3)
    s = a.summaries["baseline"]
    sentence = hy.verdict_sentences(s, "en")[0]
    # The planted curve is 32% lighter at full coverage; with noise sd 0.004 on a mean of 0.1
    # over 40 paired runs the estimate is within two points of it.
    assert s["effect"] == pytest.approx(0.32, abs=0.02)
    assert f"falls by {round(100 * s['effect'])}%" in sentence
    assert "strong" in sentence  # 32% lighter is above the 25% band
    weaker = hy.analyse(synthetic(lambda d: 0.1 - 0.016 * d), n_boot=400, rng=3)  # 16%
    assert "moderate" in hy.verdict_sentences(weaker.summaries["baseline"], "en")[0]


def test_saturation_is_said_when_the_curve_levels_off():
    plateau = synthetic(lambda d: 0.1 - 0.04 * min(d, 0.25) / 0.25)
    s = hy.analyse(plateau, n_boot=400, rng=5).summaries["baseline"]
    assert s["verdict"] == "supported"
    words = " ".join(hy.verdict_sentences(s, "en"))
    assert "saturates" in words
    assert f"coverage of about {round(100 * s['saturation_dose'])}%" in words
    still = hy.analyse(synthetic(SHAPES["supported"]), n_boot=400, rng=5)
    assert "still falling" in " ".join(hy.verdict_sentences(still.summaries["baseline"], "en"))


def test_a_small_significant_fall_is_mixed_not_support():
    tiny_fall = synthetic(lambda d: 0.1 - 0.0016 * d, reps=60, noise=0.0004)
    s = hy.analyse(tiny_fall, n_boot=400, rng=2).summaries["baseline"]
    assert s["verdict"] == "mixed"
    assert "too small or too uncertain" in " ".join(hy.verdict_sentences(s, "en"))


def test_sites_that_disagree_are_named():
    shapes = {"a": SHAPES["supported"], "b": SHAPES["reversed"]}
    a = hy.analyse(synthetic(None, site_shape=shapes), n_boot=300, rng=4)
    en = " ".join(hy.headline(a, "en"))
    assert "Not every site agrees" in en
    assert a.site_summaries[("baseline", "b")]["verdict"] == "reversed"
    assert "at B the model contradicts the hypothesis" in en
    assert "best result is at A" in en and "worst at B" in en


def test_null_control_sentence_depends_on_the_null_numbers():
    good = hy.analyse(synthetic(SHAPES["supported"]), n_boot=300, rng=1)
    assert "coordination null passes" in " ".join(hy.headline(good, "en"))
    broken = synthetic(SHAPES["supported"], conditions=("baseline",))
    leak = synthetic(SHAPES["supported"], conditions=("baseline",), seed=9)
    broken = pd.concat([broken, leak.assign(condition="coordination_null")])
    bad = hy.analyse(broken, n_boot=300, rng=1)
    assert "Caution: the coordination null" in " ".join(hy.headline(bad, "en"))


def test_dose_drift_is_reported_only_when_it_happens():
    runs = synthetic(SHAPES["supported"])
    a = hy.analyse(runs, n_boot=200, rng=1)
    assert "differed from the design" not in " ".join(hy.condition_sentences(a, "en"))
    drifted = runs.assign(realised_dose=np.where(runs["dose"] == 0.0, 0.3,
                                                 runs["realised_dose"]))
    b = hy.analyse(drifted, n_boot=200, rng=1)
    assert "0% → 30%" in " ".join(hy.condition_sentences(b, "en"))


def test_number_style_per_language():
    assert words._pct(0.123, "id") == "12%" and words._pct(0.0123, "id") == "1,2%"
    assert words._pct(0.0123, "en") == "1.2%"
    assert words._spct(-0.05, "en") == "-5.0%" and words._spct(0.25, "en") == "+25%"


def sobol_result(st, st_conf, s1, samples=64):
    names = list(hy.PARAM_LABELS)[: len(st)]
    table = pd.DataFrame({"S1": s1, "S1_conf": [0.05] * len(st), "ST": st, "ST_conf": st_conf},
                         index=pd.Index(names, name="parameter"))
    return {"complete": True, "table": table, "samples": samples, "effect_mean": 0.3,
            "effect_sd": 0.1, "sum_s1": float(np.clip(s1, 0, None).sum()), "dose_low": 0.0,
            "dose_high": 1.0}


def test_sensitivity_words_name_what_the_indices_single_out():
    sens = sobol_result(st=[0.05, 0.7, 0.02], st_conf=[0.1, 0.1, 0.1], s1=[0.0, 0.6, 0.0])
    en = " ".join(hy.sensitivity_sentences(sens, "en"))
    assert "depends most on exclusive membership (ST = 0.70)" in en
    assert "pengurus capacity" in en.split("cannot be told apart")[0]  # listed as unclear
    assert "explain 60%" in en
    assert "rough sketch" not in en
    flat = sobol_result(st=[0.05, 0.04, 0.02], st_conf=[0.1, 0.1, 0.1], s1=[0.0, 0.0, 0.0])
    assert "cannot be tied to any parameter" in hy.sensitivity_sentences(flat, "en")[0]
    noisy = sobol_result(st=[0.9, 0.8, 0.7], st_conf=[0.1, 0.1, 0.1], s1=[0.6, 0.5, 0.4],
                         samples=4)
    words = " ".join(hy.sensitivity_sentences(noisy, "id"))
    assert "melebihi 100%" in words and "sketsa kasar" in words


def test_quick_runs_say_so_in_the_report(tmp_path):
    a = hy.analyse(synthetic(SHAPES["supported"]), n_boot=200, rng=1,
                   meta={"quick": True, "replicates": 3})
    md = hy.write_report(a, tmp_path / "r")["markdown"].read_text()
    assert "Ini run cepat (--quick): 3 ulangan" in md and "quick run: 3 replicates" in md
    b = hy.analyse(synthetic(SHAPES["supported"]), n_boot=200, rng=1)
    assert "--quick" not in hy.write_report(b, tmp_path / "s")["markdown"].read_text()


def test_conditions_that_weaken_the_effect_are_named_with_their_size():
    runs = synthetic(SHAPES["supported"],
                     conditions=("baseline", "coordination_null", "directive", "exclusive"),
                     cond_shape={"directive": lambda d: 0.1 - 0.0128 * d,
                                 "exclusive": lambda d: 0.1 - 0.032 * d})
    a = hy.analyse(runs, n_boot=300, rng=6)
    en = " ".join(hy.headline(a, "en"))
    d = a.summaries["directive"]
    assert d["verdict"] == "supported"
    base = round(100 * a.summaries["baseline"]["effect"])
    assert f"more weakly (burden reduction, against {base}%" in en
    assert f"top-down direction ({round(100 * d['effect'])}%)" in en
    assert "exclusive membership (" not in en  # as strong as the baseline: not named


def test_stationarity_of_the_measured_period_at_dose_zero():
    months = np.arange(0, 61)
    flat = pd.DataFrame({"condition": "baseline", "dose": 0.0, "month": months,
                         "mean": 0.05 + 0.0001 * np.sin(months)})
    falling = flat.assign(mean=0.06 - 0.0002 * months)
    # Another dose's trajectory must not count.
    other = flat.assign(dose=1.0, mean=0.2 - 0.002 * months)
    st = hy.stationarity(pd.concat([flat, other]), "baseline")
    assert st["stationary"] and st["years"] == 5 and abs(st["slope_per_year"]) < 0.01
    st = hy.stationarity(falling, "baseline")
    # Yearly means fall by 0.0024 a year on a mean near 0.054: about -4.4% a year.
    assert not st["stationary"] and st["slope_per_year"] == pytest.approx(-0.044, abs=0.003)
    a = hy.analyse(synthetic(SHAPES["supported"]), falling, n_boot=100, rng=1,
                   meta={"warmup": {"max_months": 360, "tolerance": 0.02}})
    assert "not stationary" in words.stationarity_sentence(a, "en")
    assert "belum stabil" in words.stationarity_sentence(a, "id")


def test_the_label_only_channel_is_worded_on_its_own_not_as_a_failed_check():
    """A planted harm of the label's priorities is named as such, and not as the claim failing."""
    runs = synthetic(SHAPES["supported"], conditions=("baseline", "coordination_null",
                                                      "label_only"),
                     cond_shape={"label_only": lambda d: 0.1 + 0.01 * d})  # 10% heavier
    a = hy.analyse(runs, n_boot=400, rng=3)
    assert a.summaries["label_only"]["verdict"] == "reversed"
    en, idn = " ".join(hy.headline(a, "en")), " ".join(hy.headline(a, "id"))
    # Planted 10% heavier; noise sd 0.004 on 0.1 over 40 paired runs: within two points.
    eff = a.summaries["label_only"]["effect"]
    assert eff == pytest.approx(-0.10, abs=0.02)
    assert f"(label only) changes the burden (contradicts: +{round(-100 * eff)}%" in en
    assert f"(label saja) mengubah beban warga (membantah: +{round(-100 * eff)}%" in idn
    assert "does not hold under" not in en  # a channel, not a mechanism check of the claim
    assert "coordination null passes" in en


def test_a_partly_grown_store_says_how_many_replicates_each_condition_has(tmp_path):
    runs = synthetic(SHAPES["supported"])
    runs = runs[(runs["condition"] == "baseline") | (runs["replicate"] < 10)]
    a = hy.analyse(runs, n_boot=200, rng=3)
    text = hy.write_report(a, tmp_path / "r")["markdown"].read_text()
    assert ("replicates per site and dose: 20 for baseline; 10 for coordination null (the "
            "store is not complete yet)") in text
    full = hy.write_report(hy.analyse(synthetic(SHAPES["supported"]), n_boot=200, rng=3),
                           tmp_path / "f")["markdown"].read_text()
    assert "20 replicates per site and dose" in full
