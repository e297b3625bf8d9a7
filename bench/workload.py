"""The benchmark workload as plain tuples: the same practice for Unknot and for the peer.

Pure standard-library Python (the peer's virtual environment imports it too). Everything is
derived from a seed and a start date, so two runs with the same arguments describe the same
calendar, whichever system it is loaded into.

A practice of ``therapists`` therapists, each working Monday to Friday 09:00-17:00 local time,
one treatment room each, services of 30, 60 and 90 minutes with a 15-minute clean-up after
each. The next ``days_ahead`` days are about half booked; ``history`` completed bookings lie
in the past (four a weekday per therapist, walking back from yesterday).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

TIME_ZONE = "Europe/London"
DAY_START = dt.time(9)
DAY_END = dt.time(17)
DURATIONS = (30, 60, 90)
PRICES = {30: "40.00", 60: "60.00", 90: "85.00"}
BUFFER_AFTER = 15
SLOT_STEP = 15
HISTORY_STARTS = (dt.time(9), dt.time(10, 30), dt.time(13), dt.time(14, 30))
HISTORY_DURATION = 60
BOOKABLE_STARTS = (
    dt.time(9),
    dt.time(10, 15),
    dt.time(11, 30),
    dt.time(12, 45),
    dt.time(14),
    dt.time(15, 15),
)
"""60-minute starts that fit back to back (60 + 15 minutes) in one working day."""


@dataclass(frozen=True)
class Planned:
    """One booking: therapist (and room) index, local date and times, service length."""

    therapist: int
    day: dt.date
    start: dt.time
    duration: int
    client: int

    @property
    def end(self) -> dt.time:
        return add_minutes(self.start, self.duration)

    def utc_range(self, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
        """(starts_at, ends_at, busy_until) in UTC; busy_from equals starts_at."""
        start = dt.datetime.combine(self.day, self.start, tzinfo=tz).astimezone(dt.UTC)
        end = start + dt.timedelta(minutes=self.duration)
        return start, end, end + dt.timedelta(minutes=BUFFER_AFTER)


def add_minutes(value: dt.time, minutes: int) -> dt.time:
    total = value.hour * 60 + value.minute + minutes
    return dt.time(total // 60, total % 60)


def minutes_of(value: dt.time) -> int:
    return value.hour * 60 + value.minute


@dataclass(frozen=True)
class Workload:
    therapists: int
    today: dt.date
    days_ahead: int = 30
    history: int = 0
    clients: int = 1000
    seed: int = 8

    def future(self) -> Iterator[Planned]:
        """Bookings over the next ``days_ahead`` days, filling about half of the working time.

        Per therapist and weekday, a cursor walks from 09:00: with even odds it books a
        30/60/90-minute session (plus its 15-minute clean-up) or leaves a gap of 15-135
        minutes (75 on average, about one session's length).
        """
        rng = random.Random(self.seed)
        day_end = minutes_of(DAY_END)
        for index in range(self.therapists):
            for offset in range(self.days_ahead):
                day = self.today + dt.timedelta(days=offset)
                if day.weekday() >= 5:
                    continue
                cursor = minutes_of(DAY_START)
                while cursor < day_end:
                    if rng.random() < 0.5:
                        duration = rng.choice(DURATIONS)
                        if cursor + duration + BUFFER_AFTER <= day_end:
                            yield Planned(
                                index,
                                day,
                                dt.time(cursor // 60, cursor % 60),
                                duration,
                                rng.randrange(self.clients),
                            )
                        cursor += duration + BUFFER_AFTER
                    else:
                        cursor += SLOT_STEP * rng.randint(1, 9)

    def past(self, count: int | None = None) -> Iterator[Planned]:
        """``count`` (default ``history``) completed 60-minute bookings before today."""
        count = self.history if count is None else count
        if count <= 0 or self.therapists <= 0:
            return
        rng = random.Random(self.seed + 1)
        produced = 0
        day = self.today
        while produced < count:
            day -= dt.timedelta(days=1)
            if day.weekday() >= 5:
                continue
            for index in range(self.therapists):
                for start in HISTORY_STARTS:
                    if produced >= count:
                        return
                    yield Planned(index, day, start, HISTORY_DURATION, rng.randrange(self.clients))
                    produced += 1

    def free_starts(self, first_offset: int, days: int) -> Iterator[tuple[int, dt.date, dt.time]]:
        """(therapist, date, start) of 60-minute slots on weekdays no generated booking touches.

        Days from ``first_offset`` on (counted from today) lie beyond the ``days_ahead`` filled
        days, so every listed start is free; the lists for load runs and races come from here.
        """
        if first_offset < self.days_ahead:
            raise ValueError("free starts must lie after the booked days")
        for offset in range(first_offset, first_offset + days):
            day = self.today + dt.timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for index in range(self.therapists):
                for start in BOOKABLE_STARTS:
                    yield index, day, start


def weekdays_from(today: dt.date, count: int, skip: int = 0) -> list[dt.date]:
    """The first ``count`` weekdays on or after ``today + skip`` days."""
    days = []
    day = today + dt.timedelta(days=skip)
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days
