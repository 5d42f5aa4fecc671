"""The term table: every outcome has one term, and the plots, page, report and notebooks read it."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import mesa
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from oslsim import OSLModel, Params, plots, terms
from oslsim.dashboard import app
from oslsim.dashboard.figures import SERIES, _series_name
from oslsim.dashboard.run import DashboardRun, Settings
from oslsim.i18n import fmt_compact, fmt_number, fmt_value
from oslsim.metrics import LOGIC_MODEL, OUTCOMES, PROCESS
from oslsim.terms import LANGS, TERMS

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "oslsim"
#: Outcome columns DESIGN announces (the model engineer adds them); their terms exist already.
ANNOUNCED = {"poverty_rate_persons": "share of persons", "funds_raised": "Rp per month",
             "funds_pooled": "Rp per month", "volunteer_hours": "hours per month",
             "coordination_hours": "hours per month"}


# ----------------------------------------------------------------------------- the table


def test_every_outcome_and_process_column_has_a_term():
    # only what metrics emits today is required; ANNOUNCED columns are checked below
    missing = [c for c in (*OUTCOMES, *PROCESS) if c not in TERMS]
    assert not missing, f"columns without a term in oslsim.terms: {missing}"


def test_a_real_run_has_a_term_for_every_column():
    ts = OSLModel(Params(households=120), rng=1).timeseries()
    assert set(ts.columns) - set(TERMS) == set()


def test_announced_outcomes_have_terms_with_their_units():
    for column, unit in ANNOUNCED.items():
        t = terms.term(column)
        assert t.unit == unit, column
        assert t.label_id != t.label_en and t.label_id and t.label_en, column
    assert terms.number_format("funds_raised") == "rupiah"
    assert terms.number_format("volunteer_hours") == "hours"
    assert terms.better("poverty_rate_persons") == "lower"


def test_every_term_is_bilingual_and_its_labels_are_unique():
    for lang in LANGS:
        labels = [t.label(lang) for t in TERMS.values()]
        assert len(labels) == len(set(labels)), f"two columns share a {lang} label"
    for column, t in TERMS.items():
        assert t.column == column
        assert t.meaning_id and t.meaning_en and t.meaning_id != t.meaning_en, column
        assert t.format in terms.FORMATS and t.better in ("lower", "higher", None), column


def test_directions_of_the_outcomes():
    assert {"burden", "pmks_prevalence", "poverty_rate"} <= terms.LOWER_IS_BETTER
    assert terms.better("coverage") == "higher"
    assert terms.better("gov_spending") is None
    assert terms.LOWER_IS_BETTER.isdisjoint(terms.NEUTRAL)


def test_the_drifting_indonesian_terms_are_settled():
    # "penghubung" (not "pengait") and "pelayanan" (not "layanan"): see docs/glossary.md
    assert terms.label("linking_capital", "id").startswith("Modal sosial penghubung")
    assert terms.label("coverage", "id") == "Cakupan pelayanan"


def test_unknown_language_and_column():
    with pytest.raises(ValueError, match="id, en"):
        terms.label("burden", "fr")
    with pytest.raises(KeyError, match="no term for column 'burdn'"):
        terms.term("burdn")
    assert terms.label("burdn") == "burdn"


def test_glossary_section_is_the_one_rendered_from_the_table():
    text = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert terms.glossary_markdown() in text, (
        "docs/glossary.md's indicator section differs from oslsim.terms; regenerate it with "
        "python -c \"from oslsim.terms import glossary_markdown as g; print(g())\"")


# ----------------------------------------------------------------------------- numbers


def test_one_number_formatter():
    assert fmt_number(12345.67, 1, "id") == "12.345,7"
    assert fmt_number(12345.67, 1, "en") == "12,345.7"
    assert fmt_value(12.4, "hours", "id") == "12 jam"
    assert fmt_value(0.5, "share", "en") == "50.0%"
    assert fmt_compact(152_700_000.0, "id") == "152,7 jt"
    assert fmt_compact(2_450_000_000.0, "en") == "2.45 bn"
    assert fmt_compact(1234.0, "id") == "1.234"  # Indonesian thousands dot, as everywhere in id


# ----------------------------------------------------------------------------- readers


def test_plots_label_axes_from_the_table():
    ts = OSLModel(Params(households=120), rng=2).timeseries()
    for lang in LANGS:
        fig = plots.trajectories(ts, ["coverage", "linking_capital"], lang=lang)
        assert [ax.get_ylabel() for ax in fig.axes] == [
            terms.label("coverage", lang), terms.label("linking_capital", lang)]


def test_page_names_indicators_from_the_table():
    run = DashboardRun(Settings(households=120))
    run.step(2)
    body = app.logic_model_html(run, "id")
    for _stage, column, _id, _en in LOGIC_MODEL:
        assert terms.label(column, "id") in body, column
    for column in SERIES["coverage"][1]:
        assert _series_name(column, "en") == terms.label(column, "en")


def test_notebook_and_report_plots_write_indonesian_tick_numbers():
    from oslsim import simulate

    ts = simulate(None, 3, rng=1, overrides={"households": 120}).timeseries
    fig = plots.trajectories(ts, ["burden"], lang="id")
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()]
    assert ticks and all("." not in s for s in ticks) and any("," in s for s in ticks)


def test_report_names_side_outcomes_from_the_table():
    from oslsim import study
    from oslsim.study.figures import other_outcomes_by_dose

    rows = [{"condition": "baseline", "site": "a", "dose": d, "replicate": r,
             "burden": 0.1 - 0.002 * d + 0.001 * r, "coverage": 0.5 + 0.01 * d}
            for d in (0.0, 4.0, 8.0) for r in range(4)]
    a = study.analyse(pd.DataFrame(rows), n_boot=50, rng=1)
    titles = [ax.get_title() for ax in other_outcomes_by_dose(a).axes if ax.get_visible()]
    assert titles == [f"{terms.label('coverage', 'id')} / {terms.label('coverage', 'en')}"]


def _label_dicts(tree: ast.AST) -> list[int]:
    """Line numbers of dict literals mapping three or more term columns to words."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Dict):
            continue
        keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
        words = [v for v in node.values
                 if isinstance(v, ast.Constant) and isinstance(v.value, str)
                 or isinstance(v, ast.Tuple) and all(isinstance(e, ast.Constant) for e in v.elts)]
        if sum(k in TERMS and k != "month" for k in keys) >= 3 and len(words) >= 3:
            found.append(node.lineno)
    return found


def test_no_second_table_of_indicator_names_remains():
    """The plots, page, report and notebooks hold no label dict of their own (issue 17)."""
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "terms.py":
            continue
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(ROOT)}:{n}" for n in _label_dicts(ast.parse(text))]
        for name in ("LANGS", "LOWER_IS_BETTER"):
            if any(isinstance(n, (ast.Assign, ast.AnnAssign)) and name in ast.unparse(n).split(
                    "=")[0] for n in ast.parse(text).body):
                offenders.append(f"{path.relative_to(ROOT)}: defines {name}")
        if path.name != "i18n.py" and 'replace(",", ' in text:
            offenders.append(f"{path.relative_to(ROOT)}: formats numbers by hand")
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                code = "".join(ln for ln in cell["source"] if not ln.lstrip().startswith("%"))
                offenders += [f"{path.name}:{n}" for n in _label_dicts(ast.parse(code))]
    assert not offenders, offenders


# ----------------------------------------------------------------------------- Mesa frames


def test_plots_accept_a_mesa_datacollector_frame():
    model = OSLModel(Params(households=120), rng=3)
    collector = mesa.DataCollector(model_reporters={
        "burden": lambda m: float(m.timeseries()["burden"].iloc[-1])})
    collector.collect(model)
    for _ in range(3):
        model.step()
        collector.collect(model)
    frame = collector.get_model_vars_dataframe()
    assert "month" not in frame.columns  # index = step, as Mesa gives it
    fig = plots.trajectories(frame, ["burden"], lang="en")
    x, y = fig.axes[0].get_lines()[0].get_data()
    assert list(x) == [0, 1, 2, 3]
    assert_allclose(y, model.timeseries()["burden"])


def test_plots_refuse_a_frame_without_months_in_one_line():
    frame = pd.DataFrame({"burden": [0.1, 0.2]}, index=["a", "b"])
    with pytest.raises(ValueError, match="'month' column") as err:
        plots.trajectories(frame, ["burden"])
    assert "\n" not in str(err.value) and not isinstance(err.value, KeyError)
