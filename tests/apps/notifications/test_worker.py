"""The real pipeline: the database task backend and ``db_worker``, as the demo runs them."""

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from tests.apps.notifications.conftest import NOW, at
from unknot.apps.booking import services as booking_services
from unknot.apps.notifications import tasks

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command(
        "db_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0
    )


def test_the_worker_sends_the_confirmation_now_and_the_reminder_later(
    setup, settings, client_user, clock
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    booking, _ = booking_services.booking_create(
        client=client_user,
        service=setup["service"],
        start=at(3, 10),
        now=NOW,
        therapist=setup["ben"],
    )
    queued = {row.task_path.rsplit(".", 1)[1]: row for row in DBTaskResult.objects.all()}
    assert set(queued) == {"send_booking_email", "send_booking_reminder"}
    assert queued["send_booking_reminder"].run_after == at(2, 10)
    assert mail.outbox == [], "nothing is sent inside the request"

    run_worker()
    assert [m.subject for m in mail.outbox] == [
        "Your appointment at Test Practice on Thursday 3 December 2026 is booked"
    ]
    clock.move_to(at(2, 10), tick=False)
    run_worker()
    assert mail.outbox[-1].subject == (
        "Reminder: your appointment at Test Practice on Thursday 3 December 2026"
    )
    assert len(mail.outbox) == 2
    assert {row.status for row in DBTaskResult.objects.all()} == {"SUCCESSFUL"}
    assert booking.uid in mail.outbox[-1].message().as_string()


def test_a_failed_send_comes_back_as_a_deferred_retry(
    setup, settings, client_user, monkeypatch, clock
):
    import smtplib

    from django.core.mail import EmailMultiAlternatives

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def fail(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("connection lost")

    monkeypatch.setattr(EmailMultiAlternatives, "send", fail)
    booking, _ = booking_services.booking_create(
        client=client_user,
        service=setup["service"],
        start=at(3, 10),
        now=NOW,
        therapist=setup["ben"],
    )
    run_worker()
    email_rows = DBTaskResult.objects.filter(task_path=tasks.send_booking_email.module_path)
    statuses = sorted((row.status, row.run_after) for row in email_rows)
    assert statuses[0][0] == "FAILED"
    assert statuses[1][0] == "READY" and statuses[1][1] > NOW, "the retry waits its turn"
    assert mail.outbox == []

    monkeypatch.undo()  # the mail server is back
    clock.move_to(statuses[1][1], tick=False)
    run_worker()
    (message,) = mail.outbox
    assert booking.uid in message.message().as_string()
