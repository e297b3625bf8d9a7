"""Wall-clock arithmetic in an IANA zone (private to the scheduling package).

The one idea used everywhere: between two UTC-offset changes a zone is a fixed offset,
so local readings and UTC instants map one to one. ``offset_segments`` cuts a UTC span
at the changes; the callers then do plain fixed-offset arithmetic inside each segment.
That turns DST gaps and overlaps from special cases into ordinary segment boundaries.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from .time_ranges import TimeRange

TICK = timedelta(microseconds=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Real zones change their UTC offset at most once in any day, so probing once per day
# finds every change.
_PROBE = timedelta(days=1)


def offset_at(tz: ZoneInfo, instant: datetime) -> timedelta:
    """Return the UTC offset of ``tz`` in force at the aware ``instant``."""
    offset = instant.astimezone(tz).utcoffset()
    assert offset is not None  # a ZoneInfo always yields an offset for aware input
    return offset


def _first_change(tz: ZoneInfo, before: datetime, after: datetime, offset: timedelta) -> datetime:
    """Binary-search the first instant in ``(before, after]`` whose offset differs from ``offset``.

    Precondition: ``offset_at(before) == offset != offset_at(after)``.
    """
    while after - before > TICK:
        middle = before + (after - before) // 2
        if offset_at(tz, middle) == offset:
            before = middle
        else:
            after = middle
    return after


def offset_segments(
    tz: ZoneInfo, start: datetime, end: datetime
) -> list[tuple[datetime, datetime, timedelta]]:
    """Split the UTC span ``[start, end)`` into maximal ``(seg_start, seg_end, offset)`` pieces.

    Costs one offset lookup per day of span, plus a short binary search per change found.
    """
    segments: list[tuple[datetime, datetime, timedelta]] = []
    seg_start = start
    seg_offset = offset_at(tz, start)
    known = start  # latest instant known to still have seg_offset
    last = end - TICK
    while known < last:
        probe = min(known + _PROBE, last)
        if offset_at(tz, probe) != seg_offset:
            change = _first_change(tz, known, probe, seg_offset)
            segments.append((seg_start, change, seg_offset))
            seg_start, seg_offset = change, offset_at(tz, change)
            known = change  # the rest of this day may hold a second change
        else:
            known = probe
    segments.append((seg_start, end, seg_offset))
    return segments


def _naive_utc(instant: datetime) -> datetime:
    return instant.astimezone(UTC).replace(tzinfo=None)


def _both_folds(local: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    first = local.replace(tzinfo=tz, fold=0).astimezone(UTC)
    second = local.replace(tzinfo=tz, fold=1).astimezone(UTC)
    return min(first, second), max(first, second)


def local_span_to_utc(tz: ZoneInfo, local_start: datetime, local_end: datetime) -> list[TimeRange]:
    """Return the UTC ranges during which a wall clock in ``tz`` reads ``[local_start, local_end)``.

    Both arguments are naive local wall-clock datetimes. The result is exact: readings
    that do not exist (spring-forward gap) cover no instant, and readings that happen
    twice (fall-back overlap) cover both instants. It is at most a few ranges, sorted
    and normalized.
    """
    low, _ = _both_folds(local_start, tz)
    _, high = _both_folds(local_end, tz)
    pieces: list[TimeRange] = []
    if low >= high:
        return pieces
    for seg_start, seg_end, offset in offset_segments(tz, low, high):
        # Inside a segment, reading = naive UTC + offset, so intersect in reading space.
        first = max(local_start, _naive_utc(seg_start) + offset)
        last = min(local_end, _naive_utc(seg_end) + offset)
        if first < last:
            piece = TimeRange(
                (first - offset).replace(tzinfo=UTC), (last - offset).replace(tzinfo=UTC)
            )
            if pieces and pieces[-1].end >= piece.start:
                pieces[-1] = TimeRange(pieces[-1].start, max(pieces[-1].end, piece.end))
            else:
                pieces.append(piece)
    return pieces


def grid_instants(
    tz: ZoneInfo, first: datetime, last: datetime, step: timedelta
) -> Iterator[datetime]:
    """Yield, in order, every UTC instant in ``[first, last]`` whose local reading is on the grid.

    The grid is local midnight plus whole multiples of ``step`` (``step`` divides a day),
    so a 15-minute grid yields readings :00, :15, :30, :45 before and after a DST change,
    skips readings inside a gap and yields both instants of a repeated reading.
    """
    if first > last:
        return
    for seg_start, seg_end, offset in offset_segments(tz, first, last + TICK):
        # (instant + offset - EPOCH) is the local reading counted from local 1970-01-01;
        # local midnights are whole days from it and step divides a day.
        remainder = (seg_start + offset - EPOCH) % step
        instant = seg_start if remainder == timedelta(0) else seg_start + (step - remainder)
        while instant < seg_end:
            yield instant
            instant += step


def resolve_local(tz: ZoneInfo, local: datetime) -> datetime:
    """Return the UTC instant of the naive wall-clock ``local`` in ``tz`` per RFC 5545 §3.3.5.

    An ambiguous reading (fall-back overlap) means its first occurrence; a nonexistent
    reading (spring-forward gap) is read with the offset in force before the gap, which
    moves it forward by the gap length (02:30 on a 02:00→03:00 night becomes 03:30).
    Python's ``fold=0`` implements exactly this rule.
    """
    return local.replace(tzinfo=tz, fold=0).astimezone(UTC)
