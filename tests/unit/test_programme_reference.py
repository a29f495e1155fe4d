"""The reference data in config/programme: what is there, and every way it can be wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workflow.programme.shared.reference import (
    PROGRAMME_DIR,
    ReferenceDataError,
    codes,
    load_reference,
)


def test_the_programme_as_configured():
    ref = load_reference()
    assert ref.primary_criterion.code == "risk_of_abandonment"
    assert ref.primary_criterion.label("hy") == "Մանկալքության վտանգ"
    assert codes(ref.additional_criteria) == [
        "extreme_poverty",
        "parental_unemployment",
        "health_problems",
        "single_parent",
        "disability",
        "severe_conditions",
    ]
    assert ref.min_additional == 1
    assert set(ref.categories) == {
        "education",
        "health",
        "economic",
        "psychosocial",
        "rights",
        "foster_care",
    }
    assert {code: s.category for code, s in ref.services.items()} == {
        "clubs": "education",
        "preschool_fee": "education",
        "parenting_course": "education",
        "school_supplies": "education",
        "medicines": "health",
        "surgery_treatment": "health",
        "vocational_training": "economic",
        "tools_equipment": "economic",
        "individual_counselling": "psychosocial",
        "group_counselling": "psychosocial",
        "rights_counselling": "rights",
        "foster_starter_kit": "foster_care",
    }
    assert {c for c, s in ref.services.items() if s.procurement} == {
        "school_supplies",
        "medicines",
        "tools_equipment",
        "foster_starter_kit",
    }
    assert {c for c, s in ref.services.items() if s.follow_up} == {
        "individual_counselling",
        "group_counselling",
        "rights_counselling",
    }
    assert [c for c, s in ref.services.items() if s.funded] == ["surgery_treatment"]
    assert codes(ref.closure_reasons) == [
        "stabilised",
        "moved_away",
        "consent_withdrawn",
        "not_eligible",
        "child_placed_in_care",
        "other",
    ]
    assert ref.closure_reason_needs_text("other") and not ref.closure_reason_needs_text(
        "moved_away"
    )
    assert codes(ref.staff_roles) == [
        "admin",
        "manager",
        "social_worker",
        "psychologist",
        "procurement_officer",
    ]
    assert [ref.member_role_kind(r) for r in codes(ref.member_roles)] == [
        "parent",
        "parent",
        "parent",
        "child",
        "other",
    ]
    assert len(ref.communities) == 15
    for item in (*ref.additional_criteria, *ref.partner_types, *ref.communities):
        assert item.label("en") and item.label("hy")


@pytest.fixture
def config(tmp_path):
    target = tmp_path / "programme"
    shutil.copytree(PROGRAMME_DIR, target)
    return target


def edit(directory: Path, name: str, old: str, new: str) -> None:
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        ("criteria.toml", "min_additional = 1", "min_additional = 7", "from 0 to 6 (got 7)"),
        ("criteria.toml", "min_additional = 1", 'min_additional = "one"', "got 'one'"),
        (
            "criteria.toml",
            'code = "extreme_poverty"',
            'code = "Extreme Poverty"',
            "'code' must be lower-case",
        ),
        (
            "criteria.toml",
            ', hy = "Ծայրահեղ աղքատություն"',
            "",
            "additional #1 (extreme_poverty): the 'hy' label is missing",
        ),
        (
            "services.toml",
            'category = "health"',
            'category = "sport"',
            "service medicines: category 'sport' is not one of",
        ),
        (
            "services.toml",
            'tools = "tools_equipment"',
            'tools = "hammers"',
            "stabilisation.tools must name a service of the catalogue",
        ),
        (
            "services.toml",
            'category = "education"\nprocurement = true',
            'category = "education"\nprocurement = "yes"',
            "service school_supplies: procurement must be true/false",
        ),
        (
            "lists.toml",
            'code = "moved_away"',
            'code = "stabilised"',
            "closure_reasons code 'stabilised' is listed twice",
        ),
        (
            "lists.toml",
            'code = "consent_withdrawn"',
            'code = "consent_gone"',
            "closure_reasons: the workflow needs consent_withdrawn",
        ),
        ("communities.toml", "[[communities]]", "[[communities]", "not valid TOML"),
    ],
)
def test_reference_errors_name_the_file_and_the_entry(config, name, old, new, message):
    edit(config, name, old, new)
    with pytest.raises(ReferenceDataError) as error:
        load_reference(config)
    assert message in str(error.value)
    assert name in str(error.value)


def test_a_missing_reference_file_stops_start_up(config):
    (config / "services.toml").unlink()
    with pytest.raises(ReferenceDataError, match="services.toml: reference data file is missing"):
        load_reference(config)


def test_another_minimum_of_criteria_is_just_data(config):
    edit(config, "criteria.toml", "min_additional = 1", "min_additional = 3")
    assert load_reference(config).min_additional == 3
