"""A client's bookings, for export and erasure (registered with ``records.registry``).

Which bookings are clinical records, and so start a practice's retention hold when the
account closes (docs/decisions/0008-account-closure.md):

- a session that took place: ``completed``, or ``confirmed`` and already started (not yet
  marked by the therapist);
- any session with a note (a no-show the therapist wrote up, for instance).

A cancelled session, a no-show without a note and a pending request that never became a
session are not: their health details go at once. Future sessions are cancelled through
:func:`booking_cancel`, so the slot is freed and offered to the waitlist as usual.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from unknot.apps.booking.errors import PolicyRefusal
from unknot.apps.booking.models import Booking, BookingEvent, BookingStatus
from unknot.apps.records.registry import PersonalData, register

CLOSED_REASON = "The client closed their account."
HEALTH_EVENT_KEYS = ("reason", "note")


def _iso(value):
    return value.isoformat() if value is not None else None


def took_place(now: dt.datetime) -> Q:
    """Bookings that are clinical records at ``now`` (see the module's docstring)."""
    return (
        Q(status=BookingStatus.COMPLETED)
        | Q(status=BookingStatus.CONFIRMED, starts_at__lte=now)
        | Q(session_note__isnull=False)
    )


def _history(booking: Booking) -> list[dict]:
    return [
        {"what": e.kind, "at": _iso(e.at), "details": e.data}
        for e in sorted(booking.events.all(), key=lambda e: (e.at, e.pk))
    ]


def export_bookings(user) -> list[dict]:
    qs = (
        Booking.objects.filter(client=user)
        .select_related("practice", "therapist", "technique", "service", "room")
        .prefetch_related("events")
        .order_by("starts_at")
    )
    return [
        {
            "uid": b.uid,
            "practice": b.practice.name,
            "therapist": b.therapist.display_name,
            "technique": b.technique.name,
            "duration_minutes": b.service.duration_minutes,
            "room": b.room.name,
            "starts_at": _iso(b.starts_at),
            "ends_at": _iso(b.ends_at),
            "status": b.status,
            "price": str(b.price),
            "booked_at": _iso(b.created_at),
            "client_note": b.client_note,
            "health_flags_for_therapist": b.safety,
            "needs_clearance": b.needs_clearance,
            "clearance_recorded_at": _iso(b.clearance_recorded_at),
            "clearance_note": b.clearance_note,
            "cancelled_at": _iso(b.cancelled_at),
            "cancellation_reason": b.cancellation_reason,
            "late_cancellation": b.late_cancellation,
            "times_rescheduled": b.reschedule_count,
            "history": _history(b),
        }
        for b in qs
    ]


def booking_practices(user, *, now: dt.datetime) -> set[int]:
    """The practices holding a clinical record of ``user``: a session that took place."""
    held = Booking.objects.filter(took_place(now), client=user)
    return set(held.values_list("practice_id", flat=True))


def _scrub(bookings) -> int:
    for event in BookingEvent.objects.filter(booking__in=bookings):
        if any(k in event.data for k in HEALTH_EVENT_KEYS):
            event.data = {k: v for k, v in event.data.items() if k not in HEALTH_EVENT_KEYS}
            event.save(update_fields=["data"])
    return bookings.update(safety={}, client_note="", clearance_note="", cancellation_reason="")


def erase_booking_health_details(user, *, practice_id, now) -> int:
    """Bookings stay (they are the practice's accounts), without their health details."""
    if practice_id is None:
        return 0
    return _scrub(Booking.objects.filter(client=user, practice_id=practice_id))


def close_bookings(user, *, email: str, now: dt.datetime) -> int:
    """Cancel every session still to come, then blank the sessions that are no clinical record.

    Cancelling goes through :func:`booking_cancel` (its event, its signal: the waitlist is
    offered the slot); a session that has already started is left to the practice.
    """
    from unknot.apps.booking.services import booking_cancel

    upcoming = Booking.objects.filter(
        client=user,
        status__in=(BookingStatus.PENDING, BookingStatus.CONFIRMED),
        starts_at__gt=now,
    ).order_by("starts_at")
    cancelled = 0
    for booking in upcoming:
        try:
            booking_cancel(booking=booking, by=user, now=now, reason=CLOSED_REASON)
        except PolicyRefusal:
            continue
        cancelled += 1
    not_clinical = Booking.objects.filter(client=user).exclude(took_place(now))
    return cancelled + _scrub(not_clinical)


def register_bookings() -> None:
    register(
        PersonalData(
            "bookings",
            "Your sessions",
            export_bookings,
            erase=erase_booking_health_details,
            practices=booking_practices,
            on_close=close_bookings,
            order=20,
            models=("booking.Booking", "booking.BookingEvent"),
            retained=(
                "the health details of the sessions that took place (your notes to the "
                "therapist, health flags and clearance notes)"
            ),
            erased=(
                "the health details of sessions that did not take place (cancelled, missed "
                "without a note, or never confirmed); your upcoming sessions are cancelled, "
                "so that others can book the time"
            ),
            pseudonymised=(
                "the practices' booking records (time, service, price, history), which stay "
                "in their accounts with no name or email address"
            ),
        )
    )
