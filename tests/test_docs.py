"""Keep docs/ODD.md and docs/glossary.md true to the code.

Structural checks (every phase, outcome, PMKS category, kind, parameter, ledger channel and
scenario action is documented, and nothing documented is missing from the code), plus a few
checks that the ODD's equations compute what the code computes on a small community.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import re
from pathlib import Path

import numpy as np
import pytest

import oslsim
from oslsim.agents import LocalGovernment
from oslsim.metrics import LOGIC_MODEL, OUTCOMES, PROCESS, outcomes
from oslsim.params import Params, iter_params
from oslsim.phases import PHASES
from oslsim.phases.drift import drift
from oslsim.phases.economy import economy
from oslsim.phases.mutual_aid import mutual_aid
from oslsim.pmks import CATEGORIES, CODES, KIND_NAMES, KINDS, category_vectors
from oslsim.state import SCOPE_KELURAHAN, SCOPE_RT, SCOPE_RW, Ledger

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
ODD = (DOCS / "ODD.md").read_text(encoding="utf-8")
GLOSSARY = (DOCS / "glossary.md").read_text(encoding="utf-8")

PARAM_PATHS = {info.path for info in iter_params()}
ROOT_PARAMS = {p for p in PARAM_PATHS if "." not in p}
GROUPS = {p.split(".")[0] for p in PARAM_PATHS if "." in p}
DOTTED = re.compile(r"[a-z_][a-z0-9_]*(\.(?:[a-z0-9_]+|<code>|<kind>))+")


def backticked(text: str) -> list[str]:
    """Every `inline code` span of a Markdown text."""
    return re.findall(r"`([^`\n]+)`", text)


def section(text: str, heading: str) -> str:
    """The body of the section whose heading starts with ``heading``, up to the next peer."""
    match = re.search(rf"^(#+) {re.escape(heading)}.*$", text, re.M)
    assert match, f"no section {heading!r}"
    level = len(match.group(1))
    rest = text[match.end():]
    end = re.search(rf"^#{{1,{level}}} ", rest, re.M)
    return rest[: end.start()] if end else rest


def table_rows(text: str) -> list[list[str]]:
    """Cells of every Markdown table row (header and separator rows included)."""
    return [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in text.splitlines() if line.lstrip().startswith("|")]


def expand(token: str) -> list[str]:
    """Expand ``<code>`` / ``<kind>`` placeholders of a parameter path."""
    out = [token]
    if "<code>" in token:
        out = [t.replace("<code>", c) for t in out for c in CODES]
    if "<kind>" in token:
        out = [t.replace("<kind>", k) for t in out for k in KINDS]
    return out


def param_mentions(text: str) -> set[str]:
    """Parameter paths (leaves or groups) a text names in backticks, placeholders expanded."""
    found = set()
    for token in backticked(text):
        if token in ROOT_PARAMS:
            found.add(token)
        elif DOTTED.fullmatch(token) and token.split(".")[0] in GROUPS:
            found.update(expand(token))
    return found


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = heading.strip().lower().replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


# --------------------------------------------------------------------------- structure


ODD_D_HEADINGS = (
    "1 Overview", "1.1 Purpose and patterns", "1.2 Entities, state variables and scales",
    "1.3 Process overview and scheduling", "2 Design concepts",
    "2.1 Theoretical and empirical background", "2.2 Individual decision making",
    "2.3 Learning", "2.4 Individual sensing", "2.5 Individual prediction", "2.6 Interaction",
    "2.7 Collectives", "2.8 Heterogeneity", "2.9 Stochasticity", "2.10 Observation",
    "3 Details", "3.1 Implementation details", "3.2 Initialisation", "3.3 Input data",
    "3.4 Submodels", "3.5 Money", "3.6 External interventions and scenarios",
    "3.7 Known limitations and assumptions", "References",
)


def test_odd_follows_the_odd_d_outline_in_order():
    positions = []
    for heading in ODD_D_HEADINGS:
        match = re.search(rf"^#+ {re.escape(heading)}", ODD, re.M)
        assert match, f"ODD.md lacks the ODD+D section {heading!r}"
        positions.append(match.start())
    assert positions == sorted(positions)


def test_every_phase_has_a_submodel_in_schedule_order():
    names = [p.__name__ for p in PHASES]
    submodels = re.findall(r"^#### 3\.4\.\d+ [^\n]*\(`(\w+)`\)$", ODD, re.M)
    assert submodels == names


def test_process_overview_lists_the_phases_in_schedule_order():
    body = section(ODD, "1.3 Process overview")
    listed = re.findall(r"^\d+\. `(\w+)`", body, re.M)
    assert listed == [p.__name__ for p in PHASES]


def test_internal_links_resolve():
    anchors = {slug(h) for h in re.findall(r"^#+ (.+)$", ODD, re.M)}
    targets = re.findall(r"\]\(#([^)]+)\)", ODD)
    assert targets, "the ODD should cross-reference its sections"
    missing = sorted(t for t in targets if t not in anchors)
    assert not missing, f"broken anchors in ODD.md: {missing}"


@pytest.mark.parametrize("text,name", [(ODD, "ODD.md"), (GLOSSARY, "glossary.md")])
def test_relative_file_links_exist(text, name):
    links = [t for t in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text)
             if not t.startswith(("http://", "https://"))]
    assert links
    missing = [t for t in links if not (DOCS / t).exists()]
    assert not missing, f"{name} links to missing files: {missing}"


def test_source_paths_named_in_the_odd_exist():
    paths = [t for t in backticked(ODD) if t.startswith("src/oslsim")]
    assert len(paths) >= 5
    missing = [p for p in paths if not (ROOT / p).exists()]
    assert not missing, missing


def test_python_names_named_in_the_odd_exist():
    names = [t for t in backticked(ODD) if re.fullmatch(r"oslsim(\.\w+)+", t)]
    assert len(names) >= 10
    for name in names:
        parts = name.split(".")
        for cut in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            for attr in parts[cut:]:
                assert hasattr(obj, attr), f"{name}: no {attr!r}"
                obj = getattr(obj, attr)
            break
        else:  # pragma: no cover - the loop always finds oslsim
            pytest.fail(name)


# --------------------------------------------------------------------------- outcomes


def test_every_outcome_column_is_defined_in_observation():
    body = section(ODD, "2.10 Observation")
    named = set(backticked(body))
    per_category = {f"pmks_{c}" for c in CODES}
    missing = [c for c in (*OUTCOMES, *PROCESS) if c not in named and c not in per_category]
    assert not missing, f"outcome columns not described in 2.10: {missing}"
    # The ten per-category columns are defined once as pmks_<code>; each is named in 1.2.
    assert "pmks_<code>" in named
    assert per_category <= set(backticked(ODD))


def test_observation_names_no_column_the_model_lacks():
    body = section(ODD, "2.10 Observation")
    first_cells = [row[0] for row in table_rows(body) if row and row[0].startswith("`")]
    named = {n for cell in first_cells for n in re.findall(r"`([^`]+)`", cell)}
    assert named, "2.10 should define the columns in tables"
    unknown = named - set(OUTCOMES) - set(PROCESS) - {"pmks_<code>"}
    assert not unknown, f"2.10 describes columns the model lacks: {sorted(unknown)}"


def test_logic_model_table_matches_metrics():
    body = section(ODD, "2.10 Observation")
    rows = [(r[0], r[1].strip("`"), r[2]) for r in table_rows(body)
            if r and r[0] in {"MASUKAN", "PROSES", "KELUARAN", "DAMPAK", "HASIL"}]
    assert rows == [(stage, col, item_id) for stage, col, item_id, _ in LOGIC_MODEL]


def test_ledger_channels_are_documented():
    body = section(ODD, "3.5 Money")
    named = set(backticked(body))
    channels = [f.name for f in dataclasses.fields(Ledger)]
    assert channels and all(c in named for c in channels)


# --------------------------------------------------------------------------- PMKS and kinds


def test_pmks_table_matches_the_categories():
    rows = {r[0].strip("`"): r for r in table_rows(ODD) if r and r[0].strip("`") in CODES}
    assert set(rows) == set(CODES)
    for cat in CATEGORIES:
        row = rows[cat.code]
        assert row[1] == cat.name_id and row[2] == cat.name_en
        assert row[3].strip("`") == cat.eligible
        served = [s.strip().strip("`") for s in row[4].split(",")]
        assert served == list(cat.served_by), cat.code
        assert row[5] == f"`pmks_{cat.code}`"


def test_kind_table_matches_the_kinds():
    rows = {r[0].strip("`"): r for r in table_rows(ODD) if r and r[0].strip("`") in KINDS}
    assert list(rows) == list(KINDS)
    for kind, (name_id, _) in KIND_NAMES.items():
        assert rows[kind][1] == name_id


# --------------------------------------------------------------------------- parameters


@pytest.mark.parametrize("text,name", [(ODD, "ODD.md"), (GLOSSARY, "glossary.md")])
def test_parameter_paths_named_in_the_docs_exist(text, name):
    mentioned = param_mentions(text)
    assert mentioned
    bad = sorted(p for p in mentioned
                 if p not in PARAM_PATHS and not any(q.startswith(p + ".") for q in PARAM_PATHS))
    assert not bad, f"{name} names parameters that do not exist: {bad}"


def test_every_parameter_is_named_in_the_odd():
    mentioned = param_mentions(ODD)
    missing = sorted(p for p in PARAM_PATHS if p not in mentioned)
    assert not missing, f"parameters the ODD does not mention: {missing}"


def test_dotted_names_of_parameter_groups_are_parameters():
    """A backticked ``group.name`` that is not a parameter is a typo (e.g. a renamed field)."""
    suspicious = [t for t in backticked(ODD) + backticked(GLOSSARY)
                  if DOTTED.fullmatch(t) and t.split(".")[0] in GROUPS
                  and not all(e in PARAM_PATHS or any(q.startswith(e + ".") for q in PARAM_PATHS)
                              for e in expand(t))]
    assert not suspicious


# --------------------------------------------------------------------------- agents and scenarios


def test_government_levers_are_documented():
    levers = ("train_pengurus", "grant", "form_wksbm", "found_organisations", "withdraw",
              "restore", "direct")
    for lever in levers:
        assert callable(getattr(LocalGovernment, lever))
        assert f"LocalGovernment.{lever}" in ODD, lever


def _actions():
    try:
        return importlib.import_module("oslsim.scenarios.actions").ACTIONS
    except ImportError:
        pytest.skip("oslsim.scenarios.actions is not written yet (issue 3)")


def test_every_scenario_action_is_documented_with_its_arguments():
    actions = _actions()
    body = section(ODD, "3.6 External interventions")
    rows = {r[0].strip("`"): r for r in table_rows(body) if r and r[0].startswith("`")}
    assert set(rows) == set(actions), "the ODD's action table and the registry differ"
    for name, action in actions.items():
        row = rows[name]
        assert row[1] == action.timing, name
        named = set(re.findall(r"`(\w+)`", row[2]))
        assert {a.name for a in action.args} == named, name


def test_builtin_scenarios_are_named():
    try:
        scenarios = importlib.import_module("oslsim.scenarios")
    except ImportError:
        pytest.skip("oslsim.scenarios is not written yet (issue 3)")
    body = set(backticked(section(ODD, "3.6 External interventions")))
    missing = [n for n in (*scenarios.SITES, *scenarios.RECOMMENDATIONS) if n not in body]
    assert not missing, missing


# --------------------------------------------------------------------------- glossary

GLOSSARY_TERMS = (
    "OSL", "KPS", "WKSBM", "PMKS", "PPKS", "PSKS", "PDPS", "Diklat", "pengurus", "gotong royong",
    "kesetiakawanan", "arisan", "jimpitan", "KUBE", "PKK", "karang taruna", "majelis taklim",
    "RT", "RW", "kelurahan", "lurah", "Pemda", "Dinas Sosial", "Forum Komunitas", "AD/ART",
    "iuran",
)


def _glossary_rows() -> list[list[str]]:
    return [r for r in table_rows(GLOSSARY)
            if r and not set(r[0]) <= {"-"} and not r[0].startswith("istilah")]


def test_glossary_has_every_required_term():
    firsts = [r[0].lower() for r in _glossary_rows()]
    for term in GLOSSARY_TERMS:
        assert any(f.split(" / ")[0] == term.lower() or f.startswith(term.lower())
                   for f in firsts), term


def test_glossary_rows_are_bilingual_and_complete():
    rows = _glossary_rows()
    assert len(rows) >= len(GLOSSARY_TERMS)
    for row in rows:
        assert len(row) == 5, row
        term, _full, idn, eng, model = row
        assert term and idn and eng and model, row
        assert idn != eng, row


def test_glossary_names_every_kind_and_category():
    named = set(backticked(GLOSSARY))
    assert set(KINDS) <= named
    assert set(CODES) <= named


def test_odd_links_the_glossary():
    assert "(glossary.md)" in ODD


# --------------------------------------------------------------------------- equations


@pytest.fixture(scope="module")
def running():
    """A small community after three months, so every array holds real values."""
    model = oslsim.OSLModel(Params(households=240), rng=11)
    model.run(3)
    return model


def test_outcomes_match_the_odd_definitions(running):
    st, params = running.state, running.params
    v = category_vectors(params)
    row = outcomes(st, params)
    n = st.n
    burden = sum(v.severity[k] for i in range(n) for k in range(len(CODES))
                 if st.active[i, k] and not st.served[i, k]) / n
    assert row["burden"] == pytest.approx(burden)
    assert row["coverage"] == pytest.approx(st.served.sum() / st.active.sum())
    assert row["pmks_prevalence"] == pytest.approx(st.active.any(axis=1).mean())

    rt_ties = st.same_rt_tie.tolil().rows
    bonding = np.mean([st.solidarity[i] * np.mean(st.solidarity[rt_ties[i]]) if rt_ties[i]
                       else 0.0 for i in range(n)])
    assert row["bonding_capital"] == pytest.approx(bonding)

    covered = {SCOPE_RT: 1, SCOPE_RW: min(st.rt_per_rw, st.n_rt), SCOPE_KELURAHAN: st.n_rt}
    keep_bridge, keep_link = np.ones(n), np.ones(n)
    for e in np.flatnonzero(st.mem_active[: st.e]):
        i, o, tie = st.mem_hh[e], st.mem_org[e], st.mem_tie[e]
        keep_bridge[i] *= 1 - tie * (1 - 1 / covered[int(st.scope[o])])
        if st.wksbm[o]:
            keep_link[i] *= 1 - tie
    assert row["bridging_capital"] == pytest.approx(np.mean(1 - keep_bridge))
    assert row["linking_capital"] == pytest.approx(np.mean(1 - keep_link))


def test_economy_follows_the_odd_equation(running):
    st, params = copy.deepcopy(running.state), running.params
    e = params.economy
    rng = np.random.default_rng(5)
    xi, eta = copy.deepcopy(rng).standard_normal((2, st.n))
    phi, sig = e.shock_persistence, e.shock_sigma
    eps = phi * st.shock + np.sqrt(1 - phi**2) * sig * xi
    r, sig_u = e.usual_persistence ** (1 / 12), e.usual_sigma
    u = r * st.usual_shock + np.sqrt(1 - r**2) * sig_u * eta
    v = r**2 * st.usual_var + (1 - r**2) * sig_u**2
    a = st.attended.astype(float)
    t = params.time
    free = t.free_hours * np.where(st.poor, t.poor_hours_ratio, 1.0)
    g = 1 + e.membership_income_gain * np.minimum(a, e.membership_gain_cap) \
        - np.maximum(st.hours_used - free, 0) / t.work_hours
    kappa = (1 - np.clip(st.income_loss, 0, 1)) * (1 - e.covariate_shock)
    y = st.base_income * np.exp(u - v / 2) * np.exp(eps - sig**2 / 2) * np.maximum(g, 0) * kappa
    z = e.poverty_line * st.size
    c = np.minimum(st.savings + y, np.maximum(e.mpc_income * y + e.mpc_savings * st.savings, z))
    savings = st.savings + y - c
    economy(st, params, rng)
    np.testing.assert_allclose(st.income, y)
    np.testing.assert_allclose(st.savings, savings)
    np.testing.assert_array_equal(st.poor, c < z)


def test_mutual_aid_follows_the_odd_equation(running):
    st, params = copy.deepcopy(running.state), running.params
    a = params.mutual_aid
    rng = np.random.default_rng(8)
    u = copy.deepcopy(rng).random(st.n)
    needy = st.poor | (st.active & ~st.served).any(axis=1)
    adj = st.adjacency.tolil().rows
    k = np.array([sum(needy[j] for j in adj[i]) for i in range(st.n)])
    surplus = np.maximum(0, st.savings - a.surplus_months * params.economy.poverty_line * st.size)
    give = np.where((u < a.help_probability * st.solidarity) & (k > 0),
                    a.help_share * surplus, 0.0)
    received = np.array([sum(give[j] / k[j] for j in adj[i]) if needy[i] else 0.0
                         for i in range(st.n)])
    expected = st.savings + received - give
    mutual_aid(st, params, rng)
    np.testing.assert_allclose(st.savings, expected)


def test_drift_follows_the_odd_equation(running):
    st, params = copy.deepcopy(running.state), running.params
    d, g = params.drift, params.government
    st.direction, st.extra_decay = 0.5, 0.01  # exercise every term of the equation
    adj = st.adjacency.tolil().rows
    s = st.solidarity.copy()
    nb = np.array([np.mean(s[adj[i]]) if adj[i] else s[i] for i in range(st.n)])
    pulled = s + d.neighbour_influence * (nb - s)
    expected = np.clip(pulled * (1 - d.solidarity_decay - 0.01) - g.crowd_out_drift * 0.5, 0, 1)
    drift(st, params, np.random.default_rng(0))
    np.testing.assert_allclose(st.solidarity, expected)
