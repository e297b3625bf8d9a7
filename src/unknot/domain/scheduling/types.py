"""Value objects of the scheduling core: hours, exceptions, busy time, services, rules, slots.

Local wall-clock values (``WeeklyHours``, ``DateOverride``) are naive ``time``s read in the
therapist's zone; everything that names an instant (``TimeOff``, ``Busy``, ``Slot``) is an
aware datetime stored in UTC. Durations are ``timedelta``.

Midnight convention: an *end* of ``time(0)`` means 24:00, the midnight that closes the
day, so ``WeeklyHours(4, time(18), time(0))`` is Friday 18:00 until Saturday 00:00. A
start of ``time(0)`` is the midnight that opens the day. Hours never cross midnight: write
Friday 22:00-24:00 plus Saturday 00:00-02:00; touching ranges are merged into one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeAlias

from ._checks import require_aware, require_non_negative, require_positive, to_utc
from .time_ranges import TimeRange

ResourceId: TypeAlias = str | int | None
MIDNIGHT = dt.time(0)
_DAY = dt.timedelta(days=1)


def _check_wall_range(start: dt.time, end: dt.time) -> None:
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, dt.time):
            raise TypeError(f"{name} must be a datetime.time, got {type(value).__name__}")
        if value.tzinfo is not None:
            raise ValueError(f"{name} is a local wall-clock time and must be naive, got {value}")
    if end != MIDNIGHT and start >= end:
        raise ValueError(f"hours need start < end (end 00:00 means midnight), got {start}-{end}")


def local_bounds(day: dt.date, start: dt.time, end: dt.time) -> tuple[dt.datetime, dt.datetime]:
    """Return the naive local datetimes of the wall range ``start``-``end`` on ``day``.

    An ``end`` of 00:00 becomes midnight at the end of ``day``.
    """
    local_start = dt.datetime.combine(day, start)
    if end == MIDNIGHT:
        return local_start, dt.datetime.combine(day + _DAY, MIDNIGHT)
    return local_start, dt.datetime.combine(day, end)


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """One recurring working range on a weekday, in the therapist's local wall time.

    ``weekday`` follows ``date.weekday()``: 0 = Monday ... 6 = Sunday. A weekday may have
    several entries (e.g. 09:00-12:00 and 13:00-17:00). ``end == time(0)`` means midnight
    at the end of the day; ``time(0)-time(0)`` is the whole day.

    Raises:
        ValueError: weekday outside 0..6, aware times, or ``start >= end`` (other than the
            midnight end).
    """

    weekday: int
    start: dt.time
    end: dt.time

    def __post_init__(self) -> None:
        if isinstance(self.weekday, bool) or self.weekday not in range(7):
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {self.weekday!r}")
        _check_wall_range(self.start, self.end)


@dataclass(frozen=True, slots=True)
class DateOverride:
    """Replaces the weekly hours of one local calendar ``date``.

    Either ``closed=True`` with no ranges (a day off), or ``closed=False`` with at least
    one ``(start, end)`` pair of local wall times (same midnight convention as
    ``WeeklyHours``). Time off and bookings still apply on top of an override.

    Raises:
        ValueError: closed with ranges, open without ranges, or an invalid pair.
    """

    date: dt.date
    ranges: tuple[tuple[dt.time, dt.time], ...] = ()
    closed: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "ranges", tuple(tuple(pair) for pair in self.ranges))
        if self.closed and self.ranges:
            raise ValueError("a closed DateOverride cannot have ranges")
        if not self.closed and not self.ranges:
            raise ValueError("an open DateOverride needs at least one range; use closed=True")
        for start, end in self.ranges:
            _check_wall_range(start, end)


@dataclass(frozen=True, slots=True)
class TimeOff:
    """An absolute span (UTC) when the therapist is unavailable: holiday, sick leave, training."""

    range: TimeRange


@dataclass(frozen=True, slots=True)
class Busy:
    """Time already taken by an existing booking, INCLUDING that booking's own buffers.

    Build it with ``busy_from_booking`` so the widening is never forgotten.
    """

    range: TimeRange


def busy_from_booking(
    start: dt.datetime,
    end: dt.datetime,
    buffer_before: dt.timedelta,
    buffer_after: dt.timedelta,
) -> Busy:
    """Return the time an existing booking blocks: ``[start - buffer_before, end + buffer_after)``.

    ``start``/``end`` are the aware instants of the treatment itself; the buffers are the
    ones of the booked service (preparation before, clean-up after).

    Raises:
        ValueError: naive datetimes, ``start >= end`` or negative buffers.
    """
    return Busy(TimeRange(start, end).widen(buffer_before, buffer_after))


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """What a booking of a service occupies: the treatment plus buffers around it.

    A booking starting at ``s`` needs ``[s - buffer_before, s + duration + buffer_after)``
    free; the client-visible appointment is ``[s, s + duration)``.

    Raises:
        ValueError: ``duration`` not positive or a negative buffer.
    """

    duration: dt.timedelta
    buffer_before: dt.timedelta = dt.timedelta(0)
    buffer_after: dt.timedelta = dt.timedelta(0)

    def __post_init__(self) -> None:
        require_positive(self.duration, "duration")
        require_non_negative(self.buffer_before, "buffer_before")
        require_non_negative(self.buffer_after, "buffer_after")

    def occupied(self, start: dt.datetime) -> TimeRange:
        """Return the range a booking starting at aware ``start`` needs free, buffers included."""
        start = to_utc(start, "start")
        return TimeRange(start - self.buffer_before, start + self.duration + self.buffer_after)


@dataclass(frozen=True, slots=True)
class BookingRules:
    """When clients may book, relative to the injected ``now``.

    Attributes:
        slot_step: spacing of candidate starts on the LOCAL clock, counted from local
            midnight; it must divide 24 hours (5, 10, 15, 20, 30, 45, 60, 90 min ...).
        min_notice: a start must be at least this far after ``now`` (inclusive).
        booking_window: a start may be at most this far after ``now`` (inclusive).

    Raises:
        ValueError: non-positive or non-dividing ``slot_step``, negative ``min_notice``,
            non-positive ``booking_window`` or ``booking_window < min_notice``.
    """

    slot_step: dt.timedelta
    min_notice: dt.timedelta
    booking_window: dt.timedelta

    def __post_init__(self) -> None:
        require_positive(self.slot_step, "slot_step")
        if _DAY % self.slot_step:
            raise ValueError(f"slot_step must divide 24 hours evenly, got {self.slot_step}")
        require_non_negative(self.min_notice, "min_notice")
        require_positive(self.booking_window, "booking_window")
        if self.booking_window < self.min_notice:
            raise ValueError("booking_window must not be shorter than min_notice")


@dataclass(frozen=True, slots=True)
class Slot:
    """A bookable appointment ``[start, end)`` (UTC, buffers NOT included) for a resource.

    ``resource_id`` identifies the therapist (or room) it belongs to; None when the caller
    computes for a single resource.
    """

    start: dt.datetime
    end: dt.datetime
    resource_id: ResourceId = None

    def __post_init__(self) -> None:
        require_aware(self.start, "start")
        require_aware(self.end, "end")
        if self.start.tzinfo is not dt.UTC:
            object.__setattr__(self, "start", self.start.astimezone(dt.UTC))
        if self.end.tzinfo is not dt.UTC:
            object.__setattr__(self, "end", self.end.astimezone(dt.UTC))
        if self.start >= self.end:
            raise ValueError(f"Slot needs start < end, got [{self.start}, {self.end})")

    @property
    def range(self) -> TimeRange:
        """The appointment itself as a ``TimeRange`` (without buffers)."""
        return TimeRange(self.start, self.end)
