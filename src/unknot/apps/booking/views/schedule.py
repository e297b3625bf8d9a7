"""The therapist's own schedule, day or week, and marking a session completed or a no-show."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from unknot.apps.booking import selectors, services
from unknot.apps.booking.access import access_booking_by_uid
from unknot.apps.booking.errors import PolicyRefusal
from unknot.apps.booking.forms import OutcomeForm, ScheduleQueryForm
from unknot.apps.booking.models import BookingStatus
from unknot.apps.booking.presenters import (
    day_label,
    midnight,
    monday,
    safety_view,
    with_query,
    zone_label,
)
from unknot.apps.booking.views.common import BadInput, date_or_400, friendly
from unknot.apps.records.health_access import booking_health_readable
from unknot.apps.therapists.access import access_own_therapist_profile
from unknot.domain import scheduling as s

# --- 6. the therapist's schedule ---------------------------------------------------------------


@login_required
@friendly
def schedule(request: HttpRequest) -> HttpResponse:
    therapist = access_own_therapist_profile(request.user)
    tz = ZoneInfo(therapist.practice.time_zone)
    now = timezone.now()
    base = reverse("booking:schedule")
    query = ScheduleQueryForm(request.GET)
    if not query.is_valid():
        raise BadInput(400, "Use a date like 2026-12-01 and a view of day or week.", back=base)
    day = date_or_400(request.GET.get("date"), now.astimezone(tz).date(), base)
    view = query.cleaned_data["view"] or "day"
    first = monday(day) if view == "week" else day
    length = 7 if view == "week" else 1
    window = s.TimeRange(midnight(first, tz), midnight(first + dt.timedelta(days=length), tz))
    bookings = list(selectors.booking_list_for_therapist(therapist=therapist, window=window))
    shown = booking_health_readable(request.user, bookings, now=now)
    days = []
    for offset in range(length):
        current = first + dt.timedelta(days=offset)
        items = [
            {
                "b": b,
                "health": b.uid in shown,
                "safety": safety_view(b) if b.uid in shown else None,
                "can_mark": b.status == BookingStatus.CONFIRMED and now >= b.starts_at,
            }
            for b in bookings
            if b.starts_at.astimezone(tz).date() == current
        ]
        days.append({"date": current, "label": day_label(current), "items": items})
    step = dt.timedelta(days=length)
    return render(
        request,
        "booking/schedule.html",
        {
            "therapist": therapist,
            "tz": therapist.practice.time_zone,
            "zone": zone_label(tz, window.start),
            "view": view,
            "day": day,
            "days": days,
            "count": sum(1 for b in bookings if b.status != BookingStatus.CANCELLED),
            "prev_url": with_query(base, date=(first - step).isoformat(), view=view),
            "next_url": with_query(base, date=(first + step).isoformat(), view=view),
            "today_url": with_query(base, view=view),
            "other_view_url": with_query(
                base, date=day.isoformat(), view="day" if view == "week" else "week"
            ),
        },
    )


@login_required
@friendly
@require_POST
def outcome(request: HttpRequest, uid: str) -> HttpResponse:
    therapist = access_own_therapist_profile(request.user)
    booking = access_booking_by_uid(request.user, uid)
    if booking.therapist_id != therapist.pk:
        raise Http404("No such booking.")
    tz = ZoneInfo(booking.practice.time_zone)
    back = with_query(
        reverse("booking:schedule"), date=booking.starts_at.astimezone(tz).date().isoformat()
    )
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        raise BadInput(400, "Choose completed or no-show.", back=back)
    action = (
        services.booking_mark_completed
        if form.cleaned_data["outcome"] == "completed"
        else services.booking_mark_no_show
    )
    try:
        action(booking=booking, by=request.user, now=timezone.now())
    except PolicyRefusal as error:
        raise BadInput(409, error.message, back=back) from error
    label = "completed" if form.cleaned_data["outcome"] == "completed" else "a no-show"
    messages.success(request, f"{booking.client.get_full_name()}'s session is marked {label}.")
    return redirect(back)
