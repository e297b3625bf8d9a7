"""How a result reads on the page: rhythm words, citations, and old saved results."""

from __future__ import annotations

import pytest

from unknot.apps.guide.presentation import citations, result_view, rhythm
from unknot.domain.guide import assess, load_catalogue, parse_intake


@pytest.mark.parametrize(
    ("sessions", "every_days", "words"),
    [
        (1, 0, "a single session"),
        (8, 3, "twice a week"),
        (12, 2, "three times a week"),
        (10, 7, "once a week"),
        (3, 28, "every 4 weeks"),
        (4, 5, "every 5 days"),
    ],
)
def test_rhythm_in_words(sessions, every_days, words):
    assert rhythm(sessions, every_days) == words


def test_citations_link_to_the_evidence_page_and_mark_unverified_sources():
    found = {c.id: c for c in citations(["cherkin-2011", "guide-2", "gone-1999"], load_catalogue())}
    assert found["cherkin-2011"].url == "/evidence/#cherkin-2011"
    assert found["cherkin-2011"].label == "Cherkin 2011"
    assert not found["cherkin-2011"].not_verified
    assert found["guide-2"].not_verified and found["guide-2"].confidence_label == "Not verified"
    assert found["gone-1999"].label == "gone-1999"  # an id the catalogue no longer has


def test_practice_convention_reasons_have_no_citations():
    result = assess(parse_intake({"regions": ["hips"], "preferences": {"focus": "relax"}}))
    view = result_view(result.to_dict())
    reasons = [r for rec in view.recommendations for r in rec.reasons]
    assert any(r.practice_convention for r in reasons)
    assert all(r.practice_convention == (not r.citations) for r in reasons)


def test_the_last_phase_is_maintenance():
    result = assess(parse_intake({"symptoms": ["low-back-pain"], "goals": ["back-pain-relief"]}))
    phases = result_view(result.to_dict()).phases
    assert phases and phases[-1].maintenance and not any(p.maintenance for p in phases[:-1])


def test_an_old_result_with_unknown_names_still_renders():
    old = {
        "status": "ok",
        "summary": "Old.",
        "recommendations": [
            {
                "technique": "hot-stones",
                "score": 3,
                "reasons": [{"text": "Warm.", "evidence": ["gone-1999"], "basis": "evidence"}],
                "pressure_cap": 2,
            }
        ],
        "excluded": [],
        "flags": [{"code": "retired-rule", "action": "modify", "detail": "x", "techniques": []}],
        "program": {"phases": [], "remeasure_after_sessions": [], "notes": []},
        "questions_for_therapist": [],
        "catalogue_version": "2025-01-01.1",
    }
    view = result_view(old)
    assert view.recommendations[0].name == "Hot stones"
    assert view.modify_flags[0].label == "Retired rule"
