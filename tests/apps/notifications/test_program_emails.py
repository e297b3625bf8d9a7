"""A program is told once: one email listing every session, one file with every VEVENT."""

import datetime as dt

import pytest
from django.core import mail

from tests.apps.notifications.conftest import DOMAIN, NOW, at, calendars, the_calendar
from unknot.apps.notifications.models import SentNotification
from unknot.apps.practices.models import Technique
from unknot.apps.programs import services as program_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(setup, client_user, django_capture_on_commit_callbacks):
    """Ten weekly sessions on Mondays at 10:00 from 8 March 2027: across the clock change."""
    request = program_services.ProgramRequest(
        technique=Technique.objects.get(slug="swedish"),
        duration_minutes=60,
        therapist=setup["ben"],
        first_start=at(8, 10, month=3, year=2027),
        every_days=7,
        count=10,
    )
    with django_capture_on_commit_callbacks(execute=True):
        program, created = program_services.program_book(
            client=client_user, request=request, now=NOW
        )
    assert created
    return program


def test_a_ten_session_program_sends_one_email_with_every_session(program, client_user):
    (message,) = mail.outbox
    assert message.to == [client_user.email]
    assert message.subject == ("Your 10 appointments at Test Practice from Monday 8 March 2027")
    assert message.body.count("Ben Carter · Room: Garden room") == 10
    assert "Monday 29 March 2027, 10:00 (BST)" in message.body
    assert "Monday 22 March 2027, 10:00 (GMT)" in message.body

    calendar = the_calendar(message)
    assert str(calendar["METHOD"]) == "REQUEST"
    events = calendar.walk("VEVENT")
    bookings = list(program.bookings)
    assert [str(e["UID"]) for e in events] == [f"{b.uid}@{DOMAIN}" for b in bookings]
    assert len(events) == 10
    assert {e["DTSTART"].params["TZID"] for e in events} == {"Europe/London"}
    assert {e["DTSTART"].to_ical()[-6:] for e in events} == {b"100000"}, "10:00 local, always"
    assert {e.start.astimezone(dt.UTC).hour for e in events} == {9, 10}
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert {str(e["STATUS"]) for e in events} == {"CONFIRMED"}
    assert SentNotification.objects.filter(kind="program_booked").count() == 1
    assert not SentNotification.objects.filter(kind="booking_created").exists()


def test_moving_one_session_sends_that_sessions_update(
    program, client_user, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = program_services.program_session_reschedule(
            program=program,
            index=2,
            by=client_user,
            new_start=at(23, 15, month=3, year=2027),
            now=NOW,
        )
    (message,) = mail.outbox
    assert message.subject.startswith("Your appointment at Test Practice has moved to")
    event = the_calendar(message).walk("VEVENT")[0]
    assert str(event["UID"]) == f"{moved.uid}@{DOMAIN}"
    assert event["SEQUENCE"] == 1
    assert event.start == at(23, 15, month=3, year=2027)


def test_cancelling_the_rest_sends_one_cancellation_for_all_sessions(
    program, client_user, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = program_services.program_cancel(program=program, by=client_user, now=NOW)
    (message,) = mail.outbox
    assert message.subject == (
        "Your appointments at Test Practice from Monday 8 March 2027 are cancelled"
    )
    ((method, calendar),) = calendars(message)
    assert method == "CANCEL" and str(calendar["METHOD"]) == "CANCEL"
    events = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [f"{b.uid}@{DOMAIN}" for b in cancelled]
    assert {str(e["STATUS"]) for e in events} == {"CANCELLED"}
    assert {e["SEQUENCE"] for e in events} == {1}


def test_an_adjusted_program_sends_one_update_with_raised_sequences(
    program, setup, client_user, django_capture_on_commit_callbacks
):
    setup["practice"].booking_window_days = 365
    setup["practice"].save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        program_services.program_adjust(program=program, by=client_user, now=NOW, every_days=14)
    (message,) = mail.outbox
    assert message.subject == "Your appointments at Test Practice have changed"
    events = the_calendar(message).walk("VEVENT")
    assert len(events) == 10, "the whole new schedule"
    assert events[0]["SEQUENCE"] == 0, "the first session keeps its time"
    assert all(e["SEQUENCE"] == 1 for e in events[1:]), "every moved session is updated"
    starts = [e.start for e in events]
    assert all(b - a == dt.timedelta(days=14) for a, b in zip(starts, starts[1:], strict=False))
    assert message.body.count("Ben Carter · Room: Garden room") == 10
