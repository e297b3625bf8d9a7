"""Recurring series: local wall time kept across DST, and every occurrence checked."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from unknot.domain.scheduling import (
    BookingRules,
    OccurrenceStatus,
    ServiceSpec,
    Slot,
    TimeRange,
    WeeklyHours,
    busy_from_booking,
    check_series,
    free_ranges,
    generate_slots,
    occurrences,
    working_ranges,
)

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
WEEK = timedelta(weeks=1)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
MIN = timedelta(minutes=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def labels(instants: list[datetime], tz: ZoneInfo) -> list[str]:
    return [f"{i.astimezone(tz):%m-%d %H:%M %Z}" for i in instants]


# --- occurrences ----------------------------------------------------------------------------


def test_weekly_evening_session_keeps_local_time_across_spring_forward() -> None:
    first = datetime(2026, 2, 23, 18, tzinfo=NEW_YORK)  # Monday
    result = occurrences(first, NEW_YORK, WEEK, 4)
    assert result == [
        utc(2026, 2, 23, 23),
        utc(2026, 3, 2, 23),
        utc(2026, 3, 9, 22),
        utc(2026, 3, 16, 22),
    ]
    assert labels(result, NEW_YORK) == [
        "02-23 18:00 EST",
        "03-02 18:00 EST",
        "03-09 18:00 EDT",
        "03-16 18:00 EDT",
    ]
    assert all(i.tzinfo is UTC for i in result)


def test_fortnightly_session_keeps_local_time_across_london_fall_back() -> None:
    first = datetime(2026, 10, 13, 9, 30, tzinfo=LONDON)
    result = occurrences(first, LONDON, 2 * WEEK, 3)
    assert result == [utc(2026, 10, 13, 8, 30), utc(2026, 10, 27, 9, 30), utc(2026, 11, 10, 9, 30)]
    assert labels(result, LONDON)[1] == "10-27 09:30 GMT"


def test_first_start_given_in_another_zone_uses_its_reading_in_tz() -> None:
    first = utc(2026, 3, 28, 17)  # 17:00 GMT in London
    assert labels(occurrences(first, LONDON, DAY, 2), LONDON) == [
        "03-28 17:00 GMT",
        "03-29 17:00 BST",
    ]


def test_nonexistent_wall_time_moves_forward_by_the_gap() -> None:
    first = datetime(2026, 3, 7, 2, 30, tzinfo=NEW_YORK)
    result = occurrences(first, NEW_YORK, DAY, 3)
    assert result == [utc(2026, 3, 7, 7, 30), utc(2026, 3, 8, 7, 30), utc(2026, 3, 9, 6, 30)]
    assert labels(result, NEW_YORK) == ["03-07 02:30 EST", "03-08 03:30 EDT", "03-09 02:30 EDT"]


def test_ambiguous_wall_time_uses_the_first_occurrence() -> None:
    first = datetime(2026, 10, 31, 1, 30, tzinfo=NEW_YORK)
    result = occurrences(first, NEW_YORK, DAY, 3)
    assert result == [utc(2026, 10, 31, 5, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)]
    assert labels(result, NEW_YORK)[1] == "11-01 01:30 EDT"


def test_first_occurrence_is_kept_exactly_even_with_fold_1() -> None:
    first = datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK)  # the EST pass
    assert occurrences(first, NEW_YORK, WEEK, 2) == [
        utc(2026, 11, 1, 6, 30),
        utc(2026, 11, 8, 6, 30),
    ]


@pytest.mark.parametrize(
    ("every", "count", "message"),
    [
        (timedelta(hours=36), 2, "whole number of days"),
        (timedelta(0), 2, "positive"),
        (-WEEK, 2, "negative"),
        (WEEK, 0, "count"),
    ],
)
def test_occurrences_validation(every: timedelta, count: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        occurrences(datetime(2026, 1, 5, 18, tzinfo=LONDON), LONDON, every, count)


def test_occurrences_reject_naive_start() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        occurrences(datetime(2026, 1, 5, 18), LONDON, WEEK, 2)


# --- check_series ---------------------------------------------------------------------------

SERVICE = ServiceSpec(60 * MIN, 10 * MIN, 15 * MIN)
RULES = BookingRules(30 * MIN, timedelta(0), 365 * DAY)
# Mondays 17:00-21:00 in New York, ten weeks from 23 Feb 2026 (crosses 8 Mar).
SERIES_WINDOW = TimeRange(utc(2026, 2, 23), utc(2026, 5, 4))
WEEKLY = [WeeklyHours(0, time(17), time(21))]


def series_setup(
    busy_local_starts: list[datetime],
) -> tuple[list[datetime], list[TimeRange], list[Slot]]:
    starts = occurrences(datetime(2026, 2, 23, 18, tzinfo=NEW_YORK), NEW_YORK, WEEK, 10)
    working = working_ranges(WEEKLY, [], [], NEW_YORK, SERIES_WINDOW)
    busy = [busy_from_booking(s, s + HOUR, timedelta(0), timedelta(0)) for s in busy_local_starts]
    free = free_ranges(working, busy)
    slots = generate_slots(free, SERVICE, RULES, NEW_YORK, utc(2026, 1, 1), SERIES_WINDOW)
    return starts, free, slots


def test_every_occurrence_is_checked_and_the_ninth_conflict_is_reported() -> None:
    ninth = datetime(2026, 4, 20, 18, 30, tzinfo=NEW_YORK)
    starts, free, slots = series_setup([ninth])
    result = check_series(starts, SERVICE, free, slots=slots)
    assert len(result) == 10
    assert [r.status for r in result] == [OccurrenceStatus.OK] * 8 + [OccurrenceStatus.CONFLICT] + [
        OccurrenceStatus.OK
    ]
    assert [r.index for r in result] == list(range(10))
    assert result[8].ok is False and result[9].ok is True
    assert result[8].start == utc(2026, 4, 20, 22) and result[8].end == utc(2026, 4, 20, 23)
    assert all(r.alternatives == () for r in result if r.ok)


def test_conflict_on_the_last_occurrence_is_reported() -> None:
    starts, free, slots = series_setup([datetime(2026, 4, 27, 17, 45, tzinfo=NEW_YORK)])
    result = check_series(starts, SERVICE, free, slots=slots)
    assert [r.ok for r in result] == [True] * 9 + [False]


def test_alternatives_skip_slots_colliding_with_the_series_and_come_nearest_first() -> None:
    # Busy 18:30-19:30 on Monday 20 Apr leaves 17:00-18:30 and 19:30-21:00 free: the 18:00
    # occurrence (needing 17:50-19:15) conflicts, and no slot fits that evening at all.
    # Other Mondays offer 17:30..19:30, but only 19:30 stays clear of their own 18:00
    # occurrence (17:50-19:15), so the alternatives are the neighbouring Mondays at 19:30.
    starts, free, slots = series_setup([datetime(2026, 4, 20, 18, 30, tzinfo=NEW_YORK)])
    result = check_series(starts, SERVICE, free, slots=slots, alternatives=3)
    conflict = result[8]
    assert conflict.status is OccurrenceStatus.CONFLICT
    assert labels([s.start for s in conflict.alternatives], NEW_YORK) == [
        "04-13 19:30 EDT",
        "04-27 19:30 EDT",
        "04-06 19:30 EDT",
    ]


def test_alternative_ties_prefer_the_earlier_slot() -> None:
    wanted = utc(2026, 6, 1, 12)
    free = [TimeRange(utc(2026, 6, 1, 6), utc(2026, 6, 1, 11, 45))]
    slots = [
        Slot(utc(2026, 6, 1, 10), utc(2026, 6, 1, 11)),
        Slot(utc(2026, 6, 1, 14), utc(2026, 6, 1, 15)),
        Slot(utc(2026, 6, 1, 15), utc(2026, 6, 1, 16)),
    ]
    result = check_series([wanted], ServiceSpec(HOUR), free, slots=slots, alternatives=2)
    assert result[0].ok is False
    assert [s.start.hour for s in result[0].alternatives] == [10, 14]


def test_occurrences_of_one_series_may_not_overlap_each_other() -> None:
    free = [TimeRange(utc(2026, 6, 1), utc(2026, 6, 10))]
    service = ServiceSpec(HOUR, 30 * MIN, 30 * MIN)
    starts = [
        utc(2026, 6, 1, 9),
        utc(2026, 6, 1, 10, 30),
        utc(2026, 6, 1, 11, 30),
        utc(2026, 6, 1, 12),
    ]
    # 10:30 needs 10:00-12:00 and meets 09:00 (08:30-10:30): conflict. 11:30 (11:00-13:00)
    # is clear of 09:00, the last OK one, so it is OK; 12:00 then overlaps 11:30.
    result = check_series(starts, service, free)
    assert [r.ok for r in result] == [True, False, True, False]
    assert all(r.alternatives == () for r in result)  # no slots supplied


def test_check_series_validation() -> None:
    free = [TimeRange(utc(2026, 6, 1), utc(2026, 6, 10))]
    service = ServiceSpec(HOUR)
    with pytest.raises(ValueError, match="strictly increasing"):
        check_series([utc(2026, 6, 2), utc(2026, 6, 1)], service, free)
    with pytest.raises(ValueError, match="strictly increasing"):
        check_series([utc(2026, 6, 2), utc(2026, 6, 2)], service, free)
    with pytest.raises(ValueError, match="timezone-aware"):
        check_series([datetime(2026, 6, 2)], service, free)
    with pytest.raises(ValueError, match="merge"):
        check_series([utc(2026, 6, 2)], service, free * 2)
    with pytest.raises(ValueError, match="alternatives"):
        check_series([utc(2026, 6, 2)], service, free, alternatives=-1)
    slots = [Slot(utc(2026, 6, 3), utc(2026, 6, 3, 1)), Slot(utc(2026, 6, 2), utc(2026, 6, 2, 1))]
    with pytest.raises(ValueError, match="sorted"):
        check_series([utc(2026, 6, 2)], service, free, slots=slots)


def test_occurrence_outside_free_time_is_a_conflict_even_far_into_the_series() -> None:
    starts = occurrences(datetime(2026, 1, 5, 10, tzinfo=LONDON), LONDON, WEEK, 52)
    free = [TimeRange(utc(2026, 1, 1), utc(2026, 12, 1))]  # Mondays 7-28 Dec are outside
    result = check_series(starts, ServiceSpec(HOUR), free)
    assert len(result) == 52
    assert [r.index for r in result if not r.ok] == [48, 49, 50, 51]


def test_check_series_orders_local_starts_by_instant_not_wall_clock() -> None:
    # Both read 01:30 in New York on 1 Nov, an hour apart in real time.
    starts = [
        datetime(2026, 11, 1, 1, 30, fold=0, tzinfo=NEW_YORK),
        datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK),
    ]
    free = [TimeRange(utc(2026, 11, 1, 5), utc(2026, 11, 1, 8))]
    result = check_series(starts, ServiceSpec(30 * MIN), free)
    assert [r.ok for r in result] == [True, True]
    assert [r.start for r in result] == [utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 30)]
