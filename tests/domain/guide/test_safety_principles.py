"""Safety principles 1, 2, 4 and 5 of issue 14, each a family of vignettes over the catalogue.

1. A clearance never replaces adapting the session, and recording it lifts nothing.
2. Stretching and positioning techniques have hard limits.
4. Urgency travels with the outcome.
5. Combining goals never drops a safety note.
"""

from __future__ import annotations

import itertools

import pytest

from tests.domain.guide.safety_checks import broken_limits, clearance_codes, intake_for
from unknot.domain.guide import Action, Catalogue, assess, explain_status, load_catalogue
from unknot.domain.guide import parse_intake as _parse
from unknot.domain.guide.assessment import EMERGENCY_STEPS, NO_STRETCHES

CATALOGUE = load_catalogue()
CLEARANCE_RULES = [s for s, r in CATALOGUE.rules.items() if r.action is Action.CLEARANCE]
STRETCHING = {s for s, t in CATALOGUE.techniques.items() if t.stretching}
JOINT_MOVEMENT = {s for s, t in CATALOGUE.techniques.items() if t.joint_movement}
FIRM = {"deep-tissue", "trigger-point"}

# Someone who wants it deep: the case the review found (deep tissue at full pressure on top).
WANTS_DEEP = {
    "symptoms": ["low-back-pain", "tight-back"],
    "regions": ["lower-back", "mid-back"],
    "pain": {"intensity": 5, "duration_weeks": 30},
    "goals": ["back-pain-relief", "sports-recovery"],
    "preferences": {"focus": "treat", "pressure_tolerance": 5},
}


def parse(data: dict):
    return _parse(data, CATALOGUE, require_health=True)


def with_health(base: dict, **health) -> dict:
    return {**base, "health": health or {"none_apply": True}}


# --- principle 1: a clearance does not replace adapting the session ---------------------------

REVIEW_CASES = {
    "one week after surgery": with_health(WANTS_DEEP, recent_surgery_weeks=1),
    "two weeks after surgery": with_health(WANTS_DEEP, recent_surgery_weeks=2),
    "three weeks after surgery": with_health(WANTS_DEEP, recent_surgery_weeks=3),
    "lymphoedema": with_health(WANTS_DEEP, conditions=["lymphoedema"]),
    "undiagnosed pain down the leg": {
        **with_health(WANTS_DEEP),
        "symptoms": ["sciatica-like-leg-pain", "low-back-pain"],
    },
    "severe back pain that started this week": {
        **with_health(WANTS_DEEP),
        "pain": {"intensity": 8, "duration_weeks": 0},
    },
}


@pytest.mark.parametrize("case", REVIEW_CASES)
def test_the_review_cases_get_no_deep_work_before_or_after_clearance(case: str) -> None:
    intake = parse(REVIEW_CASES[case])
    before = assess(intake, CATALOGUE)
    pending = clearance_codes(before)
    assert pending, "the case needs a go-ahead"
    after = assess(intake, CATALOGUE, cleared=pending)
    for a in (before, after):
        assert a.recommendations, case
        assert not FIRM & set(a.allowed_techniques())
        assert a.recommendations[0].technique not in FIRM
        assert all(r.pressure_cap <= 3 for r in a.recommendations)
        if case != "lymphoedema":
            assert not JOINT_MOVEMENT & set(a.allowed_techniques())
        assert broken_limits(a, CATALOGUE) == []
    assert before.needs_clearance and not after.needs_clearance
    assert all(f.cleared for f in after.flags if f.code in pending)


@pytest.mark.parametrize("slug", CLEARANCE_RULES)
def test_every_clearance_rule_adapts_the_session_and_clearance_lifts_nothing(slug: str) -> None:
    rule = CATALOGUE.rules[slug]
    assert rule.adapts, f"{slug} asks for clearance but does not adapt the session"
    intake = intake_for(rule, CATALOGUE, with_health(WANTS_DEEP))
    before = assess(intake, CATALOGUE)
    assert slug in clearance_codes(before)
    after = assess(intake, CATALOGUE, cleared={slug})
    assert [r.to_dict() for r in after.recommendations] == [
        r.to_dict() for r in before.recommendations
    ]
    assert after.excluded == before.excluded
    assert after.pressure_cap == before.pressure_cap
    flag = next(f for f in after.flags if f.code == slug)
    assert flag.cleared and flag.to_dict()["adaptations"]["holds_after_clearance"] is True
    assert broken_limits(before, CATALOGUE) == broken_limits(after, CATALOGUE) == []


def test_recording_a_clearance_changes_the_summary_but_keeps_the_adaptation_note() -> None:
    intake = parse(REVIEW_CASES["two weeks after surgery"])
    before = assess(intake, CATALOGUE)
    after = assess(intake, CATALOGUE, cleared=clearance_codes(before))
    assert "go-ahead of your surgeon" in before.summary
    assert "go-ahead of" not in after.summary
    for a in (before, after):
        assert "adaptations stay in place after any go-ahead" in a.summary
    assert "Start only after" not in " ".join(after.program.notes)


def test_clearance_of_one_rule_leaves_the_others_pending() -> None:
    intake = parse(with_health(WANTS_DEEP, conditions=["lymphoedema", "heart-condition"]))
    a = assess(intake, CATALOGUE, cleared={"lymphoedema"})
    assert a.needs_clearance
    assert {f.code: f.cleared for f in a.flags if f.action is Action.CLEARANCE} == {
        "lymphoedema": True,
        "heart-condition": False,
    }


def test_a_clearance_for_a_rule_that_does_not_apply_changes_nothing() -> None:
    intake = parse(with_health(WANTS_DEEP))
    assert assess(intake, CATALOGUE, cleared={"lymphoedema"}) == assess(intake, CATALOGUE)


def test_the_loader_refuses_a_clearance_rule_without_adaptations(break_file) -> None:
    from unknot.domain.guide import CatalogueError

    root = break_file(
        "conditions.toml",
        'pressure_cap = 3\ncap_basis = "practice convention"\nexclude = ["deep-tissue"]\n'
        'session_notes = ["At the end, sit up slowly and rest a moment before you stand."]\n'
        'detail = "Please check with your doctor first, and tell',
        'detail = "Please check with your doctor first, and tell',
    )
    with pytest.raises(CatalogueError, match="heart-condition.*must also adapt the session"):
        load_catalogue(root)


# --- principle 2: stretching and positioning have hard limits ----------------------------------

STRETCH_LIMITS = {
    "first trimester": {"pregnancy_weeks": 8},
    "second trimester": {"pregnancy_weeks": 20},
    "third trimester": {"pregnancy_weeks": 32},
    "surgery last week": {"recent_surgery_weeks": 1},
    "joint replacement": {"conditions": ["joint-replacement"]},
    "hypermobility": {"conditions": ["hypermobility"]},
    "neck instability": {"conditions": ["neck-instability"]},
    "osteoporosis": {"conditions": ["osteoporosis"]},
    "recent childbirth": {"conditions": ["recent-childbirth"]},
}
STRETCHY = {
    "symptoms": ["stiffness", "tight-back"],
    "regions": ["hips"],
    "goals": ["joint-mobility"],
    "preferences": {"stay_clothed": True, "pressure_tolerance": 3},
}


@pytest.mark.parametrize("case", STRETCH_LIMITS)
def test_stretching_techniques_respect_the_limit(case: str) -> None:
    a = assess(parse({**STRETCHY, "health": STRETCH_LIMITS[case]}), CATALOGUE)
    assert "thai-yoga" in a.excluded_techniques()
    thai = next(e for e in a.excluded if e.technique == "thai-yoga")
    assert thai.safety
    for rec in a.recommendations:
        if rec.technique in STRETCHING:
            assert rec.no_stretching and NO_STRETCHES in rec.positioning
    assert broken_limits(a, CATALOGUE) == []


def test_without_a_limit_the_stretching_techniques_keep_their_stretches() -> None:
    a = assess(parse({**STRETCHY, "health": {"none_apply": True}}), CATALOGUE)
    assert {"thai-yoga", "shiatsu"} <= set(a.allowed_techniques())
    assert not any(r.no_stretching for r in a.recommendations)


@pytest.mark.parametrize("weeks", [13, 20, 27, 28, 36, 42])
def test_from_13_weeks_every_recommended_technique_can_be_given_side_lying_or_seated(
    weeks: int,
) -> None:
    a = assess(parse({**STRETCHY, "health": {"pregnancy_weeks": weeks}}), CATALOGUE)
    assert a.recommendations
    for rec in a.recommendations:
        positions = set(CATALOGUE.techniques[rec.technique].positions)
        assert positions & {"side-lying", "seated"}, rec.technique
        assert "no lying face down" in rec.positioning
        on_table = any("not on a floor mat" in p for p in rec.positioning)
        assert on_table is (weeks >= 28)


def test_every_technique_is_checked_against_the_pregnancy_positions() -> None:
    # All seven: any technique without a side-lying or seated position would be left out.
    a = assess(parse({"health": {"pregnancy_weeks": 30}}), CATALOGUE)
    for slug, technique in CATALOGUE.techniques.items():
        if not set(technique.positions) & {"side-lying", "seated"}:
            assert slug in a.excluded_techniques()
    assert set(a.allowed_techniques()) | set(a.excluded_techniques()) == set(CATALOGUE.techniques)


# --- principle 4: urgency travels with the outcome ---------------------------------------------

URGENCY_CASES = [
    ("saddle-numbness", "emergency"),
    ("stroke-signs", "emergency"),
    ("chest-pain", "emergency"),
    ("suspected-dvt", "today"),
    ("pre-eclampsia-signs", "today"),
    ("major-trauma", "today"),
    ("unexplained-weight-loss", "soon"),
]


@pytest.mark.parametrize(("flag", "urgency"), URGENCY_CASES)
def test_red_flags_carry_their_urgency_and_sources(flag: str, urgency: str) -> None:
    a = assess(parse({"symptoms": ["low-back-pain"], "health": {"red_flags": [flag]}}), CATALOGUE)
    data = a.to_dict()
    assert data["status"] == "refer" and data["urgency"] == urgency
    shown = next(f for f in data["flags"] if f["code"] == flag)
    assert shown["urgency"] == urgency
    assert shown["confidence"] == CATALOGUE.red_flags[flag].confidence.value
    assert [s["id"] for s in shown["sources"]] == list(CATALOGUE.red_flags[flag].evidence)
    assert all(
        s["confidence"] == CATALOGUE.evidence[s["id"]].confidence.value for s in shown["sources"]
    )
    words = explain_status(a.status, a.urgency)
    assert {"emergency": "emergency", "today": "today", "soon": "before booking"}[urgency] in words
    assert not a.recommendations and not a.program.phases


@pytest.mark.parametrize("extra", [[], ["cancer", "heart-condition"], ["lymphoedema"]])
def test_an_emergency_shows_what_to_do_now_and_nothing_to_plan(extra: list[str]) -> None:
    data = {
        **WANTS_DEEP,
        "health": {"red_flags": ["saddle-numbness"], "conditions": extra},
    }
    a = assess(parse(data), CATALOGUE)
    assert a.emergency and a.urgency == "emergency"
    assert a.questions_for_therapist == ()
    assert a.next_steps() == EMERGENCY_STEPS
    assert "emergency" in a.summary
    assert not a.recommendations and not a.program.phases
    assert a.to_dict()["next_steps"] == list(EMERGENCY_STEPS)


def test_rule_flags_carry_urgency_by_action() -> None:
    a = assess(parse({"health": {"conditions": ["dvt"]}}), CATALOGUE)
    assert a.urgency == "today" and a.flags[0].to_dict()["urgency"] == "today"
    b = assess(parse({"health": {"conditions": ["heart-condition", "asthma"]}}), CATALOGUE)
    urgencies = {f["code"]: f["urgency"] for f in b.to_dict()["flags"]}
    assert urgencies == {"heart-condition": "soon", "asthma": None}
    assert b.urgency == "soon" and b.status.value == "ok"


def test_every_flag_names_its_sources_with_their_confidence() -> None:
    for slug, rule in CATALOGUE.rules.items():
        a = assess(intake_for(rule, CATALOGUE), CATALOGUE)
        flag = next(f for f in a.to_dict()["flags"] if f["code"] == slug)
        assert [s["id"] for s in flag["sources"]] == list(rule.evidence), slug
        assert flag["confidence"] == rule.confidence.value


# --- principle 5: combined goals never drop a safety note --------------------------------------

SAFETY_NOTES = {slug: p.safety_notes for slug, p in CATALOGUE.protocols.items() if p.safety_notes}
GOALS_WITH_NOTES = {
    goal
    for p in CATALOGUE.protocols.values()
    if p.safety_notes
    for clause in p.when
    for goal in clause.any_goal
}


def test_the_disclaimers_are_safety_notes() -> None:
    notes = " ".join(n for ns in SAFETY_NOTES.values() for n in ns)
    assert "not a substitute for medical care for high blood pressure" in notes
    assert "does not replace it" in notes
    assert "surgeon has cleared you" in notes


@pytest.mark.parametrize(
    ("goal", "other"),
    [
        (g, o)
        for g, o in itertools.product(sorted(GOALS_WITH_NOTES), sorted(CATALOGUE.goals))
        if g != o
    ],
)
def test_a_safety_note_survives_whichever_goal_sets_the_plan(goal: str, other: str) -> None:
    data = {
        "symptoms": ["low-back-pain"],
        "pain": {"intensity": 5, "duration_weeks": 20},
        "goals": [goal, other],
        "health": {"none_apply": True},
    }
    intake = parse(data)
    a = assess(intake, CATALOGUE)
    if not a.program.phases:
        pytest.fail("a healthy client always gets a plan")
    expected = [
        n
        for p in CATALOGUE.protocols.values()
        if any(goal in c.any_goal for c in p.when)
        for n in p.safety_notes
    ]
    for note in expected:
        assert note in a.program.notes, (goal, other, a.program.protocol)


def test_blood_pressure_note_survives_when_back_pain_sets_the_plan() -> None:
    a = assess(
        parse(
            {
                "symptoms": ["low-back-pain"],
                "pain": {"intensity": 5, "duration_weeks": 20},
                "goals": ["back-pain-relief", "blood-pressure"],
                "health": {"none_apply": True},
            }
        ),
        CATALOGUE,
    )
    assert a.program.protocol != "blood-pressure"
    assert any("high blood pressure" in n for n in a.program.notes)


def test_safety_notes_come_once_even_when_several_protocols_share_them(
    catalogue: Catalogue,
) -> None:
    a = assess(
        parse(
            {
                "goals": ["mood", "blood-pressure", "surgery-recovery"],
                "health": {"none_apply": True},
            }
        ),
        catalogue,
    )
    assert len(a.program.notes) == len(set(a.program.notes))
