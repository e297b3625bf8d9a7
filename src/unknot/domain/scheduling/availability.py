"""From local working hours to free UTC time.

This is the one place where the therapist's wall-clock hours meet real instants, so it
is where DST is handled. The rule is exact and needs no per-case fold choice:

    A local range covers precisely the instants at which a wall clock in ``tz`` shows a
    reading inside the range on that date.

Consequences on transition days (America/New_York, 2026):

* Spring forward (8 Mar, 02:00 -> 03:00): readings 02:00-02:59 never happen. Hours of
  00:00-04:00 are 05:00Z-08:00Z, three real hours. A range starting in the gap starts at
  the transition (02:30-04:00 is 07:00Z-08:00Z); a range wholly inside it is dropped.
* Fall back (1 Nov, 02:00 -> 01:00): readings 01:00-01:59 happen twice. Hours of
  00:00-04:00 are 04:00Z-09:00Z, five real hours. A range starting inside the repeated
  hour covers only readings at or after its start, so 01:30-03:00 is two UTC ranges,
  05:30Z-06:00Z and 06:30Z-08:00Z (01:00-01:30 of the second pass is not working time).
* Hours away from the change (09:00-17:00) keep their usual eight real hours.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from ._wallclock import local_span_to_utc
from .time_ranges import TimeRange, intersect, merge, subtract
from .types import Busy, DateOverride, TimeOff, WeeklyHours, local_bounds

_DAY = timedelta(days=1)


def working_ranges(
    weekly: Iterable[WeeklyHours],
    overrides: Iterable[DateOverride],
    time_off: Iterable[TimeOff],
    tz: ZoneInfo,
    window: TimeRange,
) -> list[TimeRange]:
    """Return the therapist's working time inside ``window`` as a normalized UTC list.

    For each local calendar date touching ``window``, the date's ``DateOverride`` (if
    any) replaces the weekly hours of its weekday; each wall-clock range is converted to
    UTC with the exact DST rule of this module. The result is merged (so Friday
    22:00-24:00 and Saturday 00:00-02:00 become one range), has ``time_off`` removed
    and is clipped to ``window``.

    Args:
        weekly: recurring hours, several per weekday allowed, overlaps merged.
        overrides: at most one per date.
        time_off: absolute spans removed from the result; any order, may overlap.
        tz: the therapist's zone, in which ``weekly`` and ``overrides`` are read.
        window: the UTC span asked about.

    Cost: O(D * h + t log t) for D dates, h ranges per date and t time-off entries.

    Raises:
        ValueError: two overrides for the same date.
    """
    by_weekday: dict[int, list[tuple[time, time]]] = {day: [] for day in range(7)}
    for hours in weekly:
        by_weekday[hours.weekday].append((hours.start, hours.end))
    by_date: dict[date, DateOverride] = {}
    for override in overrides:
        if override.date in by_date:
            raise ValueError(f"more than one DateOverride for {override.date}")
        by_date[override.date] = override

    # One spare date on each side: the local dates of the window's ends are where the
    # window starts and stops, but a zone shifting by a whole day near them (or a midnight
    # transition) must not lose hours. Anything outside is clipped below.
    day = window.start.astimezone(tz).date() - _DAY
    last_day = window.end.astimezone(tz).date() + _DAY
    pieces: list[TimeRange] = []
    while day <= last_day:
        override = by_date.get(day)
        wall = override.ranges if override is not None else by_weekday[day.weekday()]
        for start, end in wall:
            pieces.extend(local_span_to_utc(tz, *local_bounds(day, start, end)))
        day += _DAY

    working = subtract(merge(pieces), merge(entry.range for entry in time_off))
    return intersect(working, [window])


def free_ranges(
    working: Sequence[TimeRange],
    busy: Iterable[Busy],
    room_free: Sequence[TimeRange] | None = None,
) -> list[TimeRange]:
    """Return ``working - busy`` (and ``∩ room_free`` when given) as a normalized UTC list.

    Args:
        working: normalized, e.g. from ``working_ranges``.
        busy: existing bookings already widened by their own buffers (``busy_from_booking``);
            any order, overlaps allowed. Pass only those near the window asked about.
        room_free: normalized free time of the room the service needs, or None when no
            room constraint applies.

    Cost: O(w + b log b + r).

    Raises:
        ValueError: ``working`` or ``room_free`` is not normalized.
    """
    free = subtract(working, merge(entry.range for entry in busy))
    if room_free is not None:
        free = intersect(free, room_free)
    return free
