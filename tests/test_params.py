"""Parameters: defaults validate, metadata is complete, overrides and errors, the docs page."""

from __future__ import annotations

import dataclasses
import pathlib

import pytest

from oslsim.params import Params, coerce_value, iter_params, param_info, render_markdown

DOCS = pathlib.Path(__file__).parents[1] / "docs" / "parameters.md"


def test_defaults_validate_and_are_frozen():
    p = Params()
    assert p.households == 2000
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.households = 10  # type: ignore[misc]
    assert p.changed() == {}


def test_every_parameter_has_unit_range_or_choices_source_and_doc():
    infos = iter_params()
    assert len(infos) > 100  # the tree: root, community, economy, 10 categories, 8 kinds...
    for info in infos:
        assert info.unit.strip(), info.path
        assert info.source.strip(), info.path
        assert info.doc.strip(), info.path
        if info.choices:
            assert info.default in info.choices, info.path
        elif info.type is bool:
            assert isinstance(info.default, bool), info.path
        else:
            assert info.low is not None and info.high is not None, info.path
            assert info.low <= info.default <= info.high, info.path


def test_category_and_kind_fields_are_documented_once_per_field():
    # The per-category and per-kind fields share the docs of their dataclass.
    assert param_info("pmks.putus_sekolah.onset").doc
    assert param_info("kinds.arisan.dues").unit == "Rp per member per month"


def test_every_default_survives_a_round_trip_through_overrides():
    p = Params()
    flat = p.to_dict()
    assert Params().with_overrides(flat) == p
    assert set(flat) == {i.path for i in iter_params()}


def test_dotted_overrides():
    p = Params().with_overrides({"organisations.capacity_mean": 0.45,
                                 "pmks.putus_sekolah.onset": 0.01,
                                 "government.mode": "none", "households": "500"})
    assert p.organisations.capacity_mean == 0.45
    assert p.pmks.putus_sekolah.onset == 0.01
    assert p.pmks.lansia_miskin.onset == Params().pmks.lansia_miskin.onset
    assert p.government.mode == "none"
    assert p.households == 500 and isinstance(p.households, int)
    assert p.get("organisations.capacity_mean") == 0.45
    assert p.changed() == {"organisations.capacity_mean": 0.45,
                           "pmks.putus_sekolah.onset": 0.01, "government.mode": "none",
                           "households": 500}
    # keyword form for root fields
    assert Params().with_overrides(households=300).households == 300


@pytest.mark.parametrize("text, value", [("true", True), ("False", False), ("1", True),
                                         ("off", False)])
def test_booleans_from_text(text, value):
    assert coerce_value("organisations.service_enabled", text) is value


def test_numbers_from_text():
    assert coerce_value("economy.poverty_line", "609_160") == 609_160.0
    assert coerce_value("households", "2e3") == 2000


@pytest.mark.parametrize("key, hint", [
    ("organisations.capacity_man", "organisations.capacity_mean"),
    ("capacity_man", "organisations.capacity_mean"),
    ("goverment.mode", "government.mode"),
    ("households_", "households"),
])
def test_unknown_names_suggest_a_close_match(key, hint):
    with pytest.raises(ValueError, match="unknown parameter") as err:
        Params().with_overrides({key: 1})
    assert f"did you mean {hint}?" in str(err.value)
    assert "\n" not in str(err.value)


def test_unknown_name_without_a_close_match_points_to_the_docs():
    with pytest.raises(ValueError, match="docs/parameters.md"):
        Params().with_overrides({"zzz.qqq": 1})


@pytest.mark.parametrize("key, value, needles", [
    ("organisations.capacity_mean", 1.5, ["capacity_mean", "1.5", "0.0 to 1.0"]),
    ("households", -5, ["households", "-5", "3 to 2,000,000"]),
    ("households", "abc", ["households", "'abc'", "an integer in [3, 2,000,000]"]),
    ("households", 2.5, ["households", "2.5", "integer"]),
    ("households", True, ["households", "True"]),
    ("economy.poverty_line", "cheap", ["economy.poverty_line", "a number"]),
    ("government.mode", "bogus", ["mode", "bogus", "none, facilitator, directive"]),
    ("organisations.service_enabled", "maybe", ["organisations.service_enabled",
                                                "true or false"]),
    ("economy.mpc_income", float("nan"), ["mpc_income", "nan"]),
])
def test_bad_values_name_the_field_and_the_allowed_values(key, value, needles):
    with pytest.raises(ValueError) as err:
        Params().with_overrides({key: value})
    message = str(err.value)
    assert "\n" not in message
    for needle in needles:
        assert needle in message, (needle, message)


@pytest.mark.parametrize("key, value", [("pmks.putus_sekolah.onset", 0.9),
                                        ("government.mode", "bogus"),
                                        ("organisations.capacity_mean", 1.5)])
def test_nested_errors_name_the_dotted_path(key, value):
    # Ten categories share the field name 'onset': only the full path says which one.
    with pytest.raises(ValueError) as err:
        Params().with_overrides({key: value})
    assert str(err.value).startswith(f"{key}:"), str(err.value)


def test_direct_construction_validates():
    with pytest.raises(ValueError, match="households"):
        Params(households=-5)
    with pytest.raises(ValueError, match="households"):
        Params(households=2.5)  # type: ignore[arg-type]


def test_docs_parameters_md_is_current():
    expected = render_markdown()
    current = DOCS.read_text(encoding="utf-8") if DOCS.exists() else ""
    assert current == expected, (
        "docs/parameters.md is stale; regenerate it with "
        "`python -m oslsim.params > docs/parameters.md` (or `make docs`)")


def test_docs_list_every_parameter_with_its_source():
    text = render_markdown()
    for info in iter_params():
        assert f"| `{info.path}` |" in text, info.path
    assert "BPS, March 2025" in text  # a cited calibration fact survives rendering


def test_parameters_the_second_version_removed_say_what_to_use_instead():
    for old, new in (("organisations.jimpitan", "funds.giving_share"),
                     ("economy.meeting_time_cost", "time.meeting_hours"),
                     ("organisations.time_elasticity", "time.household_hours"),
                     ("organisations.cases_per_attendee", "time.case_hours")):
        with pytest.raises(ValueError, match=f"{old}.*was removed.*{new}"):
            Params().with_overrides({old: 1})


def test_nested_defaults_are_the_documented_ones():
    # Each PMKS category and each kind has defaults of its own; the docs must show them.
    assert param_info("pmks.putus_sekolah.onset").default == 0.0015
    assert param_info("kinds.arisan.scope_rt").default == 0.8
    assert param_info("serves.arisan.keluarga_miskin").default is True
    assert param_info("serves.arisan.korban_kekerasan").default is False
