"""Principles 6 and 7 over every sentence the catalogue shows: claims only as strong as their
evidence, and plain words (jargon only with its explanation)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from unknot.domain.guide import load_catalogue
from unknot.domain.guide.assessment import NO_SCENTED_OILS

CATALOGUE = load_catalogue()

# term -> words that must appear in the same sentence list entry when the term is used;
# None means the term is never shown at all.
JARGON: dict[str, str | None] = {
    "percussion": "tapping",
    "oncology massage": "massage for people with cancer",
    "tapotement": None,
    "effleurage": None,
    "petrissage": None,
    "contraindicat": None,
    "prone": None,
    "supine": None,
    "fascia": "connective tissue",
    "lymphoedema": "swelling",
    "dvt": "clot",
    "tia": "mini-stroke",
    "anticoagulant": "blood",
    "antiplatelet": "aspirin",
    "pre-eclampsia": "headache",
    "dermatomyositis": "inflames",
    "hypermobility": "flexible",
}


def shown_texts() -> Iterator[tuple[str, str]]:
    """(where, text) for every text the catalogue puts in front of a client."""
    cat = CATALOGUE
    for slug, t in cat.techniques.items():
        for name in ("name", "summary", "what_to_expect", "possible_discomfort", "what_to_wear"):
            yield f"technique {slug}.{name}", getattr(t, name)
    for kind, items in (("region", cat.regions), ("symptom", cat.symptoms), ("goal", cat.goals)):
        for slug, item in items.items():
            yield f"{kind} {slug}.label", item.label
            for f in item.favours:
                yield f"{kind} {slug} favour {f.technique}", f.text
    for slug, r in cat.rules.items():
        yield f"rule {slug}.label", r.label
        yield f"rule {slug}.detail", r.detail
        for name in ("positioning", "avoid_areas", "session_notes", "avoid_oils"):
            for text in getattr(r, name):
                yield f"rule {slug}.{name}", text
    for slug, f in cat.red_flags.items():
        yield f"red flag {slug}.label", f.label
        yield f"red flag {slug}.detail", f.detail
    for slug, p in cat.protocols.items():
        for text in (*p.notes, *p.safety_notes, *(ph.rationale for ph in p.phases)):
            yield f"protocol {slug}", text
    questions = cat.questions
    for text in questions.general:
        yield "question", text
    for group in (questions.by_technique, questions.by_rule):
        for slug, texts in group.items():
            for text in texts:
                yield f"question {slug}", text
    for slug, g in cat.screen_groups.items():
        yield f"screen group {slug}", f"{g.label} {g.hint}"


TEXTS = list(shown_texts())


def _entity(where: str) -> str:
    """``rule lymphoedema.detail`` -> ``rule lymphoedema``: texts shown together."""
    return where.split(".", 1)[0]


@pytest.mark.parametrize("term", JARGON)
def test_jargon_comes_with_its_plain_explanation(term: str) -> None:
    pattern = re.compile(rf"\b{re.escape(term)}", re.IGNORECASE)
    explain = JARGON[term]
    together: dict[str, str] = {}
    for where, text in TEXTS:
        together[_entity(where)] = f"{together.get(_entity(where), '')} {text}".lower()
    offenders = [
        where
        for where, text in TEXTS
        if pattern.search(text) and (explain is None or explain not in together[_entity(where)])
    ]
    assert offenders == []


def test_uncited_favours_say_it_is_common_practice_not_a_finding() -> None:
    offenders = [
        (kind, slug, f.text)
        for kind, items in (
            ("region", CATALOGUE.regions),
            ("symptom", CATALOGUE.symptoms),
            ("goal", CATALOGUE.goals),
        )
        for slug, item in items.items()
        for f in item.favours
        if not f.evidence
        and "Massage therapists commonly" not in f.text
        and "no trial in our evidence file" not in f.text
    ]
    assert offenders == []


def test_a_trial_of_one_technique_is_not_stretched_to_another() -> None:
    # A favour that cites studies for a technique those studies did not test must say so.
    offenders = []
    for kind, items in (("symptom", CATALOGUE.symptoms), ("goal", CATALOGUE.goals)):
        for slug, item in items.items():
            for f in item.favours:
                tested = set(f.evidence) <= set(CATALOGUE.techniques[f.technique].evidence)
                honest = "did not test" in f.text or "not specifically" in f.text
                if f.evidence and not tested and not honest:
                    offenders.append((kind, slug, f.technique, f.text))
    assert offenders == []


def test_pain_between_the_shoulder_blades_is_not_put_down_to_knots() -> None:
    for where, text in TEXTS:
        if "shoulder blades" in text.lower() and "pain" in text.lower():
            assert "knots" not in text.lower(), where
    note = CATALOGUE.rules["shoulder-blade-pain-causes"]
    assert "heart" in note.detail and "aorta" in note.detail and "emergency" in note.detail
    symptom = CATALOGUE.symptoms["between-shoulder-blades-pain"]
    assert symptom.precaution == "shoulder-blade-pain-causes"


def test_no_oils_says_which_oils() -> None:
    assert "essential oils" in NO_SCENTED_OILS and "unscented carrier oil" in NO_SCENTED_OILS


def test_unverified_rules_do_not_claim_a_study() -> None:
    for slug, rule in CATALOGUE.rules.items():
        if not rule.evidence:
            for word in ("studies show", "research shows", "proven", "trials show"):
                assert word not in rule.detail.lower(), slug
