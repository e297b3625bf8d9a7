"""The staff and front-desk calendar of one practice, and recording a doctor's clearance."""

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
from unknot.apps.booking.errors import BookingError
from unknot.apps.booking.forms import ClearanceForm
from unknot.apps.booking.models import BookingStatus
from unknot.apps.booking.presenters import (
    calendar_grid,
    clearance_only,
    day_label,
    midnight,
    safety_view,
    with_query,
    zone_label,
)
from unknot.apps.booking.views.common import BadInput, date_or_400, friendly, is_staff
from unknot.apps.records.health_access import booking_health_readable
from unknot.domain import scheduling as s

# --- 7. the staff calendar -------------------------------------------------------------------


def _calendar_practice(request: HttpRequest):
    """The practice whose calendar ``request.user`` may see; 404 for everyone else."""
    user = request.user
    wanted = request.GET.get("practice") or request.POST.get("practice")
    if user.is_superuser:
        if wanted:
            practice = selectors.practice_by_slug(wanted)
            if practice is None:
                raise BadInput(404, "No such practice.", back=reverse("booking:calendar"))
            return practice
        practices = selectors.practice_list()
        if not practices:
            raise BadInput(404, "There is no practice yet.")
        return practices[0]
    if user.is_practice_staff and user.practice_id:
        if wanted and wanted != user.practice.slug:
            raise Http404("No such practice.")
        return user.practice
    raise Http404("No calendar here.")


def _render_calendar(
    request: HttpRequest, practice, day: dt.date, *, forms=None, status: int = 200
) -> HttpResponse:
    tz = ZoneInfo(practice.time_zone)
    window = s.TimeRange(midnight(day, tz), midnight(day + dt.timedelta(days=1), tz))
    bookings = [
        b
        for b in selectors.booking_list_for_practice(practice_id=practice.pk, window=window)
        if b.status != BookingStatus.CANCELLED
    ]
    therapists = selectors.practice_therapists(practice_id=practice.pk)
    rooms = selectors.practice_rooms(practice_id=practice.pk)
    first_hour, last_hour = 8, 18
    for row in selectors.therapist_weekly_hours(therapist_ids=[t.pk for t in therapists]):
        if row.weekday == day.weekday():
            first_hour = min(first_hour, row.start_time.hour)
            last_hour = max(last_hour, row.end_time.hour + (1 if row.end_time.minute else 0))
    for b in bookings:
        start, end = b.starts_at.astimezone(tz), b.ends_at.astimezone(tz)
        first_hour = min(first_hour, start.hour if start.date() == day else 0)
        last_hour = max(last_hour, end.hour + (1 if end.minute else 0) if end.date() == day else 24)
    hours = range(first_hour, min(last_hour, 24))
    awaiting = list(selectors.bookings_awaiting_clearance(practice_id=practice.pk))
    shown = booking_health_readable(request.user, awaiting, now=timezone.now())
    forms = forms or {}
    base = reverse("booking:calendar")
    keep = practice.slug if request.user.is_superuser else None
    return render(
        request,
        "booking/calendar.html",
        {
            "practice": practice,
            "practices": selectors.practice_list() if request.user.is_superuser else [],
            "day": day,
            "day_label": f"{day_label(day)} {day:%Y}",
            "tz": practice.time_zone,
            "zone": zone_label(tz, window.start),
            "therapists": therapists,
            "rooms": rooms,
            "therapist_rows": calendar_grid(
                therapists, lambda b: b.therapist_id, bookings, day, tz, hours
            ),
            "room_rows": calendar_grid(rooms, lambda b: b.room_id, bookings, day, tz, hours),
            "count": len(bookings),
            "awaiting": [
                {
                    "b": b,
                    "health": b.uid in shown,
                    "safety": safety_view(b) if b.uid in shown else clearance_only(b),
                    "form": forms.get(b.uid) or ClearanceForm(prefix=f"c-{b.uid}"),
                }
                for b in awaiting
            ],
            "prev_url": with_query(
                base, date=(day - dt.timedelta(days=1)).isoformat(), practice=keep
            ),
            "next_url": with_query(
                base, date=(day + dt.timedelta(days=1)).isoformat(), practice=keep
            ),
            "today_url": with_query(base, practice=keep),
        },
        status=status,
    )


@login_required
@friendly
def calendar(request: HttpRequest) -> HttpResponse:
    practice = _calendar_practice(request)
    today = timezone.now().astimezone(ZoneInfo(practice.time_zone)).date()
    day = date_or_400(request.GET.get("date"), today, reverse("booking:calendar"))
    return _render_calendar(request, practice, day)


@login_required
@friendly
@require_POST
def clearance(request: HttpRequest, uid: str) -> HttpResponse:
    if not is_staff(request.user):
        raise Http404("No such booking.")
    booking = access_booking_by_uid(request.user, uid)
    practice = booking.practice
    tz = ZoneInfo(practice.time_zone)
    day = booking.starts_at.astimezone(tz).date()
    back = with_query(
        reverse("booking:calendar"),
        date=day.isoformat(),
        practice=practice.slug if request.user.is_superuser else None,
    )
    form = ClearanceForm(request.POST, prefix=f"c-{booking.uid}")
    if not form.is_valid():
        return _render_calendar(request, practice, day, forms={booking.uid: form}, status=400)
    try:
        services.booking_record_clearance(
            booking=booking, by=request.user, now=timezone.now(), note=form.cleaned_data["note"]
        )
    except BookingError as error:
        raise BadInput(409, error.message, back=back) from error
    messages.success(
        request, f"Clearance recorded: {booking.client.get_full_name()}'s session is confirmed."
    )
    return redirect(back)
