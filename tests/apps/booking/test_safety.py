"""The safety gate's holds, hinted in one query: the same answers as the holds' full checks."""

from __future__ import annotations

import pytest

from tests.apps.booking.conftest import NOW
from tests.factories import make_assessment
from unknot.apps.booking import hooks
from unknot.apps.booking.errors import SafetyRefusal
from unknot.apps.booking.safety import latest_assessment_for, screen_for_booking
from unknot.apps.guide.models import SavedAssessment
from unknot.apps.progress.models import ReviewSuggestion
from unknot.apps.records.models import ConsentKind
from unknot.apps.records.services import consent_set

pytestmark = pytest.mark.django_db


def consent(user, kind: str, granted: bool) -> None:
    consent_set(user=user, kind=kind, granted=granted, now=NOW)


def suggest(user, practice, kind: str, *, seen: int) -> None:
    ReviewSuggestion.objects.create(
        client=user,
        practice=practice,
        kind=kind,
        for_client="-",
        for_therapist="-",
        assessment_seen=seen,
    )


def latest_pk(user) -> int:
    return SavedAssessment.objects.filter(client=user).latest("created_at", "id").pk


def withdrawn(user, practice) -> None:
    consent(user, ConsentKind.TREATMENT, False)


def withdrawn_then_given(user, practice) -> None:
    consent(user, ConsentKind.TREATMENT, False)
    consent(user, ConsentKind.TREATMENT, True)


def given(user, practice) -> None:
    consent(user, ConsentKind.TREATMENT, True)


def other_consent_withdrawn(user, practice) -> None:
    consent(user, ConsentKind.REMINDERS, False)


def rescreen_pending(user, practice) -> None:
    suggest(user, practice, "rescreen", seen=latest_pk(user))


def rescreen_answered_by_a_new_assessment(user, practice) -> None:
    suggest(user, practice, "rescreen", seen=latest_pk(user))
    make_assessment(user)


def other_suggestion(user, practice) -> None:
    suggest(user, practice, "lower-pressure", seen=latest_pk(user))


def someone_elses_holds(user, practice) -> None:
    from unknot.apps.accounts.models import User

    other = User.objects.create_user(email="someone@example.test", password="x-Long-pass-1")
    make_assessment(other)
    consent(other, ConsentKind.TREATMENT, False)
    suggest(other, practice, "rescreen", seen=latest_pk(other))


def full_checks(user) -> None:
    """Every registered hold, checked in full (no hints), as for a client with no assessment."""
    hooks.run_holds(
        hooks.Attempt(
            client=user,
            technique_slug="swedish",
            now=NOW,
            assessment=latest_assessment_for(user),
        )
    )


@pytest.mark.parametrize(
    ("arrange", "expected"),
    [
        (lambda user, practice: None, None),
        (withdrawn, "consent_withdrawn"),
        (withdrawn_then_given, None),
        (given, None),
        (other_consent_withdrawn, None),
        (rescreen_pending, "screening_required"),
        (rescreen_answered_by_a_new_assessment, None),
        (other_suggestion, None),
        (someone_elses_holds, None),
    ],
    ids=[
        "nothing",
        "treatment-withdrawn",
        "withdrawn-then-given",
        "given",
        "reminders-withdrawn",
        "rescreen-pending",
        "rescreen-answered",
        "lower-pressure-suggestion",
        "someone-elses-holds",
    ],
)
def test_the_gate_refuses_exactly_when_the_full_checks_do(arrange, expected, client_user, practice):
    make_assessment(client_user)
    arrange(client_user, practice)

    def outcome(check) -> str | None:
        try:
            check()
        except SafetyRefusal as refusal:
            return refusal.code
        return None

    assert outcome(lambda: full_checks(client_user)) == expected
    assert (
        outcome(lambda: screen_for_booking(client=client_user, technique_slug="swedish", now=NOW))
        == expected
    )


def test_without_an_assessment_a_withdrawal_is_named_first(client_user):
    with pytest.raises(SafetyRefusal) as refusal:
        screen_for_booking(client=client_user, technique_slug="swedish", now=NOW)
    assert refusal.value.code == "screening_required"
    consent(client_user, ConsentKind.TREATMENT, False)
    with pytest.raises(SafetyRefusal) as refusal:
        screen_for_booking(client=client_user, technique_slug="swedish", now=NOW)
    assert refusal.value.code == "consent_withdrawn"


def test_a_client_without_holds_is_screened_in_one_query(
    client_user, practice, django_assert_num_queries
):
    saved = make_assessment(client_user)
    given(client_user, practice)
    suggest(client_user, practice, "rescreen", seen=saved.pk - 1)  # made before this assessment
    with django_assert_num_queries(1):
        screening = screen_for_booking(client=client_user, technique_slug="swedish", now=NOW)
    assert screening.assessment == saved
    assert screening.snapshot["regions"] == ["lower-back"]
