"""Properties that must hold for every valid intake (hypothesis-generated)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.domain.guide.safety_checks import broken_limits
from unknot.domain.guide import (
    Assessment,
    Basis,
    Catalogue,
    ExclusionKind,
    Intake,
    assess,
    load_catalogue,
    parse_intake,
)
from unknot.domain.guide.intake import SITES
from unknot.domain.guide.safety import UNVERIFIED_NOTE, matched_rules

CATALOGUE = load_catalogue()


def _subset(values: object, max_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(sorted(values)), unique=True, max_size=max_size)  # type: ignore[arg-type]


@st.composite
def intake_dicts(draw: st.DrawFn, red_flags: bool = True) -> dict:
    conditions = draw(_subset(CATALOGUE.conditions, 4))
    pregnancy = draw(st.none() | st.integers(1, 42))
    if "high-risk-pregnancy" in conditions and pregnancy is None:
        pregnancy = draw(st.integers(1, 42))
    data: dict = {
        "symptoms": draw(_subset(CATALOGUE.symptoms, 4)),
        "regions": draw(_subset(CATALOGUE.regions, 4)),
        "pain": {
            "intensity": draw(st.integers(0, 10)),
            "duration_weeks": draw(st.integers(0, 300)),
        },
        "goals": draw(_subset(CATALOGUE.goals, 4)),
        "preferences": {
            "focus": draw(st.sampled_from(["relax", "treat", "either"])),
            "pressure_tolerance": draw(st.integers(1, 5)),
            "stay_clothed": draw(st.booleans()),
            "scents": draw(st.sampled_from(["yes", "no", "unsure"])),
        },
        "health": {
            "conditions": conditions,
            "anticoagulants": draw(st.booleans()),
            "pregnancy_weeks": pregnancy,
            "recent_surgery_weeks": draw(st.none() | st.integers(0, 52)),
            "red_flags": draw(_subset(CATALOGUE.red_flags, 2)) if red_flags else [],
            "age": draw(st.none() | st.integers(0, 120)),
        },
    }
    local = [c for c in conditions if CATALOGUE.rules[c].local]
    if local and draw(st.booleans()):
        places = st.lists(st.sampled_from(sorted(SITES)), unique=True, min_size=1, max_size=2)
        data["health"]["sites"] = {c: draw(places) for c in local}
    # Omitted keys must behave like their defaults, so sometimes drop whole sections.
    for key in draw(_subset(["symptoms", "regions", "pain", "goals", "preferences"], 2)):
        del data[key]
    return data


intakes = intake_dicts().map(parse_intake)
# database=None: no example database is written into the shared checkout.
quick = settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def _assess(intake: Intake) -> Assessment:
    return assess(intake, CATALOGUE)


@quick
@given(intakes)
def test_excluded_techniques_are_never_recommended(intake: Intake) -> None:
    a = _assess(intake)
    recommended = set(a.allowed_techniques())
    excluded = set(a.excluded_techniques())
    assert recommended.isdisjoint(excluded)
    assert recommended | excluded == set(CATALOGUE.techniques)
    assert all(e.reasons for e in a.excluded)


@quick
@given(intakes)
def test_pressure_caps_respect_every_rule_and_the_tolerance(intake: Intake) -> None:
    a = _assess(intake)
    caps = [r.pressure_cap for r in matched_rules(intake, CATALOGUE) if r.pressure_cap]
    for rec in a.recommendations:
        technique = CATALOGUE.techniques[rec.technique]
        assert 1 <= rec.pressure_cap <= intake.preferences.pressure_tolerance
        assert all(rec.pressure_cap <= cap for cap in caps)
        # Never watered down below the technique's usual range.
        assert technique.pressure_min <= rec.pressure_cap <= technique.pressure_max


@quick
@given(intakes)
def test_rule_exclusions_hold(intake: Intake) -> None:
    a = _assess(intake)
    rules = matched_rules(intake, CATALOGUE)
    recommended = set(a.allowed_techniques())
    for rule in rules:
        assert recommended.isdisjoint(rule.exclude)
        if rule.no_oils:
            assert all(not CATALOGUE.techniques[t].essential_oils for t in recommended)
    prefs = intake.preferences
    for slug in recommended:
        technique = CATALOGUE.techniques[slug]
        assert not (prefs.stay_clothed and technique.clothing == "draped")
        assert not (prefs.scents.value == "no" and technique.essential_oils)


@quick
@given(intake_dicts(), st.sampled_from(sorted(CATALOGUE.red_flags)))
def test_any_red_flag_means_refer_with_nothing_recommended(data: dict, flag: str) -> None:
    data = {**data, "health": {**data["health"], "red_flags": [flag]}}
    a = _assess(parse_intake(data))
    assert a.status.value == "refer"
    assert a.recommendations == () and a.program.phases == ()
    refer_flags = {f.code for f in a.flags if f.action.value == "refer"}
    assert flag in refer_flags
    assert a.flags[0].kind == "red-flag"


@settings(max_examples=60, deadline=None, database=None)
@given(intakes)
def test_same_input_same_output_and_json_serialisable(intake: Intake) -> None:
    first = _assess(intake).to_dict()
    again = assess(parse_intake(json.loads(json.dumps(intake.to_dict())))).to_dict()
    assert first == again
    assert json.loads(json.dumps(first)) == first
    assert list(first) == [
        "status", "urgency", "summary", "next_steps", "recommendations", "excluded", "flags",
        "program", "questions_for_therapist", "catalogue_version",
    ]  # fmt: skip
    assert first["catalogue_version"] == CATALOGUE.version


@settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(intakes)
def test_a_fresh_uncached_catalogue_gives_the_same_answer(intake: Intake) -> None:
    fresh = load_catalogue(Path(__file__).parents[3] / "src/unknot/domain/guide/data")
    assert assess(intake, fresh).to_dict() == _assess(intake).to_dict()


@quick
@given(intakes)
def test_every_cited_id_exists_and_unverified_support_is_marked(intake: Intake) -> None:
    d = _assess(intake).to_dict()
    reasons = [r for rec in d["recommendations"] for r in rec["reasons"]]
    for reason in reasons:
        assert set(reason["evidence"]) <= set(CATALOGUE.evidence)
        if reason["basis"] == Basis.PRACTICE.value:
            assert reason["evidence"] == []
        else:
            assert reason["basis"] == Basis.EVIDENCE.value and reason["evidence"]
        if CATALOGUE.only_unverified(reason["evidence"]):
            assert "unverified" in reason["text"]
    for phase in d["program"]["phases"]:
        assert set(phase["evidence"]) <= set(CATALOGUE.evidence)
        if not phase["evidence"] or CATALOGUE.only_unverified(phase["evidence"]):
            assert "practice convention" in phase["rationale"] or "no direct evidence" in (
                phase["rationale"].lower()
            )
    for flag in _assess(intake).flags:
        rule = CATALOGUE.rules.get(flag.code)
        if rule is not None and rule.confidence.value == "U":
            assert UNVERIFIED_NOTE in flag.detail


@quick
@given(intakes)
def test_recommendations_are_ranked_best_first_with_reasons(intake: Intake) -> None:
    recs = _assess(intake).recommendations
    keys = [(-r.score, r.technique) for r in recs]
    assert keys == sorted(keys)
    assert all(r.reasons for r in recs)


@quick
@given(intakes)
def test_status_and_programme_agree(intake: Intake) -> None:
    a = _assess(intake)
    if a.status.value != "ok":
        assert not a.recommendations and not a.program.phases
        assert not a.program.remeasure_after_sessions
    elif a.recommendations:
        assert a.program.phases
        assert max(a.program.remeasure_after_sessions) <= a.program.total_sessions
        assert a.bookable
    else:
        assert not a.program.phases


@quick
@given(intakes)
def test_intake_round_trips(intake: Intake) -> None:
    assert parse_intake(intake.to_dict()) == intake


@quick
@given(intakes, st.data())
def test_preferences_never_change_safety_exclusions(intake: Intake, data: st.DataObject) -> None:
    other = data.draw(intake_dicts()).get("preferences", {})
    changed = replace(intake, preferences=parse_intake({"preferences": other}).preferences)

    def safety_out(i: Intake) -> dict[str, set[str]]:
        return {
            e.technique: {r.text for r in e.reasons if r.kind is not ExclusionKind.PREFERENCE}
            for e in _assess(i).excluded
            if e.safety
        }

    before, after = safety_out(intake), safety_out(changed)
    # The pressure-cap message mentions the cap, which the tolerance can lower further,
    # so compare which techniques are safety-excluded and by which sources.
    assert set(before) == set(after)
    assert _assess(intake).status == _assess(changed).status


@quick
@given(intakes, st.sampled_from(sorted(CATALOGUE.conditions)))
def test_adding_a_condition_never_adds_a_recommendation(intake: Intake, condition: str) -> None:
    if condition in intake.health.conditions:
        return
    if condition == "high-risk-pregnancy" and intake.health.pregnancy_weeks is None:
        return
    worse = replace(
        intake, health=replace(intake.health, conditions=(*intake.health.conditions, condition))
    )
    assert set(_assess(worse).allowed_techniques()) <= set(_assess(intake).allowed_techniques())
    assert _assess(worse).pressure_cap <= _assess(intake).pressure_cap


def test_catalogue_fixture_is_the_cached_one(catalogue: Catalogue) -> None:
    assert catalogue is CATALOGUE


def test_reasons_resting_only_on_unverified_sources_say_so(catalogue: Catalogue) -> None:
    from unknot.domain.guide.ranking import make_reason

    assert catalogue.evidence["guide-4"].confidence.value == "U"
    marked = make_reason("Chair massage may help stress.", ["guide-4"], catalogue)
    assert "unverified" in marked.text and marked.basis is Basis.EVIDENCE
    mixed = make_reason("Chair massage may help stress.", ["guide-4", "engen-2012"], catalogue)
    assert "unverified" not in mixed.text
    convention = make_reason("Practice habit.", [], catalogue)
    assert convention.basis is Basis.PRACTICE and "unverified" not in convention.text


def test_unverified_rules_and_convention_caps_are_marked_in_flags(catalogue: Catalogue) -> None:
    from unknot.domain.guide.safety import CAP_CONVENTION_NOTE

    a = assess(
        parse_intake({"health": {"conditions": ["lymphoedema", "osteoporosis", "cancer"]}}),
        catalogue,
    )
    details = {f.code: f.detail for f in a.flags}
    assert UNVERIFIED_NOTE in details["lymphoedema"]
    assert CAP_CONVENTION_NOTE.format(cap=2) in details["osteoporosis"]
    # Walton's text gives the cancer level, so it is not called a convention.
    assert "practice's cautious default" not in details["cancer"]
    assert UNVERIFIED_NOTE not in details["cancer"]


@quick
@given(intake_dicts(red_flags=False), st.data())
def test_no_recommendation_breaks_an_active_flag_before_or_after_clearance(
    data: dict, draw: st.DataObject
) -> None:
    """Safety principle 1 as a property: caps, exclusions, areas and stretch limits hold
    for every recommendation, and recording any set of clearances lifts none of them."""
    intake = parse_intake(data)
    before = _assess(intake)
    pending = sorted(f.code for f in before.flags if f.action.value == "clearance")
    cleared = draw.draw(st.sets(st.sampled_from(pending)) if pending else st.just(set()))
    after = assess(intake, CATALOGUE, cleared=cleared)
    assert broken_limits(before, CATALOGUE) == []
    assert broken_limits(after, CATALOGUE) == []
    assert after.recommendations == before.recommendations
    assert after.excluded == before.excluded
    assert after.pressure_cap == before.pressure_cap
    assert {f.code for f in after.flags} == {f.code for f in before.flags}
    assert {f.code for f in after.flags if f.cleared} == set(cleared)
