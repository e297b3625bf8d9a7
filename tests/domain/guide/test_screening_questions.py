"""The intake's new screening questions (issue 14): one vignette or more per question, and
combinations. Every vignette also passes the shared limit check (nothing recommended breaks an
active flag)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.domain.guide.safety_checks import broken_limits
from unknot.domain.guide import (
    Action,
    Confidence,
    IntakeError,
    assess,
    load_catalogue,
    parse_intake,
)

CATALOGUE = load_catalogue()
BACK = {"symptoms": ["low-back-pain"], "pain": {"intensity": 4, "duration_weeks": 20}}
NEW_BACK = {"symptoms": ["low-back-pain"], "pain": {"intensity": 4, "duration_weeks": 2}}


@dataclass(frozen=True)
class Q:
    name: str
    intake: dict
    flags: dict[str, str] = field(default_factory=dict)
    no_flags: set[str] = field(default_factory=set)
    status: str = "ok"
    excluded: set[str] = field(default_factory=set)
    max_cap: int | None = None
    avoid: str | None = None
    oils: str | None = None
    note: str | None = None
    summary: str | None = None


def h(base: dict | None = None, **health: object) -> dict:
    return {**(base or {}), "health": health}


SCREENING = [
    # --- who the client is ----------------------------------------------------------------------
    Q("16-year-old", h(BACK, age=16, none_apply=True), flags={"minor": "clearance"},
      summary="a parent or guardian", excluded={"deep-tissue"}, max_cap=3),
    Q("18-year-old is an adult", h(BACK, age=18, none_apply=True), no_flags={"minor"}),
    Q("52 with back pain that started 2 weeks ago", h(NEW_BACK, age=52, none_apply=True),
      flags={"new-back-pain-over-50": "clearance"}, excluded={"deep-tissue", "trigger-point"}),
    Q("52 with back pain for 20 weeks", h(BACK, age=52, none_apply=True),
      no_flags={"new-back-pain-over-50"}),
    Q("49 with new back pain", h(NEW_BACK, age=49, none_apply=True),
      no_flags={"new-back-pain-over-50"}),
    Q("52, no back pain", h({"goals": ["relaxation"]}, age=52, none_apply=True),
      no_flags={"new-back-pain-over-50"}),
    Q("80-year-old", h(BACK, age=80, none_apply=True), flags={"older-adult": "modify"},
      max_cap=3, note="help on and off the table"),
    # --- circulation and clots --------------------------------------------------------------
    Q("uncontrolled blood pressure", h(BACK, conditions=["high-blood-pressure"]),
      flags={"high-blood-pressure": "clearance"}, excluded={"deep-tissue"}, max_cap=3),
    Q("past pulmonary embolism", h(BACK, conditions=["past-clot"]),
      flags={"past-clot": "clearance"}, excluded={"deep-tissue"}, avoid="legs"),
    Q("aortic aneurysm", h(BACK, conditions=["aortic-aneurysm"]),
      flags={"aortic-aneurysm": "clearance"}, max_cap=2, avoid="belly"),
    # --- allergies ------------------------------------------------------------------------------
    Q("nut allergy", h(BACK, conditions=["nut-allergy"]), flags={"nut-allergy": "modify"},
      oils="sweet almond"),
    Q("carrier-oil allergy", h(BACK, conditions=["carrier-oil-allergy"]),
      flags={"carrier-oil-allergy": "modify"}, excluded={"aromatherapy"}, note="none at all"),
    Q("latex allergy", h(BACK, conditions=["latex-allergy"]), flags={"latex-allergy": "modify"},
      note="latex-free"),
    # --- pregnancy ------------------------------------------------------------------------------
    Q("baby born 3 weeks ago", h(BACK, conditions=["recent-childbirth"]),
      flags={"recent-childbirth": "modify"}, excluded={"deep-tissue", "thai-yoga"}, avoid="legs"),
    Q("pre-eclampsia signs at 34 weeks", h(BACK, pregnancy_weeks=34,
      red_flags=["pre-eclampsia-signs"]), status="refer", summary="today"),
    Q("32 weeks pregnant", h(BACK, pregnancy_weeks=32),
      flags={"pregnancy-from-28-weeks": "modify"}, note="not on a floor mat"),
    Q("severe back pain since yesterday", h({"symptoms": ["low-back-pain"],
      "pain": {"intensity": 8, "duration_weeks": 0}}, none_apply=True),
      flags={"severe-new-back-pain": "clearance"}, max_cap=2),
    # --- joints and spine ---------------------------------------------------------------------
    Q("new hip", h(BACK, conditions=["joint-replacement"]), flags={"joint-replacement": "modify"},
      excluded={"thai-yoga"}, note=None, avoid="replaced joint"),
    Q("spinal rods", h(BACK, conditions=["spinal-surgery-or-implant"]),
      flags={"spinal-surgery-or-implant": "clearance"}, excluded={"deep-tissue", "thai-yoga"},
      summary="your surgeon or specialist"),
    Q("rheumatoid arthritis", h(BACK, conditions=["inflammatory-arthritis"]),
      flags={"inflammatory-arthritis": "modify"}, excluded={"thai-yoga"}, avoid="neck"),
    Q("hypermobile", h(BACK, conditions=["hypermobility"]), flags={"hypermobility": "modify"},
      excluded={"thai-yoga"}, note="end of their range"),
    Q("unstable neck", h(BACK, conditions=["neck-instability"]),
      flags={"neck-instability": "clearance"}, excluded={"thai-yoga"}, avoid="neck"),
    # --- neurological ---------------------------------------------------------------------------
    Q("epilepsy", h(BACK, conditions=["epilepsy"]), flags={"epilepsy": "modify"}, oils="rosemary",
      note="seizure"),
    Q("whiplash last month", h(BACK, conditions=["recent-head-neck-injury"]),
      flags={"recent-head-neck-injury": "clearance"}, avoid="head and neck"),
    Q("dizzy spells", h(BACK, conditions=["dizziness"]), flags={"dizziness": "modify"}),
    Q("past stroke", h(BACK, conditions=["stroke"]), flags={"stroke": "clearance"}, avoid="neck"),
    Q("stroke signs now", h(BACK, red_flags=["stroke-signs"]), status="refer",
      summary="emergency"),
    # --- medicines ------------------------------------------------------------------------------
    Q("daily aspirin", h(BACK, conditions=["antiplatelets"]), flags={"antiplatelets": "modify"},
      excluded={"deep-tissue"}, max_cap=3),
    Q("codeine every day", h(BACK, conditions=["strong-painkillers"]),
      flags={"strong-painkillers": "modify"}, excluded={"deep-tissue", "trigger-point"},
      note="may not feel"),
    Q("bruises easily", h(BACK, conditions=["easy-bruising"]),
      flags={"easy-bruising": "clearance"}, max_cap=2),
    Q("warfarin dose changed", h(BACK, anticoagulants=True, conditions=["dose-changed"]),
      flags={"dose-changed": "clearance", "anticoagulants": "modify"}, max_cap=2),
    # --- cancer ---------------------------------------------------------------------------------
    Q("chemotherapy next week", h(BACK, conditions=["chemotherapy"]),
      flags={"chemotherapy": "clearance"}, summary="your cancer care team", max_cap=2),
    Q("low platelets", h(BACK, conditions=["low-blood-counts"]),
      flags={"low-blood-counts": "clearance"}, max_cap=1),
    Q("port in the chest", h(BACK, conditions=["port-or-line"], sites={"port-or-line": ["chest"]}),
      flags={"port-or-line": "modify"}, avoid="(chest)"),
    # --- organs ---------------------------------------------------------------------------------
    Q("dialysis fistula, left arm", h(BACK, conditions=["kidney-disease"]),
      flags={"kidney-disease": "clearance"}, avoid="fistula"),
    Q("liver disease", h(BACK, conditions=["liver-disease"]), flags={"liver-disease": "clearance"},
      max_cap=2),
    Q("kidney transplant", h(BACK, conditions=["transplant"]), flags={"transplant": "clearance"},
      avoid="transplant site"),
    # --- location -------------------------------------------------------------------------------
    Q("varicose veins in the left leg", h(BACK, conditions=["varicose-veins"],
      sites={"varicose-veins": ["left-leg"]}), avoid="(left leg)"),
    Q("lymphoedema of the right arm", h(BACK, conditions=["lymphoedema"],
      sites={"lymphoedema": ["right-arm"]}), avoid="(right arm)", max_cap=2),
    # --- combinations ---------------------------------------------------------------------------
    Q("pregnant, on aspirin, nut allergy", h(BACK, pregnancy_weeks=22,
      conditions=["antiplatelets", "nut-allergy"]),
      flags={"pregnancy": "modify", "antiplatelets": "modify", "nut-allergy": "modify"},
      excluded={"aromatherapy", "thai-yoga", "deep-tissue"}, oils="sweet almond", avoid="legs"),
    Q("chemo, port and low counts", h({"goals": ["relaxation"]}, conditions=["chemotherapy",
      "port-or-line", "low-blood-counts", "cancer"]), max_cap=1,
      excluded={"deep-tissue", "thai-yoga"}, avoid="device", summary="your cancer care team"),
    Q("chemo with new back pain is a red flag", h(NEW_BACK, conditions=["chemotherapy",
      "cancer"]), status="refer", summary="before booking"),
    Q("15, hypermobile, new back pain", h(NEW_BACK, age=15, conditions=["hypermobility"]),
      flags={"minor": "clearance", "hypermobility": "modify"}, excluded={"thai-yoga"}),
    Q("78, new knee, codeine, past clot", h(NEW_BACK, age=78,
      conditions=["joint-replacement", "strong-painkillers", "past-clot"]),
      flags={"older-adult": "modify", "new-back-pain-over-50": "clearance"},
      excluded={"deep-tissue", "trigger-point", "thai-yoga"}, max_cap=3),
    Q("blood pressure goal with uncontrolled blood pressure", h(
      {"goals": ["blood-pressure", "relaxation"]}, conditions=["high-blood-pressure"]),
      flags={"high-blood-pressure": "clearance"}, max_cap=3),
    Q("stroke history and whiplash", h(BACK, conditions=["stroke", "recent-head-neck-injury"]),
      avoid="head and neck", excluded={"thai-yoga"}),
    Q("between the shoulder blades", h({"symptoms": ["between-shoulder-blades-pain"]},
      none_apply=True), flags={"shoulder-blade-pain-causes": "modify"}),
]  # fmt: skip


@pytest.mark.parametrize("q", SCREENING, ids=lambda q: q.name)
def test_screening_vignette(q: Q) -> None:
    a = assess(parse_intake(q.intake, CATALOGUE, require_health=True), CATALOGUE)
    assert a.status.value == q.status
    actions = {f.code: f.action.value for f in a.flags}
    for code, action in q.flags.items():
        assert actions.get(code) == action, (code, actions)
    assert not q.no_flags & set(actions)
    assert q.excluded <= set(a.excluded_techniques())
    if q.max_cap is not None:
        assert a.recommendations and all(r.pressure_cap <= q.max_cap for r in a.recommendations)
    if q.avoid is not None:
        assert a.recommendations
        assert all(any(q.avoid in x for x in r.avoid_areas) for r in a.recommendations)
    if q.oils is not None:
        assert all(q.oils in r.oils_text for r in a.recommendations)
    if q.note is not None:
        shown = [" ".join((*r.session_notes, *r.positioning)) for r in a.recommendations]
        assert shown and all(q.note in text for text in shown)
    if q.summary is not None:
        assert q.summary in a.summary
    assert broken_limits(a, CATALOGUE) == []


def test_every_new_question_has_a_vignette() -> None:
    covered_conditions = {c for q in SCREENING for c in q.intake["health"].get("conditions", [])}
    new = {s for s, r in CATALOGUE.conditions.items() if r.screen_group} - {
        "fever", "contagious-illness", "skin-infection", "dvt", "phlebitis", "bleeding-disorder",
        "osteoporosis", "recent-fracture", "cancer", "bone-metastases", "heart-condition",
        "diabetes", "dermatomyositis", "high-risk-pregnancy", "undiagnosed-lump",
        "undiagnosed-pain", "varicose-veins", "eczema-psoriasis", "inflamed-area",
        "open-wound-or-burn", "asthma", "fragrance-allergy", "history-of-abuse",
    }  # fmt: skip
    assert new <= covered_conditions, new - covered_conditions
    triggered = set()
    for q in SCREENING:
        intake = parse_intake(q.intake, CATALOGUE)
        triggered |= {f.code for f in assess(intake, CATALOGUE).flags}
    assert {"minor", "older-adult", "new-back-pain-over-50"} <= triggered
    assert {"stroke-signs", "pre-eclampsia-signs"} <= triggered


def test_each_rule_has_an_evidence_id_or_is_tagged_unverified_with_a_note() -> None:
    for slug, rule in CATALOGUE.rules.items():
        if not rule.evidence:
            assert rule.confidence is Confidence.UNVERIFIED and rule.source_note, slug
    for slug, flag in CATALOGUE.red_flags.items():
        if not flag.evidence:
            assert flag.confidence is Confidence.UNVERIFIED, slug


def test_the_red_flag_file_still_asks_for_a_clinician_sign_off() -> None:
    from tests.domain.guide.conftest import DATA_DIR

    assert "CLINICIAN SIGN-OFF NEEDED" in (DATA_DIR / "red_flags.toml").read_text()


def test_every_condition_is_asked_in_a_group_with_a_label() -> None:
    groups = CATALOGUE.screen_groups
    assert len(groups) >= 8
    for slug, rule in CATALOGUE.conditions.items():
        assert rule.screen_group in groups, slug
    assert all(any(r.screen_group == g for r in CATALOGUE.conditions.values()) for g in groups)


# --- an assessment with no health answers is refused ------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"symptoms": ["low-back-pain"]},
        {"health": {}},
        {"health": {"conditions": [], "red_flags": [], "anticoagulants": False}},
        {"health": {"age": 40}},
        {"health": {"none_apply": False}},
    ],
)
def test_no_health_answer_is_refused_not_taken_as_healthy(data: dict) -> None:
    with pytest.raises(IntakeError) as caught:
        parse_intake(data, CATALOGUE, require_health=True)
    (problem,) = caught.value.problems
    assert problem.field in ("health", "health.none_apply")
    assert "none of them apply" in problem.message


@pytest.mark.parametrize(
    "health",
    [
        {"none_apply": True},
        {"conditions": ["asthma"]},
        {"red_flags": ["major-trauma"]},
        {"anticoagulants": True},
        {"pregnancy_weeks": 12},
        {"recent_surgery_weeks": 0},
    ],
)
def test_any_health_answer_or_an_explicit_none_is_enough(health: dict) -> None:
    parsed = parse_intake({"health": health}, CATALOGUE, require_health=True).health
    assert parsed.answered or parsed.none_apply or parsed.red_flags


def test_none_apply_cannot_be_combined_with_an_answer() -> None:
    with pytest.raises(IntakeError) as caught:
        parse_intake({"health": {"none_apply": True, "conditions": ["asthma"]}}, CATALOGUE)
    assert caught.value.problems[0].field == "health.none_apply"


def test_stored_intakes_without_the_new_answers_still_open() -> None:
    # Saved before the rule: read back without require_health, as booking does.
    old = {"health": {"conditions": [], "anticoagulants": False, "red_flags": []}}
    assert parse_intake(old, CATALOGUE).health.none_apply is False


@pytest.mark.parametrize(
    ("sites", "field"),
    [
        ({"asthma": ["chest"]}, "health.sites.asthma"),
        ({"varicose-veins": ["left-foot"]}, "health.sites.varicose-veins[0]"),
        ({"varicose-veins": []}, "health.sites.varicose-veins"),
        (["left-leg"], "health.sites"),
    ],
)
def test_sites_only_for_ticked_local_conditions_and_known_places(sites, field: str) -> None:
    data = {"health": {"conditions": ["varicose-veins", "asthma"], "sites": sites}}
    with pytest.raises(IntakeError) as caught:
        parse_intake(data, CATALOGUE)
    assert [p.field for p in caught.value.problems] == [field]


@pytest.mark.parametrize("age", [-1, 121, "40", 40.5, True])
def test_age_must_be_a_whole_number_of_years(age: object) -> None:
    with pytest.raises(IntakeError) as caught:
        parse_intake({"health": {"age": age, "none_apply": True}}, CATALOGUE)
    assert caught.value.problems[0].field == "health.age"


def test_the_intake_round_trips_with_the_new_answers() -> None:
    data = {
        "health": {
            "conditions": ["lymphoedema", "nut-allergy"],
            "age": 61,
            "sites": {"lymphoedema": ["left-arm"]},
        }
    }
    intake = parse_intake(data, CATALOGUE)
    assert parse_intake(intake.to_dict(), CATALOGUE) == intake
    assert intake.to_dict()["health"]["sites"] == {"lymphoedema": ["left-arm"]}


def test_clearance_rules_say_whose_go_ahead_is_needed() -> None:
    for slug, rule in CATALOGUE.rules.items():
        if rule.action is Action.CLEARANCE:
            assert rule.clearance_from, slug
