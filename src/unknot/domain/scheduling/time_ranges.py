"""Half-open UTC time ranges and a linear-time algebra over sorted lists of them.

A *normalized* list is sorted by start and its ranges neither overlap nor touch (each
range ends strictly before the next one starts). ``merge`` produces normalized lists from
anything; ``intersect`` and ``subtract`` require normalized inputs, walk them with two
pointers in O(n + m) and return normalized lists. They raise ``ValueError`` when an input
is not normalized, because a silently wrong availability answer is worse than a crash.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ._checks import ZERO, require_aware, require_non_negative


@dataclass(frozen=True, slots=True, order=True)
class TimeRange:
    """The half-open interval of instants ``[start, end)``.

    Both ends must be timezone-aware; they are converted to UTC on construction, so two
    ranges naming the same instants compare equal whatever zone they were built in.
    Ranges order by ``(start, end)``.

    Raises:
        ValueError: if an end is naive or ``start >= end`` (empty ranges do not exist).
    """

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        start, end = self.start, self.end
        if (
            type(start) is datetime
            and type(end) is datetime
            and start.tzinfo is UTC
            and end.tzinfo is UTC
        ):
            # The common case (database values, results of the algebra): already UTC.
            if self.start >= self.end:
                raise ValueError(f"TimeRange needs start < end, got [{self.start}, {self.end})")
            return
        require_aware(self.start, "start")
        require_aware(self.end, "end")
        if self.start.tzinfo is not UTC:
            object.__setattr__(self, "start", self.start.astimezone(UTC))
        if self.end.tzinfo is not UTC:
            object.__setattr__(self, "end", self.end.astimezone(UTC))
        if self.start >= self.end:
            raise ValueError(f"TimeRange needs start < end, got [{self.start}, {self.end})")

    @property
    def duration(self) -> timedelta:
        """Real elapsed time between start and end (DST changes do not distort it)."""
        return self.end - self.start

    def overlaps(self, other: TimeRange) -> bool:
        """Return True if the two ranges share at least one instant (touching is not overlap)."""
        return self.start < other.end and other.start < self.end

    def contains(self, other: TimeRange | datetime) -> bool:
        """Return True if ``other`` (a range or an aware instant) lies entirely inside this one.

        An instant equal to ``end`` is outside, as the range is half-open.
        """
        if isinstance(other, TimeRange):
            return self.start <= other.start and other.end <= self.end
        require_aware(other, "other")
        return self.start <= other < self.end

    def widen(self, before: timedelta, after: timedelta) -> TimeRange:
        """Return ``[start - before, end + after)``, e.g. a booking plus its buffers.

        Raises:
            ValueError: if ``before`` or ``after`` is negative.
        """
        require_non_negative(before, "before")
        require_non_negative(after, "after")
        return TimeRange(self.start - before, self.end + after)


def is_normalized(ranges: Sequence[TimeRange]) -> bool:
    """Return True if ``ranges`` is sorted and each range ends strictly before the next starts."""
    return all(left.end < right.start for left, right in zip(ranges, ranges[1:], strict=False))


def require_normalized(ranges: Sequence[TimeRange], name: str) -> None:
    if not is_normalized(ranges):
        raise ValueError(f"{name} must be sorted, non-overlapping and non-touching; use merge()")


def merge(ranges: Iterable[TimeRange]) -> list[TimeRange]:
    """Return the normalized union of ``ranges`` (any order, overlaps allowed).

    Overlapping and touching ranges are coalesced: ``[9:00, 10:00)`` and ``[10:00, 11:00)``
    become ``[9:00, 11:00)``. O(n log n) for the sort, then linear.
    """
    result: list[TimeRange] = []
    for current in sorted(ranges):
        if result and current.start <= result[-1].end:
            last = result[-1]
            if current.end > last.end:
                result[-1] = TimeRange(last.start, current.end)
        else:
            result.append(current)
    return result


def intersect(a: Sequence[TimeRange], b: Sequence[TimeRange]) -> list[TimeRange]:
    """Return the instants present in both normalized lists, as a normalized list.

    O(len(a) + len(b)).

    Raises:
        ValueError: if ``a`` or ``b`` is not normalized.
    """
    require_normalized(a, "a")
    require_normalized(b, "b")
    result: list[TimeRange] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start = max(a[i].start, b[j].start)
        end = min(a[i].end, b[j].end)
        if start < end:
            result.append(TimeRange(start, end))
        # Drop whichever range finishes first; the other may still meet later ranges.
        if a[i].end < b[j].end:
            i += 1
        else:
            j += 1
    return result


def subtract(a: Sequence[TimeRange], b: Sequence[TimeRange]) -> list[TimeRange]:
    """Return the instants of normalized ``a`` that are not in normalized ``b``.

    O(len(a) + len(b)): each range of ``b`` is skipped for good once it ends before the
    part of ``a`` still being cut, and at most one range of ``b`` per range of ``a`` is
    looked at twice.

    Raises:
        ValueError: if ``a`` or ``b`` is not normalized.
    """
    require_normalized(a, "a")
    require_normalized(b, "b")
    result: list[TimeRange] = []
    j = 0
    for piece in a:
        cursor = piece.start
        while j < len(b) and b[j].end <= cursor:
            j += 1
        k = j
        while k < len(b) and b[k].start < piece.end:
            if b[k].start > cursor:
                result.append(TimeRange(cursor, b[k].start))
            cursor = b[k].end  # b is normalized, so this only moves forward
            if cursor >= piece.end:
                break
            k += 1
        if cursor < piece.end:
            result.append(TimeRange(cursor, piece.end))
    return result


def total_duration(ranges: Iterable[TimeRange]) -> timedelta:
    """Sum of the durations (meaningful for normalized lists, where nothing is counted twice)."""
    return sum((r.duration for r in ranges), ZERO)


def find_containing(ranges: Sequence[TimeRange], target: TimeRange) -> TimeRange | None:
    """Return the range of normalized ``ranges`` that contains ``target`` entirely, or None.

    O(log n) with bisect; the caller guarantees ``ranges`` is normalized (not re-checked,
    as that would cost O(n)).
    """
    index = bisect_right(ranges, target.start, key=lambda r: r.start) - 1
    if index >= 0 and ranges[index].contains(target):
        return ranges[index]
    return None


def overlaps_any(ranges: Sequence[TimeRange], target: TimeRange) -> bool:
    """Return True if ``target`` overlaps any range of normalized ``ranges``. O(log n)."""
    # The only candidate is the last range starting before target ends.
    index = bisect_left(ranges, target.end, key=lambda r: r.start) - 1
    return index >= 0 and ranges[index].end > target.start


class BusyIndex:
    """Busy time of one resource from raw (start, end) pairs: "is it free for this range?".

    For hot paths that read many rows and ask few questions: the pairs are merged once into two
    parallel lists of instants, without building a ``TimeRange`` per row, and each question is
    one bisection. Pairs must be aware datetimes with ``start < end`` (database rows whose check
    constraints guarantee it); overlapping or touching pairs are merged.
    """

    __slots__ = ("starts", "ends")

    def __init__(self, pairs: Iterable[tuple[datetime, datetime]]) -> None:
        self.starts: list[datetime] = []
        self.ends: list[datetime] = []
        for start, end in sorted(pairs):
            if self.ends and start <= self.ends[-1]:
                if end > self.ends[-1]:
                    self.ends[-1] = end
            else:
                self.starts.append(start)
                self.ends.append(end)

    def is_free(self, target: TimeRange) -> bool:
        """True if no busy range overlaps ``target`` (touching is not overlapping)."""
        index = bisect_right(self.ends, target.start)  # first busy range ending after the start
        return index == len(self.starts) or self.starts[index] >= target.end

    def ranges(self) -> list[TimeRange]:
        return [TimeRange(start, end) for start, end in zip(self.starts, self.ends, strict=True)]
