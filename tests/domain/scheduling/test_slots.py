"""Slot generation: buffers, long services, notice, booking window, local grid, DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unknot.domain.scheduling import (
    BookingRules,
    OutsideBookingWindow,
    ServiceSpec,
    Slot,
    SlotUnavailable,
    TimeRange,
    WeeklyHours,
    busy_from_booking,
    ensure_bookable,
    first_free_slot,
    free_ranges,
    generate_slots,
    nearest_slots,
    working_ranges,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
KATHMANDU = ZoneInfo("Asia/Kathmandu")
MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
SUNDAY = 6
LONG_AGO = datetime(2025, 1, 1, tzinfo=UTC)
EVERYTHING = TimeRange(datetime(2025, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def rules(
    step_min: int = 15, notice: timedelta = timedelta(0), window: timedelta = 3650 * DAY
) -> BookingRules:
    return BookingRules(slot_step=step_min * MIN, min_notice=notice, booking_window=window)


def service(minutes: int, before: int = 0, after: int = 0) -> ServiceSpec:
    return ServiceSpec(minutes * MIN, before * MIN, after * MIN)


def slots_for(
    free: list[TimeRange],
    spec: ServiceSpec,
    booking_rules: BookingRules | None = None,
    tz: ZoneInfo = LONDON,
    now: datetime = LONG_AGO,
    window: TimeRange = EVERYTHING,
) -> list[Slot]:
    return generate_slots(free, spec, booking_rules or rules(), tz, now, window)


def starts(slots: list[Slot], tz: ZoneInfo = LONDON) -> list[str]:
    return [f"{s.start.astimezone(tz):%H:%M}" for s in slots]


# Monday 12 Jan 2026: London is on GMT, so local times equal UTC.
NINE_TO_FIVE = [TimeRange(utc(2026, 1, 12, 9), utc(2026, 1, 12, 17))]


def test_grid_slots_inside_one_range() -> None:
    free = [TimeRange(utc(2026, 1, 12, 9), utc(2026, 1, 12, 12))]
    result = slots_for(free, service(60), rules(step_min=30))
    assert starts(result) == ["09:00", "09:30", "10:00", "10:30", "11:00"]
    assert result[0] == Slot(utc(2026, 1, 12, 9), utc(2026, 1, 12, 10))
    assert all(s.start.tzinfo is UTC for s in result)


def test_ninety_minute_service_at_end_of_day_must_finish_by_closing() -> None:
    result = slots_for(NINE_TO_FIVE, service(90))
    assert starts(result)[-1] == "15:30"
    assert result[-1].end == utc(2026, 1, 12, 17)
    assert len(result) == 27  # 09:00..15:30 every 15 min


def test_buffers_stack_between_an_existing_booking_and_a_new_slot() -> None:
    # Existing 11:00-12:00 booking with 5 min before / 10 min after blocks 10:55-12:10.
    busy = [busy_from_booking(utc(2026, 1, 12, 11), utc(2026, 1, 12, 12), 5 * MIN, 10 * MIN)]
    free = free_ranges(NINE_TO_FIVE, busy)
    result = slots_for(free, service(60, before=10, after=15))
    labels = starts(result)
    # Before the booking: s - 10 >= 09:00 and s + 75 <= 10:55 -> 09:15..09:30 on the grid.
    assert labels[:2] == ["09:15", "09:30"]
    # After it: s - 10 >= 12:10 -> 12:30 is the first on the grid (12:15 would be 12:05).
    assert labels[2] == "12:30"
    # Closing: s + 75 <= 17:00 -> 15:45.
    assert labels[-1] == "15:45"
    gap = result[2].start - utc(2026, 1, 12, 12)
    assert gap >= 10 * MIN + 10 * MIN  # old buffer_after + new buffer_before


def test_exact_fit_with_buffers_is_offered() -> None:
    free = [TimeRange(utc(2026, 1, 12, 9, 50), utc(2026, 1, 12, 11, 15))]
    assert starts(slots_for(free, service(60, before=10, after=15))) == ["10:00"]
    shorter = [TimeRange(utc(2026, 1, 12, 9, 50), utc(2026, 1, 12, 11, 14))]
    assert slots_for(shorter, service(60, before=10, after=15)) == []


def test_long_service_never_overlaps_a_later_booking_whatever_the_grid() -> None:
    # django-appointment #261: a 3 h service must not be offered at 09:00 before a 09:30 booking.
    busy = [
        busy_from_booking(utc(2026, 1, 12, 9, 30), utc(2026, 1, 12, 10), timedelta(0), timedelta(0))
    ]
    free = free_ranges(NINE_TO_FIVE, busy)
    result = slots_for(free, service(180), rules(step_min=30))
    assert starts(result) == [
        "10:00",
        "10:30",
        "11:00",
        "11:30",
        "12:00",
        "12:30",
        "13:00",
        "13:30",
        "14:00",
    ]


def test_service_longer_than_the_step_and_not_a_multiple_of_it() -> None:
    free = [TimeRange(utc(2026, 1, 12, 9), utc(2026, 1, 12, 11))]
    result = slots_for(free, service(50), rules(step_min=30))
    assert starts(result) == ["09:00", "09:30", "10:00"]
    assert result[-1].end == utc(2026, 1, 12, 10, 50)


def test_free_range_start_off_grid_rounds_up_to_the_grid() -> None:
    free = [TimeRange(utc(2026, 1, 12, 9, 7), utc(2026, 1, 12, 10, 30))]
    assert starts(slots_for(free, service(30))) == ["09:15", "09:30", "09:45", "10:00"]


def test_min_notice_is_inclusive() -> None:
    now = utc(2026, 1, 12, 9, 10)
    result = slots_for(NINE_TO_FIVE, service(60), rules(notice=2 * HOUR), now=now)
    assert starts(result)[0] == "11:15"
    exact = slots_for(NINE_TO_FIVE, service(60), rules(notice=2 * HOUR), now=utc(2026, 1, 12, 9))
    assert starts(exact)[0] == "11:00"


def test_booking_window_is_inclusive_and_limits_advance_booking() -> None:
    now = utc(2026, 1, 5, 12)
    weekly = [WeeklyHours(day, time(9), time(17)) for day in range(7)]
    window = TimeRange(utc(2026, 1, 5), utc(2026, 1, 20))
    free = working_ranges(weekly, [], [], LONDON, window)
    result = generate_slots(free, service(60), rules(window=7 * DAY), LONDON, now, window)
    assert result[-1].start == now + 7 * DAY  # 12 Jan 12:00 exactly
    assert result[0].start == utc(2026, 1, 5, 12)
    assert all(s.start <= now + 7 * DAY for s in result)


def test_window_limits_starts_not_ends() -> None:
    window = TimeRange(utc(2026, 1, 12, 10), utc(2026, 1, 12, 11))
    result = slots_for(NINE_TO_FIVE, service(90), window=window)
    assert starts(result) == ["10:00", "10:15", "10:30", "10:45"]


def test_nothing_when_notice_pushes_past_the_window() -> None:
    window = TimeRange(utc(2026, 1, 12, 9), utc(2026, 1, 12, 17))
    assert (
        slots_for(
            NINE_TO_FIVE, service(30), rules(notice=DAY), now=utc(2026, 1, 12, 8), window=window
        )
        == []
    )


def test_resource_id_is_copied_and_naive_now_rejected() -> None:
    result = generate_slots(
        NINE_TO_FIVE, service(60), rules(60), LONDON, LONG_AGO, EVERYTHING, "t-7"
    )
    assert {s.resource_id for s in result} == {"t-7"}
    with pytest.raises(ValueError, match="timezone-aware"):
        generate_slots(
            NINE_TO_FIVE, service(60), rules(60), LONDON, datetime(2026, 1, 1), EVERYTHING
        )


def test_unnormalized_free_is_rejected() -> None:
    free = [TimeRange(utc(2026, 1, 12, 13), utc(2026, 1, 12, 14)), *NINE_TO_FIVE]
    with pytest.raises(ValueError, match="merge"):
        slots_for(free, service(30))


def test_rules_and_service_validation() -> None:
    with pytest.raises(ValueError, match="divide 24 hours"):
        BookingRules(7 * MIN, timedelta(0), DAY)
    with pytest.raises(ValueError, match="positive"):
        BookingRules(timedelta(0), timedelta(0), DAY)
    with pytest.raises(ValueError, match="negative"):
        BookingRules(15 * MIN, -MIN, DAY)
    with pytest.raises(ValueError, match="shorter than min_notice"):
        BookingRules(15 * MIN, 2 * DAY, DAY)
    with pytest.raises(ValueError, match="positive"):
        ServiceSpec(timedelta(0))
    with pytest.raises(ValueError, match="negative"):
        ServiceSpec(HOUR, buffer_after=-MIN)
    with pytest.raises(TypeError, match="timedelta"):
        ServiceSpec(60)  # type: ignore[arg-type]


# --- local grid and DST ----------------------------------------------------------------


def day_slots(
    tz: ZoneInfo, day: date, start: time, end: time, spec: ServiceSpec, step: int
) -> list[Slot]:
    window = TimeRange(
        datetime.combine(day, time(0), tzinfo=tz) - 6 * HOUR,
        datetime.combine(day, time(0), tzinfo=tz) + 30 * HOUR,
    )
    free = working_ranges([WeeklyHours(day.weekday(), start, end)], [], [], tz, window)
    return generate_slots(free, spec, rules(step), tz, LONG_AGO, window)


def labelled(slots: list[Slot], tz: ZoneInfo) -> list[str]:
    return [f"{s.start.astimezone(tz):%H:%M %Z}" for s in slots]


def test_grid_follows_local_wall_clock_not_utc() -> None:
    # Kathmandu is UTC+05:45: local :00 and :30 are UTC :15 and :45.
    result = day_slots(KATHMANDU, date(2026, 1, 12), time(9), time(11), service(30), 30)
    assert labelled(result, KATHMANDU) == [
        "09:00 +0545",
        "09:30 +0545",
        "10:00 +0545",
        "10:30 +0545",
    ]
    assert result[0].start == utc(2026, 1, 12, 3, 15)


@pytest.mark.parametrize(
    ("tz", "day", "labels", "first_utc"),
    [
        (
            NEW_YORK,
            date(2026, 3, 8),
            ["00:00 EST", "01:30 EST", "03:00 EDT", "04:30 EDT"],
            [
                utc(2026, 3, 8, 5),
                utc(2026, 3, 8, 6, 30),
                utc(2026, 3, 8, 7),
                utc(2026, 3, 8, 8, 30),
            ],
        ),
        (
            LONDON,
            date(2026, 3, 29),
            ["00:00 GMT", "03:00 BST", "04:30 BST"],
            [utc(2026, 3, 29, 0), utc(2026, 3, 29, 2), utc(2026, 3, 29, 3, 30)],
        ),
    ],
)
def test_ninety_minute_grid_stays_on_local_times_after_spring_forward(
    tz: ZoneInfo, day: date, labels: list[str], first_utc: list[datetime]
) -> None:
    # Local grid 00:00, 01:30, 03:00, 04:30 ...; London skips 01:30 (inside its gap).
    result = day_slots(tz, day, time(0), time(6), service(60), 90)
    assert labelled(result, tz) == labels
    assert [s.start for s in result] == first_utc


@pytest.mark.parametrize(
    ("tz", "day", "labels", "first_start"),
    [
        (
            NEW_YORK,
            date(2026, 11, 1),
            ["00:00 EDT", "01:00 EDT", "01:00 EST", "02:00 EST", "03:00 EST"],
            utc(2026, 11, 1, 4),
        ),
        (
            LONDON,
            date(2026, 10, 25),
            ["00:00 BST", "01:00 BST", "01:00 GMT", "02:00 GMT", "03:00 GMT"],
            utc(2026, 10, 24, 23),
        ),
    ],
)
def test_fall_back_night_offers_both_instants_of_the_repeated_hour(
    tz: ZoneInfo, day: date, labels: list[str], first_start: datetime
) -> None:
    result = day_slots(tz, day, time(0), time(4), service(60), 60)
    assert labelled(result, tz) == labels
    assert [s.start for s in result] == [first_start + i * HOUR for i in range(5)]


@pytest.mark.parametrize(
    ("tz", "day", "first", "last"),
    [
        (NEW_YORK, date(2026, 3, 8), utc(2026, 3, 8, 13), utc(2026, 3, 8, 19, 30)),
        (NEW_YORK, date(2026, 11, 1), utc(2026, 11, 1, 14), utc(2026, 11, 1, 20, 30)),
        (LONDON, date(2026, 3, 29), utc(2026, 3, 29, 8), utc(2026, 3, 29, 14, 30)),
        (LONDON, date(2026, 10, 25), utc(2026, 10, 25, 9), utc(2026, 10, 25, 15, 30)),
    ],
)
def test_day_slots_on_transition_days(
    tz: ZoneInfo, day: date, first: datetime, last: datetime
) -> None:
    result = day_slots(tz, day, time(9), time(17), service(90), 30)
    assert result[0].start == first and result[-1].start == last
    assert labelled(result, tz)[0][:5] == "09:00" and labelled(result, tz)[-1][:5] == "15:30"
    assert len(result) == 14


def test_min_notice_across_the_spring_gap_counts_real_time() -> None:
    # now = 01:30 EST; two real hours later is 04:30 EDT (the clock skipped an hour).
    now = utc(2026, 3, 8, 6, 30)
    window = TimeRange(utc(2026, 3, 8, 5), utc(2026, 3, 8, 12))
    free = working_ranges([WeeklyHours(SUNDAY, time(0), time(8))], [], [], NEW_YORK, window)
    result = generate_slots(free, service(30), rules(30, notice=2 * HOUR), NEW_YORK, now, window)
    assert labelled(result, NEW_YORK)[0] == "04:30 EDT"


# --- first free slot, nearest, ensure_bookable -----------------------------------------------


def test_first_free_slot_is_the_soonest_and_none_when_full() -> None:
    free = [
        TimeRange(utc(2026, 1, 12, 9), utc(2026, 1, 12, 9, 40)),  # too short for 60 min
        TimeRange(utc(2026, 1, 12, 13, 5), utc(2026, 1, 12, 17)),
    ]
    soonest = first_free_slot(free, service(60), rules(), LONDON, LONG_AGO, EVERYTHING)
    assert soonest == Slot(utc(2026, 1, 12, 13, 15), utc(2026, 1, 12, 14, 15))
    later = first_free_slot(free, service(60), rules(), LONDON, utc(2026, 1, 12, 15, 1), EVERYTHING)
    assert later is not None and later.start == utc(2026, 1, 12, 15, 15)
    assert first_free_slot(free, service(300), rules(), LONDON, LONG_AGO, EVERYTHING) is None
    assert first_free_slot([], service(30), rules(), LONDON, LONG_AGO, EVERYTHING) is None


def grid(*hours_minutes: tuple[int, int]) -> list[Slot]:
    return [Slot(utc(2026, 1, 12, h, m), utc(2026, 1, 12, h, m) + HOUR) for h, m in hours_minutes]


def test_nearest_slots_by_distance_ties_earlier_first() -> None:
    slots = grid((9, 0), (10, 0), (11, 0), (12, 0), (14, 0))
    wanted = utc(2026, 1, 12, 10, 30)
    assert starts(nearest_slots(slots, wanted, 3)) == ["10:00", "11:00", "09:00"]
    assert starts(nearest_slots(slots, utc(2026, 1, 12, 13, 0), 2)) == ["12:00", "14:00"]
    assert starts(nearest_slots(slots, utc(2026, 1, 12, 11, 0), 1)) == ["11:00"]
    assert starts(nearest_slots(slots, utc(2026, 1, 12, 20, 0), 2)) == ["14:00", "12:00"]
    assert starts(nearest_slots(slots, utc(2026, 1, 12, 6, 0), 10)) == [
        "09:00",
        "10:00",
        "11:00",
        "12:00",
        "14:00",
    ]
    assert nearest_slots(slots, wanted, 0) == []
    assert nearest_slots([], wanted, 3) == []


def test_nearest_slots_accept_filter_and_validation() -> None:
    slots = grid((9, 0), (10, 0), (11, 0), (12, 0))
    wanted = utc(2026, 1, 12, 10, 0)
    result = nearest_slots(slots, wanted, 2, accept=lambda s: s.start.hour != 10)
    assert starts(result) == ["09:00", "11:00"]
    with pytest.raises(ValueError, match="sorted"):
        nearest_slots(list(reversed(slots)), wanted, 2)
    with pytest.raises(ValueError, match="limit"):
        nearest_slots(slots, wanted, -1)
    with pytest.raises(ValueError, match="timezone-aware"):
        nearest_slots(slots, datetime(2026, 1, 12, 10), 2)


def test_ensure_bookable_accepts_a_free_grid_start() -> None:
    slot = ensure_bookable(
        utc(2026, 1, 12, 9, 15), NINE_TO_FIVE, service(60, 10, 15), rules(), LONDON, LONG_AGO
    )
    assert slot == Slot(utc(2026, 1, 12, 9, 15), utc(2026, 1, 12, 10, 15))


DAY_BEFORE = utc(2026, 1, 11)


@pytest.mark.parametrize(
    ("start", "now", "error", "message"),
    [
        (utc(2026, 1, 12, 9, 0), DAY_BEFORE, SlotUnavailable, "not free"),  # buffer_before outside
        (utc(2026, 1, 12, 15, 45), DAY_BEFORE, SlotUnavailable, "not free"),  # tail past 17:00
        (utc(2026, 1, 12, 10, 5), DAY_BEFORE, SlotUnavailable, "grid"),
        (utc(2026, 1, 12, 10, 0), utc(2026, 1, 12, 9, 30), OutsideBookingWindow, "notice"),
        (utc(2026, 1, 12, 10, 0), utc(2025, 12, 1), OutsideBookingWindow, "booking window"),
    ],
)
def test_ensure_bookable_errors(
    start: datetime, now: datetime, error: type[Exception], message: str
) -> None:
    booking_rules = rules(notice=HOUR, window=30 * DAY)
    with pytest.raises(error, match=message):
        ensure_bookable(start, NINE_TO_FIVE, service(60, 10, 20), booking_rules, LONDON, now)


def test_ensure_bookable_off_grid_allowed_for_staff() -> None:
    slot = ensure_bookable(
        utc(2026, 1, 12, 10, 5),
        NINE_TO_FIVE,
        service(60),
        rules(),
        LONDON,
        LONG_AGO,
        on_grid=False,
        resource_id=3,
    )
    assert slot.start == utc(2026, 1, 12, 10, 5) and slot.resource_id == 3


def test_ensure_bookable_grid_is_the_local_grid() -> None:
    # Kathmandu is UTC+05:45: 03:15Z reads 09:00 (on a 30-min grid), 03:00Z reads 08:45.
    free = [TimeRange(utc(2026, 1, 12, 2), utc(2026, 1, 12, 8))]
    slot = ensure_bookable(
        utc(2026, 1, 12, 3, 15), free, service(30), rules(30), KATHMANDU, LONG_AGO
    )
    assert slot.start == utc(2026, 1, 12, 3, 15)
    with pytest.raises(SlotUnavailable, match="grid"):
        ensure_bookable(utc(2026, 1, 12, 3), free, service(30), rules(30), KATHMANDU, LONG_AGO)


def test_ensure_bookable_grid_after_spring_forward() -> None:
    # A 90-min grid reads 00:00, 01:30, 03:00 EDT on 8 Mar: 03:00 EDT (07:00Z) is on it,
    # 04:00 EDT (08:00Z, which would be 03:00 on the winter clock) is not.
    free = [TimeRange(utc(2026, 3, 8, 5), utc(2026, 3, 8, 12))]
    assert ensure_bookable(utc(2026, 3, 8, 7), free, service(60), rules(90), NEW_YORK, LONG_AGO)
    with pytest.raises(SlotUnavailable, match="grid"):
        ensure_bookable(utc(2026, 3, 8, 8), free, service(60), rules(90), NEW_YORK, LONG_AGO)


# --- properties ---------------------------------------------------------------------------

PROPERTY_ZONES = [NEW_YORK, LONDON, ZoneInfo("Australia/Lord_Howe"), KATHMANDU]
PROPERTY_DAYS = [
    date(2026, 3, 8),
    date(2026, 3, 29),
    date(2026, 10, 25),
    date(2026, 11, 1),
    date(2026, 4, 5),
]


@st.composite
def scenario(draw: st.DrawFn) -> dict:
    tz = draw(st.sampled_from(PROPERTY_ZONES))
    day = draw(st.sampled_from(PROPERTY_DAYS))
    hours = []
    for offset in (-1, 0, 1):
        weekday = (day + offset * DAY).weekday()
        for _ in range(draw(st.integers(0, 2))):
            start_q = draw(st.integers(0, 95))
            end_q = draw(st.integers(start_q + 1, 96))
            end = time(0) if end_q == 96 else time(end_q // 4, 15 * (end_q % 4))
            hours.append(WeeklyHours(weekday, time(start_q // 4, 15 * (start_q % 4)), end))
    base = datetime.combine(day, time(0), tzinfo=UTC) - DAY
    bookings = []
    for _ in range(draw(st.integers(0, 8))):
        start = base + draw(st.integers(0, 3 * 24 * 12)) * 5 * MIN
        bookings.append(
            (
                start,
                start + draw(st.integers(1, 24)) * 5 * MIN,
                draw(st.integers(0, 4)) * 5 * MIN,
                draw(st.integers(0, 4)) * 5 * MIN,
            )
        )
    return {
        "tz": tz,
        "hours": hours,
        "bookings": bookings,
        "window": TimeRange(base, base + 3 * DAY),
        "service": ServiceSpec(
            draw(st.integers(1, 36)) * 5 * MIN,
            draw(st.integers(0, 4)) * 5 * MIN,
            draw(st.integers(0, 4)) * 5 * MIN,
        ),
        "rules": BookingRules(
            draw(st.sampled_from([5, 10, 15, 20, 30, 45, 60, 90])) * MIN,
            draw(st.integers(0, 48)) * 30 * MIN,
            draw(st.integers(25, 72)) * HOUR,
        ),
        "now": base + draw(st.integers(0, 24)) * HOUR,
    }


def model_slot_starts(case: dict) -> set[datetime]:
    """Brute force over every minute of the window, with no range algebra at all."""
    tz, window, spec, booking_rules, now = (
        case["tz"],
        case["window"],
        case["service"],
        case["rules"],
        case["now"],
    )

    def working(instant: datetime) -> bool:
        reading = instant.astimezone(tz)
        minute = reading.hour * 60 + reading.minute
        for hours in case["hours"]:
            end = 24 * 60 if hours.end == time(0) else hours.end.hour * 60 + hours.end.minute
            start = hours.start.hour * 60 + hours.start.minute
            if hours.weekday == reading.weekday() and start <= minute < end:
                return True
        return False

    def busy(instant: datetime) -> bool:
        return any(s - b <= instant < e + a for s, e, b, a in case["bookings"])

    free_minutes = set()
    instant = window.start - 12 * HOUR
    while instant < window.end + 12 * HOUR:
        if window.start <= instant < window.end and working(instant) and not busy(instant):
            free_minutes.add(instant)
        instant += MIN

    step_minutes = booking_rules.slot_step // MIN
    expected = set()
    instant = window.start
    while instant < window.end:
        reading = instant.astimezone(tz)
        on_grid = (reading.hour * 60 + reading.minute) % step_minutes == 0
        in_rules = now + booking_rules.min_notice <= instant <= now + booking_rules.booking_window
        if on_grid and in_rules:
            needed = spec.occupied(instant)
            probe = needed.start
            while probe < needed.end and probe in free_minutes:
                probe += MIN
            if probe >= needed.end:
                expected.add(instant)
        instant += MIN
    return expected


@settings(max_examples=40, deadline=None)
@given(scenario())
def test_generated_slots_equal_a_brute_force_model(case: dict) -> None:
    tz, window, spec = case["tz"], case["window"], case["service"]
    working = working_ranges(case["hours"], [], [], tz, window)
    busy = [busy_from_booking(*booking) for booking in case["bookings"]]
    free = free_ranges(working, busy)
    result = generate_slots(free, spec, case["rules"], tz, case["now"], window)

    assert [s.start for s in result] == sorted(s.start for s in result)
    widened_busy = [b.range for b in busy]
    for slot in result:
        needed = spec.occupied(slot.start)
        assert slot.end - slot.start == spec.duration
        assert not any(needed.overlaps(other) for other in widened_busy)
        assert any(r.contains(needed) for r in working)
        reading = slot.start.astimezone(tz)
        assert (reading.hour * 60 + reading.minute) % (case["rules"].slot_step // MIN) == 0
        assert reading.second == 0 and reading.microsecond == 0
    assert {s.start for s in result} == model_slot_starts(case)
    assert len(result) == len({s.start for s in result})


# --- inputs given in the local zone ---------------------------------------------------------
# Python adds and compares two datetimes of one ZoneInfo by wall clock, so these only pass
# if instants are converted to UTC before any arithmetic.


def test_local_now_is_treated_as_an_instant_for_min_notice() -> None:
    now = datetime(2026, 3, 8, 1, 30, tzinfo=NEW_YORK)  # 06:30Z
    window = TimeRange(utc(2026, 3, 8, 5), utc(2026, 3, 8, 12))
    free = working_ranges([WeeklyHours(SUNDAY, time(0), time(8))], [], [], NEW_YORK, window)
    result = generate_slots(free, service(30), rules(30, notice=2 * HOUR), NEW_YORK, now, window)
    assert labelled(result, NEW_YORK)[0] == "04:30 EDT"


def test_occupied_range_of_a_local_start_is_real_time() -> None:
    start = datetime(2026, 3, 8, 1, 30, tzinfo=NEW_YORK)
    assert service(60, before=30, after=30).occupied(start) == TimeRange(
        utc(2026, 3, 8, 6), utc(2026, 3, 8, 8)
    )


def test_ensure_bookable_with_local_start_and_now() -> None:
    free = [TimeRange(utc(2026, 3, 8, 5), utc(2026, 3, 8, 8))]  # 00:00 EST - 04:00 EDT
    now = datetime(2026, 3, 8, 0, 0, tzinfo=NEW_YORK)
    start = datetime(2026, 3, 8, 1, 30, tzinfo=NEW_YORK)  # 06:30Z; 120 min ends 08:30Z
    with pytest.raises(SlotUnavailable, match="not free"):
        ensure_bookable(start, free, service(120), rules(30), NEW_YORK, now)
    slot = ensure_bookable(start, free, service(90), rules(30), NEW_YORK, now)
    assert slot.end == utc(2026, 3, 8, 8)
    with pytest.raises(OutsideBookingWindow, match="notice"):
        ensure_bookable(start, free, service(30), rules(30, notice=2 * HOUR), NEW_YORK, now)
