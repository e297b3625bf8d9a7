"""Recurring series (programs): occurrence instants and a check of EVERY occurrence.

A series repeats a LOCAL wall-clock time: a weekly 18:00 session in New York is 23:00Z
in winter and 22:00Z in summer. Each occurrence after the first is resolved per RFC 5545
§3.3.5: an ambiguous reading (fall-back night) means its first occurrence, a nonexistent
reading (spring-forward gap) is read with the offset before the gap, i.e. moved forward
by the gap length (a daily 02:30 session is held at 03:30 on a 02:00 -> 03:00 night).

``check_series`` is pure: it judges every occurrence against the free ranges it is given
(never only the first few, the Cal.com #15997 failure), and offers alternatives for the
conflicting ones from the slots it is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from ._checks import require_aware, require_positive, to_utc
from ._wallclock import resolve_local
from .slots import nearest_in_sorted, require_sorted_slots
from .time_ranges import TimeRange, find_containing, overlaps_any, require_normalized
from .types import ServiceSpec, Slot

_DAY = timedelta(days=1)


def occurrences(
    first_start: datetime, tz: ZoneInfo, every: timedelta, count: int
) -> list[datetime]:
    """Return ``count`` UTC start instants repeating the local wall time of ``first_start``.

    The first element is ``first_start`` itself (in UTC). Occurrence ``i`` is the local
    date of ``first_start`` plus ``i * every`` at the same wall-clock time in ``tz``,
    resolved with the RFC 5545 rule described in the module docstring.

    Args:
        first_start: aware first start; its wall time is its reading in ``tz``.
        tz: the zone whose wall clock the series follows.
        every: whole number of days, e.g. ``timedelta(weeks=1)`` or ``timedelta(days=14)``.
        count: number of occurrences, ``>= 1``.

    Example:
        ``occurrences(datetime(2026, 3, 2, 18, tzinfo=NY), NY, timedelta(weeks=1), 2)``
        is ``[2026-03-02 23:00Z, 2026-03-09 22:00Z]``.

    Raises:
        ValueError: naive ``first_start``, ``every`` not a positive whole number of days,
            or ``count < 1``.
    """
    require_aware(first_start, "first_start")
    require_positive(every, "every")
    if every % _DAY:
        raise ValueError(f"every must be a whole number of days, got {every}")
    if count < 1:
        raise ValueError(f"count must be >= 1, got {count}")
    local = first_start.astimezone(tz).replace(tzinfo=None)
    starts = [first_start.astimezone(UTC)]
    starts.extend(resolve_local(tz, local + i * every) for i in range(1, count))
    return starts


class OccurrenceStatus(StrEnum):
    """Outcome of checking one occurrence."""

    OK = "ok"
    CONFLICT = "conflict"


@dataclass(frozen=True, slots=True)
class OccurrenceCheck:
    """The verdict on one occurrence of a series.

    Attributes:
        index: position in the series, 0-based.
        start: UTC start of the appointment (buffers not included).
        end: UTC end of the appointment.
        status: ``OK`` or ``CONFLICT``.
        alternatives: for conflicts, the nearest offered slots (nearest first); empty for OK.
    """

    index: int
    start: datetime
    end: datetime
    status: OccurrenceStatus
    alternatives: tuple[Slot, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the occurrence can be booked as requested."""
        return self.status is OccurrenceStatus.OK


def check_series(
    starts: Sequence[datetime],
    service: ServiceSpec,
    free: Sequence[TimeRange],
    *,
    slots: Sequence[Slot] = (),
    alternatives: int = 3,
) -> list[OccurrenceCheck]:
    """Judge every occurrence of a series and propose alternatives for the conflicts.

    An occurrence starting at ``s`` is OK when ``service.occupied(s)`` (buffers included)
    lies inside one range of ``free`` and does not overlap the occupied range of an
    earlier OK occurrence of the same series; otherwise it is a CONFLICT. For each
    conflict, up to ``alternatives`` slots from ``slots`` are proposed, nearest to ``s``
    first (ties: earlier first), skipping slots that would collide with an OK occurrence.
    Two conflicts may be offered the same alternative; booking one re-checks the other.

    Args:
        starts: strictly increasing aware instants, e.g. from ``occurrences``.
        service: duration and buffers of the booked service.
        free: normalized UTC free time covering the whole series (bookings already
            subtracted), e.g. from ``free_ranges``.
        slots: candidate alternatives sorted by start, e.g. from ``generate_slots``.
        alternatives: how many alternatives per conflict, ``>= 0``.

    Cost: O(f + a + n log f + c * (log a + visited)) for f free ranges, a slots, n
    occurrences and c conflicts.

    Raises:
        ValueError: naive or non-increasing ``starts``, ``free`` not normalized, unsorted
            ``slots`` or negative ``alternatives``.
    """
    require_normalized(free, "free")
    require_sorted_slots(slots)
    if alternatives < 0:
        raise ValueError(f"alternatives must be >= 0, got {alternatives}")
    # UTC first: Python compares and subtracts two datetimes of one ZoneInfo by their
    # wall-clock readings, ignoring fold, which is wrong on DST nights.
    instants = [to_utc(start, f"starts[{index}]") for index, start in enumerate(starts)]
    if any(left >= right for left, right in zip(instants, instants[1:], strict=False)):
        raise ValueError("starts must be strictly increasing")

    fits: list[bool] = []
    booked: list[TimeRange] = []  # occupied ranges of OK occurrences, sorted, non-overlapping
    for start in instants:
        needed = service.occupied(start)
        # Equal lengths and increasing starts: only the latest OK occurrence can overlap.
        ok = find_containing(free, needed) is not None and not (
            booked and booked[-1].overlaps(needed)
        )
        fits.append(ok)
        if ok:
            booked.append(needed)

    def clear_of_series(slot: Slot) -> bool:
        return not overlaps_any(booked, service.occupied(slot.start))

    results: list[OccurrenceCheck] = []
    for index, (start, ok) in enumerate(zip(instants, fits, strict=True)):
        end = start + service.duration
        if ok:
            results.append(OccurrenceCheck(index, start, end, OccurrenceStatus.OK))
        else:
            options = tuple(nearest_in_sorted(slots, start, alternatives, clear_of_series))
            results.append(OccurrenceCheck(index, start, end, OccurrenceStatus.CONFLICT, options))
    return results
