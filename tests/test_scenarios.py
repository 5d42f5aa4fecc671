"""Scenario files: built-ins, the format, validation messages, the CLI, and a property test."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oslsim.cli import main
from oslsim.errors import InputError
from oslsim.params import Params
from oslsim.scenarios import (
    ACTIONS,
    RECOMMENDATIONS,
    SITES,
    Scenario,
    ScenarioError,
    builtin_names,
    list_scenarios,
    load_scenario,
    parse_scenario,
    parse_scenario_text,
)


def write(tmp_path, text, name="desa_saya.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(tmp_path, text, name="desa_saya.toml"):
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(tmp_path, text, name))
    message = str(info.value)
    assert "\n" not in message, "errors are one line"
    return message


# ----------------------------------------------------------------------------- built-ins


def test_every_builtin_loads_with_bilingual_texts():
    names = builtin_names()
    assert set(SITES) | set(RECOMMENDATIONS) <= set(names)
    for sc in list_scenarios():
        assert sc.title_id and sc.title_en and sc.title_id != sc.title_en, sc.name
        assert len(sc.description_id) > 150 and len(sc.description_en) > 150, sc.name
        assert sc.months == 120
        sc.build_params()  # resolves without error


def test_sites_are_profiles_and_recommendations_have_stories():
    for name in SITES:
        sc = load_scenario(name)
        assert sc.is_site and not sc.interventions
        assert {"households", "community.hh_per_rt", "economy.poverty_rate",
                "organisations.per_1000"} <= set(sc.params), name
        assert any(k.startswith("kinds.") for k in sc.params), "an organisation mix"
    for name in RECOMMENDATIONS:
        sc = load_scenario(name)
        assert not sc.is_site
        if name != "baseline":
            assert sc.interventions or sc.params, f"{name} must differ from the baseline"


def test_site_calibration_facts():
    # BPS March 2025: urban 6.73%, rural 11.03%; Jakarta ~78 KK per RT, ~11 RT per RW.
    klender = load_scenario("klender").build_params()
    assert klender.economy.poverty_rate == pytest.approx(0.0673)
    assert (klender.community.hh_per_rt, klender.community.rt_per_rw) == (78, 11)
    cibodas = load_scenario("cibodas").build_params()
    assert cibodas.economy.poverty_rate == pytest.approx(0.1103)
    surosutan = load_scenario("surosutan").build_params()
    rw = surosutan.households / (surosutan.community.hh_per_rt * surosutan.community.rt_per_rw)
    # One WKSBM per RW (Kota Yogyakarta places WKSBM at RW level).
    assert rw >= 1 and surosutan.organisations.wksbm_coverage == 1.0


def test_recommendation_interventions_are_the_documented_ones():
    assert [iv.action for iv in load_scenario("diklat_pdps").interventions] == \
        ["train_pengurus", "train_pengurus"]
    first = load_scenario("diklat_pdps").interventions[0]
    assert (first.start, first.args["share"], first.args["who"]) == (12, 0.3, "all")
    assert load_scenario("no_government").interventions[0].action == "withdraw_government"
    assert [iv.action for iv in load_scenario("globalisation_shock").interventions] == \
        ["economic_shock", "values_erosion"]


def test_builtin_source_and_name():
    sc = load_scenario("baseline")
    assert sc.source == "builtin:baseline" and sc.name == "baseline"
    assert sc.build_params() == Params()


# ----------------------------------------------------------------------------- the format


def test_site_params_are_overridden_by_the_scenarios_own(tmp_path):
    path = write(tmp_path, """
        [scenario]
        site = "cibodas"
        months = 36
        [params]
        economy.poverty_rate = 0.2
        [params.organisations]
        capacity_mean = 0.6
        [[interventions]]
        month = 12
        action = "train_pengurus"
    """)
    sc = load_scenario(path)
    assert sc.name == "desa_saya"  # from the file name when [scenario] has none
    p = sc.build_params()
    assert p.economy.poverty_rate == 0.2  # own value wins over the site's 0.1103
    assert p.organisations.capacity_mean == 0.6  # nested table
    assert p.households == 3000  # from the site
    assert p.organisations.per_1000 == 40.0  # from the site
    assert sc.build_params({"households": "500"}).households == 500  # CLI strings coerced


def test_dotted_quoted_and_nested_keys_are_the_same():
    texts = ['[params]\norganisations.capacity_mean = 0.7\n',
             '[params]\n"organisations.capacity_mean" = 0.7\n',
             '[params.organisations]\ncapacity_mean = 0.7\n']
    for text in texts:
        assert parse_scenario_text(text).params == {"organisations.capacity_mean": 0.7}


def test_site_as_a_relative_file(tmp_path):
    write(tmp_path, '[params]\nhouseholds = 700\ncommunity.hh_per_rt = 35\n', "my_site.toml")
    path = write(tmp_path, '[scenario]\nsite = "my_site.toml"\n[params]\nhouseholds = 350\n')
    p = load_scenario(path).build_params()
    assert (p.households, p.community.hh_per_rt) == (350, 35)


def test_site_cycle_is_an_error(tmp_path):
    write(tmp_path, '[scenario]\nsite = "b.toml"\n', "a.toml")
    write(tmp_path, '[scenario]\nsite = "a.toml"\n', "b.toml")
    with pytest.raises(ScenarioError, match="leads back to itself"):
        load_scenario(tmp_path / "a.toml")


def test_on_site_moves_a_recommendation():
    sc = load_scenario("diklat_pdps").on_site("surosutan")
    assert sc.site == "surosutan" and sc.build_params().households == 2400
    assert sc.interventions == load_scenario("diklat_pdps").interventions
    assert sc.on_site(None).build_params().households == Params().households


def test_to_dict_round_trips_through_parse():
    sc = load_scenario("globalisation_shock")
    data = sc.to_dict()
    again = parse_scenario({"scenario": {k: v for k, v in data["scenario"].items()
                                         if v is not None},
                            "params": data["params"], "interventions": data["interventions"]})
    assert again.interventions == sc.interventions and again.params == sc.params


# ----------------------------------------------------------------------------- validation


def test_misspelt_parameter_names_file_line_and_close_match(tmp_path):
    msg = error_of(tmp_path, """
        [scenario]
        months = 24

        [params]
        organisations.capacity_man = 0.4
    """)
    assert "desa_saya.toml, line 6" in msg
    assert "organisations.capacity_man" in msg
    assert "did you mean organisations.capacity_mean?" in msg


def test_misspelt_key_in_a_nested_table(tmp_path):
    msg = error_of(tmp_path, """
        [params.economy]
        povety_rate = 0.1
    """)
    assert "line 3" in msg and "did you mean economy.poverty_rate?" in msg


def test_wrong_type_and_out_of_range(tmp_path):
    msg = error_of(tmp_path, '[params]\norganisations.capacity_mean = "high"\n')
    assert "line 2" in msg and "allowed a number in [0.0, 1.0]" in msg
    msg = error_of(tmp_path, '[params]\norganisations.capacity_mean = 1.5\n')
    assert "out of range" in msg and "0.0 to 1.0" in msg
    msg = error_of(tmp_path, '[params]\ngovernment.mode = "bossy"\n')
    assert "none, facilitator, directive" in msg
    msg = error_of(tmp_path, '[params]\norganisations = 3\n')
    assert "group of parameters" in msg


def test_bad_scenario_table(tmp_path):
    msg = error_of(tmp_path, '[scenario]\nmonth = 24\n')
    assert "[scenario] month" in msg and "did you mean months?" in msg and "line 2" in msg
    msg = error_of(tmp_path, '[scenario]\nmonths = "ten years"\n')
    assert "whole number from 1 to 1200" in msg
    msg = error_of(tmp_path, '[scenario]\nsite = "cibodass"\n')
    assert "did you mean cibodas?" in msg
    msg = error_of(tmp_path, '[scenaro]\nmonths = 3\n')
    assert "did you mean scenario?" in msg
    msg = error_of(tmp_path, '[scenario]\nsite = "diklat_pdps"\n')
    assert "not a site profile" in msg


def test_unknown_action_and_argument(tmp_path):
    msg = error_of(tmp_path, """
        [[interventions]]
        month = 3
        action = "train_penguru"
    """)
    assert "line 4" in msg and "did you mean train_pengurus?" in msg
    msg = error_of(tmp_path, """
        [[interventions]]
        month = 3
        action = "grant"
        amount = 1e6

        [[interventions]]
        month = 3
        action = "train_pengurus"
        shares = 0.5
    """)
    assert "interventions[2] (train_pengurus).shares" in msg and "line 10" in msg
    assert "did you mean share?" in msg


def test_bad_arguments(tmp_path):
    head = '[[interventions]]\nmonth = 3\n'
    msg = error_of(tmp_path, head + 'action = "train_pengurus"\nshare = 1.5\n')
    assert "a number in [0, 1]" in msg
    msg = error_of(tmp_path, head + 'action = "train_pengurus"\nwho = "wksbn"\n')
    assert "did you mean wksbm?" in msg
    msg = error_of(tmp_path, head + 'action = "grant"\n')
    assert "exactly one of amount or total" in msg
    msg = error_of(tmp_path, head + 'action = "form_wksbm"\ncount = 2\nper_1000 = 1\n')
    assert "exactly one of count or per_1000" in msg
    msg = error_of(tmp_path, head + 'action = "found_organisations"\ncount = 2.5\n')
    assert "an integer" in msg
    msg = error_of(tmp_path, head + 'action = "found_organisations"\ncount = 2\nwksbm = 1\n')
    assert "true or false" in msg


def test_timing_errors(tmp_path):
    msg = error_of(tmp_path, """
        [scenario]
        months = 24
        [[interventions]]
        month = 36
        action = "withdraw_government"
    """)
    assert "month 36 is after the last month (24)" in msg and "line 5" in msg
    msg = error_of(tmp_path, '[[interventions]]\nmonth = 0\naction = "withdraw_government"\n')
    assert "counted from 1" in msg
    msg = error_of(tmp_path, '[[interventions]]\naction = "withdraw_government"\n')
    assert "give 'month' or 'from' and 'to'" in msg
    msg = error_of(tmp_path, '[[interventions]]\nmonth = 2\nfrom = 3\nto = 4\n'
                   'action = "withdraw_government"\n')
    assert "not both" in msg
    msg = error_of(tmp_path, '[[interventions]]\nfrom = 5\nto = 4\n'
                   'action = "withdraw_government"\n')
    assert "before 'from'" in msg
    msg = error_of(tmp_path, '[[interventions]]\nfrom = 5\naction = "withdraw_government"\n')
    assert "missing 'to'" in msg
    msg = error_of(tmp_path, '[[interventions]]\nfrom = 2\nto = 9\nevery = 2\n'
                   'action = "values_erosion"\n')
    assert "'every' only applies" in msg
    shock = '[[interventions]]\naction = "economic_shock"\nloss = 0.2\nreach = 0.5\n'
    msg = error_of(tmp_path, shock + 'from = 2\nto = 9\nduration = 2\n')
    assert "not both" in msg
    msg = error_of(tmp_path, shock + 'month = 2\n')
    assert "missing 'duration'" in msg
    msg = error_of(tmp_path, '[[interventions]]\naction = "economic_shock"\nmonth = 2\n'
                   'duration = 3\nreach = 0.5\n')
    assert "missing 'loss'" in msg and "a number in [0, 1]" in msg
    msg = error_of(tmp_path, '[[interventions]]\naction = "values_erosion"\nmonth = 2\n')
    assert "missing 'extra_decay'" in msg


def test_malformed_toml_gives_line_and_column(tmp_path):
    msg = error_of(tmp_path, '[scenario]\nmonths = 24\n[params\nhouseholds = 3\n')
    assert msg.startswith(str(tmp_path / "desa_saya.toml") + ": not valid TOML")
    assert "line 3" in msg and "column" in msg


def test_file_problems(tmp_path):
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario(tmp_path / "missing.toml")
    with pytest.raises(ScenarioError, match="did you mean baseline"):
        load_scenario("basline")
    bad = tmp_path / "latin1.toml"
    bad.write_bytes('[scenario]\ntitle_id = "Désa"\n'.encode("latin-1"))
    with pytest.raises(ScenarioError, match="not UTF-8"):
        load_scenario(bad)
    with pytest.raises(ScenarioError, match="is a folder"):
        load_scenario(str(tmp_path) + "/")


def test_scenario_error_is_an_input_error():
    assert issubclass(ScenarioError, InputError) and issubclass(ScenarioError, ValueError)


def test_bad_override_and_months_on_build():
    sc = load_scenario("baseline")
    with pytest.raises(ScenarioError, match="did you mean organisations.capacity_mean"):
        sc.build_params({"organisations.capacity_man": 0.3})
    cut = load_scenario("no_government").check_months(6)
    assert [iv.action for iv in cut] == ["withdraw_government"]
    with pytest.raises(ScenarioError, match="whole number"):
        sc.check_months(0)


# ----------------------------------------------------------------------------- property test

_KEYS = st.sampled_from(["name", "title_id", "site", "months", "households", "action", "month",
                         "from", "to", "every", "share", "gain", "who", "amount", "total",
                         "recipients", "count", "per_1000", "kind", "loss", "reach", "duration",
                         "intensity", "extra_decay", "capacity_mean", "organisations",
                         "economy", "poverty_rate", "government", "mode", "x"])
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 200), st.integers(), st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(["cibodas", "klender", "all", "wksbm", "kube", "train_pengurus", "grant",
                     "economic_shock", "form_wksbm", "withdraw_government", "directive",
                     "values_erosion", "direct_control", "found_organisations", "none"]),
)
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=4)), max_leaves=8)
_INTERVENTION = st.fixed_dictionaries(
    {"action": st.sampled_from([*ACTIONS, "nope"])},
    optional={k: _SCALARS for k in ("month", "from", "to", "every", "share", "who", "amount",
                                    "total", "count", "per_1000", "loss", "reach", "duration",
                                    "intensity", "extra_decay", "kind", "wksbm")})
_TABLES = st.fixed_dictionaries(
    {},
    optional={
        "scenario": st.one_of(st.dictionaries(_KEYS, _SCALARS, max_size=4), _SCALARS),
        "params": st.one_of(st.dictionaries(
            st.sampled_from(["households", "organisations.capacity_mean", "economy",
                             "government.mode", "organisations", "kinds.kube.share", "nope"]),
            _VALUES, max_size=4), _SCALARS),
        "interventions": st.one_of(st.lists(st.one_of(_INTERVENTION, _VALUES), max_size=3),
                                   _SCALARS),
        "extra": _VALUES,
    })


def _arg_values(arg):
    if arg.type is bool:
        return st.booleans()
    if arg.type is str:
        return st.sampled_from([*(arg.choices or ()), "other"])
    low = -1.0 if arg.low is None else arg.low - 1
    high = 10.0 if arg.high is None else min(arg.high + 1, 1e6)
    if arg.type is int:
        return st.integers(int(low), int(high))
    return st.floats(low, high)


@st.composite
def _near_valid(draw):
    """Scenarios that are mostly valid, so the success paths are exercised too."""
    months = draw(st.integers(1, 40))
    interventions = []
    for _ in range(draw(st.integers(0, 3))):
        action = ACTIONS[draw(st.sampled_from(list(ACTIONS)))]
        table = {"action": action.name}
        if draw(st.booleans()):
            table["month"] = draw(st.integers(0, 45))
        else:
            table["from"] = draw(st.integers(1, 40))
            table["to"] = draw(st.integers(1, 45))
            if draw(st.booleans()):
                table["every"] = draw(st.integers(0, 13))
        for arg in action.args:
            if draw(st.booleans()):
                table[arg.name] = draw(_arg_values(arg))
        interventions.append(table)
    params = draw(st.dictionaries(
        st.sampled_from(["households", "organisations.capacity_mean", "economy.poverty_rate",
                         "government.mode"]),
        st.one_of(st.integers(1, 5000), st.floats(0, 1), st.sampled_from(["none", "x"])),
        max_size=2))
    head = {"months": months}
    if draw(st.booleans()):
        head["site"] = draw(st.sampled_from([*SITES, "baseline", "nowhere"]))
    return {"scenario": head, "params": params, "interventions": interventions}


@given(st.one_of(_TABLES, _near_valid()))
def test_random_tables_load_or_raise_scenario_error(data):
    try:
        sc = parse_scenario(data, source="random.toml")
    except ScenarioError as exc:
        assert "\n" not in str(exc)
        return
    assert isinstance(sc, Scenario)
    sc.build_params()


@given(st.text(max_size=200))
def test_random_text_loads_or_raises_scenario_error(text):
    try:
        parse_scenario_text(text, "random.toml")
    except ScenarioError:
        pass


# ----------------------------------------------------------------------------- CLI


def test_cli_scenarios_list(capsys):
    assert main(["scenarios", "list"]) == 0
    out = capsys.readouterr().out
    for sc in list_scenarios():
        assert sc.name in out and sc.title_id in out and sc.title_en in out
    assert out.index("baseline") < out.index("cibodas")


def test_cli_scenarios_show_explains(capsys):
    assert main(["scenarios", "show", "diklat_pdps"]) == 0
    out = capsys.readouterr().out
    assert "train_pengurus" in out and "month 12" in out and "bulan 12" in out
    assert "capacity += gain" in out  # the action's effect is explained
    assert main(["scenarios", "show", "cibodas", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "economy.poverty_rate = 0.1103" in out and "default 0.0847" in out
    assert "[id]" not in out


def test_cli_scenarios_show_toml_can_start_a_new_file(capsys, tmp_path):
    assert main(["scenarios", "show", "globalisation_shock", "--toml"]) == 0
    text = capsys.readouterr().out
    path = write(tmp_path, text.replace('name = "globalisation_shock"', 'name = "mine"'))
    assert load_scenario(path).interventions == \
        load_scenario("globalisation_shock").interventions


def test_cli_bad_scenario_is_one_line_exit_2(capsys, tmp_path):
    path = write(tmp_path, '[params]\norganisations.capacity_man = 0.4\n')
    assert main(["scenarios", "show", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "did you mean organisations.capacity_mean?" in err
    assert main(["run", "--scenario", str(path)]) == 2
    assert main(["run", "--scenario", "basline"]) == 2
    assert "did you mean baseline" in capsys.readouterr().err


def test_cli_run_scenario_file_with_sets_and_months(capsys, tmp_path):
    path = write(tmp_path, """
        [scenario]
        site = "surosutan"
        [params]
        households = 400
        [[interventions]]
        month = 2
        action = "train_pengurus"
    """)
    out_file = tmp_path / "run.csv"
    assert main(["run", "--scenario", str(path), "--set", "organisations.capacity_mean=0.4",
                 "--months", "6", "--seed", "3", "--out", str(out_file)]) == 0
    out = capsys.readouterr().out
    assert "scenario desa_saya, site surosutan, 400 households, 6 months, seed 3" in out
    import pandas as pd

    assert list(pd.read_csv(out_file)["month"]) == list(range(7))


def test_cli_run_households_still_works_and_months_come_from_scenario(capsys, tmp_path):
    path = write(tmp_path, '[scenario]\nmonths = 4\n')
    assert main(["run", "--scenario", str(path), "--households", "300", "--seed", "1"]) == 0
    assert "300 households, 4 months" in capsys.readouterr().out
    assert main(["run", "--households", "300", "--months", "3", "--seed", "1"]) == 0
    assert "scenario baseline, 300 households, 3 months" in capsys.readouterr().out


def test_cli_subprocess_exit_status_and_no_traceback(tmp_path):
    path = write(tmp_path, '[[interventions]]\nmonth = 500\naction = "grant"\namount = 1\n')
    proc = subprocess.run([sys.executable, "-m", "oslsim.cli", "run", "--scenario", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and "after the last month (120)" in proc.stderr


def test_cli_run_shorter_than_the_scenario_says_what_is_not_reached(capsys):
    assert main(["run", "--scenario", "no_government", "--months", "3", "--households", "300",
                 "--seed", "1"]) == 0
    err = capsys.readouterr().err
    assert "withdraw_government at month 12 is after the last month (3)" in err


# ----------------------------------------------------------------------------- docs

DOCS = __import__("pathlib").Path(__file__).resolve().parents[1] / "docs" / "scenarios.md"


def test_docs_cover_every_action_argument_and_builtin():
    text = DOCS.read_text(encoding="utf-8")
    for action in ACTIONS.values():
        assert f"### `{action.name}`" in text, action.name
        for arg in action.args:
            assert f"| `{arg.name}` |" in text, f"{action.name}.{arg.name}"
            for choice in arg.choices or ():
                assert f"`{choice}`" in text, f"{action.name}.{arg.name}={choice}"
    for name in builtin_names():
        assert f"| `{name}` |" in text, name


def test_docs_toml_examples_are_valid(tmp_path):
    import re

    blocks = re.findall(r"```toml\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 2
    for block in blocks:
        sc = parse_scenario_text(block, "docs example")
        assert sc.build_params() is not None
