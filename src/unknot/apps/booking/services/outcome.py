"""Ending a booking: cancel it, mark it completed or no-show, record its clearance.

These lock only the booking's row: they free time or change a status, and place nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from unknot.apps.booking.errors import PolicyRefusal
from unknot.apps.booking.models import Booking, BookingStatus
from unknot.apps.booking.services import checks
from unknot.domain import scheduling as s


def booking_cancel(
    *, booking: Booking, by, now: dt.datetime, reason: str = "", notify: bool = True
) -> Booking:
    """Cancel an upcoming booking. Inside the practice's cut-off it is recorded as late.

    ``notify=False`` sends no ``booking_changed`` signal (the caller announces the change).

    Raises:
        PolicyRefusal: the booking is not pending/confirmed or has already started.
    """
    with transaction.atomic():
        booking = Booking.objects.select_for_update().select_related("practice").get(pk=booking.pk)
        if booking.status not in (BookingStatus.PENDING, BookingStatus.CONFIRMED):
            raise PolicyRefusal(
                f"A {booking.get_status_display().lower()} booking cannot be cancelled.",
                code="not_cancellable",
            )
        cutoff = dt.timedelta(hours=booking.practice.cancellation_cutoff_hours)
        try:
            outcome = s.cancellation_outcome(now, booking.starts_at, cutoff)
        except s.TooLateToCancel as error:
            raise PolicyRefusal(
                "This session has already started and can no longer be cancelled.",
                code="too_late_to_cancel",
            ) from error
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
        booking.cancelled_by = by
        booking.cancellation_reason = reason[:300]
        booking.late_cancellation = outcome == s.CancellationOutcome.LATE
        booking.sequence += 1
        booking.save(
            update_fields=[
                "status",
                "cancelled_at",
                "cancelled_by",
                "cancellation_reason",
                "late_cancellation",
                "sequence",
                "updated_at",
            ]
        )
        checks.event(
            booking, "cancelled", by=by, at=now, late=booking.late_cancellation, reason=reason
        )
        if notify:
            transaction.on_commit(lambda: checks.after_commit("cancelled", booking))
    return booking


def _set_outcome(*, booking: Booking, by, now: dt.datetime, status: str) -> Booking:
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status != BookingStatus.CONFIRMED:
            raise PolicyRefusal(
                "Only a confirmed session can be marked completed or no-show.",
                code="wrong_status",
            )
        if now < booking.starts_at:
            raise PolicyRefusal("The session has not started yet.", code="not_started")
        booking.status = status
        booking.save(update_fields=["status", "updated_at"])
        checks.event(booking, status, by=by, at=now)
    return booking


def booking_mark_completed(*, booking: Booking, by, now: dt.datetime) -> Booking:
    return _set_outcome(booking=booking, by=by, now=now, status=BookingStatus.COMPLETED)


def booking_mark_no_show(*, booking: Booking, by, now: dt.datetime) -> Booking:
    return _set_outcome(booking=booking, by=by, now=now, status=BookingStatus.NO_SHOW)


def booking_record_clearance(*, booking: Booking, by, now: dt.datetime, note: str) -> Booking:
    """Staff record the medical clearance a pending booking waited for; it becomes confirmed."""
    if not note.strip():
        raise PolicyRefusal("Say what clearance was received.", code="clearance_note_required")
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status != BookingStatus.PENDING or not booking.needs_clearance:
            raise PolicyRefusal("This booking is not waiting for clearance.", code="wrong_status")
        booking.status = BookingStatus.CONFIRMED
        booking.clearance_recorded_at = now
        booking.clearance_recorded_by = by
        booking.clearance_note = note
        booking.sequence += 1
        booking.save()
        checks.event(booking, "clearance_recorded", by=by, at=now, note=note)
        transaction.on_commit(lambda: checks.after_commit("confirmed", booking))
    return booking
