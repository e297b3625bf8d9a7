"""TimeRange and the range algebra, by example and against a brute-force minute-set model."""

from __future__ import annotations

import time as wall_time
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unknot.domain.scheduling import (
    TimeRange,
    find_containing,
    intersect,
    is_normalized,
    merge,
    overlaps_any,
    subtract,
    total_duration,
)
from unknot.domain.scheduling.time_ranges import BusyIndex

BASE = datetime(2026, 6, 1, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def rng(start_min: int, end_min: int) -> TimeRange:
    """Range in minutes after BASE."""
    return TimeRange(BASE + start_min * MINUTE, BASE + end_min * MINUTE)


def minutes(ranges: list[TimeRange]) -> set[int]:
    """The model: the set of whole minutes (after BASE) that the ranges cover."""
    covered: set[int] = set()
    for r in ranges:
        covered.update(range((r.start - BASE) // MINUTE, (r.end - BASE) // MINUTE))
    return covered


def from_minutes(covered: set[int]) -> list[TimeRange]:
    """Turn a minute set back into the normalized list it should be."""
    result: list[TimeRange] = []
    for minute in sorted(covered):
        if result and result[-1].end == BASE + minute * MINUTE:
            result[-1] = TimeRange(result[-1].start, BASE + (minute + 1) * MINUTE)
        else:
            result.append(rng(minute, minute + 1))
    return result


ranges_st = st.lists(
    st.tuples(st.integers(0, 300), st.integers(1, 60)).map(lambda p: rng(p[0], p[0] + p[1])),
    max_size=12,
)


# --- TimeRange ---------------------------------------------------------------------------


def test_time_range_rejects_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        TimeRange(datetime(2026, 1, 1, 9), datetime(2026, 1, 1, 10, tzinfo=UTC))
    with pytest.raises(ValueError, match="timezone-aware"):
        TimeRange(datetime(2026, 1, 1, 9, tzinfo=UTC), datetime(2026, 1, 1, 10))


@pytest.mark.parametrize("end_min", [0, -5])
def test_time_range_rejects_empty_and_reversed(end_min: int) -> None:
    with pytest.raises(ValueError, match="start < end"):
        rng(0, end_min)


def test_time_range_is_stored_in_utc_and_equal_across_zones() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    local = TimeRange(
        datetime(2026, 6, 1, 11, tzinfo=berlin), datetime(2026, 6, 1, 12, tzinfo=berlin)
    )
    assert local.start.tzinfo is UTC
    assert local.start == datetime(2026, 6, 1, 9, tzinfo=UTC)
    assert local == TimeRange(
        datetime(2026, 6, 1, 9, tzinfo=UTC), datetime(2026, 6, 1, 10, tzinfo=UTC)
    )
    fixed = TimeRange(
        datetime(2026, 6, 1, 9, tzinfo=timezone(timedelta(hours=-3))),
        datetime(2026, 6, 1, 10, tzinfo=timezone(timedelta(hours=-3))),
    )
    assert fixed.start == datetime(2026, 6, 1, 12, tzinfo=UTC)


def test_duration_is_real_elapsed_time_across_dst() -> None:
    london = ZoneInfo("Europe/London")
    night = TimeRange(
        datetime(2026, 3, 29, 0, tzinfo=london), datetime(2026, 3, 29, 4, tzinfo=london)
    )
    assert night.duration == timedelta(hours=3)


def test_overlaps_is_strict_about_touching() -> None:
    assert rng(0, 10).overlaps(rng(9, 20)) is True
    assert rng(9, 20).overlaps(rng(0, 10)) is True
    assert rng(0, 10).overlaps(rng(10, 20)) is False
    assert rng(10, 20).overlaps(rng(0, 10)) is False
    assert rng(0, 30).overlaps(rng(10, 20)) is True


def test_contains_ranges_and_instants_half_open() -> None:
    outer = rng(0, 60)
    assert outer.contains(rng(0, 60)) is True
    assert outer.contains(rng(10, 20)) is True
    assert outer.contains(rng(50, 61)) is False
    assert outer.contains(BASE) is True
    assert outer.contains(BASE + 60 * MINUTE) is False
    assert outer.contains(BASE - MINUTE) is False
    with pytest.raises(ValueError, match="timezone-aware"):
        outer.contains(datetime(2026, 6, 1, 0, 30))


def test_widen_adds_buffers_and_rejects_negative() -> None:
    assert rng(60, 120).widen(10 * MINUTE, 15 * MINUTE) == rng(50, 135)
    assert rng(60, 120).widen(timedelta(0), timedelta(0)) == rng(60, 120)
    with pytest.raises(ValueError, match="negative"):
        rng(60, 120).widen(-MINUTE, timedelta(0))


# --- algebra by example ----------------------------------------------------------------


def test_merge_coalesces_overlapping_and_touching_in_any_order() -> None:
    assert merge([rng(30, 40), rng(0, 10), rng(10, 20), rng(35, 50), rng(60, 70)]) == [
        rng(0, 20),
        rng(30, 50),
        rng(60, 70),
    ]
    assert merge([]) == []
    assert merge([rng(0, 100), rng(10, 20)]) == [rng(0, 100)]


def test_intersect_example() -> None:
    a = [rng(0, 60), rng(120, 180)]
    b = [rng(30, 150), rng(170, 200)]
    assert intersect(a, b) == [rng(30, 60), rng(120, 150), rng(170, 180)]


def test_subtract_example_with_a_busy_range_spanning_two_working_ranges() -> None:
    working = [rng(0, 60), rng(90, 180), rng(200, 260)]
    busy = [rng(10, 20), rng(50, 100), rng(150, 210), rng(250, 300)]
    assert subtract(working, busy) == [rng(0, 10), rng(20, 50), rng(100, 150), rng(210, 250)]


def test_subtract_touching_busy_leaves_working_untouched() -> None:
    assert subtract([rng(10, 20)], [rng(0, 10), rng(20, 30)]) == [rng(10, 20)]


@pytest.mark.parametrize("operation", [intersect, subtract])
def test_binary_operations_reject_unnormalized_input(operation) -> None:  # noqa: ANN001
    good = [rng(0, 10)]
    for bad in ([rng(20, 30), rng(0, 10)], [rng(0, 10), rng(5, 15)], [rng(0, 10), rng(10, 20)]):
        with pytest.raises(ValueError, match="merge"):
            operation(bad, good)
        with pytest.raises(ValueError, match="merge"):
            operation(good, bad)


def test_find_containing_and_overlaps_any_examples() -> None:
    free = [rng(0, 60), rng(120, 180)]
    assert find_containing(free, rng(120, 180)) == rng(120, 180)
    assert find_containing(free, rng(10, 20)) == rng(0, 60)
    assert find_containing(free, rng(50, 130)) is None
    assert find_containing(free, rng(60, 70)) is None
    assert find_containing([], rng(0, 1)) is None
    assert overlaps_any(free, rng(59, 61)) is True
    assert overlaps_any(free, rng(60, 120)) is False
    assert overlaps_any(free, rng(179, 500)) is True
    assert overlaps_any([], rng(0, 1)) is False


def test_total_duration() -> None:
    assert total_duration([rng(0, 30), rng(60, 75)]) == timedelta(minutes=45)
    assert total_duration([]) == timedelta(0)


# --- algebra against the minute-set model ----------------------------------------------


@given(ranges_st)
def test_merge_matches_model_and_is_normalized(ranges: list[TimeRange]) -> None:
    merged = merge(ranges)
    assert merged == from_minutes(minutes(ranges))
    assert is_normalized(merged) is True
    assert all(left.end < right.start for left, right in zip(merged, merged[1:], strict=False))


@given(ranges_st)
def test_merge_is_idempotent(ranges: list[TimeRange]) -> None:
    assert merge(merge(ranges)) == merge(ranges)


@given(ranges_st, ranges_st)
def test_intersect_matches_model_and_commutes(
    a_raw: list[TimeRange], b_raw: list[TimeRange]
) -> None:
    a, b = merge(a_raw), merge(b_raw)
    result = intersect(a, b)
    assert result == from_minutes(minutes(a) & minutes(b))
    assert result == intersect(b, a)
    assert is_normalized(result) is True


@given(ranges_st, ranges_st)
def test_subtract_matches_model(a_raw: list[TimeRange], b_raw: list[TimeRange]) -> None:
    a, b = merge(a_raw), merge(b_raw)
    result = subtract(a, b)
    assert result == from_minutes(minutes(a) - minutes(b))
    assert is_normalized(result) is True


@given(ranges_st, ranges_st)
def test_subtract_then_intersect_is_empty_and_lengths_add_up(
    a_raw: list[TimeRange], b_raw: list[TimeRange]
) -> None:
    a, b = merge(a_raw), merge(b_raw)
    assert intersect(subtract(a, b), b) == []
    assert total_duration(a) == total_duration(intersect(a, b)) + total_duration(subtract(a, b))
    union = total_duration(merge([*a, *b]))
    assert union == total_duration(a) + total_duration(b) - total_duration(intersect(a, b))


@given(ranges_st, st.integers(0, 360), st.integers(1, 90))
def test_find_containing_and_overlaps_any_match_brute_force(
    raw: list[TimeRange], start: int, length: int
) -> None:
    ranges = merge(raw)
    target = rng(start, start + length)
    expected = [r for r in ranges if r.contains(target)]
    assert find_containing(ranges, target) == (expected[0] if expected else None)
    assert overlaps_any(ranges, target) is any(r.overlaps(target) for r in ranges)
    wanted = set(range(start, start + length))
    assert overlaps_any(ranges, target) is bool(minutes(ranges) & wanted)


def test_subtract_and_intersect_scale_linearly() -> None:
    """Twenty thousand ranges per side: a quadratic walk would take minutes, not milliseconds."""
    size = 20_000
    a = [rng(10 * i, 10 * i + 6) for i in range(size)]
    b = [rng(10 * i + 3, 10 * i + 8) for i in range(size)]
    began = wall_time.perf_counter()
    cut = subtract(a, b)
    both = intersect(a, b)
    elapsed = wall_time.perf_counter() - began
    assert cut[:2] == [rng(0, 3), rng(10, 13)] and len(cut) == size
    assert both[:2] == [rng(3, 6), rng(13, 16)] and len(both) == size
    assert elapsed < 2.0


# --- BusyIndex --------------------------------------------------------------------------


@given(ranges_st, st.integers(-20, 320), st.integers(1, 90))
def test_busy_index_agrees_with_the_minute_model(
    ranges: list[TimeRange], start: int, length: int
) -> None:
    index = BusyIndex((r.start, r.end) for r in ranges)
    assert index.ranges() == merge(ranges)
    target = rng(start, start + length)
    assert index.is_free(target) == (not minutes(ranges) & minutes([target]))


def test_busy_index_treats_touching_as_free() -> None:
    index = BusyIndex([(rng(60, 120).start, rng(60, 120).end)])
    assert index.is_free(rng(0, 60)) and index.is_free(rng(120, 180))
    assert not index.is_free(rng(119, 121)) and not index.is_free(rng(0, 300))
    assert BusyIndex([]).is_free(rng(0, 1))
