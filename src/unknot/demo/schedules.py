"""Demo schedules: working hours, overrides, time off, assessments and bookings.

Bookings go through the booking services (the safety gate, the overlap checks, room choice), so
the demo holds nothing the product itself could not have made. Every step is idempotent.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from unknot.apps.accounts.models import User
from unknot.apps.booking import services
from unknot.apps.booking.availability import find_slots
from unknot.apps.booking.models import Booking, BookingStatus, DateOverride, TimeOff, WorkingHours
from unknot.apps.guide.models import SavedAssessment
from unknot.apps.guide.services import assessment_save
from unknot.apps.practices.models import Service, Technique
from unknot.apps.therapists.models import Therapist
from unknot.demo import data
from unknot.domain import scheduling as s

ASSESSMENT_REFRESH = dt.timedelta(days=60)
"""A demo assessment older than this is replaced, so the 90-day safety limit never bites."""


def _time(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def _local_today(therapist: Therapist, now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(therapist.practice.time_zone)).date()


def build_hours(now: dt.datetime) -> dict[str, int]:
    """Weekly hours (replaced), plus one upcoming override and absence per demo entry."""
    therapists = {t.slug: t for t in Therapist.objects.select_related("practice")}
    for slug, ranges in data.HOURS.items():
        therapist = therapists[slug]
        therapist.working_hours.all().delete()
        WorkingHours.objects.bulk_create(
            WorkingHours(
                therapist=therapist, weekday=day, start_time=_time(start), end_time=_time(end)
            )
            for days, start, end in ranges
            for day in days
        )
    for slug, in_days, hours, note in data.OVERRIDES:
        therapist = therapists[slug]
        today = _local_today(therapist, now)
        if therapist.date_overrides.filter(note=note, date__gte=today).exists():
            continue
        start, end = (_time(hours[0]), _time(hours[1])) if hours else (None, None)
        DateOverride.objects.create(
            therapist=therapist,
            date=today + dt.timedelta(days=in_days),
            start_time=start,
            end_time=end,
            note=note,
        )
    for slug, in_days, length, reason in data.TIME_OFF:
        therapist = therapists[slug]
        if therapist.time_off.filter(reason=reason, ends_at__gt=now).exists():
            continue
        tz = ZoneInfo(therapist.practice.time_zone)
        first = _local_today(therapist, now) + dt.timedelta(days=in_days)
        TimeOff.objects.create(
            therapist=therapist,
            starts_at=dt.datetime.combine(first, dt.time(0), tzinfo=tz),
            ends_at=dt.datetime.combine(first + dt.timedelta(days=length), dt.time(0), tzinfo=tz),
            reason=reason,
        )
    return {
        "working hours": WorkingHours.objects.count(),
        "date overrides": DateOverride.objects.count(),
        "time off": TimeOff.objects.count(),
    }


def build_assessments(now: dt.datetime) -> None:
    """A saved assessment per demo client, renewed when it grows old."""
    for email, intake in data.ASSESSMENTS.items():
        client = User.objects.get(email=email)
        latest = SavedAssessment.objects.filter(client=client).order_by("-created_at").first()
        if latest is not None and now - latest.created_at < ASSESSMENT_REFRESH:
            continue
        assessment_save(client=client, intake=intake, now=now)


def _pick(slots: list) -> object | None:
    """The first slot at or after 10:00 local time (a believable hour), else the first."""
    return next((x for x in slots if x.local_start.hour >= 10), slots[0] if slots else None)


def build_bookings(now: dt.datetime, progress) -> dict[str, int]:
    """Book the demo sessions through ``services.booking_create``; past ones get an outcome."""
    made = kept = missed = 0
    for key, email, slug, minutes, therapist_slug, in_days, outcome in data.BOOKINGS:
        client = User.objects.get(email=email)
        idempotency_key = f"demo-{key}"
        if Booking.objects.filter(client=client, idempotency_key=idempotency_key).exists():
            kept += 1
            continue
        technique = Technique.objects.get(slug=slug)
        therapist = Therapist.objects.select_related("practice").get(slug=therapist_slug)
        service = Service.objects.get(
            practice=therapist.practice, technique=technique, duration_minutes=minutes
        )
        tz = ZoneInfo(therapist.practice.time_zone)
        day = _local_today(therapist, now) + dt.timedelta(days=in_days)
        start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
        end = start + dt.timedelta(days=7)
        # A past session was booked a day before its week began; it must be over by now.
        booked_at = now if in_days >= 0 else start - dt.timedelta(days=1)
        if in_days < 0:
            end = min(end, now - dt.timedelta(hours=3))
        slot = _pick(
            find_slots(
                technique=technique,
                duration_minutes=minutes,
                window=s.TimeRange(max(start, booked_at), end),
                now=booked_at,
                therapist_uid=therapist.uid,
            )
        )
        if slot is None:
            missed += 1
            progress(f"      no free time for {key}; skipped")
            continue
        booking, _ = services.booking_create(
            client=client,
            service=service,
            start=slot.start,
            now=booked_at,
            therapist=therapist,
            idempotency_key=idempotency_key,
            client_note=data.BOOKING_NOTES.get(key, ""),
        )
        if outcome == "completed" and booking.status == BookingStatus.CONFIRMED:
            services.booking_mark_completed(booking=booking, by=therapist.user, now=now)
        made += 1
    progress(f"      {made} booked, {kept} already there, {missed} without a free time")
    return {"bookings": Booking.objects.count()}
