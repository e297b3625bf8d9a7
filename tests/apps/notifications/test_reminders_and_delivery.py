"""Reminders (scheduled, re-checked when they run) and delivery (once, failures retried)."""

import datetime as dt
import io
import smtplib

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command

from tests.apps.notifications.conftest import DOMAIN, at, the_calendar
from tests.factories import make_assessment
from unknot.apps.booking import services as booking_services
from unknot.apps.notifications import services, tasks
from unknot.apps.notifications.models import DeliveryStatus, SentNotification

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def sweep() -> str:
    out = io.StringIO()
    call_command("notifications_sweep", stdout=out)
    return out.getvalue()


def reminders_sent():
    return [m for m in mail.outbox if m.subject.startswith("Reminder:")]


def test_the_reminder_goes_out_at_the_practice_lead_time(setup, book, clock):
    booking = book(at(3, 10))
    clock.move_to(at(2, 10), tick=False)  # 24 hours before, the default lead
    assert (
        tasks.send_booking_reminder.enqueue(
            booking_uid=booking.uid, sequence=booking.sequence
        ).return_value
        == "sent"
    )
    (reminder,) = reminders_sent()
    assert reminder.subject == (
        "Reminder: your appointment at Test Practice on Thursday 3 December 2026"
    )
    assert "on Thursday 3 December 2026 at 10:00 (GMT)" in reminder.body
    event = the_calendar(reminder).walk("VEVENT")[0]
    assert str(event["UID"]) == f"{booking.uid}@{DOMAIN}"
    assert event["SEQUENCE"] == booking.sequence
    record = SentNotification.objects.get(kind="reminder")
    assert record.session_start == booking.starts_at


def test_reminders_never_carry_health_details(setup, book, clock, client_user):
    make_assessment(client_user, health={"anticoagulants": True})
    booking = book(at(3, 10), client_note="Lower back flares after long drives; herniated disc.")
    assert booking.safety["flags"]
    clock.move_to(at(2, 10), tick=False)
    services.reminder_deliver(booking_uid=booking.uid, sequence=0, now=at(2, 10))
    (reminder,) = reminders_sent()
    event = the_calendar(reminder).walk("VEVENT")[0]
    text = " ".join(
        [reminder.subject, reminder.body, reminder.alternatives[0][0], event.to_ical().decode()]
    ).lower()
    for secret in ("herniated", "disc", "drives", "anticoagul", "pressure", "flag", "clearance"):
        assert secret not in text, secret


def test_a_reminder_is_skipped_after_cancelling(setup, book, change, client_user):
    booking = book(at(3, 10))
    change(booking_services.booking_cancel, booking=booking, by=client_user)
    result = services.reminder_deliver(booking_uid=booking.uid, sequence=0, now=at(2, 10))
    assert result == "skipped: booking is cancelled"
    assert reminders_sent() == []


def test_a_reminder_is_skipped_after_a_move_and_the_new_one_is_sent(
    setup, book, change, client_user
):
    booking = book(at(3, 10))
    change(
        booking_services.booking_reschedule, booking=booking, by=client_user, new_start=at(4, 15)
    )
    old = services.reminder_deliver(booking_uid=booking.uid, sequence=0, now=at(2, 10))
    assert old == "skipped: booking changed since"
    assert reminders_sent() == []
    assert services.reminder_deliver(booking_uid=booking.uid, sequence=1, now=at(3, 15)) == "sent"
    (reminder,) = reminders_sent()
    assert "Friday 4 December 2026 at 15:00 (GMT)" in reminder.body


def test_a_reminder_is_sent_once_even_when_run_twice(setup, book):
    booking = book(at(3, 10))
    assert services.reminder_deliver(booking_uid=booking.uid, sequence=0, now=at(2, 10)) == "sent"
    again = services.reminder_deliver(booking_uid=booking.uid, sequence=0, now=at(2, 10, 5))
    assert again == "skipped: already reminded"
    assert len(reminders_sent()) == 1


def test_no_second_reminder_for_the_same_time_after_a_clearance(
    setup, book, change, client_user, staff_user
):
    make_assessment(client_user, health={"conditions": ["heart-condition"]})
    booking = book(at(3, 10))
    assert services.reminder_deliver(booking_uid=booking.uid, sequence=0, now=at(2, 10)) == (
        "skipped: booking is pending"
    )
    change(booking_services.booking_record_clearance, booking=booking, by=staff_user, note="fine")
    assert services.reminder_deliver(booking_uid=booking.uid, sequence=1, now=at(2, 10)) == "sent"
    assert services.reminder_deliver(booking_uid=booking.uid, sequence=1, now=at(2, 11)) == (
        "skipped: already reminded"
    )


def test_a_reminder_is_not_sent_too_early_or_after_the_start(setup, book):
    booking = book(at(3, 10))
    assert services.reminder_deliver(booking_uid=booking.uid, sequence=0, now=at(1, 10)) == (
        "skipped: too early"
    )
    assert services.reminder_deliver(booking_uid=booking.uid, sequence=0, now=at(3, 10, 1)) == (
        "skipped: session has started"
    )
    assert reminders_sent() == []


def test_reminders_are_scheduled_with_run_after(setup, settings, book, change, client_user):
    from django_tasks import default_task_backend

    practice = setup["practice"]
    practice.reminder_lead_hours = 48
    practice.save()
    settings.TASKS = DUMMY_TASKS
    booking = book(at(4, 10))
    change(booking_services.booking_reschedule, booking=booking, by=client_user, new_start=at(7, 9))
    deferred = [
        r for r in default_task_backend.results if r.task.func is tasks.send_booking_reminder.func
    ]
    assert [(r.task.run_after, r.kwargs["sequence"]) for r in deferred] == [
        (at(2, 10), 0),
        (at(5, 9), 1),
    ]
    emails = [
        r for r in default_task_backend.results if r.task.func is tasks.send_booking_email.func
    ]
    assert [(r.kwargs["kind"], r.task.run_after) for r in emails] == [
        ("created", None),
        ("rescheduled", None),
    ]


def test_no_reminder_for_a_session_booked_inside_the_window(setup, settings, book):
    from django_tasks import default_task_backend

    settings.TASKS = DUMMY_TASKS
    book(at(1, 10))  # 26 hours ahead; the reminder time (24 h before) is still to come
    book(at(30, 10, month=11))  # two hours ahead: the confirmation is the reminder
    deferred = [
        r for r in default_task_backend.results if r.task.func is tasks.send_booking_reminder.func
    ]
    assert [r.task.run_after for r in deferred] == [at(1, 10) - dt.timedelta(hours=24)]


# --- delivery: failures, retries, the sweep -----------------------------------------------


@pytest.fixture
def broken_mail(monkeypatch):
    def fail(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("connection lost")

    monkeypatch.setattr(EmailMultiAlternatives, "send", fail)
    return monkeypatch


def test_a_failed_send_is_recorded_and_retried_by_the_sweep(setup, book, broken_mail, clock):
    booking = book(at(3, 10))  # the task fails inside; the booking itself is fine
    assert mail.outbox == []
    record = SentNotification.objects.get()
    assert record.status == DeliveryStatus.FAILED
    assert record.attempts == 1
    assert "connection lost" in record.last_error
    assert record.next_attempt_at == at(30, 8, month=11) + services.RETRY_DELAYS[0]

    broken_mail.undo()
    sweep()
    assert mail.outbox == [], "not yet: the retry time has not come"
    clock.move_to(record.next_attempt_at, tick=False)
    sweep()
    (message,) = mail.outbox
    assert booking.uid in str(the_calendar(message).walk("VEVENT")[0]["UID"])
    record.refresh_from_db()
    assert (record.status, record.attempts) == (DeliveryStatus.SENT, 2)
    sweep()
    assert len(mail.outbox) == 1


def test_a_failing_task_enqueues_its_own_retry(setup, settings, book, broken_mail):
    from django_tasks import default_task_backend

    booking = book(at(3, 10))
    settings.TASKS = DUMMY_TASKS
    with pytest.raises(services.DeliveryFailed):
        tasks.send_booking_email.call(booking_uid=booking.uid, kind="created", sequence=0)
    (retry,) = default_task_backend.results
    record = SentNotification.objects.get()
    assert record.attempts == 2
    assert retry.task.run_after == record.next_attempt_at
    assert retry.kwargs == {"booking_uid": booking.uid, "kind": "created", "sequence": 0}


def test_after_the_last_attempt_it_gives_up_visibly(setup, book, broken_mail):
    booking = book(at(3, 10))
    for _ in range(services.MAX_ATTEMPTS - 1):
        with pytest.raises(services.DeliveryFailed):
            services.booking_email_deliver(
                booking_uid=booking.uid, kind="created", sequence=0, now=at(30, 9, month=11)
            )
    record = SentNotification.objects.get()
    assert record.status == DeliveryStatus.GAVE_UP
    assert record.attempts == services.MAX_ATTEMPTS
    assert record.next_attempt_at is None


def test_a_claim_left_by_a_dead_worker_is_resent_by_the_sweep(setup, book, clock):
    booking = book(at(3, 10))
    mail.outbox.clear()
    SentNotification.objects.update(status=DeliveryStatus.SENDING, sent_at=None)
    sweep()
    assert mail.outbox == [], "a fresh claim belongs to a worker still sending"
    clock.move_to(at(30, 8, month=11) + services.STALE_CLAIM + dt.timedelta(seconds=1), tick=False)
    sweep()
    assert len(mail.outbox) == 1
    assert SentNotification.objects.get().status == DeliveryStatus.SENT
    assert booking.uid in mail.outbox[0].message().as_string()


def test_the_sweep_sends_a_due_reminder_that_was_never_queued(setup, book, clock):
    """The ImmediateBackend cannot defer tasks; the sweep catches the reminder when it is due."""
    booking = book(at(3, 10))
    clock.move_to(at(2, 9), tick=False)
    sweep()
    assert reminders_sent() == []
    clock.move_to(at(2, 10, 1), tick=False)
    sweep()
    sweep()
    (reminder,) = reminders_sent()
    assert booking.uid in reminder.message().as_string()
