"""Booking emails and their calendar files, parsed back with icalendar, field by field."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from tests.apps.notifications.conftest import DOMAIN, NOW, at, calendars, the_calendar
from tests.factories import make_assessment
from unknot.apps.booking import services as booking_services
from unknot.apps.booking.models import BookingStatus
from unknot.apps.notifications.models import DeliveryStatus, SentNotification

pytestmark = pytest.mark.django_db


def event_of(message):
    calendar = the_calendar(message)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_confirmation_email_carries_a_full_calendar_request(setup, book, client_user):
    booking = book(at(1, 10))
    (message,) = mail.outbox
    assert message.to == [client_user.email]
    assert (
        message.subject == "Your appointment at Test Practice on Tuesday 1 December 2026 is booked"
    )
    assert message.reply_to == ["hello@testpractice.example"]
    assert "Garden room" in message.body and "10:00 (GMT)" in message.body

    calendar, event = event_of(message)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(event["UID"]) == f"{booking.uid}@{DOMAIN}"
    assert event["SEQUENCE"] == 0
    assert event["DTSTAMP"].dt == NOW.astimezone(dt.UTC)
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event["DTEND"].params["TZID"] == "Europe/London"
    assert event.start == at(1, 10) and event.start.tzinfo.key == "Europe/London"
    assert event.end == at(1, 11)
    (timezone_component,) = calendar.walk("VTIMEZONE")
    assert str(timezone_component["TZID"]) == "Europe/London"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["ORGANIZER"]) == "mailto:hello@testpractice.example"
    assert event["ORGANIZER"].params["CN"] == "Test Practice"
    assert str(event["ATTENDEE"]) == f"mailto:{client_user.email}"
    assert str(event["LOCATION"]) == "1 Test Street, London N1 1AA · Room: Garden room"
    assert str(event["SUMMARY"]) == "Appointment at Test Practice"
    assert "<strong>booked</strong>" in message.alternatives[0][0]
    record = SentNotification.objects.get()
    assert (record.object_uid, record.kind, record.sequence) == (booking.uid, "booking_created", 0)
    assert record.status == DeliveryStatus.SENT and record.recipient == client_user.email


def test_reschedule_and_cancel_update_the_same_event(setup, book, change, client_user):
    booking = book(at(1, 10))
    change(
        booking_services.booking_reschedule, booking=booking, by=client_user, new_start=at(2, 14)
    )
    change(booking_services.booking_cancel, booking=booking, by=client_user, reason="away")
    created, moved, cancelled = mail.outbox
    assert moved.subject == (
        "Your appointment at Test Practice has moved to Wednesday 2 December 2026"
    )
    assert cancelled.subject == (
        "Your appointment at Test Practice on Wednesday 2 December 2026 is cancelled"
    )

    _, first = event_of(created)
    calendar, second = event_of(moved)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(second["UID"]) == str(first["UID"]) == f"{booking.uid}@{DOMAIN}"
    assert second["SEQUENCE"] > first["SEQUENCE"]
    assert second.start == at(2, 14) and second.end == at(2, 15)

    calendar, third = event_of(cancelled)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert calendars(cancelled)[0][0] == "CANCEL"
    assert str(third["UID"]) == str(first["UID"])
    assert third["SEQUENCE"] > second["SEQUENCE"]
    assert str(third["STATUS"]) == "CANCELLED"
    assert third.start == at(2, 14)
    assert third["ATTENDEE"].params["PARTSTAT"] == "DECLINED"


def test_a_pending_booking_is_tentative_until_clearance_is_confirmed(
    setup, book, change, client_user, staff_user
):
    make_assessment(client_user, health={"conditions": ["heart-condition"]})
    booking = book(at(1, 10))
    assert booking.status == BookingStatus.PENDING
    change(
        booking_services.booking_record_clearance,
        booking=booking,
        by=staff_user,
        note="GP letter received",
    )
    requested, confirmed = mail.outbox
    assert requested.subject == (
        "Your appointment request at Test Practice on Tuesday 1 December 2026"
    )
    assert confirmed.subject == (
        "Your appointment at Test Practice on Tuesday 1 December 2026 is confirmed"
    )
    _, tentative = event_of(requested)
    _, firm = event_of(confirmed)
    assert str(tentative["STATUS"]) == "TENTATIVE"
    assert str(firm["STATUS"]) == "CONFIRMED"
    assert firm["SEQUENCE"] == tentative["SEQUENCE"] + 1
    for message in (requested, confirmed):
        text = (message.subject + message.body + message.alternatives[0][0]).lower()
        for word in ("clearance", "heart", "gp letter", "medical"):
            assert word not in text, word


def test_local_time_is_kept_across_the_clock_change(setup, book, change, client_user):
    """10:00 in London is 10:00 GMT in March before the change and 10:00 BST after it."""
    booking = book(at(22, 10, month=3, year=2027))  # Monday before the clocks go forward
    change(
        booking_services.booking_reschedule,
        booking=booking,
        by=client_user,
        new_start=at(29, 10, month=3, year=2027),  # Monday after: British Summer Time
    )
    before, after = (event_of(m)[1] for m in mail.outbox)
    assert before["DTSTART"].to_ical() == b"20270322T100000"
    assert after["DTSTART"].to_ical() == b"20270329T100000"
    assert before["DTSTART"].params["TZID"] == after["DTSTART"].params["TZID"] == "Europe/London"
    assert before.start.astimezone(dt.UTC).hour == 10
    assert after.start.astimezone(dt.UTC).hour == 9
    assert "10:00 (BST)" in mail.outbox[1].body
    calendar = the_calendar(mail.outbox[1])
    (zone,) = calendar.walk("VTIMEZONE")
    offsets = {str(c["TZOFFSETTO"].to_ical()) for c in zone.walk() if c.name == "DAYLIGHT"}
    assert any("+0100" in o for o in offsets)
    # Any calendar that knows only the file's own VTIMEZONE gets the same instant.
    assert after.start == dt.datetime(2027, 3, 29, 9, 0, tzinfo=dt.UTC)


def test_a_practice_in_another_zone_writes_its_own_zone(setup, book, client_user):
    practice = setup["practice"]
    practice.time_zone = "America/New_York"
    practice.save()
    book(dt.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("America/New_York")))
    calendar, event = event_of(mail.outbox[0])
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event["DTSTART"].to_ical() == b"20261201T100000"
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["America/New_York"]


def test_emails_never_carry_health_details(setup, book, change, client_user):
    make_assessment(client_user, health={"anticoagulants": True})
    booking = book(at(1, 10), client_note="My herniated disc flares when I sit.")
    assert booking.safety["flags"], "the booking carries safety flags for the therapist"
    change(
        booking_services.booking_reschedule, booking=booking, by=client_user, new_start=at(2, 10)
    )
    for message in mail.outbox:
        _, event = event_of(message)
        everything = " ".join(
            [message.subject, message.body, message.alternatives[0][0], event.to_ical().decode()]
        ).lower()
        for secret in ("herniated", "disc", "anticoagul", "pressure", "flag", "blood"):
            assert secret not in everything, secret


def test_a_task_run_twice_sends_once(setup, book):
    from unknot.apps.notifications import tasks

    booking = book(at(1, 10))
    assert len(mail.outbox) == 1
    result = tasks.send_booking_email.enqueue(
        booking_uid=booking.uid, kind="created", sequence=booking.sequence
    )
    assert result.return_value == "skipped: already sent"
    assert len(mail.outbox) == 1
    assert SentNotification.objects.count() == 1


def test_an_email_about_an_old_version_is_not_sent(setup, book, change, client_user):
    from unknot.apps.notifications import tasks

    booking = book(at(1, 10))
    change(
        booking_services.booking_reschedule, booking=booking, by=client_user, new_start=at(2, 10)
    )
    mail.outbox.clear()
    SentNotification.objects.all().delete()
    result = tasks.send_booking_email.enqueue(booking_uid=booking.uid, kind="created", sequence=0)
    assert result.return_value == "skipped: superseded by a later change"
    assert mail.outbox == []


def test_no_email_for_a_change_that_rolls_back(
    setup, client_user, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        booking_services.booking_create(
            client=client_user,
            service=setup["service"],
            start=at(1, 10),
            now=NOW,
            therapist=setup["ben"],
        )
        raise RuntimeError("something later in the request failed")
    assert mail.outbox == []


def test_a_quiet_change_sends_no_email(setup, book, django_capture_on_commit_callbacks):
    """A program moves its sessions with notify=False and sends one email itself."""
    booking = book(at(1, 10))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.booking_reschedule(
            booking=booking, by=booking.client, new_start=at(2, 10), now=NOW, notify=False
        )
    assert mail.outbox == []


def test_no_confirmation_for_a_session_that_has_already_started(setup, book, clock):
    from unknot.apps.notifications import tasks

    booking = book(at(1, 10))
    SentNotification.objects.all().delete()
    mail.outbox.clear()
    clock.move_to(at(1, 10, 5), tick=False)  # a backlog reaches the task after the start
    result = tasks.send_booking_email.enqueue(booking_uid=booking.uid, kind="created", sequence=0)
    assert result.return_value == "skipped: session has started"
    assert mail.outbox == []
