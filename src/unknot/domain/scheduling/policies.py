"""Cancellation and reschedule cut-offs as pure predicates.

The cut-off is measured in real elapsed time between ``now`` and the booking's start, so
a 24-hour cut-off across a DST change is 24 real hours, not "same wall time yesterday".
Being exactly at the cut-off counts as in time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from ._checks import require_non_negative, to_utc
from .errors import TooLateToCancel, TooLateToReschedule


class CancellationOutcome(StrEnum):
    """How a cancellation is recorded; compares equal to the strings ``"free"``/``"late"``."""

    FREE = "free"
    LATE = "late"


def _lead_time(now: datetime, start: datetime, cutoff: timedelta) -> timedelta:
    require_non_negative(cutoff, "cutoff")
    # In UTC: between two datetimes of one ZoneInfo Python subtracts wall-clock readings.
    return to_utc(start, "start") - to_utc(now, "now")


def cancellation_outcome(now: datetime, start: datetime, cutoff: timedelta) -> CancellationOutcome:
    """Classify a client's cancellation made at ``now`` of a booking starting at ``start``.

    Returns ``FREE`` when ``start - now >= cutoff`` and ``LATE`` when the booking is less
    than ``cutoff`` away. Late cancellations are allowed and recorded (a fee or a no-show
    policy may follow); they are not refused.

    Raises:
        TooLateToCancel: the booking has started (``now >= start``).
        ValueError: naive datetimes or negative ``cutoff``.
    """
    lead = _lead_time(now, start, cutoff)
    if lead <= timedelta(0):
        raise TooLateToCancel(f"the booking started at {start}; it can no longer be cancelled")
    return CancellationOutcome.FREE if lead >= cutoff else CancellationOutcome.LATE


def can_reschedule(now: datetime, start: datetime, cutoff: timedelta) -> bool:
    """Return True if a booking starting at ``start`` may still be moved at ``now``.

    True exactly when the booking has not started and ``start - now >= cutoff``.

    Raises:
        ValueError: naive datetimes or negative ``cutoff``.
    """
    lead = _lead_time(now, start, cutoff)
    return lead > timedelta(0) and lead >= cutoff


def ensure_can_reschedule(now: datetime, start: datetime, cutoff: timedelta) -> None:
    """Raise unless ``can_reschedule(now, start, cutoff)``.

    Raises:
        TooLateToReschedule: the cut-off has passed or the booking has started.
        ValueError: naive datetimes or negative ``cutoff``.
    """
    if not can_reschedule(now, start, cutoff):
        raise TooLateToReschedule(f"the booking at {start} can no longer be rescheduled")
