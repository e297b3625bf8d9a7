"""Cancellation and reschedule cut-offs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from unknot.domain.scheduling import (
    CancellationOutcome,
    SchedulingError,
    TooLateToCancel,
    TooLateToReschedule,
    can_reschedule,
    cancellation_outcome,
    ensure_can_reschedule,
)

START = datetime(2026, 6, 10, 15, tzinfo=UTC)
CUTOFF = timedelta(hours=24)
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("before_start", "expected"),
    [
        (timedelta(days=3), CancellationOutcome.FREE),
        (CUTOFF, CancellationOutcome.FREE),  # exactly at the cut-off is in time
        (CUTOFF - SECOND, CancellationOutcome.LATE),
        (timedelta(minutes=5), CancellationOutcome.LATE),
        (SECOND, CancellationOutcome.LATE),
    ],
)
def test_cancellation_outcome(before_start: timedelta, expected: CancellationOutcome) -> None:
    assert cancellation_outcome(START - before_start, START, CUTOFF) is expected


def test_outcome_compares_equal_to_plain_strings() -> None:
    assert cancellation_outcome(START - timedelta(days=2), START, CUTOFF) == "free"
    assert cancellation_outcome(START - timedelta(hours=1), START, CUTOFF) == "late"


@pytest.mark.parametrize("after_start", [timedelta(0), SECOND, timedelta(days=1)])
def test_cancelling_a_started_booking_is_refused(after_start: timedelta) -> None:
    with pytest.raises(TooLateToCancel, match="can no longer be cancelled") as caught:
        cancellation_outcome(START + after_start, START, CUTOFF)
    assert caught.value.code == "too_late_to_cancel"
    assert isinstance(caught.value, SchedulingError)


def test_zero_cutoff_makes_every_cancellation_before_start_free() -> None:
    assert cancellation_outcome(START - SECOND, START, timedelta(0)) is CancellationOutcome.FREE


def test_cutoff_is_real_time_across_dst() -> None:
    london = ZoneInfo("Europe/London")
    start = datetime(2026, 3, 29, 10, tzinfo=london)  # 09:00Z, the day clocks go forward
    same_wall_time_yesterday = datetime(2026, 3, 28, 10, tzinfo=london)  # only 23 real hours
    assert cancellation_outcome(same_wall_time_yesterday, start, CUTOFF) is CancellationOutcome.LATE
    real_day_before = start.astimezone(UTC) - CUTOFF  # 09:00 GMT on 28 Mar
    assert cancellation_outcome(real_day_before, start, CUTOFF) is CancellationOutcome.FREE
    assert can_reschedule(same_wall_time_yesterday, start, CUTOFF) is False
    assert can_reschedule(real_day_before, start, CUTOFF) is True


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (START - timedelta(days=2), True),
        (START - CUTOFF, True),
        (START - CUTOFF + SECOND, False),
        (START, False),
        (START + SECOND, False),
    ],
)
def test_can_reschedule(now: datetime, expected: bool) -> None:
    assert can_reschedule(now, START, CUTOFF) is expected


def test_can_reschedule_with_zero_cutoff_until_start() -> None:
    assert can_reschedule(START - SECOND, START, timedelta(0)) is True
    assert can_reschedule(START, START, timedelta(0)) is False


def test_ensure_can_reschedule() -> None:
    ensure_can_reschedule(START - CUTOFF, START, CUTOFF)
    with pytest.raises(TooLateToReschedule, match="can no longer be rescheduled") as caught:
        ensure_can_reschedule(START - timedelta(hours=2), START, CUTOFF)
    assert caught.value.code == "too_late_to_reschedule"


@pytest.mark.parametrize("function", [cancellation_outcome, can_reschedule, ensure_can_reschedule])
def test_policies_reject_naive_datetimes_and_negative_cutoff(function) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        function(datetime(2026, 6, 1), START, CUTOFF)
    with pytest.raises(ValueError, match="timezone-aware"):
        function(START - CUTOFF, datetime(2026, 6, 10, 15), CUTOFF)
    with pytest.raises(ValueError, match="negative"):
        function(START - CUTOFF, START, -SECOND)
