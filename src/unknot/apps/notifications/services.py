"""Writes: send an email exactly once, record failures for a retry, manage calendar feeds.

Every send goes through ``deliver``:

1. *claim* the (object uid, kind, sequence) row in ``SentNotification`` in a short
   transaction; a row already ``sent``, or being sent by another worker right now, means there
   is nothing to do;
2. build and send the email outside any transaction;
3. mark the row ``sent``; or, if sending raised, mark it ``failed`` with the error and when to
   try again, and raise ``DeliveryFailed`` so the task is recorded as failed and retried.

A worker that dies between 2 and 3 leaves a ``sending`` row; after ``STALE_CLAIM`` the sweep
sends it again. That is the one case where an email can go out twice; no case loses one.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction

from unknot.apps.booking.models import Booking, BookingStatus
from unknot.apps.notifications import compose
from unknot.apps.notifications import programs as program_adapter
from unknot.apps.notifications.emails import Email
from unknot.apps.notifications.models import (
    CalendarFeed,
    DeliveryStatus,
    NotificationKind,
    SentNotification,
)

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
RETRY_DELAYS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=15),
    dt.timedelta(hours=1),
    dt.timedelta(hours=4),
)
STALE_CLAIM = dt.timedelta(minutes=15)
REMINDER_EARLY_TOLERANCE = dt.timedelta(minutes=10)

BOOKING_KINDS = {
    "created": NotificationKind.BOOKING_CREATED,
    "rescheduled": NotificationKind.BOOKING_RESCHEDULED,
    "cancelled": NotificationKind.BOOKING_CANCELLED,
    "confirmed": NotificationKind.BOOKING_CONFIRMED,
}
PROGRAM_KINDS = {
    "booked": NotificationKind.PROGRAM_BOOKED,
    "cancelled": NotificationKind.PROGRAM_CANCELLED,
    "adjusted": NotificationKind.PROGRAM_ADJUSTED,
}
BOOKING_RELATIONS = ("practice", "client", "therapist", "room", "service", "technique")


class DeliveryFailed(Exception):
    """Sending raised; the row records the error and ``retry_at`` says when to try again."""

    def __init__(self, record: SentNotification) -> None:
        super().__init__(f"sending {record} failed: {record.last_error}")
        self.record = record
        self.retry_at = record.next_attempt_at if record.status == DeliveryStatus.FAILED else None


def _retry_delay(attempts: int) -> dt.timedelta:
    return RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]


def _claim(
    *,
    object_uid: str,
    kind: str,
    sequence: int,
    now: dt.datetime,
    practice_id: int | None,
    task_args: dict,
    session_start: dt.datetime | None,
) -> SentNotification | None:
    """Take the right to send this email, or None when it is sent or being sent."""
    try:
        with transaction.atomic():
            record, created = SentNotification.objects.select_for_update().get_or_create(
                object_uid=object_uid,
                kind=kind,
                sequence=sequence,
                defaults={
                    "practice_id": practice_id,
                    "task_args": task_args,
                    "session_start": session_start,
                    "status": DeliveryStatus.SENDING,
                    "claimed_at": now,
                    "attempts": 1,
                },
            )
            if created:
                return record
            if record.status == DeliveryStatus.SENT:
                return None
            if record.status == DeliveryStatus.SENDING and record.claimed_at > now - STALE_CLAIM:
                return None
            record.status = DeliveryStatus.SENDING
            record.claimed_at = now
            record.attempts += 1
            record.save(update_fields=["status", "claimed_at", "attempts"])
            return record
    except IntegrityError:
        # Another worker created the row between our read and our insert: it is theirs.
        return None


def deliver(
    *,
    object_uid: str,
    kind: str,
    sequence: int,
    build: Callable[[], Email],
    now: dt.datetime,
    practice_id: int | None = None,
    task_args: dict | None = None,
    session_start: dt.datetime | None = None,
) -> str:
    """Send the email ``build`` makes, once per (object_uid, kind, sequence).

    Returns "sent" or "skipped: already sent". Raises DeliveryFailed when sending fails.
    """
    record = _claim(
        object_uid=object_uid,
        kind=kind,
        sequence=sequence,
        now=now,
        practice_id=practice_id,
        task_args=task_args or {},
        session_start=session_start,
    )
    if record is None:
        return "skipped: already sent"
    try:
        email = build()
        record.recipient = email.to
        email.to_message().send(fail_silently=False)
    except Exception as error:
        record.status = (
            DeliveryStatus.FAILED if record.attempts < MAX_ATTEMPTS else DeliveryStatus.GAVE_UP
        )
        record.last_error = f"{type(error).__name__}: {error}"[:2000]
        record.next_attempt_at = (
            now + _retry_delay(record.attempts) if record.status == DeliveryStatus.FAILED else None
        )
        record.save(update_fields=["status", "last_error", "next_attempt_at", "recipient"])
        log.warning("notification %s failed (attempt %s): %s", record, record.attempts, error)
        raise DeliveryFailed(record) from error
    record.status = DeliveryStatus.SENT
    record.sent_at = now
    record.next_attempt_at = None
    record.save(update_fields=["status", "sent_at", "next_attempt_at", "recipient"])
    return "sent"


# --- bookings -----------------------------------------------------------------------------


def _booking(uid: str) -> Booking | None:
    return Booking.objects.select_related(*BOOKING_RELATIONS).filter(uid=uid).first()


CLOSED_ACCOUNT = "skipped: the client's account is closed (no address is kept)"


def booking_email_deliver(*, booking_uid: str, kind: str, sequence: int, now: dt.datetime) -> str:
    """The email for one committed change of one booking.

    Skipped when the booking has changed again since (its newer email carries the current
    state and a higher SEQUENCE), when the change no longer holds, or when the session has
    already started.
    """
    if kind not in BOOKING_KINDS:
        return f"skipped: unknown kind {kind}"
    booking = _booking(booking_uid)
    if booking is None:
        return "skipped: no such booking"
    if booking.sequence != sequence:
        return "skipped: superseded by a later change"
    if kind == "cancelled" and booking.status != BookingStatus.CANCELLED:
        return "skipped: not cancelled"
    if kind != "cancelled" and booking.status == BookingStatus.CANCELLED:
        return "skipped: cancelled since"
    if kind != "cancelled" and booking.starts_at <= now:
        # A backlog (or a booking entered after the fact) must not announce a past session.
        return "skipped: session has started"
    if not booking.client.is_active:
        return CLOSED_ACCOUNT
    return deliver(
        object_uid=booking.uid,
        kind=BOOKING_KINDS[kind],
        sequence=sequence,
        build=lambda: compose.booking_email(booking, kind=kind, now=now),
        now=now,
        practice_id=booking.practice_id,
        task_args={
            "task": "send_booking_email",
            "kwargs": {"booking_uid": booking.uid, "kind": kind, "sequence": sequence},
        },
    )


def reminder_due_at(booking: Booking) -> dt.datetime:
    return booking.starts_at - dt.timedelta(hours=booking.practice.reminder_lead_hours)


def reminder_wanted(booking: Booking, *, now: dt.datetime) -> bool:
    """A reminder is worth scheduling only if it would go out after the latest email.

    A booking made or moved inside the reminder window has just had its email; a second
    one minutes later would be noise.
    """
    if booking.status not in (BookingStatus.PENDING, BookingStatus.CONFIRMED):
        return False
    return reminder_due_at(booking) > now


def already_reminded(booking: Booking) -> bool:
    return SentNotification.objects.filter(
        object_uid=booking.uid,
        kind=NotificationKind.REMINDER,
        status=DeliveryStatus.SENT,
        session_start=booking.starts_at,
    ).exists()


def reminder_deliver(*, booking_uid: str, sequence: int, now: dt.datetime) -> str:
    """Send the reminder if it still applies: re-checked when the task runs.

    Skipped when the booking is gone, cancelled, not (or no longer) confirmed, moved or
    otherwise changed since it was scheduled (a new reminder was scheduled with the change),
    already started, or already reminded of this start time.
    """
    booking = _booking(booking_uid)
    if booking is None:
        return "skipped: no such booking"
    if booking.status != BookingStatus.CONFIRMED:
        return f"skipped: booking is {booking.status}"
    if booking.sequence != sequence:
        return "skipped: booking changed since"
    if now >= booking.starts_at:
        return "skipped: session has started"
    if now < reminder_due_at(booking) - REMINDER_EARLY_TOLERANCE:
        return "skipped: too early"
    if already_reminded(booking):
        return "skipped: already reminded"
    return deliver(
        object_uid=booking.uid,
        kind=NotificationKind.REMINDER,
        sequence=sequence,
        build=lambda: compose.reminder_email(booking, now=now),
        now=now,
        practice_id=booking.practice_id,
        session_start=booking.starts_at,
        task_args={
            "task": "send_booking_reminder",
            "kwargs": {"booking_uid": booking.uid, "sequence": sequence},
        },
    )


# --- programs -----------------------------------------------------------------------------


def program_email_deliver(
    *, program_uid: str, kind: str, revision: int, now: dt.datetime, booking_uids=()
) -> str:
    """One email for a whole program change, listing every session it concerns.

    ``booking_uids`` are the sessions the change touched (all of the program's when empty);
    an ``adjusted`` email lists the program's whole upcoming schedule.
    The email shows their state when it is sent, with their current SEQUENCE, so a later
    change to one session only ever makes the calendar newer. ``revision`` (the program's at
    the change) keys the log: the same change is never emailed twice.
    """
    if kind not in PROGRAM_KINDS:
        return f"skipped: unknown kind {kind}"
    program = program_adapter.program_by_uid(program_uid)
    if program is None:
        return "skipped: no such program"
    bookings = program_adapter.program_bookings(program)
    if booking_uids:
        wanted = set(booking_uids)
        if kind == "adjusted":
            # The whole schedule as it now stands: the moved sessions and the ones that stay.
            bookings = [
                b
                for b in bookings
                if b.uid in wanted or (b.is_upcoming_and_active and b.starts_at >= now)
            ]
        else:
            bookings = [b for b in bookings if b.uid in wanted]
    client = program_adapter.program_client(program, bookings)
    if client is None or not bookings:
        return "skipped: no sessions"
    if not client.is_active:
        return CLOSED_ACCOUNT
    email = compose.program_email(
        program=program, kind=kind, client=client, bookings=bookings, now=now
    )
    if email is None:
        return "skipped: nothing to tell"
    return deliver(
        object_uid=program_uid,
        kind=PROGRAM_KINDS[kind],
        sequence=revision,
        build=lambda: email,
        now=now,
        practice_id=bookings[0].practice_id,
        task_args={
            "task": "send_program_email",
            "kwargs": {
                "program_uid": program_uid,
                "kind": kind,
                "revision": revision,
                "booking_uids": list(booking_uids),
            },
        },
    )


# --- questions ----------------------------------------------------------------------------


def question_email_deliver(*, question_uid: str, kind: str, now: dt.datetime) -> str:
    """``asked`` goes to the therapist, ``answered`` to the person who asked."""
    from unknot.apps.questions.selectors import asker_link, question_by_uid

    question = question_by_uid(question_uid)
    if question is None:
        return "skipped: no such question"
    if kind == "asked":
        build = lambda: compose.question_asked_email(question)  # noqa: E731
        note_kind = NotificationKind.QUESTION_ASKED
    elif kind == "answered":
        if not question.answer:
            return "skipped: not answered"
        link = asker_link(question)
        build = lambda: compose.question_answered_email(question, link=link)  # noqa: E731
        note_kind = NotificationKind.QUESTION_ANSWERED
    else:
        return f"skipped: unknown kind {kind}"
    return deliver(
        object_uid=question.uid,
        kind=note_kind,
        sequence=0,
        build=build,
        now=now,
        practice_id=question.therapist.practice_id,
        task_args={
            "task": "send_question_email",
            "kwargs": {"question_uid": question.uid, "kind": kind},
        },
    )


# --- calendar feeds -----------------------------------------------------------------------


def calendar_feed_issue(*, user, now: dt.datetime) -> CalendarFeed:
    """A new feed address for ``user``; any earlier address stops working at once."""
    with transaction.atomic():
        CalendarFeed.objects.select_for_update().filter(user=user, revoked_at__isnull=True).update(
            revoked_at=now
        )
        return CalendarFeed.objects.create(user=user, created_at=now)


def calendar_feed_revoke(*, user, now: dt.datetime) -> int:
    """Turn ``user``'s feed off; returns how many addresses stopped working (0 or 1)."""
    with transaction.atomic():
        return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=now
        )


def calendar_feed_show_names(*, user, show: bool) -> int:
    """Choose full client names (``show``) or initials for ``user``'s active feed."""
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        show_client_names=show
    )


def calendar_feed_fetched(*, feed: CalendarFeed, now: dt.datetime) -> None:
    """Note when a calendar app last read the feed (at most once a minute, to spare writes)."""
    if feed.last_fetched_at is None or now - feed.last_fetched_at > dt.timedelta(minutes=1):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=now)
