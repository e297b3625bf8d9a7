"""Signal receivers: booking, program and question changes become queued emails.

Connected in ``NotificationsConfig.ready``. Each receiver only enqueues, and only once the
change is committed (``transaction.on_commit``): a rolled-back change sends nothing.
Enqueueing failures are logged, never raised into the request that made the change.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext

from django.db import transaction
from django.utils import timezone

from unknot.apps.notifications import programs as program_adapter
from unknot.apps.notifications import services, tasks

log = logging.getLogger(__name__)

REMINDED_AFTER = {"created", "rescheduled", "confirmed"}
SESSION_KINDS = {"session_rescheduled": "rescheduled", "session_cancelled": "cancelled"}


def on_booking_changed(sender, *, kind: str, booking, **kwargs) -> None:
    """One email per change, and a reminder for every change that sets a session time.

    A program's sessions send no ``booking_changed`` (their services run with
    ``notify=False``): the program announces them once, through ``program_changed``.
    """
    if kind not in services.BOOKING_KINDS:
        return
    uid, sequence = booking.uid, booking.sequence

    def enqueue() -> None:
        remind_at = None
        if kind in REMINDED_AFTER:
            remind_at = tasks.reminder_run_after(booking, now=timezone.now())
        # Everything is decided above; below, only the task rows are written.
        with _one_commit():
            tasks.send_booking_email.enqueue(booking_uid=uid, kind=kind, sequence=sequence)
            if remind_at is not None:
                tasks.send_booking_reminder.using(run_after=remind_at).enqueue(
                    booking_uid=uid, sequence=sequence
                )

    transaction.on_commit(enqueue, robust=True)


def _one_commit():
    """One transaction for a change's task rows: one durable commit instead of one per row.

    Only where enqueueing just stores the task (a backend that can defer, like the database
    backend); the ImmediateBackend of the tests runs each task inside ``enqueue``, and an email
    sent inside a transaction must not hang on the fate of the rows after it.
    """
    if tasks.send_booking_email.get_backend().supports_defer:
        return transaction.atomic()
    return nullcontext()


def on_program_changed(sender, *, kind: str, program, bookings=None, **kwargs) -> None:
    """A program's change, told once: its sessions were booked with ``notify=False``.

    ``booked``, ``cancelled`` and ``adjusted`` become one email listing every session
    concerned, with one calendar file holding all their VEVENTs. A change to one session
    (``session_rescheduled``, ``session_cancelled``) gets that session's usual email. Every
    session booked or moved gets its own reminder.
    """
    if kind not in services.PROGRAM_KINDS and kind not in SESSION_KINDS:
        return
    given = list(bookings) if bookings is not None else None

    def enqueue() -> None:
        everything = program_adapter.program_bookings(program)
        touched = given if given is not None else everything
        if kind in SESSION_KINDS:
            for booking in touched:
                tasks.send_booking_email.enqueue(
                    booking_uid=booking.uid, kind=SESSION_KINDS[kind], sequence=booking.sequence
                )
        else:
            tasks.send_program_email.enqueue(
                program_uid=program.uid,
                kind=kind,
                revision=program_adapter.program_revision(program, everything),
                booking_uids=[b.uid for b in touched],
            )
        if kind in ("booked", "adjusted", "session_rescheduled"):
            now = timezone.now()
            current = {b.pk: b for b in everything}
            for booking in touched:
                tasks.enqueue_reminder(current.get(booking.pk, booking), now=now)

    transaction.on_commit(enqueue, robust=True)


def on_question_changed(sender, *, kind: str, question, **kwargs) -> None:
    if kind not in ("asked", "answered"):
        return
    uid = question.uid
    transaction.on_commit(
        lambda: tasks.send_question_email.enqueue(question_uid=uid, kind=kind), robust=True
    )


def connect() -> None:
    from unknot.apps.booking.signals import booking_changed
    from unknot.apps.questions.signals import question_changed

    booking_changed.connect(on_booking_changed, dispatch_uid="notifications.booking_changed")
    question_changed.connect(on_question_changed, dispatch_uid="notifications.question_changed")
    try:
        from unknot.apps.programs.signals import program_changed
    except ImportError:  # pragma: no cover - the programs app ships its signal
        log.warning("unknot.apps.programs.signals is missing: program emails are off")
    else:
        program_changed.connect(on_program_changed, dispatch_uid="notifications.program_changed")
