"""Issue 14, principle 3: outcomes are hard to undo. Vignettes, each a client's sequence of events.

- a red flag ("refer") is not cleared by re-taking the form without it: bookings wait as pending
  until staff record a clinician's clearance on a booking screened after the red flag;
- every move (a reschedule, a program's session or series) is screened again against the latest
  assessment and the holds, like a new booking.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.apps.booking.conftest import NOW, at
from tests.factories import make_assessment
from unknot.apps.booking import services
from unknot.apps.booking.errors import SafetyRefusal
from unknot.apps.booking.models import Booking, BookingStatus
from unknot.apps.records.models import ConsentKind
from unknot.apps.records.services import consent_set

pytestmark = pytest.mark.django_db

RED_FLAG = {"health": {"red_flags": ["saddle-numbness"]}}
NEEDS_CLEARANCE = {"health": {"conditions": ["heart-condition"]}}


def book(setup, client, start):
    booking, _ = services.booking_create(
        client=client, service=setup["service"], start=start, now=NOW, therapist=setup["ben"]
    )
    return booking


def move(booking, start, by=None):
    return services.booking_reschedule(
        booking=booking, by=by or booking.client, new_start=start, now=NOW
    )


# --- a red flag stands --------------------------------------------------------------------


def test_retaking_the_form_without_the_red_flag_books_only_as_pending(setup, client_user):
    """Ana reports saddle numbness and is refused; a minute later she answers without it."""
    make_assessment(client_user, **RED_FLAG)
    with pytest.raises(SafetyRefusal) as refusal:
        book(setup, client_user, at(1, 10))
    assert refusal.value.code == "safety_refer"
    make_assessment(client_user)  # the same form again, the red flag left out
    booking = book(setup, client_user, at(1, 10))
    assert booking.status == BookingStatus.PENDING and booking.needs_clearance
    assert [h["code"] for h in booking.safety["holds"]] == ["earlier_refer"]


def test_a_clinicians_clearance_recorded_by_staff_lifts_the_red_flag(
    setup, client_user, staff_user
):
    """Staff record the doctor's letter on the pending booking; later bookings are confirmed."""
    make_assessment(client_user, **RED_FLAG)
    make_assessment(client_user)
    held = book(setup, client_user, at(1, 10))
    services.booking_record_clearance(
        booking=held, by=staff_user, now=NOW, note="GP letter: no cauda equina, fine for massage."
    )
    later = book(setup, client_user, at(2, 10))
    assert later.status == BookingStatus.CONFIRMED and "holds" not in later.safety


def test_a_clearance_recorded_before_the_red_flag_does_not_lift_it(setup, client_user, staff_user):
    """Ben's heart condition was cleared on an older booking; then a red flag, then a retake."""
    make_assessment(client_user, **NEEDS_CLEARANCE)
    old = book(setup, client_user, at(1, 10))
    make_assessment(client_user, **RED_FLAG)
    make_assessment(client_user)
    # The clearance is recorded after the red flag, but for a booking screened before it.
    services.booking_record_clearance(booking=old, by=staff_user, now=NOW, note="Cardiologist ok.")
    booking = book(setup, client_user, at(2, 10))
    assert booking.status == BookingStatus.PENDING
    assert [h["code"] for h in booking.safety["holds"]] == ["earlier_refer"]


def test_another_clients_red_flag_holds_nobody_else(setup, client_user, other_client_user):
    make_assessment(other_client_user, **RED_FLAG)
    make_assessment(other_client_user)
    assert book(setup, client_user, at(1, 10)).status == BookingStatus.CONFIRMED


# --- every move is screened again ---------------------------------------------------------


def test_a_red_flag_after_booking_refuses_the_reschedule(setup, client_user):
    """Kai booked while well; his next assessment reports a red flag; he tries to move."""
    booking = book(setup, client_user, at(1, 10))
    make_assessment(client_user, **RED_FLAG)
    with pytest.raises(SafetyRefusal) as refusal:
        move(booking, at(2, 10))
    assert refusal.value.code == "safety_refer"
    assert Booking.objects.get(pk=booking.pk).starts_at == at(1, 10)


def test_staff_moving_the_session_are_refused_too(setup, client_user, staff_user):
    booking = book(setup, client_user, at(1, 10))
    make_assessment(client_user, **RED_FLAG)
    with pytest.raises(SafetyRefusal):
        services.booking_reschedule(
            booking=booking, by=staff_user, new_start=at(2, 10), now=NOW, staff_override=True
        )


def test_a_new_condition_makes_the_moved_session_wait_for_clearance(setup, client_user):
    """Lee booked while well, then reports a heart condition, then moves the session."""
    booking = book(setup, client_user, at(1, 10))
    assert booking.status == BookingStatus.CONFIRMED
    latest = make_assessment(client_user, **NEEDS_CLEARANCE)
    moved = move(booking, at(2, 10))
    assert moved.status == BookingStatus.PENDING and moved.needs_clearance
    assert moved.assessment_id == latest.pk
    assert any(f["code"] == "heart-condition" for f in moved.safety["flags"])


def test_a_withdrawn_treatment_consent_refuses_the_move(setup, client_user):
    booking = book(setup, client_user, at(1, 10))
    consent_set(user=client_user, kind=ConsentKind.TREATMENT, granted=False, now=NOW)
    with pytest.raises(SafetyRefusal) as refusal:
        move(booking, at(2, 10))
    assert refusal.value.code == "consent_withdrawn"


def test_a_move_keeps_the_lighter_pressure_accepted_for_the_session(setup, client_user):
    """A cap the therapist accepted after a reaction survives the fresh snapshot of a move."""
    from unknot.apps.progress.models import ReviewSuggestion, SuggestionKind, SuggestionStatus

    ReviewSuggestion.objects.create(
        client=client_user,
        practice=setup["practice"],
        kind=SuggestionKind.LOWER_PRESSURE,
        status=SuggestionStatus.ACCEPTED,
        pressure_cap=1,
        for_client="-",
        for_therapist="-",
    )
    booking = book(setup, client_user, at(1, 10))
    assert booking.safety["pressure_cap"] == 1
    moved = move(booking, at(2, 10))
    assert moved.safety["pressure_cap"] == 1 and "review_adjustment" in moved.safety
    assert Booking.objects.get(pk=booking.pk).safety["pressure_cap"] == 1


def test_a_series_move_is_screened_against_the_latest_assessment(setup, client_user):
    first = book(setup, client_user, at(1, 10))
    second = book(setup, client_user, at(8, 10))
    make_assessment(client_user, **RED_FLAG)
    with pytest.raises(SafetyRefusal):
        services.booking_series_move(
            moves=[(first, at(2, 10)), (second, at(9, 10))], by=client_user, now=NOW
        )
    assert {b.starts_at for b in Booking.objects.all()} == {at(1, 10), at(8, 10)}
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 2


def test_a_series_move_after_a_new_condition_waits_for_clearance(setup, client_user):
    first = book(setup, client_user, at(1, 10))
    second = book(setup, client_user, at(8, 10))
    make_assessment(client_user, **NEEDS_CLEARANCE)
    moved = services.booking_series_move(
        moves=[(first, at(1, 11)), (second, at(8, 11))], by=client_user, now=NOW
    )
    assert [b.status for b in moved] == [BookingStatus.PENDING] * 2
    assert all(b.starts_at.hour == 11 for b in moved)
    assert NOW + dt.timedelta(days=1) < moved[0].starts_at
