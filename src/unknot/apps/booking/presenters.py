"""How booking pages show things: dates and times in the practice's zone, query strings, the
safety summary, the calendar grid. Pure formatting: no queries, no decisions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from unknot.apps.booking.models import Booking


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz)


def day_label(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B}"


def when(start: dt.datetime, end: dt.datetime | None = None) -> str:
    """'Tuesday 1 December 2026, 09:00–10:00 GMT' (both already in the practice's zone)."""
    text = f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M}"
    if end is not None:
        text += f"–{end:%H:%M}"
    return f"{text} {start.tzname()}"


def zone_label(zone: ZoneInfo, at: dt.datetime) -> str:
    return f"{zone.key} ({at.astimezone(zone).tzname()})"


def with_query(url: str, **params) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{url}?{urlencode(clean)}" if clean else url


FLAG_ACTIONS = {"clearance": "needs a doctor's clearance", "modify": "adapt the session"}


def safety_view(booking: Booking) -> dict:
    snap = booking.safety or {}
    if booking.needs_clearance:
        clearance = "recorded" if booking.clearance_recorded_at else "awaited"
    else:
        clearance = None
    return {
        "pressure_cap": snap.get("pressure_cap"),
        "positioning": snap.get("positioning") or [],
        "avoid_areas": snap.get("avoid_areas") or [],
        "no_oils": bool(snap.get("no_oils")),
        "avoid_oils": snap.get("avoid_oils") or [],
        "flags": [
            {
                "label": str(flag.get("code", "")).replace("-", " ").capitalize(),
                "action": FLAG_ACTIONS.get(flag.get("action"), flag.get("action")),
                "detail": flag.get("detail", ""),
            }
            for flag in snap.get("flags") or []
        ],
        "regions": [r.replace("-", " ") for r in snap.get("regions") or []],
        "clearance": clearance,
        "details": True,
    }


def clearance_only(booking: Booking) -> dict:
    """What the front desk needs to record a clearance: that one is awaited, nothing clinical."""
    return {
        "clearance": "recorded" if booking.clearance_recorded_at else "awaited",
        "details": False,
    }


def calendar_grid(
    columns: list, key: Callable[[Booking], int], bookings: list, day, tz, hours
) -> list:
    rows = []
    for hour in hours:
        top = midnight(day, tz) + dt.timedelta(hours=hour)
        bottom = top + dt.timedelta(hours=1)
        cells = []
        for column in columns:
            mine = [b for b in bookings if key(b) == column.pk]
            cells.append(
                {
                    "items": [b for b in mine if top <= b.starts_at < bottom],
                    "continuing": any(b.starts_at < top < b.ends_at for b in mine),
                }
            )
        rows.append({"label": f"{hour:02d}:00", "cells": cells})
    return rows
