"""GET /api/v1/availability/soonest: the first free slot for a technique with any therapist."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from ninja import Router, Schema

from unknot.api.errors import ApiError
from unknot.api.v1.availability import SlotOut, durations_for, parse_instant, technique_or_422
from unknot.apps.booking.availability import MAX_WINDOW, OfferedSlot, soonest_per_therapist
from unknot.domain.scheduling import TimeRange

router = Router(tags=["availability"])

DEFAULT_DAYS = 14
DEFAULT_LIMIT = 10
MAX_LIMIT = 500


class SoonestOut(Schema):
    technique: str
    duration_minutes: int
    start: dt.datetime
    end: dt.datetime
    soonest: SlotOut | None
    therapists: list[SlotOut]


def _slot_out(slot: OfferedSlot, technique: str, duration: int) -> SlotOut:
    return SlotOut(
        start=slot.local_start,
        end=slot.local_end,
        therapist=slot.therapist.uid,
        therapist_name=slot.therapist.display_name,
        service=f"{technique}-{duration}",
        duration_minutes=duration,
        price=str(slot.service.price),
    )


@router.get("/availability/soonest", response=SoonestOut, auth=None)
def soonest(
    request,
    technique: str,
    duration: int = 60,
    start: str | None = None,
    days: int = DEFAULT_DAYS,
    limit: int = DEFAULT_LIMIT,
):
    """The soonest free slot with any therapist, and each therapist's own first slot.

    Looks ``days`` days ahead (default 14, at most 31) from ``start`` (default now). A date
    without an offset is read in the practice's time zone. ``therapists`` lists one slot per
    therapist who has one, soonest first, at most ``limit`` of them (default 10); ``soonest``
    is the first of them, or null.
    """
    tech = technique_or_422(technique)
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
    valid_durations = durations_for(tech)
    if duration not in valid_durations:
        raise ApiError(
            422,
            "unknown_duration",
            f"{tech.name} is offered for {', '.join(map(str, valid_durations)) or 'no'} minutes.",
            field="duration",
            valid_values=valid_durations,
        )
    now = timezone.now()
    tz = ZoneInfo(settings.PRACTICE_TIME_ZONE)
    window_start = parse_instant(start, "start", tz) if start else now
    window = TimeRange(window_start, window_start + dt.timedelta(days=days))
    firsts = soonest_per_therapist(
        technique=tech, duration_minutes=duration, window=window, now=now
    )
    slots = [_slot_out(slot, tech.slug, duration) for slot in firsts[:limit]]
    return SoonestOut(
        technique=tech.slug,
        duration_minutes=duration,
        start=window.start,
        end=window.end,
        soonest=slots[0] if slots else None,
        therapists=slots,
    )
