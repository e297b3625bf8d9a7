"""Issue 14, principle 3: a change in health holds the sessions already booked.

Vignettes: the client, what happens, and which sessions wait for staff afterwards.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.apps.booking.conftest import NOW, at
from tests.factories import make_assessment
from unknot.apps.booking import services
from unknot.apps.booking.models import Booking, BookingEvent, BookingStatus
from unknot.apps.booking.rescreen import bookings_rescreen
from unknot.apps.guide.models import SavedAssessment
from unknot.apps.guide.services import assessment_save
from unknot.apps.programs import services as programs
from unknot.apps.programs.models import ProgramSession

pytestmark = pytest.mark.django_db

HEALTHY = {
    "symptoms": ["tight-back"],
    "regions": ["lower-back"],
    "pain": {"intensity": 4, "duration_weeks": 20},
    "goals": ["back-pain-relief", "relaxation"],
    "preferences": {"focus": "either", "pressure_tolerance": 4, "stay_clothed": False},
    "health": {"conditions": [], "anticoagulants": False, "red_flags": []},
}


@pytest.fixture(autouse=True)
def _assessed_yesterday(setup, client_user):
    """The setup's assessment dates from the day before NOW, so the ones saved at NOW are newer."""
    SavedAssessment.objects.filter(client=client_user).update(created_at=NOW - dt.timedelta(days=1))


def intake(**health) -> dict:
    return {**HEALTHY, "health": {**HEALTHY["health"], **health}}


def book(setup, client, start):
    booking, _ = services.booking_create(
        client=client, service=setup["service"], start=start, now=NOW, therapist=setup["ben"]
    )
    return booking


def status_of(booking) -> str:
    return Booking.objects.get(pk=booking.pk).status


def test_a_red_flag_in_a_new_assessment_holds_every_upcoming_session(setup, client_user):
    """Noor has two sessions booked, then reports saddle numbness in a new assessment."""
    first, second = book(setup, client_user, at(1, 10)), book(setup, client_user, at(8, 10))
    assessment_save(client=client_user, intake=intake(red_flags=["saddle-numbness"]), now=NOW)
    for booking in (first, second):
        row = Booking.objects.get(pk=booking.pk)
        assert row.status == BookingStatus.PENDING and row.needs_clearance
        assert [h["code"] for h in row.safety["holds"]] == ["safety_refer"]
        assert BookingEvent.objects.filter(booking=row, kind="held").count() == 1


def test_a_new_condition_needing_clearance_holds_the_sessions(setup, client_user, staff_user):
    """Omar reports a heart condition after booking; staff record the cardiologist's letter."""
    booking = book(setup, client_user, at(1, 10))
    assessment_save(client=client_user, intake=intake(conditions=["heart-condition"]), now=NOW)
    row = Booking.objects.get(pk=booking.pk)
    assert row.status == BookingStatus.PENDING
    assert "heart-condition" in row.safety["holds"][0]["reason"]
    services.booking_record_clearance(booking=row, by=staff_user, now=NOW, note="Cardiologist ok")
    assert status_of(booking) == BookingStatus.CONFIRMED
    # Screening the same answers again holds nothing: the session's snapshot lists what its
    # clearance was recorded for.
    assert bookings_rescreen(client=client_user, now=NOW) == []


def test_an_unchanged_assessment_holds_nothing(setup, client_user):
    booking = book(setup, client_user, at(1, 10))
    assessment_save(client=client_user, intake=HEALTHY, now=NOW)
    assert status_of(booking) == BookingStatus.CONFIRMED
    assert not BookingEvent.objects.filter(kind="held").exists()


def test_past_and_cancelled_sessions_and_other_clients_are_left_alone(
    setup, client_user, other_client_user
):
    make_assessment(other_client_user)
    theirs = book(setup, other_client_user, at(1, 11))
    cancelled = book(setup, client_user, at(2, 10))
    services.booking_cancel(booking=cancelled, by=client_user, now=NOW)
    assessment_save(client=client_user, intake=intake(red_flags=["saddle-numbness"]), now=NOW)
    assert status_of(theirs) == BookingStatus.CONFIRMED
    assert status_of(cancelled) == BookingStatus.CANCELLED


def test_a_programs_sessions_are_held_with_it(setup, client_user):
    """Zoe books a ten-week program, then reports a clot in her leg (refer)."""
    from tests.apps.programs.conftest import request_for

    program, _ = programs.program_book(client=client_user, request=request_for(setup), now=NOW)
    assessment_save(client=client_user, intake=intake(red_flags=["suspected-dvt"]), now=NOW)
    statuses = set(
        ProgramSession.objects.filter(program=program).values_list("booking__status", flat=True)
    )
    assert statuses == {BookingStatus.PENDING}


def test_a_pending_session_already_held_is_not_held_twice(setup, client_user):
    booking = book(setup, client_user, at(1, 10))
    red = intake(red_flags=["saddle-numbness"])
    assessment_save(client=client_user, intake=red, now=NOW)
    assessment_save(client=client_user, intake=red, now=NOW)
    assert BookingEvent.objects.filter(booking=booking, kind="held").count() == 1
