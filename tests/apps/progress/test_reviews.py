"""The review after each check-in: stored suggestions, therapist decisions and their effects."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from tests.apps.progress.builders import book, scores, session
from tests.factories import make_assessment
from unknot.apps.booking.errors import SafetyRefusal
from unknot.apps.booking.models import Booking, BookingEvent
from unknot.apps.guide.models import SavedAssessment
from unknot.apps.progress.models import ReviewSuggestion
from unknot.apps.progress.services import ProgressError, checkin_submit, suggestion_decide
from unknot.apps.records.consents import ConsentMissing
from unknot.apps.records.models import AuditEntry, ConsentKind, SessionNote
from unknot.apps.records.services import consent_set

pytestmark = pytest.mark.django_db
WEEK = dt.timedelta(days=7)


def history(course, pains: list[int]):
    """Pre-session check-ins for the held sessions, oldest first."""
    for booking, pain in zip(course["held"], pains, strict=False):
        checkin_submit(
            client=course["ana"],
            booking=booking,
            kind="before",
            now=booking.starts_at - dt.timedelta(hours=2),
            scores=scores(pain),
        )


def check_in_next(course, now, pain: int, **kwargs):
    return checkin_submit(
        client=course["ana"],
        booking=course["next"],
        kind="before",
        now=now,
        scores=scores(pain),
        **kwargs,
    )


def test_reaching_the_mcid_suggests_maintenance_to_client_and_therapist(course, now):
    history(course, [7, 6])
    result = check_in_next(course, now, 5)
    (s,) = result.suggestions
    assert s.kind == "maintenance" and s.status == "open"
    assert "7 to 5" in s.for_client and "maintenance" in s.for_client
    assert "reaches the clinically important change of 2 points or 30%" in s.for_therapist
    assert s.sessions_held == 2


def test_no_improvement_at_the_review_point_suggests_an_allowed_technique(course, now, practice):
    ben, ana = course["ben"], course["ana"]
    extra = [session(ana, ben, start=now - dt.timedelta(days=d)) for d in (35, 28, 4)]
    course["held"] = sorted([*course["held"], *extra], key=lambda b: b.starts_at)
    history(course, [7, 7, 7, 6, 7])
    (s,) = check_in_next(course, now, 7).suggestions
    assert s.kind == "change-technique"
    assert s.technique == "myofascial-release"  # the best allowed one not tried (Swedish was)
    assert s.sessions_held == 5


def test_a_newer_outcome_replaces_an_open_one(course, now):
    history(course, [7, 5])  # maintenance suggested at the second check-in
    first = ReviewSuggestion.objects.get()
    assert first.kind == "maintenance"
    check_in_next(course, now, 9)  # now clinically worse
    first.refresh_from_db()
    assert first.status == "superseded"
    assert ReviewSuggestion.objects.get(status="open").kind == "see-clinician"


def follow_up(course, soreness=7, **kwargs):
    booking = course["held"][-1]
    SessionNote.objects.create(
        booking=booking, practice=booking.practice, client=booking.client, pressure_used=4
    )
    return checkin_submit(
        client=course["ana"],
        booking=booking,
        kind="after",
        now=booking.ends_at + dt.timedelta(hours=26),
        soreness=soreness,
        relief="hours",
        **kwargs,
    )


def test_marked_soreness_lowers_the_cap_and_tells_the_therapist_without_health_details(
    course, now, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        (s,) = follow_up(course, soreness=7, bruising=True).suggestions
    assert s.kind == "lower-pressure" and s.pressure_cap == 3
    assert "soreness 7 of 10 and bruising" in s.for_therapist
    (email,) = mail.outbox
    assert email.to == [course["ben"].user.email]
    body = email.body + email.subject
    assert "Ana" in body and "/progress/clients/" in body
    assert "soreness" not in body.lower() and "bruis" not in body.lower()


def test_accepting_lighter_pressure_caps_the_next_booking(course, now):
    (s,) = follow_up(course).suggestions
    suggestion_decide(suggestion=s, by=course["ben"].user, decision="accept", now=now)
    upcoming = Booking.objects.get(pk=course["next"].pk)
    assert upcoming.safety["pressure_cap"] == 3
    assert upcoming.safety["review_adjustment"]["suggestion"] == s.uid
    event = BookingEvent.objects.get(booking=upcoming, kind="safety_adjusted")
    assert event.data["previous"] == 4
    s.refresh_from_db()
    assert s.status == "accepted" and s.applied_booking == upcoming
    assert AuditEntry.objects.filter(record_uid=s.uid, action="change").exists()


def test_the_therapist_can_change_the_cap_but_not_to_nonsense(course, now):
    (s,) = follow_up(course).suggestions
    with pytest.raises(ProgressError) as caught:
        suggestion_decide(
            suggestion=s, by=course["ben"].user, decision="change", now=now, pressure_cap=9
        )
    assert "pressure_cap" in caught.value.problems
    assert Booking.objects.get(pk=course["next"].pk).safety["pressure_cap"] == 4
    suggestion_decide(
        suggestion=s, by=course["ben"].user, decision="change", now=now, pressure_cap=2
    )
    assert Booking.objects.get(pk=course["next"].pk).safety["pressure_cap"] == 2
    with pytest.raises(ProgressError) as again:
        suggestion_decide(suggestion=s, by=course["ben"].user, decision="accept", now=now)
    assert again.value.code == "already_decided"


def test_declining_needs_a_reason(course, now):
    (s,) = follow_up(course).suggestions
    with pytest.raises(ProgressError):
        suggestion_decide(suggestion=s, by=course["ben"].user, decision="decline", now=now)
    suggestion_decide(
        suggestion=s,
        by=course["ben"].user,
        decision="decline",
        now=now,
        note="Expected after trigger-point work.",
    )
    assert Booking.objects.get(pk=course["next"].pk).safety["pressure_cap"] == 4


def test_an_accepted_cap_waits_for_the_next_booking_made(course, now):
    course["next"].status = "cancelled"
    course["next"].save()
    (s,) = follow_up(course).suggestions
    suggestion_decide(
        suggestion=s, by=course["ben"].user, decision="change", pressure_cap=2, now=now
    )
    s.refresh_from_db()
    assert s.applied == {"pressure_cap": 2, "waiting_for_next_booking": True}
    later = book(course["ana"], course["ben"], after=now + 2 * WEEK, now=now)
    # The row was inserted with the cap (no later rewrite): the returned object already has it.
    assert later.safety["pressure_cap"] == 2
    assert later.safety["review_adjustment"]["suggestion"] == s.uid
    assert Booking.objects.get(pk=later.pk).safety == later.safety
    event = BookingEvent.objects.get(booking=later, kind="safety_adjusted")
    assert event.data == {"pressure_cap": 2, "previous": 3, "suggestion": s.uid}
    s.refresh_from_db()
    assert s.applied_booking_id == later.pk
    assert s.applied == {"booking": later.uid, "pressure_cap": 2}
    # Only the next one: a booking after that keeps the cap of its own screening.
    after = book(course["ana"], course["ben"], after=now + 3 * WEEK, now=now)
    assert after.safety["pressure_cap"] == 3
    assert "review_adjustment" not in after.safety


def test_a_new_red_flag_holds_booking_until_a_new_assessment(course, now):
    (s,) = check_in_next(course, now, 6, red_flags=["saddle-numbness"]).suggestions
    assert s.kind == "rescreen" and s.blocks_booking
    with pytest.raises(SafetyRefusal) as caught:
        book(course["ana"], course["ben"], after=now + 2 * WEEK, now=now)
    assert caught.value.code == "screening_required"
    make_assessment(course["ana"])  # a fresh self-assessment lifts the hold
    book(course["ana"], course["ben"], after=now + 2 * WEEK, now=now)


def test_a_red_flag_at_a_check_in_holds_the_session_already_booked(
    course, now, django_capture_on_commit_callbacks
):
    """Ana's next session is tomorrow; at its check-in she reports saddle numbness."""
    upcoming = course["next"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        (s,) = check_in_next(course, now, 6, red_flags=["saddle-numbness"]).suggestions
    assert s.kind == "rescreen"
    held = Booking.objects.get(pk=upcoming.pk)
    assert held.status == "pending" and held.needs_clearance
    assert [h["code"] for h in held.safety["holds"]] == ["screening_required"]
    assert BookingEvent.objects.filter(booking=held, kind="held").exists()
    # The therapist is told: the re-screen alert goes out once the check-in is committed.
    (email,) = mail.outbox
    assert email.to == [course["ben"].user.email]


def test_a_check_in_without_a_change_in_health_holds_nothing(course, now):
    check_in_next(course, now, 6)
    assert Booking.objects.get(pk=course["next"].pk).status == "confirmed"


def test_a_condition_already_assessed_is_not_new(course, now):
    assert check_in_next(course, now, 7, conditions=[]).suggestions == []
    ana = course["ana"]
    latest = SavedAssessment.objects.filter(client=ana).latest("created_at")
    latest.intake["health"]["conditions"] = ["osteoporosis"]
    latest.save()
    held = course["held"][-1]
    out = checkin_submit(
        client=ana,
        booking=held,
        kind="before",
        now=held.starts_at - dt.timedelta(hours=1),
        scores=scores(7),
        conditions=["osteoporosis"],
    ).suggestions
    assert [s.kind for s in out] == []


def test_withdrawn_treatment_consent_refuses_new_bookings_at_once(course, now):
    consent_set(user=course["ana"], kind=ConsentKind.TREATMENT, granted=False, now=now)
    with pytest.raises(SafetyRefusal) as caught:
        book(course["ana"], course["ben"], after=now + 2 * WEEK, now=now)
    assert caught.value.code == "consent_withdrawn"
    consent_set(user=course["ana"], kind=ConsentKind.TREATMENT, granted=True, now=now)
    book(course["ana"], course["ben"], after=now + 2 * WEEK, now=now)


def test_withdrawn_health_data_consent_refuses_a_new_self_assessment(course, now):
    consent_set(user=course["ana"], kind=ConsentKind.HEALTH_DATA, granted=False, now=now)
    from unknot.apps.guide.services import assessment_save

    with pytest.raises(ConsentMissing) as caught:
        assessment_save(client=course["ana"], intake={}, now=now)
    assert caught.value.code == "consent_withdrawn"
    assert SavedAssessment.objects.filter(client=course["ana"]).count() == 1


def test_the_guide_service_refuses_too_and_says_why(course, now):
    from unknot.apps.guide.services import assessment_save

    consent_set(user=course["ana"], kind=ConsentKind.HEALTH_DATA, granted=False, now=now)
    with pytest.raises(ConsentMissing) as caught:
        assessment_save(client=course["ana"], intake={}, now=now)
    assert "withdrew your consent" in str(caught.value)
