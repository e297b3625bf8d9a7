"""One appointment and the client's list, with cancel and reschedule under the booking policy."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from unknot.apps.booking import selectors, services
from unknot.apps.booking.access import access_booking_by_uid, is_practice_side
from unknot.apps.booking.errors import (
    NotBookable,
    OutsideBookingWindow,
    PolicyRefusal,
    SafetyRefusal,
    SlotTaken,
)
from unknot.apps.booking.forms import CancelForm, RescheduleForm, parse_instant
from unknot.apps.booking.policy import booking_policy
from unknot.apps.booking.presenters import safety_view, when, with_query
from unknot.apps.booking.views.common import (
    BadInput,
    friendly,
    is_staff,
    partial_wanted,
    week_context,
)
from unknot.apps.guide.selectors import technique_page
from unknot.apps.records.health_access import booking_health_readable

# --- 4. one appointment, 5. my appointments ---------------------------------------------------


@login_required
@friendly
def appointment(request: HttpRequest, uid: str) -> HttpResponse:
    booking = access_booking_by_uid(request.user, uid)
    now = timezone.now()
    health = booking.uid in booking_health_readable(request.user, [booking], now=now)
    context = {
        "b": booking,
        "tz": booking.practice.time_zone,
        "guide": technique_page(slug=booking.technique.slug),
        "policy": booking_policy(booking, now),
        "practice_side": is_practice_side(request.user, booking),
        "health": health,
        "safety": safety_view(booking) if health else None,
        "is_owner": booking.client_id == request.user.pk,
    }
    return render(request, "booking/appointment.html", context)


@login_required
@friendly
def my_appointments(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    upcoming, past = [], []
    for booking in selectors.booking_list_for_client(client=request.user):
        entry = {"b": booking, "policy": booking_policy(booking, now)}
        if entry["policy"].active and booking.ends_at > now:
            upcoming.append(entry)
        else:
            past.append(entry)
    past.reverse()
    return render(
        request,
        "booking/my_appointments.html",
        {"upcoming": upcoming, "past": past, "is_client": request.user.is_client},
    )


@login_required
@friendly
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, uid: str) -> HttpResponse:
    booking = access_booking_by_uid(request.user, uid)
    now = timezone.now()
    policy = booking_policy(booking, now)
    back = reverse("booking:appointment", args=[booking.uid])
    if not policy.active:
        raise BadInput(
            409, f"A {booking.get_status_display().lower()} booking cannot be cancelled.", back=back
        )
    if policy.started:
        raise BadInput(
            409, "This session has already started and can no longer be cancelled.", back=back
        )
    form = CancelForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                booking = services.booking_cancel(
                    booking=booking, by=request.user, now=now, reason=form.cleaned_data["reason"]
                )
            except PolicyRefusal as error:
                raise BadInput(409, error.message, back=back) from error
            if booking.late_cancellation:
                messages.warning(request, "Your session is cancelled; it is recorded as late.")
            else:
                messages.success(request, "Your session is cancelled.")
            if booking.client_id == request.user.pk:
                return redirect("booking:appointments")
            return redirect(back)
        status = 400
    return render(
        request,
        "booking/cancel.html",
        {"b": booking, "tz": booking.practice.time_zone, "policy": policy, "form": form},
        status=status,
    )


@login_required
@friendly
@require_http_methods(["GET", "POST"])
def reschedule(request: HttpRequest, uid: str) -> HttpResponse:
    booking = access_booking_by_uid(request.user, uid)
    now = timezone.now()
    policy = booking_policy(booking, now)
    staff = is_staff(request.user)
    back = reverse("booking:appointment", args=[booking.uid])
    if not policy.active:
        raise BadInput(
            409, f"A {booking.get_status_display().lower()} booking cannot be moved.", back=back
        )
    if not policy.can_reschedule and not (staff and not policy.started):
        raise BadInput(
            409,
            "It is too late to move this session online: changes are possible up to "
            f"{policy.cutoff_hours} hours before. Please call {booking.practice.name} on "
            f"{booking.practice.phone}.",
            back=back,
        )
    tz = ZoneInfo(booking.practice.time_zone)
    base = reverse("booking:reschedule", args=[booking.uid])
    context = {"b": booking, "tz": booking.practice.time_zone, "policy": policy}
    if request.method == "POST":
        form = RescheduleForm(request.POST)
        if not form.is_valid():
            raise BadInput(400, "The new time is missing or not valid.", back=base)
        new_start = form.cleaned_data["start"]
        try:
            services.booking_reschedule(
                booking=booking, by=request.user, new_start=new_start, now=now, staff_override=staff
            )
        except SlotTaken as error:
            context.update(
                new_when=when(new_start.astimezone(tz)),
                taken=error.message,
                alternatives=[
                    {"label": when(start), "start": start.isoformat()}
                    for start in (
                        parse_instant(a.get("start", ""))
                        for a in error.extra.get("alternatives") or []
                    )
                    if start is not None
                ],
            )
            return render(request, "booking/reschedule_confirm.html", context, status=409)
        except PolicyRefusal as error:
            raise BadInput(409, error.message, back=back) from error
        except SafetyRefusal as error:  # a move is screened again, like a new booking
            raise BadInput(403, error.message, back=back) from error
        except (OutsideBookingWindow, NotBookable) as error:
            raise BadInput(400, error.message, back=base) from error
        messages.success(request, f"Your session is moved to {when(new_start.astimezone(tz))}.")
        return redirect(back)
    if "start" in request.GET:
        new_start = parse_instant(request.GET["start"])
        if new_start is None:
            raise BadInput(400, "The new time is not a valid date and time.", back=base)
        end = new_start + (booking.ends_at - booking.starts_at)
        context.update(
            new_when=when(new_start.astimezone(tz), end.astimezone(tz)),
            new_start=new_start.astimezone(tz).isoformat(),
        )
        return render(request, "booking/reschedule_confirm.html", context)
    week = week_context(
        technique=booking.technique,
        duration=booking.service.duration_minutes,
        therapist_uid=booking.therapist.uid,
        tz=tz,
        window_days=booking.practice.booking_window_days,
        week_param=request.GET.get("week"),
        now=now,
        slot_url=lambda slot: with_query(base, start=slot.local_start.isoformat()),
        page_url=lambda day: with_query(base, week=day.isoformat()),
        back=back,
    )
    context.update(week)
    if partial_wanted(request):
        context["partial"] = True
        return render(request, "booking/partials/week.html", context)
    return render(request, "booking/reschedule.html", context)
