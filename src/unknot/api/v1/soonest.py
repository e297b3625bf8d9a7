"""GET /api/v1/availability/soonest: the first free slot for a technique with any therapist."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import WithJsonSchema

from unknot.api.errors import ApiError
from unknot.api.rendering import json_instant, json_response
from unknot.api.v1.availability import (
    MAX_DURATION,
    SlotOut,
    known_technique,
    offered_duration,
    parse_instant,
    slot_payload,
)
from unknot.apps.booking.availability import MAX_WINDOW, soonest_per_therapist
from unknot.apps.booking.reference import schedule_reference
from unknot.domain.scheduling import TimeRange

router = Router(tags=["availability"])

DEFAULT_DAYS = 14
DEFAULT_LIMIT = 10
MAX_LIMIT = 500


def _bounded(low: int, high: int) -> WithJsonSchema:
    return WithJsonSchema({"type": "integer", "minimum": low, "maximum": high})


class SoonestOut(Schema):
    technique: str
    duration_minutes: int
    start: dt.datetime
    end: dt.datetime
    soonest: SlotOut | None
    therapists: list[SlotOut]


@router.get("/availability/soonest", response=SoonestOut, auth=None)
def soonest(
    request,
    technique: str,
    duration: int = Query(60, ge=1, le=MAX_DURATION),
    start: str | None = None,
    # Checked below with their own codes; the document states the bounds.
    days: Annotated[int, _bounded(1, MAX_WINDOW.days)] = DEFAULT_DAYS,
    limit: Annotated[int, _bounded(1, MAX_LIMIT)] = DEFAULT_LIMIT,
):
    """The soonest free slot with any therapist, and each therapist's own first slot.

    Looks ``days`` days ahead (default 14, at most 31) from ``start`` (default now). A date
    without an offset is read in the practice's time zone. ``therapists`` lists one slot per
    therapist who has one, soonest first, at most ``limit`` of them (default 10); ``soonest``
    is the first of them, or null.
    """
    now = timezone.now()
    ref = schedule_reference(now=now)
    tech = known_technique(ref, technique)
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(
            422, "invalid_limit", f"limit must be between 1 and {MAX_LIMIT}.", field="limit"
        )
    if not 1 <= days <= MAX_WINDOW.days:
        raise ApiError(
            422,
            "window_too_long" if days > MAX_WINDOW.days else "invalid_window",
            f"days must be between 1 and {MAX_WINDOW.days}.",
            field="days",
        )
    offered_duration(ref, tech, duration)
    tz = ZoneInfo(settings.PRACTICE_TIME_ZONE)
    window_start = parse_instant(start, "start", tz) if start else now
    window = TimeRange(window_start, window_start + dt.timedelta(days=days))
    firsts = soonest_per_therapist(
        technique=tech, duration_minutes=duration, window=window, now=now, ref=ref
    )
    slots = [slot_payload(slot, tech.slug, duration) for slot in firsts[:limit]]
    return json_response(
        {
            "technique": tech.slug,
            "duration_minutes": duration,
            "start": json_instant(window.start),
            "end": json_instant(window.end),
            "soonest": slots[0] if slots else None,
            "therapists": slots,
        }
    )
