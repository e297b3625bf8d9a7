"""The programme review rules as a pure function, table by table."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from unknot.domain.progress import (
    HealthChanges,
    Reactions,
    ReviewInput,
    SuggestionKind,
    review,
    review_point,
)

from .conftest import T0

K = SuggestionKind
NOW = T0 + dt.timedelta(days=60)


def base(pain, **changes) -> ReviewInput:
    inp = ReviewInput(
        now=NOW,
        primary=pain,
        scores=(7, 6),
        sessions_held=1,
        review_point=4,
        allowed_techniques=("swedish", "myofascial-release", "deep-tissue"),
        techniques_tried=("swedish",),
        pressure_cap=4,
    )
    return dataclasses.replace(inp, **changes)


def kinds(inp, catalogue) -> list[SuggestionKind]:
    return [s.kind for s in review(inp, catalogue)]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # Improvement reaching 2 points or 30% → maintenance, whatever the session count.
        ({"scores": (7, 5)}, [K.MAINTENANCE]),
        ({"scores": (3, 2)}, [K.MAINTENANCE]),  # 33%
        ({"scores": (7, 6, 4), "sessions_held": 2}, [K.MAINTENANCE]),
        # Already in maintenance: nothing to move to.
        ({"scores": (7, 4), "in_maintenance": True}, []),
        # Some improvement before the review point: wait.
        ({"scores": (7, 6), "sessions_held": 3}, []),
        # No improvement at the review point → the next allowed technique not tried yet.
        ({"scores": (7, 7, 6, 7, 6), "sessions_held": 4}, [K.CHANGE_TECHNIQUE]),
        ({"scores": (7, 6), "sessions_held": 6, "review_point": 6}, [K.CHANGE_TECHNIQUE]),
        ({"scores": (7, 6), "sessions_held": 5, "review_point": 6}, []),
        # ... or a clinician when every allowed technique has been tried.
        (
            {
                "scores": (7, 7),
                "sessions_held": 4,
                "techniques_tried": ("swedish", "myofascial-release", "deep-tissue"),
            },
            [K.SEE_CLINICIAN],
        ),
        # Worse by a clinically important amount → a clinician, even early.
        ({"scores": (4, 6), "sessions_held": 1}, [K.SEE_CLINICIAN]),
        # Only a baseline: nothing to compare.
        ({"scores": (7,)}, []),
        ({"primary": None}, []),
    ],
)
def test_outcome_rules(pain, catalogue, changes, expected) -> None:
    assert kinds(base(pain, **changes), catalogue) == expected


def test_the_suggested_technique_is_the_best_untried_one_the_assessment_allows(pain, catalogue):
    (s,) = review(base(pain, scores=(7, 7), sessions_held=4), catalogue)
    assert s.technique == "myofascial-release"
    assert "Myofascial release" in s.for_client
    assert "doctor or physiotherapist" in s.for_client
    assert "7 → 7" in s.for_therapist


@pytest.mark.parametrize(
    ("reactions", "cap", "expected_cap"),
    [
        (Reactions(NOW, soreness=7, session_pressure=4), 4, 3),
        (Reactions(NOW, soreness=6, session_pressure=3), 5, 2),  # below the pressure used
        (Reactions(NOW, soreness=2, bruising=True, session_pressure=4), 3, 2),  # below the cap
        (Reactions(NOW, soreness=0, headache=True), None, 2),  # nothing known: light
        (Reactions(NOW, other="felt dizzy", session_pressure=2), 4, 1),
        (Reactions(NOW, soreness=8, session_pressure=1), 1, 1),  # already the lightest
    ],
)
def test_marked_soreness_or_a_reaction_lowers_the_cap(
    pain, catalogue, reactions, cap, expected_cap
):
    out = review(base(pain, reactions=reactions, pressure_cap=cap), catalogue)
    lower = [s for s in out if s.kind is K.LOWER_PRESSURE]
    assert len(lower) == 1
    assert lower[0].pressure_cap == expected_cap
    assert "therapist" in lower[0].for_client


@pytest.mark.parametrize(
    "reactions",
    [
        Reactions(NOW, soreness=5, session_pressure=4),  # expected soreness
        Reactions(NOW, soreness=0, other="   "),
        Reactions(NOW - dt.timedelta(days=15), soreness=9),  # too old to act on
    ],
)
def test_mild_or_stale_reactions_change_nothing(pain, catalogue, reactions) -> None:
    assert K.LOWER_PRESSURE not in kinds(base(pain, reactions=reactions), catalogue)


@pytest.mark.parametrize(
    ("flags", "conditions", "expected", "label"),
    [
        (("saddle-numbness",), (), "see a doctor", "numbness"),
        ((), ("osteoporosis",), "update your self-assessment", "osteoporosis"),
    ],
)
def test_new_health_reports_hold_booking_and_skip_outcome_rules(
    pain, catalogue, flags, conditions, expected, label
) -> None:
    inp = base(pain, scores=(7, 4), health_changes=HealthChanges(flags, conditions))
    out = review(inp, catalogue)
    assert [s.kind for s in out] == [K.RESCREEN]
    assert out[0].blocks_booking
    assert expected in out[0].for_client
    assert label in out[0].for_therapist.lower()


def test_a_reaction_and_an_outcome_can_come_together(pain, catalogue) -> None:
    inp = base(pain, scores=(7, 4), reactions=Reactions(NOW, soreness=8, session_pressure=3))
    assert kinds(inp, catalogue) == [K.LOWER_PRESSURE, K.MAINTENANCE]


@pytest.mark.parametrize(
    ("already", "sessions", "expected"),
    [
        ({}, 4, [K.CHANGE_TECHNIQUE]),
        ({K.CHANGE_TECHNIQUE: 4}, 5, []),  # suggested at 4: not again in the same cycle
        ({K.CHANGE_TECHNIQUE: 4}, 8, [K.CHANGE_TECHNIQUE]),  # the next review point
    ],
)
def test_a_suggestion_is_not_repeated_within_a_review_cycle(
    pain, catalogue, already, sessions, expected
):
    inp = base(pain, scores=(7, 7), sessions_held=sessions, already=already)
    assert kinds(inp, catalogue) == expected


@pytest.mark.parametrize(
    ("points", "expected"),
    [((2, 4, 6), 4), ((5, 10, 13), 5), ((6, 12), 6), ((8, 16), 6), ((1, 2), 4), ((), 4)],
)
def test_the_review_point_falls_between_four_and_six_sessions(points, expected) -> None:
    assert review_point(points) == expected


def test_review_needs_no_clock_but_the_one_given(pain, catalogue) -> None:
    reactions = Reactions(T0, soreness=9, session_pressure=3)
    inp = base(pain, reactions=reactions, scores=(7,))
    assert kinds(dataclasses.replace(inp, now=T0 + dt.timedelta(days=1)), catalogue) == [
        K.LOWER_PRESSURE
    ]
    assert kinds(dataclasses.replace(inp, now=T0 + dt.timedelta(days=30)), catalogue) == []
