"""Background tasks (django-tasks) that send the emails, and the helpers that enqueue them.

The database backend (django-tasks-db) runs them in ``unknot db_worker``; the tests use the
ImmediateBackend, which runs them at once. django-tasks has no retry of its own, so a task
whose send fails records the failure, enqueues itself again with ``run_after`` (backing off)
and re-raises, so the failed attempt shows as FAILED in the task results. ``unknot
notifications_sweep`` is the backstop: it re-enqueues due retries and due reminders whose
task was lost (see docs/decisions/0004-notification-delivery.md).

Every task takes only uids and numbers and re-reads the database when it runs.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

from unknot.apps.notifications import services

log = logging.getLogger(__name__)


def _retry_later(task_obj, failure: services.DeliveryFailed, kwargs: dict) -> None:
    if failure.retry_at is None or not task_obj.get_backend().supports_defer:
        return
    task_obj.using(run_after=failure.retry_at).enqueue(**kwargs)


def _run(task_obj, deliver, **kwargs) -> str:
    try:
        return deliver(now=timezone.now(), **kwargs)
    except services.DeliveryFailed as failure:
        _retry_later(task_obj, failure, kwargs)
        raise


@task()
def send_booking_email(*, booking_uid: str, kind: str, sequence: int) -> str:
    """Confirmation, move, cancellation or clearance-confirmed email for one booking."""
    return _run(
        send_booking_email,
        services.booking_email_deliver,
        booking_uid=booking_uid,
        kind=kind,
        sequence=sequence,
    )


@task()
def send_booking_reminder(*, booking_uid: str, sequence: int) -> str:
    """The reminder before a session; checks again that it still applies."""
    return _run(
        send_booking_reminder,
        services.reminder_deliver,
        booking_uid=booking_uid,
        sequence=sequence,
    )


@task()
def send_program_email(
    *, program_uid: str, kind: str, revision: int, booking_uids: list[str] | None = None
) -> str:
    """One email for a whole program: every session listed, every VEVENT in one file."""
    return _run(
        send_program_email,
        services.program_email_deliver,
        program_uid=program_uid,
        kind=kind,
        revision=revision,
        booking_uids=booking_uids or [],
    )


@task()
def send_question_email(*, question_uid: str, kind: str) -> str:
    """A new question to the therapist, or the answer to the asker."""
    return _run(
        send_question_email, services.question_email_deliver, question_uid=question_uid, kind=kind
    )


TASKS = {
    "send_booking_email": send_booking_email,
    "send_booking_reminder": send_booking_reminder,
    "send_program_email": send_program_email,
    "send_question_email": send_question_email,
}


# --- enqueueing ---------------------------------------------------------------------------


def reminder_run_after(booking, *, now: dt.datetime) -> dt.datetime | None:
    """When the reminder for ``booking`` should run, or None when none is to be scheduled.

    None when no reminder is wanted, or when the backend cannot defer tasks (the
    ImmediateBackend): then the sweep sends it when it is due.
    """
    if not services.reminder_wanted(booking, now=now):
        return None
    if not send_booking_reminder.get_backend().supports_defer:
        return None
    return services.reminder_due_at(booking)


def enqueue_reminder(booking, *, now: dt.datetime) -> bool:
    """Schedule the reminder for ``booking`` at its lead time before the session."""
    run_after = reminder_run_after(booking, now=now)
    if run_after is None:
        return False
    send_booking_reminder.using(run_after=run_after).enqueue(
        booking_uid=booking.uid, sequence=booking.sequence
    )
    return True


def enqueue_from_record(record) -> bool:
    """Enqueue again the task a SentNotification row came from (used by the sweep)."""
    spec = record.task_args or {}
    task_obj = TASKS.get(spec.get("task", ""))
    if task_obj is None:
        log.error("cannot resend %s: no task recorded", record)
        return False
    task_obj.enqueue(**spec.get("kwargs", {}))
    return True
