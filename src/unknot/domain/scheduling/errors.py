"""Domain errors raised by the scheduling core.

The errors carry a stable machine-readable ``code`` so that an outer layer (API, form,
admin action) can translate them without parsing messages. They know nothing about HTTP.
Plain programming mistakes (naive datetimes, negative durations, unsorted inputs) raise
``ValueError`` instead, because no user can fix them.
"""

from __future__ import annotations

from typing import ClassVar


class SchedulingError(Exception):
    """Base class of every scheduling rule violation a user can run into."""

    code: ClassVar[str] = "scheduling_error"


class SlotUnavailable(SchedulingError):
    """The requested start is not free for the whole service plus its buffers, or is off-grid."""

    code: ClassVar[str] = "slot_unavailable"


class OutsideBookingWindow(SchedulingError):
    """The requested start is earlier than the minimum notice or later than the booking window."""

    code: ClassVar[str] = "outside_booking_window"


class TooLateToCancel(SchedulingError):
    """The booking has already started, so it can no longer be cancelled."""

    code: ClassVar[str] = "too_late_to_cancel"


class TooLateToReschedule(SchedulingError):
    """The reschedule cut-off has passed (or the booking has started)."""

    code: ClassVar[str] = "too_late_to_reschedule"
