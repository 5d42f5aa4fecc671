"""Figures carry the right axes, labels and series (not pixels)."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from oslsim import plots, simulate
from oslsim.cli import main
from oslsim.errors import InputError
from oslsim.i18n import fmt_compact
from oslsim.pmks import CATEGORIES, CODES, KIND_NAMES

SMALL = {"households": 300}


@pytest.fixture(scope="module")
def run():
    return simulate("diklat_pdps", months=14, rng=4, overrides=SMALL)


@pytest.fixture(scope="module")
def replicates():
    return [simulate("baseline", months=6, rng=s, overrides=SMALL) for s in range(4)]


def test_backend_is_agg():
    assert matplotlib.get_backend().lower() == "agg"


def test_labels_in_both_languages():
    assert plots.label("burden", "id") == "Beban warga"
    assert plots.label("burden", "en") == "Burden on residents"
    assert plots.label(f"pmks_{CODES[0]}", "id") == CATEGORIES[0].name_id
    assert plots.label("not_a_column") == "not_a_column"
    with pytest.raises(InputError, match="id, en"):
        plots.label("burden", "fr")


def test_one_run_trajectories(run):
    fig = plots.trajectories(run, ["burden", "coverage", "osl_count"], lang="en")
    axes = fig.axes
    assert len(axes) == 3
    assert [ax.get_ylabel() for ax in axes] == ["Burden on residents", "Service coverage",
                                               "Organisations (OSL)"]
    assert all(ax.get_xlabel() == "Month" for ax in axes)
    x, y = axes[0].get_lines()[0].get_data()
    assert list(x) == list(range(15))
    assert_allclose(y, run.timeseries["burden"])
    assert axes[0].get_legend() is None  # one unnamed series needs no legend


def test_many_runs_mean_and_95_band(replicates):
    fig = plots.trajectories(replicates, ["burden"], lang="id")
    ax = fig.axes[0]
    (line,) = ax.get_lines()
    values = np.array([r.timeseries["burden"] for r in replicates])
    assert_allclose(line.get_ydata(), values.mean(axis=0))
    assert "95%" in line.get_label() and "n=4" in line.get_label()
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    half = stats.t.ppf(0.975, 3) * values.std(axis=0, ddof=1) / 2  # sqrt(4) replicates
    assert_allclose(band.min(), (values.mean(axis=0) - half).min())
    assert_allclose(band.max(), (values.mean(axis=0) + half).max())
    assert ax.get_ylabel() == "Beban warga" and ax.get_xlabel() == "Bulan"


def test_runs_band_and_named_series(replicates, run):
    fig = plots.trajectories({"baseline": replicates, "diklat": [run]}, ["solidarity"],
                             lang="en", band="runs")
    ax = fig.axes[0]
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert labels[0].startswith("baseline: mean, middle 95% of runs")
    assert labels[1] == "diklat"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == labels
    with pytest.raises(InputError, match="ci, runs"):
        plots.trajectories(run, ["burden"], band="sd")
    with pytest.raises(InputError, match="unknown column"):
        plots.trajectories(run, ["burdn"])


def test_pmks_stacked_has_ten_categories(run):
    fig = plots.pmks_stacked(run, lang="id")
    ax = fig.axes[0]
    assert len(ax.collections) == len(CODES)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [c.name_id for c in CATEGORIES]
    assert ax.get_xlabel() == "Bulan" and "bertumpuk" in ax.get_ylabel()
    # The top of the stack is the sum of the category prevalences.
    top = ax.collections[-1].get_paths()[0].vertices[:, 1].max()
    total = run.timeseries[[f"pmks_{c}" for c in CODES]].sum(axis=1).max()
    assert_allclose(top, total)


def test_network_by_pmks_sampled_and_seeded():
    big = simulate("baseline", months=3, rng=2, overrides={"households": 600})
    fig = plots.network(big, "pmks", lang="en", sample=150, seed=3)
    ax = fig.axes[0]
    assert "sample of 150 of 600 households" in ax.get_title()
    nodes = sum(len(c.get_offsets()) for c in ax.collections[1:])
    assert nodes == 150
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[0] == "No PMKS"
    assert set(texts[1:]) <= {c.name_en for c in CATEGORIES}
    again = plots.network(big, "pmks", lang="en", sample=150, seed=3).axes[0]
    assert_allclose(again.collections[1].get_offsets(), ax.collections[1].get_offsets())


def test_network_by_organisation(run):
    fig = plots.network(run.model, "organisation", lang="id", sample=1000)
    ax = fig.axes[0]
    assert "300 KK" in ax.get_title() and "organisasi" in ax.get_title()
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert set(texts) <= {"Bukan anggota"} | {v[0] for v in KIND_NAMES.values()}
    assert len(texts) >= 3
    with pytest.raises(InputError, match="pmks, organisation"):
        plots.network(run, "kind")


def test_logic_model_table(run):
    fig = plots.logic_model_table(run.logic_model, lang="en")
    ax = fig.axes[0]
    table = ax.tables[0]
    cells = table.get_celld()
    assert [cells[0, c].get_text().get_text() for c in range(5)] == \
        ["Stage", "Item", "Start", "End", "Change"]
    rows = len(run.logic_model)
    assert max(r for r, _ in cells) == rows
    stages = {cells[r, 0].get_text().get_text() for r in range(1, rows + 1)}
    assert stages == {"MASUKAN", "PROSES", "KELUARAN", "DAMPAK", "HASIL"}
    assert cells[1, 1].get_text().get_text() == run.logic_model["item_en"].iloc[0]
    id_fig = plots.logic_model_table(run, lang="id")
    assert id_fig.axes[0].tables[0].get_celld()[0, 3].get_text().get_text() == "Akhir"


def test_number_format_for_rupiah():
    assert fmt_compact(152_700_000.0, "id") == "152,7 jt"
    assert fmt_compact(2_450_000_000.0, "en") == "2.45 bn"
    assert fmt_compact(0.1234, "en") == "0.123"
    assert fmt_compact(12.0, "en") == "12"


def test_run_figure_has_the_key_panels(run):
    fig = plots.run_figure(run, lang="en")
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[:4] == ["Burden on residents", "Service coverage", "Solidarity",
                          "Organisations working as WKSBM"]
    assert "PMKS by category (stacked)" in titles
    assert any(t.startswith("Residents' network by PMKS condition") for t in titles)
    assert "Logic model: start and end" in titles
    assert run.scenario.title_en in fig.get_suptitle() and "seed 4" in fig.get_suptitle()


def test_cli_plot_writes_a_png(tmp_path, capsys):
    out = tmp_path / "run.png"
    assert main(["run", "--months", "3", "--households", "300", "--seed", "1",
                 "--plot", str(out), "--lang", "en"]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["run", "--months", "3", "--households", "300", "--plot",
                 str(tmp_path / "run.jpg")]) == 2
    assert ".png or .svg or .pdf" in capsys.readouterr().err


def test_save_figure_rejects_other_types(run, tmp_path):
    with pytest.raises(InputError):
        plots.save_figure(plots.pmks_stacked(run), tmp_path / "x.gif")
    path = plots.save_figure(plots.pmks_stacked(run), tmp_path / "sub" / "x.svg")
    assert path.read_text().lstrip().startswith("<?xml")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
