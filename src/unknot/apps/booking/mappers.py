"""The only bridge between booking rows and the scheduling core's value objects."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from unknot.apps.practices.models import Practice, Service
from unknot.domain import scheduling as s


def rules_for(practice: Practice) -> s.BookingRules:
    return s.BookingRules(
        slot_step=dt.timedelta(minutes=practice.slot_step_minutes),
        min_notice=dt.timedelta(minutes=practice.min_notice_minutes),
        booking_window=dt.timedelta(days=practice.booking_window_days),
    )


def tz_for(practice: Practice) -> ZoneInfo:
    return ZoneInfo(practice.time_zone)


def spec_for(service: Service) -> s.ServiceSpec:
    return s.ServiceSpec(
        duration=dt.timedelta(minutes=service.duration_minutes),
        buffer_before=dt.timedelta(minutes=service.buffer_before_minutes),
        buffer_after=dt.timedelta(minutes=service.buffer_after_minutes),
    )


def weekly_hours(rows: Iterable) -> list[s.WeeklyHours]:
    return [s.WeeklyHours(row.weekday, row.start_time, row.end_time) for row in rows]


def date_overrides(rows: Iterable) -> list[s.DateOverride]:
    """Rows for one date become one override; a closed row closes the whole date."""
    by_date: dict[dt.date, list] = defaultdict(list)
    for row in rows:
        by_date[row.date].append(row)
    out = []
    for day, day_rows in sorted(by_date.items()):
        if any(row.closed for row in day_rows):
            out.append(s.DateOverride(day, closed=True))
        else:
            ranges = tuple((row.start_time, row.end_time) for row in day_rows)
            out.append(s.DateOverride(day, ranges=ranges))
    return out


def time_off(rows: Iterable) -> list[s.TimeOff]:
    return [s.TimeOff(s.TimeRange(row.starts_at, row.ends_at)) for row in rows]


def busy(rows: Iterable) -> list[s.Busy]:
    """Bookings as busy time; ``busy_from``/``busy_until`` already include their buffers."""
    return [s.Busy(s.TimeRange(row.busy_from, row.busy_until)) for row in rows]
