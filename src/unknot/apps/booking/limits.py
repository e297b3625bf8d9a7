"""What one client may hold: a cap on upcoming sessions, and never two sessions at once.

**The cap.** ``Practice.max_open_bookings_per_client`` (default 8) bounds a client's open
bookings at a practice: pending or confirmed sessions that have not started. A single booking
is refused when the client already holds that many. A program of ``n`` sessions may exceed the
cap up to its own length, but only on its own: it is refused when the client's other open
bookings plus ``n`` exceed ``max(cap, n)``. So a client may hold one long program, or several
bookings within the cap, never a program stacked on other bookings past the cap. Rescheduling
and moving sessions keep the count and are not checked; a waitlist offer books through
``booking_create`` and is.

**One session at a time.** A client is never in two active (pending or confirmed) sessions
that overlap, whoever the therapists. The services check it here for a clear refusal
(``ClientBusy``, 409 ``client_busy``); PostgreSQL enforces it with the exclusion constraint
``booking_no_client_overlap`` (migration ``booking/0004``); on SQLite every write transaction
is IMMEDIATE, so the check here sees every committed booking (decision 0002).

Both checks run inside the booking transaction after ``lock_client``: on PostgreSQL the
client's row is locked, so two bookings of one client (with different therapists, which lock
different therapist rows) queue and the second sees the first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Q

from unknot.apps.booking.errors import BookingLimitReached, ClientBusy
from unknot.apps.booking.models import Booking, BookingStatus

ACTIVE = (BookingStatus.PENDING, BookingStatus.CONFIRMED)

_in_program: ContextVar[bool] = ContextVar("unknot_booking_in_program", default=False)


def lock_client(client_id: int) -> None:
    """Lock the client's row until the transaction ends (PostgreSQL; SQLite serialises)."""
    if connection.vendor == "sqlite":
        return
    user_model = get_user_model()
    list(user_model.objects.select_for_update().filter(pk=client_id).values_list("pk"))


def open_bookings(*, client_id: int, practice_id: int, now: dt.datetime) -> int:
    """The client's upcoming pending or confirmed sessions at the practice."""
    return Booking.objects.filter(
        client_id=client_id, practice_id=practice_id, status__in=ACTIVE, starts_at__gt=now
    ).count()


def check_new_booking(
    *, client_id: int, practice, start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> None:
    """Both checks for one new session, in one query: the cap, then the client's other
    sessions at that time (the cap is skipped inside ``program_booking``)."""
    counts = Booking.objects.filter(client_id=client_id, status__in=ACTIVE).aggregate(
        held=Count("pk", filter=Q(practice_id=practice.pk, starts_at__gt=now)),
        clashes=Count("pk", filter=Q(starts_at__lt=end, ends_at__gt=start)),
    )
    cap = practice.max_open_bookings_per_client
    if not _in_program.get() and counts["held"] >= cap:
        raise _refusal(cap, counts["held"])
    if counts["clashes"]:
        raise _busy()


def _refusal(cap: int, held: int) -> BookingLimitReached:
    return BookingLimitReached(
        f"You already have {held} upcoming sessions booked here, the most this practice "
        f"takes at once ({cap}). Cancel one or book again after your next session.",
        limit=cap,
        open_bookings=held,
    )


@contextmanager
def program_booking(*, client_id: int, practice, sessions: int, now: dt.datetime) -> Iterator[None]:
    """Check a program of ``sessions`` against the cap once; its bookings are not re-counted.

    Call inside the program's transaction: the client stays locked until it ends.
    """
    lock_client(client_id)
    cap = practice.max_open_bookings_per_client
    held = open_bookings(client_id=client_id, practice_id=practice.pk, now=now)
    if held + sessions > max(cap, sessions):
        raise BookingLimitReached(
            f"This program's {sessions} sessions and the {held} upcoming sessions you already "
            f"have here would pass this practice's limit of {cap}. A program may hold more "
            "sessions than that only on its own: cancel the others first or choose fewer "
            "sessions.",
            limit=cap,
            open_bookings=held,
        )
    token = _in_program.set(True)
    try:
        yield
    finally:
        _in_program.reset(token)


def check_client_free(
    *,
    client_id: int,
    start: dt.datetime,
    end: dt.datetime,
    ignore_ids: tuple[int, ...] = (),
    also: Iterable = (),
) -> None:
    """Refuse a session that overlaps another active session of the client.

    ``also`` are sessions not in the database yet (time ranges), as a preview places them.
    """
    if any(other.start < end and start < other.end for other in also):
        raise _busy()
    clash = (
        Booking.objects.filter(
            client_id=client_id, status__in=ACTIVE, starts_at__lt=end, ends_at__gt=start
        )
        .exclude(pk__in=ignore_ids)
        .exists()
    )
    if clash:
        raise _busy()


def _busy() -> ClientBusy:
    return ClientBusy(
        "You already have a session at that time. Choose another time, or move or cancel "
        "the other session first."
    )
