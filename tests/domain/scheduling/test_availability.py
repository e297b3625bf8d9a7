"""Working hours to UTC (DST included), overrides, time off and free time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unknot.domain.scheduling import (
    Busy,
    DateOverride,
    TimeOff,
    TimeRange,
    WeeklyHours,
    busy_from_booking,
    free_ranges,
    total_duration,
    working_ranges,
)

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
MINUTE = timedelta(minutes=1)
SUN = 6


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def span(start: datetime, end: datetime) -> TimeRange:
    return TimeRange(start, end)


def day_window(day: date, tz: ZoneInfo) -> TimeRange:
    """A window generously around the local ``day`` (results are clipped to it anyway)."""
    start = datetime.combine(day, time(0), tzinfo=tz) - timedelta(hours=12)
    return TimeRange(start, start + timedelta(hours=48))


def local_labels(ranges: list[TimeRange], tz: ZoneInfo) -> list[str]:
    fmt = "%m-%d %H:%M %Z"
    return [f"{r.start.astimezone(tz):{fmt}} - {r.end.astimezone(tz):{fmt}}" for r in ranges]


def hours_on(day: date, tz: ZoneInfo, *pairs: tuple[time, time]) -> list[TimeRange]:
    weekly = [WeeklyHours(day.weekday(), start, end) for start, end in pairs]
    return working_ranges(weekly, [], [], tz, day_window(day, tz))


# --- plain weeks ---------------------------------------------------------------------


def test_several_ranges_per_weekday_in_summer_time() -> None:
    weekly = [
        WeeklyHours(0, time(9), time(12)),
        WeeklyHours(0, time(13), time(17)),
        WeeklyHours(2, time(14), time(20)),
    ]
    window = TimeRange(utc(2026, 6, 1), utc(2026, 6, 8))  # Monday to Monday
    assert working_ranges(weekly, [], [], LONDON, window) == [
        span(utc(2026, 6, 1, 8), utc(2026, 6, 1, 11)),
        span(utc(2026, 6, 1, 12), utc(2026, 6, 1, 16)),
        span(utc(2026, 6, 3, 13), utc(2026, 6, 3, 19)),
    ]


def test_overlapping_weekly_entries_are_merged() -> None:
    assert hours_on(date(2026, 1, 12), LONDON, (time(9), time(12)), (time(11), time(14))) == [
        span(utc(2026, 1, 12, 9), utc(2026, 1, 12, 14))
    ]


def test_midnight_end_closes_the_day_and_joins_the_next_morning() -> None:
    weekly = [WeeklyHours(4, time(22), time(0)), WeeklyHours(5, time(0), time(2))]
    window = TimeRange(utc(2026, 1, 16), utc(2026, 1, 18))  # Friday 16 Jan, winter: UTC = GMT
    assert working_ranges(weekly, [], [], LONDON, window) == [
        span(utc(2026, 1, 16, 22), utc(2026, 1, 17, 2))
    ]


def test_midnight_to_midnight_is_the_whole_day() -> None:
    assert hours_on(date(2026, 1, 14), NEW_YORK, (time(0), time(0))) == [
        span(utc(2026, 1, 14, 5), utc(2026, 1, 15, 5))
    ]


def test_window_clips_the_hours() -> None:
    weekly = [WeeklyHours(0, time(9), time(17))]
    window = TimeRange(utc(2026, 1, 12, 11), utc(2026, 1, 12, 13, 30))
    assert working_ranges(weekly, [], [], LONDON, window) == [window]


def test_empty_week_gives_nothing() -> None:
    assert working_ranges([], [], [], LONDON, TimeRange(utc(2026, 1, 1), utc(2026, 2, 1))) == []


# --- overrides and time off -------------------------------------------------------------


WEEKDAYS_9_TO_5 = [WeeklyHours(day, time(9), time(17)) for day in range(5)]
WEEK_OF_12_JAN = TimeRange(utc(2026, 1, 12), utc(2026, 1, 17))  # Mon..Fri, London = UTC


def test_closed_override_removes_that_day_only() -> None:
    closed = DateOverride(date(2026, 1, 14), closed=True)
    result = working_ranges(WEEKDAYS_9_TO_5, [closed], [], LONDON, WEEK_OF_12_JAN)
    assert [r.start.day for r in result] == [12, 13, 15, 16]


def test_override_replaces_rather_than_adds_to_weekly_hours() -> None:
    short = DateOverride(date(2026, 1, 14), ((time(7), time(8)), (time(18), time(21))))
    result = working_ranges(WEEKDAYS_9_TO_5, [short], [], LONDON, WEEK_OF_12_JAN)
    assert [r for r in result if r.start.day == 14] == [
        span(utc(2026, 1, 14, 7), utc(2026, 1, 14, 8)),
        span(utc(2026, 1, 14, 18), utc(2026, 1, 14, 21)),
    ]
    assert len(result) == 6


def test_override_can_open_a_day_without_weekly_hours() -> None:
    saturday = DateOverride(date(2026, 1, 17), ((time(10), time(14)),))
    window = TimeRange(utc(2026, 1, 17), utc(2026, 1, 18))
    assert working_ranges(WEEKDAYS_9_TO_5, [saturday], [], LONDON, window) == [
        span(utc(2026, 1, 17, 10), utc(2026, 1, 17, 14))
    ]


def test_time_off_cuts_partial_and_whole_days_and_may_overlap() -> None:
    time_off = [
        TimeOff(span(utc(2026, 1, 12, 11), utc(2026, 1, 12, 13))),
        TimeOff(span(utc(2026, 1, 12, 12), utc(2026, 1, 12, 14))),
        TimeOff(span(utc(2026, 1, 14, 0), utc(2026, 1, 16, 0))),
    ]
    assert working_ranges(WEEKDAYS_9_TO_5, [], time_off, LONDON, WEEK_OF_12_JAN) == [
        span(utc(2026, 1, 12, 9), utc(2026, 1, 12, 11)),
        span(utc(2026, 1, 12, 14), utc(2026, 1, 12, 17)),
        span(utc(2026, 1, 13, 9), utc(2026, 1, 13, 17)),
        span(utc(2026, 1, 16, 9), utc(2026, 1, 16, 17)),
    ]


def test_two_overrides_for_one_date_are_rejected() -> None:
    overrides = [DateOverride(date(2026, 1, 14), closed=True)] * 2
    with pytest.raises(ValueError, match="more than one DateOverride"):
        working_ranges(WEEKDAYS_9_TO_5, overrides, [], LONDON, WEEK_OF_12_JAN)


@pytest.mark.parametrize(
    ("weekday", "start", "end", "message"),
    [
        (7, time(9), time(17), "weekday"),
        (-1, time(9), time(17), "weekday"),
        (True, time(9), time(17), "weekday"),
        (0, time(17), time(9), "start < end"),
        (0, time(9), time(9), "start < end"),
        (0, time(9, tzinfo=UTC), time(17), "naive"),
    ],
)
def test_weekly_hours_validation(weekday: int, start: time, end: time, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WeeklyHours(weekday, start, end)


def test_date_override_validation() -> None:
    with pytest.raises(ValueError, match="closed DateOverride cannot have ranges"):
        DateOverride(date(2026, 1, 1), ((time(9), time(10)),), closed=True)
    with pytest.raises(ValueError, match="needs at least one range"):
        DateOverride(date(2026, 1, 1))
    with pytest.raises(ValueError, match="start < end"):
        DateOverride(date(2026, 1, 1), ((time(10), time(9)),))


# --- DST, 2026 transition days -------------------------------------------------------------
# New York: 8 Mar 02:00 EST -> 03:00 EDT (07:00Z); 1 Nov 02:00 EDT -> 01:00 EST (06:00Z).
# London: 29 Mar 01:00 GMT -> 02:00 BST (01:00Z); 25 Oct 02:00 BST -> 01:00 GMT (01:00Z).


@pytest.mark.parametrize(
    ("tz", "day", "expected"),
    [
        (NEW_YORK, date(2026, 3, 7), (utc(2026, 3, 7, 14), utc(2026, 3, 7, 22))),
        (NEW_YORK, date(2026, 3, 8), (utc(2026, 3, 8, 13), utc(2026, 3, 8, 21))),
        (NEW_YORK, date(2026, 11, 1), (utc(2026, 11, 1, 14), utc(2026, 11, 1, 22))),
        (LONDON, date(2026, 3, 29), (utc(2026, 3, 29, 8), utc(2026, 3, 29, 16))),
        (LONDON, date(2026, 10, 25), (utc(2026, 10, 25, 9), utc(2026, 10, 25, 17))),
    ],
)
def test_day_hours_on_transition_days_keep_local_times(
    tz: ZoneInfo, day: date, expected: tuple[datetime, datetime]
) -> None:
    result = hours_on(day, tz, (time(9), time(17)))
    assert result == [span(*expected)]
    assert result[0].duration == timedelta(hours=8)
    assert result[0].start.astimezone(tz).time() == time(9)
    assert result[0].end.astimezone(tz).time() == time(17)


@pytest.mark.parametrize(
    ("tz", "day", "expected", "labels", "real_hours"),
    [
        (
            NEW_YORK,
            date(2026, 3, 8),
            (utc(2026, 3, 8, 5), utc(2026, 3, 8, 8)),
            "03-08 00:00 EST - 03-08 04:00 EDT",
            3,
        ),
        (
            NEW_YORK,
            date(2026, 11, 1),
            (utc(2026, 11, 1, 4), utc(2026, 11, 1, 9)),
            "11-01 00:00 EDT - 11-01 04:00 EST",
            5,
        ),
        (
            LONDON,
            date(2026, 3, 29),
            (utc(2026, 3, 29, 0), utc(2026, 3, 29, 3)),
            "03-29 00:00 GMT - 03-29 04:00 BST",
            3,
        ),
        (
            LONDON,
            date(2026, 10, 25),
            (utc(2026, 10, 24, 23), utc(2026, 10, 25, 4)),
            "10-25 00:00 BST - 10-25 04:00 GMT",
            5,
        ),
    ],
)
def test_night_hours_spanning_the_gap_or_overlap(
    tz: ZoneInfo,
    day: date,
    expected: tuple[datetime, datetime],
    labels: str,
    real_hours: int,
) -> None:
    result = hours_on(day, tz, (time(0), time(4)))
    assert result == [span(*expected)]
    assert local_labels(result, tz) == [labels]
    assert total_duration(result) == timedelta(hours=real_hours)


def test_range_starting_in_the_spring_gap_starts_at_the_transition() -> None:
    # 02:30 does not exist in New York on 8 Mar; the first reading at or after it is 03:00 EDT.
    assert hours_on(date(2026, 3, 8), NEW_YORK, (time(2, 30), time(4))) == [
        span(utc(2026, 3, 8, 7), utc(2026, 3, 8, 8))
    ]
    # London skips 01:00-01:59 on 29 Mar.
    result = hours_on(date(2026, 3, 29), LONDON, (time(1, 15), time(3)))
    assert result == [span(utc(2026, 3, 29, 1), utc(2026, 3, 29, 2))]
    assert local_labels(result, LONDON) == ["03-29 02:00 BST - 03-29 03:00 BST"]


def test_range_ending_in_the_spring_gap_ends_at_the_transition() -> None:
    assert hours_on(date(2026, 3, 8), NEW_YORK, (time(1), time(2, 30))) == [
        span(utc(2026, 3, 8, 6), utc(2026, 3, 8, 7))
    ]


def test_range_entirely_inside_the_spring_gap_is_dropped() -> None:
    result = hours_on(date(2026, 3, 8), NEW_YORK, (time(2), time(2, 45)), (time(9), time(10)))
    assert result == [span(utc(2026, 3, 8, 13), utc(2026, 3, 8, 14))]


def test_range_starting_inside_the_repeated_hour_covers_only_readings_after_its_start() -> None:
    result = hours_on(date(2026, 11, 1), NEW_YORK, (time(1, 30), time(3)))
    assert result == [
        span(utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6)),
        span(utc(2026, 11, 1, 6, 30), utc(2026, 11, 1, 8)),
    ]
    assert local_labels(result, NEW_YORK) == [
        "11-01 01:30 EDT - 11-01 01:00 EST",
        "11-01 01:30 EST - 11-01 03:00 EST",
    ]


def test_range_inside_the_repeated_hour_happens_twice() -> None:
    result = hours_on(date(2026, 10, 25), LONDON, (time(1), time(1, 30)))
    assert result == [
        span(utc(2026, 10, 25, 0), utc(2026, 10, 25, 0, 30)),
        span(utc(2026, 10, 25, 1), utc(2026, 10, 25, 1, 30)),
    ]
    assert local_labels(result, LONDON) == [
        "10-25 01:00 BST - 10-25 01:30 BST",
        "10-25 01:00 GMT - 10-25 01:30 GMT",
    ]


def test_range_ending_inside_the_repeated_hour_covers_both_passes_up_to_the_end() -> None:
    # Readings 00:00-01:30 happen during 04:00Z-05:30Z (EDT) and again 06:00Z-06:30Z (EST).
    assert hours_on(date(2026, 11, 1), NEW_YORK, (time(0), time(1, 30))) == [
        span(utc(2026, 11, 1, 4), utc(2026, 11, 1, 5, 30)),
        span(utc(2026, 11, 1, 6), utc(2026, 11, 1, 6, 30)),
    ]


# --- DST against a brute-force model -------------------------------------------------------

MODEL_ZONES = [
    "America/New_York",
    "Europe/London",
    "Europe/Dublin",  # tzdata models Irish winter time as a negative DST offset
    "Australia/Lord_Howe",  # 30-minute DST
    "America/Santiago",  # changes at local midnight
    "America/Havana",  # changes at local midnight / 01:00
    "Asia/Kathmandu",  # no DST, +05:45
]


@cache
def transition_dates(zone: str) -> tuple[date, ...]:
    """Local dates of 2026 on which ``zone`` changes offset (found by an hourly scan)."""
    tz = ZoneInfo(zone)
    found: list[date] = []
    instant = utc(2026, 1, 1)
    previous = instant.astimezone(tz).utcoffset()
    while instant.year == 2026:
        offset = instant.astimezone(tz).utcoffset()
        if offset != previous:
            found.append(instant.astimezone(tz).date())
        previous = offset
        instant += timedelta(hours=1)
    return tuple(found) or (date(2026, 3, 8),)


@st.composite
def zone_and_day(draw: st.DrawFn) -> tuple[ZoneInfo, date]:
    zone = draw(st.sampled_from(MODEL_ZONES))
    day = draw(st.sampled_from(transition_dates(zone)))
    return ZoneInfo(zone), day + timedelta(days=draw(st.integers(-1, 1)))


def quarter_time(quarter: int) -> time:
    return time(0) if quarter == 96 else time(quarter // 4, 15 * (quarter % 4))


wall_range = st.tuples(st.integers(0, 95), st.integers(1, 96)).map(
    lambda p: (p[0], min(96, p[0] + p[1]))
)


def reads_inside(reading: datetime, pairs: list[tuple[int, int]]) -> bool:
    quarter_of_day = reading.hour * 60 + reading.minute
    return any(15 * lo <= quarter_of_day < 15 * hi for lo, hi in pairs)


@settings(max_examples=60, deadline=None)
@given(
    zone_and_day(), st.lists(wall_range, min_size=1, max_size=3), st.lists(wall_range, max_size=2)
)
def test_working_ranges_cover_exactly_the_instants_whose_wall_clock_reads_inside(
    zone_day: tuple[ZoneInfo, date],
    pairs: list[tuple[int, int]],
    override_pairs: list[tuple[int, int]],
) -> None:
    tz, day = zone_day
    weekday = day.weekday()
    weekly = [WeeklyHours(weekday, quarter_time(lo), quarter_time(hi)) for lo, hi in pairs]
    # The next day gets an override (or a closed day), so both paths meet DST.
    next_day = day + timedelta(days=1)
    override = DateOverride(
        next_day,
        tuple((quarter_time(lo), quarter_time(hi)) for lo, hi in override_pairs),
        closed=not override_pairs,
    )
    window = TimeRange(
        datetime.combine(day, time(0), tzinfo=UTC) - timedelta(hours=16),
        datetime.combine(day, time(0), tzinfo=UTC) + timedelta(hours=64),
    )
    result = working_ranges(weekly, [override], [], tz, window)

    got: set[datetime] = set()
    for r in result:
        instant = r.start
        while instant < r.end:
            got.add(instant)
            instant += MINUTE
    expected: set[datetime] = set()
    instant = window.start
    while instant < window.end:
        reading = instant.astimezone(tz)
        local_day = reading.date()
        if (
            local_day.weekday() == weekday
            and local_day != next_day
            and reads_inside(reading, pairs)
        ) or (local_day == next_day and reads_inside(reading, override_pairs)):
            expected.add(instant)
        instant += MINUTE
    assert got == expected


# --- free time --------------------------------------------------------------------------


def test_busy_from_booking_widens_by_the_booking_buffers() -> None:
    busy = busy_from_booking(
        utc(2026, 1, 12, 11), utc(2026, 1, 12, 12), timedelta(minutes=5), timedelta(minutes=10)
    )
    assert busy == Busy(span(utc(2026, 1, 12, 10, 55), utc(2026, 1, 12, 12, 10)))
    with pytest.raises(ValueError, match="negative"):
        busy_from_booking(utc(2026, 1, 12, 11), utc(2026, 1, 12, 12), -MINUTE, timedelta(0))
    with pytest.raises(ValueError, match="timezone-aware"):
        busy_from_booking(
            datetime(2026, 1, 12, 11), utc(2026, 1, 12, 12), timedelta(0), timedelta(0)
        )


def test_free_ranges_subtract_widened_busy_in_any_order() -> None:
    working = [span(utc(2026, 1, 12, 9), utc(2026, 1, 12, 17))]
    busy = [
        busy_from_booking(
            utc(2026, 1, 12, 14), utc(2026, 1, 12, 15), timedelta(0), timedelta(minutes=15)
        ),
        busy_from_booking(
            utc(2026, 1, 12, 11), utc(2026, 1, 12, 12), timedelta(minutes=5), timedelta(minutes=10)
        ),
    ]
    assert free_ranges(working, busy) == [
        span(utc(2026, 1, 12, 9), utc(2026, 1, 12, 10, 55)),
        span(utc(2026, 1, 12, 12, 10), utc(2026, 1, 12, 14)),
        span(utc(2026, 1, 12, 15, 15), utc(2026, 1, 12, 17)),
    ]


def test_free_ranges_intersect_room_availability_when_given() -> None:
    working = [span(utc(2026, 1, 12, 9), utc(2026, 1, 12, 17))]
    room = [
        span(utc(2026, 1, 12, 8), utc(2026, 1, 12, 10)),
        span(utc(2026, 1, 12, 16), utc(2026, 1, 12, 20)),
    ]
    assert free_ranges(working, [], room_free=room) == [
        span(utc(2026, 1, 12, 9), utc(2026, 1, 12, 10)),
        span(utc(2026, 1, 12, 16), utc(2026, 1, 12, 17)),
    ]
    assert free_ranges(working, [], room_free=[]) == []
    assert free_ranges(working, []) == working
    with pytest.raises(ValueError, match="merge"):
        free_ranges(working, [], room_free=list(reversed(room)))
