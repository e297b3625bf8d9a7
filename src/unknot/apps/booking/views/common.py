"""What the booking pages share: the friendly error page, the chosen technique, length and
therapist, and the week of free times that booking and rescheduling both show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from unknot.apps.booking import selectors
from unknot.apps.booking.availability import OfferedSlot, bookable_therapists, find_slots
from unknot.apps.booking.forms import ANY, parse_day
from unknot.apps.booking.presenters import day_label, midnight, monday, zone_label
from unknot.domain import scheduling as s

PENDING_SLOT = "booking_pending_slot"
"""Session key: the slot a visitor chose, kept while they sign up or take the assessment."""

ASSESSMENT_PATH = "/assessment/"
WEEK = dt.timedelta(days=7)

# --- small helpers ------------------------------------------------------------------------


class BadInput(Exception):
    """Raised inside a view: answer ``status`` with a page that says what was wrong."""

    def __init__(self, status: int, message: str, *, title: str = "", back: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.title = title or ("Not found" if status == 404 else "That did not work")
        self.back = back


def friendly(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except BadInput as problem:
            return render(
                request,
                "booking/problem.html",
                {"title": problem.title, "message": problem.message, "back": problem.back},
                status=problem.status,
            )

    return wrapper


def partial_wanted(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def is_staff(user) -> bool:
    return user.is_superuser or getattr(user, "is_practice_staff", False)


# --- what is being booked -------------------------------------------------------------------


@dataclass
class Choice:
    """A technique, a length and a therapist (None: any therapist), checked against the data."""

    technique: object
    duration: int
    therapist: object | None
    services: list
    tz: ZoneInfo
    window_days: int

    @property
    def therapist_param(self) -> str:
        return self.therapist.uid if self.therapist else ANY

    @property
    def query(self) -> dict:
        return {"duration": self.duration, "therapist": self.therapist_param}

    def price_text(self) -> str:
        prices = sorted({svc.price for svc in self.services})
        if len(prices) == 1:
            return f"£{prices[0]}"
        return f"£{prices[0]}–£{prices[-1]}, depending on the practice"


def technique_or_404(slug: str):
    technique = selectors.technique_by_slug(slug)
    if technique is None:
        raise BadInput(
            404,
            f"We do not offer a technique called “{slug}”.",
            back=reverse("booking:index"),
        )
    return technique


def local_today(therapist, now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(therapist.practice.time_zone)).date()


def choice_or_400(technique, duration: int, therapist_param: str, now: dt.datetime) -> Choice:
    back = reverse("booking:choose", args=[technique.slug])
    durations = selectors.offered_durations(technique)
    if duration not in durations:
        offered = ", ".join(str(d) for d in durations) or "no"
        raise BadInput(
            400, f"{technique.name} is offered for {offered} minutes, not {duration}.", back=back
        )
    therapist = None
    if therapist_param == ANY:
        offered_services = selectors.services_for_choice(
            technique=technique, duration_minutes=duration
        )
    else:
        matches = bookable_therapists(technique=technique, therapist_uid=therapist_param)
        therapist = matches[0] if matches else None
        if therapist is None or not therapist.licence_valid_on(local_today(therapist, now)):
            raise BadInput(404, f"That therapist cannot be booked for {technique.name}.", back=back)
        offered_services = selectors.services_for_choice(
            technique=technique, duration_minutes=duration, practice_id=therapist.practice_id
        )
    if not offered_services:
        raise BadInput(
            400, f"{technique.name} is not offered for {duration} minutes there.", back=back
        )
    if therapist is not None:
        tz = ZoneInfo(therapist.practice.time_zone)
    else:
        zones = {svc.practice.time_zone for svc in offered_services}
        tz = ZoneInfo(zones.pop() if len(zones) == 1 else settings.PRACTICE_TIME_ZONE)
    return Choice(
        technique=technique,
        duration=duration,
        therapist=therapist,
        services=offered_services,
        tz=tz,
        window_days=max(svc.practice.booking_window_days for svc in offered_services),
    )


# --- the week of free times (booking and rescheduling share it) ------------------------------


def week_context(
    *,
    technique,
    duration: int,
    therapist_uid: str | None,
    tz: ZoneInfo,
    window_days: int,
    week_param: str | None,
    now: dt.datetime,
    slot_url: Callable[[OfferedSlot], str],
    page_url: Callable[[dt.date], str],
    back: str,
) -> dict:
    today = now.astimezone(tz).date()
    first = monday(today)
    last = monday((now + dt.timedelta(days=window_days)).astimezone(tz).date())
    if week_param:
        day = parse_day(week_param)
        if day is None:
            raise BadInput(400, f"“{week_param[:20]}” is not a date (use YYYY-MM-DD).", back=back)
        week = monday(day)
        if not first <= week <= last:
            raise BadInput(
                400,
                f"That week is outside the booking window: you can book up to {window_days} "
                "days ahead.",
                back=back,
            )
    else:
        week = first
    start, end = midnight(week, tz), midnight(week + WEEK, tz)
    slots = find_slots(
        technique=technique,
        duration_minutes=duration,
        window=s.TimeRange(max(start, now), end),
        now=now,
        therapist_uid=therapist_uid,
    )
    by_day: dict[dt.date, list[dict]] = {}
    seen: set[dt.datetime] = set()
    for slot in slots:
        if slot.start in seen:  # "any therapist": one button per start time
            continue
        seen.add(slot.start)
        local = slot.local_start
        by_day.setdefault(local.date(), []).append(
            {
                "time": f"{local:%H:%M}",
                "zone": local.tzname(),
                "label": f"{day_label(local.date())}, {local:%H:%M} {local.tzname()}",
                "url": slot_url(slot),
            }
        )
    days = []
    for offset in range(7):
        day = week + dt.timedelta(days=offset)
        if day < today:
            continue
        slots_today = by_day.get(day, [])
        # On a phone a week of times is long: the first day with free times starts open.
        opened = bool(slots_today) and not any(d["open"] for d in days)
        days.append({"date": day, "label": day_label(day), "slots": slots_today, "open": opened})
    return {
        "week": week,
        "week_label": f"{week.day} {week:%B} – {(week + dt.timedelta(days=6)).day} "
        f"{week + dt.timedelta(days=6):%B %Y}",
        "days": days,
        "slot_count": len(seen),
        "prev_url": page_url(week - WEEK) if week > first else None,
        "next_url": page_url(week + WEEK) if week < last else None,
        "zone": zone_label(tz, start),
    }


def date_or_400(value: str | None, today: dt.date, back: str) -> dt.date:
    if not value:
        return today
    day = parse_day(value)
    if day is None or not dt.date(2000, 1, 1) <= day <= dt.date(2100, 1, 1):
        raise BadInput(400, f"“{value[:20]}” is not a date (use YYYY-MM-DD).", back=back)
    return day
