"""parse_intake validates everything and reports every problem at once."""

from __future__ import annotations

import json

import pytest

from unknot.domain.guide import (
    Catalogue,
    FieldProblem,
    Focus,
    Health,
    Intake,
    IntakeError,
    Pain,
    Preferences,
    Scents,
    parse_intake,
)


def problems(data: object) -> list[FieldProblem]:
    with pytest.raises(IntakeError) as raised:
        parse_intake(data)
    return list(raised.value.problems)


def only(data: object) -> FieldProblem:
    found = problems(data)
    assert len(found) == 1, found
    return found[0]


def test_empty_intake_takes_every_default() -> None:
    intake = parse_intake({})
    assert intake == Intake()
    assert intake.preferences == Preferences(Focus.EITHER, 3, False, Scents.UNSURE)
    assert intake.pain == Pain(0, 0)
    assert intake.health == Health((), False, None, None, ())
    assert intake.to_dict() == {
        "symptoms": [],
        "regions": [],
        "pain": {"intensity": 0, "duration_weeks": 0},
        "goals": [],
        "preferences": {
            "focus": "either",
            "pressure_tolerance": 3,
            "stay_clothed": False,
            "scents": "unsure",
        },
        "health": {
            "conditions": [],
            "anticoagulants": False,
            "pregnancy_weeks": None,
            "recent_surgery_weeks": None,
            "red_flags": [],
            "age": None,
            "none_apply": False,
            "sites": {},
        },
    }


FULL = {
    "symptoms": ["low-back-pain", "stress"],
    "regions": ["lower-back", "neck"],
    "pain": {"intensity": 6, "duration_weeks": 14},
    "goals": ["back-pain-relief", "sleep"],
    "preferences": {
        "focus": "treat",
        "pressure_tolerance": 4,
        "stay_clothed": True,
        "scents": "no",
    },
    "health": {
        "conditions": ["high-risk-pregnancy", "asthma"],
        "anticoagulants": True,
        "pregnancy_weeks": 20,
        "recent_surgery_weeks": 0,
        "red_flags": [],
        "age": 34,
        "none_apply": False,
        "sites": {},
    },
}


def test_full_intake_round_trips() -> None:
    intake = parse_intake(FULL)
    assert intake.symptoms == ("low-back-pain", "stress")
    assert intake.preferences.focus is Focus.TREAT
    assert intake.health.recent_surgery_weeks == 0
    assert intake.to_dict() == FULL
    assert parse_intake(json.loads(json.dumps(intake.to_dict()))) == intake


def test_intake_must_be_an_object() -> None:
    assert only(["low-back-pain"]) == FieldProblem("intake", "must be an object, not a list")
    assert only(None).message == "must be an object, not null"


def test_unknown_keys_at_every_level_list_the_valid_keys() -> None:
    found = problems(
        {"symptom": [], "pain": {"level": 3}, "preferences": {"pressure": 2}, "health": {"x": 1}}
    )
    assert [p.field for p in found] == ["symptom", "pain.level", "preferences.pressure", "health.x"]
    assert all(p.message == "unknown field" for p in found)
    assert found[0].valid_values is not None and "symptoms" in found[0].valid_values
    assert found[1].valid_values == ("duration_weeks", "intensity")


def test_unknown_slug_lists_valid_values(catalogue: Catalogue) -> None:
    problem = only({"symptoms": ["low-back-pain", "headache"]})
    assert problem.field == "symptoms[1]"
    assert problem.message == "unknown value 'headache'"
    assert problem.valid_values == tuple(catalogue.symptoms)


@pytest.mark.parametrize(
    ("section", "key", "slug", "vocabulary"),
    [
        (None, "regions", "feet", "regions"),
        (None, "goals", "weight-loss", "goals"),
        ("health", "conditions", "flu", "conditions"),
        ("health", "red_flags", "headache", "red_flags"),
    ],
)
def test_unknown_slugs_in_each_list(
    catalogue: Catalogue, section: str | None, key: str, slug: str, vocabulary: str
) -> None:
    data: dict[str, object] = {key: [slug]}
    if section:
        data = {section: data}
    problem = only(data)
    assert problem.field == (f"{section}.{key}[0]" if section else f"{key}[0]")
    assert problem.valid_values == tuple(getattr(catalogue, vocabulary))


def test_non_string_list_items_are_wrong_type_with_valid_values(catalogue: Catalogue) -> None:
    problem = only({"symptoms": [3]})
    assert (problem.field, problem.message) == ("symptoms[0]", "must be a string, not a number")
    assert problem.valid_values == tuple(catalogue.symptoms)


def test_derived_rules_cannot_be_ticked_as_conditions() -> None:
    # Blood thinners and pregnancy have their own fields, so the rule slugs are not valid here.
    found = problems({"health": {"conditions": ["anticoagulants", "pregnancy"]}})
    assert [p.field for p in found] == ["health.conditions[0]", "health.conditions[1]"]
    assert found[0].valid_values is not None
    assert "anticoagulants" not in found[0].valid_values


def test_duplicates_point_at_the_first_occurrence() -> None:
    problem = only({"goals": ["sleep", "mood", "sleep"]})
    assert problem == FieldProblem("goals[2]", "duplicate of goals[0]")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"symptoms": "stress"}, "symptoms", "must be a list, not a string"),
        ({"regions": None}, "regions", "must be a list, not null"),
        ({"goals": {"sleep": True}}, "goals", "must be a list, not an object"),
        ({"pain": 5}, "pain", "must be an object, not a number"),
        ({"pain": {"intensity": True}}, "pain.intensity", "must be a whole number, not a boolean"),
        ({"pain": {"intensity": 4.0}}, "pain.intensity", "must be a whole number, not a number"),
        ({"pain": {"intensity": "4"}}, "pain.intensity", "must be a whole number, not a string"),
        ({"pain": {"intensity": 11}}, "pain.intensity", "must be between 0 and 10"),
        ({"pain": {"intensity": -1}}, "pain.intensity", "must be between 0 and 10"),
        ({"pain": {"duration_weeks": -2}}, "pain.duration_weeks", "must be between 0 and 5200"),
        (
            {"preferences": {"pressure_tolerance": 0}},
            "preferences.pressure_tolerance",
            "must be between 1 and 5",
        ),
        (
            {"preferences": {"pressure_tolerance": 6}},
            "preferences.pressure_tolerance",
            "must be between 1 and 5",
        ),
        (
            {"preferences": {"stay_clothed": 1}},
            "preferences.stay_clothed",
            "must be true or false, not a number",
        ),
        (
            {"health": {"anticoagulants": "yes"}},
            "health.anticoagulants",
            "must be true or false, not a string",
        ),
        ({"health": {"pregnancy_weeks": 0}}, "health.pregnancy_weeks", "must be between 1 and 42"),
        ({"health": {"pregnancy_weeks": 43}}, "health.pregnancy_weeks", "must be between 1 and 42"),
        (
            {"health": {"pregnancy_weeks": False}},
            "health.pregnancy_weeks",
            "must be a whole number, not a boolean",
        ),
        (
            {"health": {"recent_surgery_weeks": 53}},
            "health.recent_surgery_weeks",
            "must be between 0 and 52",
        ),
    ],
)
def test_wrong_types_and_ranges(data: object, field: str, message: str) -> None:
    problem = only(data)
    assert (problem.field, problem.message, problem.valid_values) == (field, message, None)


@pytest.mark.parametrize(
    ("key", "value", "valid"),
    [
        ("focus", "sleep", ("relax", "treat", "either")),
        ("focus", 1, ("relax", "treat", "either")),
        ("scents", "maybe", ("yes", "no", "unsure")),
        ("scents", True, ("yes", "no", "unsure")),
    ],
)
def test_enum_preferences_list_valid_values(key: str, value: object, valid: tuple) -> None:
    problem = only({"preferences": {key: value}})
    assert problem.field == f"preferences.{key}"
    assert problem.valid_values == valid


def test_nullable_fields_accept_null() -> None:
    intake = parse_intake({"health": {"pregnancy_weeks": None, "recent_surgery_weeks": None}})
    assert intake.health.pregnancy_weeks is None and intake.health.recent_surgery_weeks is None


def test_high_risk_pregnancy_needs_weeks() -> None:
    problem = only({"health": {"conditions": ["high-risk-pregnancy"]}})
    assert problem.field == "health.pregnancy_weeks"
    assert "required" in problem.message
    # A bad week count is reported once, not twice.
    problem = only({"health": {"conditions": ["high-risk-pregnancy"], "pregnancy_weeks": 50}})
    assert problem.message == "must be between 1 and 42"


def test_every_problem_is_reported_at_once_in_input_order() -> None:
    data = {
        "symptoms": ["stress", "stress", "itchy"],
        "regions": "neck",
        "pain": {"intensity": 12, "duration_weeks": 1.5},
        "goals": ["sleep"],
        "preferences": {"focus": "zen", "pressure_tolerance": True, "stay_clothed": "no"},
        "health": {"conditions": ["fever", 7], "anticoagulants": None, "red_flags": ["x"]},
        "notes": "hello",
    }
    found = problems(data)
    assert [p.field for p in found] == [
        "notes",
        "symptoms[1]",
        "symptoms[2]",
        "regions",
        "pain.intensity",
        "pain.duration_weeks",
        "preferences.focus",
        "preferences.pressure_tolerance",
        "preferences.stay_clothed",
        "health.conditions[1]",
        "health.anticoagulants",
        "health.red_flags[0]",
    ]


def test_intake_error_serialises_for_the_api() -> None:
    with pytest.raises(IntakeError) as raised:
        parse_intake({"goals": ["flying"], "pain": {"intensity": 20}})
    payload = json.loads(json.dumps(raised.value.to_dict()))
    assert [p["field"] for p in payload["problems"]] == ["goals[0]", "pain.intensity"]
    assert isinstance(payload["problems"][0]["valid_values"], list)
    assert payload["problems"][1]["valid_values"] is None
    assert "2 problem(s)" in str(raised.value)
    assert isinstance(raised.value, ValueError)
