"""GET /api/v1/availability: free slots for a technique, one therapist or any."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from ninja import Query, Router, Schema

from unknot.api.errors import ApiError
from unknot.api.fields import EARLIEST_DATE, LATEST_DATE, in_range
from unknot.api.rendering import json_instant, json_response
from unknot.apps.booking.availability import MAX_WINDOW, OfferedSlot, find_slots
from unknot.apps.booking.reference import ScheduleReference, schedule_reference
from unknot.apps.practices.models import Technique
from unknot.apps.therapists.models import Therapist
from unknot.domain.scheduling import TimeRange

router = Router(tags=["availability"])


class SlotOut(Schema):
    start: dt.datetime
    end: dt.datetime
    therapist: str
    therapist_name: str
    service: str
    duration_minutes: int
    price: str


class AvailabilityOut(Schema):
    technique: str
    duration_minutes: int
    start: dt.datetime
    end: dt.datetime
    slots: list[SlotOut]


def technique_or_422(slug: str) -> Technique:
    technique = Technique.objects.filter(slug=slug).first()
    if technique is None:
        raise ApiError(
            422,
            "unknown_technique",
            f"Unknown technique '{slug}'.",
            field="technique",
            valid_values=list(Technique.objects.values_list("slug", flat=True)),
        )
    return technique


def therapist_or_422(uid: str) -> Therapist:
    therapist = Therapist.objects.select_related("practice").filter(uid=uid, is_active=True).first()
    if therapist is None:
        raise ApiError(422, "unknown_therapist", f"Unknown therapist '{uid}'.", field="therapist")
    return therapist


def slot_payload(slot: OfferedSlot, technique: str, duration: int) -> dict:
    """One ``SlotOut``, as a plain dict of JSON values for ``json_response``."""
    return {
        "start": json_instant(slot.local_start),
        "end": json_instant(slot.local_end),
        "therapist": slot.therapist.uid,
        "therapist_name": slot.therapist.display_name,
        "service": f"{technique}-{duration}",
        "duration_minutes": duration,
        "price": str(slot.service.price),
    }


def known_technique(ref: ScheduleReference, slug: str) -> Technique:
    """``technique_or_422`` answered from the in-memory reference data."""
    technique = ref.technique(slug)
    if technique is None:
        raise ApiError(
            422,
            "unknown_technique",
            f"Unknown technique '{slug}'.",
            field="technique",
            valid_values=list(ref.techniques),
        )
    return technique


def known_therapist(ref: ScheduleReference, uid: str) -> Therapist:
    """``therapist_or_422`` answered from the in-memory reference data."""
    therapist = ref.therapist(uid)
    if therapist is None:
        raise ApiError(422, "unknown_therapist", f"Unknown therapist '{uid}'.", field="therapist")
    return therapist


def offered_duration(ref: ScheduleReference, technique: Technique, duration: int) -> int:
    valid = ref.durations.get(technique.pk, [])
    if duration not in valid:
        raise ApiError(
            422,
            "unknown_duration",
            f"{technique.name} is offered for {', '.join(map(str, valid)) or 'no'} minutes.",
            field="duration",
            valid_values=valid,
        )
    return duration


MAX_DURATION = 24 * 60
"""No service is longer than a day; a longer duration is refused before it is looked up."""


def parse_instant(value: str, field: str, tz: ZoneInfo) -> dt.datetime:
    """ISO 8601 date or date-time; a date or a time without offset is read in ``tz``."""
    if len(value) > 19 and value[-6] == " ":
        # A "+" left unencoded in a query string arrives as a space: "…T09:00:00 01:00".
        value = value[:-6] + "+" + value[-5:]
    try:
        if len(value) == 10:
            parsed = dt.datetime.combine(dt.date.fromisoformat(value), dt.time(0))
        else:
            parsed = dt.datetime.fromisoformat(value)
    except ValueError as error:
        raise ApiError(
            422,
            "invalid_datetime",
            f"'{value}' is not an ISO 8601 date or date-time (e.g. 2026-12-01 or "
            "2026-12-01T09:00:00+00:00).",
            field=field,
        ) from error
    if not in_range(parsed):
        raise ApiError(
            422,
            "out_of_range",
            f"'{value}' is outside the dates we accept "
            f"({EARLIEST_DATE:%Y-%m-%d} to {LATEST_DATE:%Y-%m-%d}).",
            field=field,
        )
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


@router.get("/availability", response=AvailabilityOut, auth=None)
def availability(
    request,
    technique: str,
    therapist: str | None = None,
    start: str | None = None,
    end: str | None = None,
    duration: int = Query(60, ge=1, le=MAX_DURATION),
):
    """Free start times. Dates without an offset are read in the practice's time zone.

    Each slot's start and end carry the practice's UTC offset; the window may span at most 31
    days.
    """
    now = timezone.now()
    ref = schedule_reference(now=now)
    tech = known_technique(ref, technique)
    chosen = known_therapist(ref, therapist) if therapist else None
    tz = ZoneInfo(chosen.practice.time_zone if chosen else settings.PRACTICE_TIME_ZONE)
    window_start = parse_instant(start, "start", tz) if start else now
    window_end = parse_instant(end, "end", tz) if end else window_start + dt.timedelta(days=7)
    if window_end <= window_start:
        raise ApiError(422, "invalid_window", "end must be after start.", field="end")
    if window_end - window_start > MAX_WINDOW:
        raise ApiError(
            422,
            "window_too_long",
            f"Ask for at most {MAX_WINDOW.days} days at a time.",
            field="end",
        )
    offered_duration(ref, tech, duration)
    if chosen is not None and tech.pk not in ref.practised.get(chosen.pk, ()):
        raise ApiError(
            422,
            "technique_not_practised",
            f"{chosen.display_name} does not practise {tech.name}.",
            field="therapist",
        )
    slots = find_slots(
        technique=tech,
        duration_minutes=duration,
        window=TimeRange(window_start, window_end),
        now=now,
        therapist_uid=chosen.uid if chosen else None,
        ref=ref,
    )
    return json_response(
        {
            "technique": tech.slug,
            "duration_minutes": duration,
            "start": json_instant(window_start),
            "end": json_instant(window_end),
            "slots": [slot_payload(slot, tech.slug, duration) for slot in slots],
        }
    )
