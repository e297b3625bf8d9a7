"""One booking policy: may this booking still be cancelled or moved, and is a cancellation late?

Pages, the API and the services read the same answer, so the rule and its message are written
once. The arithmetic is the pure core's (``domain.scheduling.policies``); this module adds the
booking's status and its practice's cut-off.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from unknot.apps.booking.models import BookingStatus
from unknot.domain import scheduling as s

ACTIVE_STATUSES = (BookingStatus.PENDING, BookingStatus.CONFIRMED)


@dataclass(frozen=True)
class BookingPolicy:
    """What the client may still do with one booking at one instant."""

    active: bool
    started: bool
    can_cancel: bool
    late: bool
    can_reschedule: bool
    cutoff_hours: int

    @property
    def cancel_terms(self) -> str:
        """The sentence shown before a cancellation is confirmed."""
        if not self.can_cancel:
            return "This session can no longer be cancelled."
        if self.late:
            return (
                f"This is less than {self.cutoff_hours} hours before the session, so the "
                "cancellation will be recorded as late."
            )
        return f"Cancelling now is free: it is more than {self.cutoff_hours} hours before."


def booking_policy(booking, now: dt.datetime) -> BookingPolicy:
    """The policy of ``booking`` at ``now`` under its practice's cancellation cut-off."""
    hours = booking.practice.cancellation_cutoff_hours
    cutoff = dt.timedelta(hours=hours)
    active = booking.status in ACTIVE_STATUSES
    started = now >= booking.starts_at
    return BookingPolicy(
        active=active,
        started=started,
        can_cancel=active and not started,
        late=active and not started and booking.starts_at - now < cutoff,
        can_reschedule=active and s.can_reschedule(now, booking.starts_at, cutoff),
        cutoff_hours=hours,
    )
