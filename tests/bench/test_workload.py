"""The bench workload: the calendar both Unknot and the peer are loaded with."""

import datetime as dt
from collections import defaultdict

import pytest
from bench.workload import BUFFER_AFTER, DAY_END, DAY_START, Workload, minutes_of, weekdays_from

TODAY = dt.date(2026, 11, 23)  # a Monday


def busy_minutes(item) -> tuple[int, int]:
    start = minutes_of(item.start)
    return start, start + item.duration + BUFFER_AFTER


def assert_no_overlap(items) -> None:
    by_day = defaultdict(list)
    for item in items:
        by_day[(item.therapist, item.day)].append(busy_minutes(item))
    for ranges in by_day.values():
        ranges.sort()
        for (_, end), (start, _) in zip(ranges, ranges[1:], strict=False):
            assert end <= start


def test_upcoming_bookings_fill_about_half_of_the_working_weekdays():
    workload = Workload(therapists=20, today=TODAY)
    items = list(workload.future())
    assert_no_overlap(items)
    for item in items:
        assert item.day.weekday() < 5
        assert TODAY <= item.day < TODAY + dt.timedelta(days=30)
        start, end = busy_minutes(item)
        assert minutes_of(DAY_START) <= start and end <= minutes_of(DAY_END)
        assert item.duration in (30, 60, 90)
    working = 20 * len(weekdays_from(TODAY, 22)) * (minutes_of(DAY_END) - minutes_of(DAY_START))
    booked = sum(end - start for start, end in map(busy_minutes, items))
    assert 0.4 < booked / working < 0.6


def test_the_workload_is_the_same_for_the_same_seed_and_differs_for_another():
    first = list(Workload(therapists=5, today=TODAY).future())
    assert first == list(Workload(therapists=5, today=TODAY).future())
    assert first != list(Workload(therapists=5, today=TODAY, seed=9).future())


def test_history_has_exactly_the_asked_number_of_past_weekday_bookings():
    items = list(Workload(therapists=3, today=TODAY, history=1001).past())
    assert len(items) == 1001
    assert all(item.day < TODAY and item.day.weekday() < 5 for item in items)
    assert_no_overlap(items)
    assert list(Workload(therapists=3, today=TODAY).past()) == []


def test_free_starts_lie_after_the_booked_days_and_do_not_overlap():
    workload = Workload(therapists=2, today=TODAY)
    starts = list(workload.free_starts(31, 7))
    assert starts
    assert all(day >= TODAY + dt.timedelta(days=31) and day.weekday() < 5 for _, day, _ in starts)
    by_day = defaultdict(list)
    for therapist, day, start in starts:
        by_day[(therapist, day)].append(minutes_of(start))
    for minutes in by_day.values():
        minutes.sort()
        assert all(b - a >= 60 + BUFFER_AFTER for a, b in zip(minutes, minutes[1:], strict=False))
        assert minutes[-1] + 60 + BUFFER_AFTER <= minutes_of(DAY_END)
    with pytest.raises(ValueError):
        list(workload.free_starts(10, 1))


def test_planned_bookings_convert_to_utc_across_a_clock_change():
    from zoneinfo import ZoneInfo

    from bench.workload import Planned

    summer = Planned(0, dt.date(2026, 7, 1), dt.time(9), 60, 0)
    starts, ends, busy_until = summer.utc_range(ZoneInfo("Europe/London"))
    assert starts == dt.datetime(2026, 7, 1, 8, tzinfo=dt.UTC)
    assert ends - starts == dt.timedelta(minutes=60)
    assert busy_until - ends == dt.timedelta(minutes=BUFFER_AFTER)
