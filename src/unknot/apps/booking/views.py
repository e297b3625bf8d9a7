"""Booking pages: choose a therapist, free times week by week, confirm, appointments,
the therapist's schedule and the staff calendar.

Views parse, call a selector or a service, and render. Every time shown is in the practice's own
zone, with the zone named. Bad input (an unknown slug, a tampered hidden field, a week outside
the booking window) answers 400/404 with a message; a refusal by a service keeps its reason.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from unknot.apps.accounts.forms import EmailAuthenticationForm, SignUpForm
from unknot.apps.accounts.signup import SignUpLimited, sign_up_start
from unknot.apps.booking import selectors, services
from unknot.apps.booking.access import access_booking_by_uid, is_practice_side
from unknot.apps.booking.availability import (
    OfferedSlot,
    bookable_therapists,
    find_slots,
    services_for,
    soonest_per_therapist,
)
from unknot.apps.booking.errors import (
    BookingError,
    IdempotencyKeyReused,
    NotBookable,
    OutsideBookingWindow,
    PolicyRefusal,
    SafetyRefusal,
    SlotTaken,
)
from unknot.apps.booking.forms import (
    ANY,
    CancelForm,
    ChoiceForm,
    ClearanceForm,
    ConfirmForm,
    LengthForm,
    OutcomeForm,
    RescheduleForm,
    ScheduleQueryForm,
    SlotForm,
    parse_day,
    parse_instant,
)
from unknot.apps.booking.models import Booking, BookingStatus
from unknot.apps.booking.policy import BookingPolicy, booking_policy
from unknot.apps.booking.reference import schedule_reference
from unknot.apps.booking.safety import screen_for_booking
from unknot.apps.guide.selectors import technique_page
from unknot.apps.records.health_access import booking_health_readable
from unknot.apps.therapists.access import access_own_therapist_profile
from unknot.common.middleware import too_many_requests
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


def _partial_wanted(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz)


def _day_label(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B}"


def _when(start: dt.datetime, end: dt.datetime | None = None) -> str:
    """'Tuesday 1 December 2026, 09:00–10:00 GMT' (both already in the practice's zone)."""
    text = f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M}"
    if end is not None:
        text += f"–{end:%H:%M}"
    return f"{text} {start.tzname()}"


def _is_staff(user) -> bool:
    return user.is_superuser or getattr(user, "is_practice_staff", False)


def _tz_name(zone: ZoneInfo, at: dt.datetime) -> str:
    return f"{zone.key} ({at.astimezone(zone).tzname()})"


def _with_query(url: str, **params) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{url}?{urlencode(clean)}" if clean else url


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


def _technique(slug: str):
    technique = selectors.technique_by_slug(slug)
    if technique is None:
        raise BadInput(
            404,
            f"We do not offer a technique called “{slug}”.",
            back=reverse("booking:index"),
        )
    return technique


def _local_today(therapist, now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(therapist.practice.time_zone)).date()


def _choice(technique, duration: int, therapist_param: str, now: dt.datetime) -> Choice:
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
        if therapist is None or not therapist.licence_valid_on(_local_today(therapist, now)):
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


def _week_context(
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
    first = _monday(today)
    last = _monday((now + dt.timedelta(days=window_days)).astimezone(tz).date())
    if week_param:
        day = parse_day(week_param)
        if day is None:
            raise BadInput(400, f"“{week_param[:20]}” is not a date (use YYYY-MM-DD).", back=back)
        week = _monday(day)
        if not first <= week <= last:
            raise BadInput(
                400,
                f"That week is outside the booking window: you can book up to {window_days} "
                "days ahead.",
                back=back,
            )
    else:
        week = first
    start, end = _midnight(week, tz), _midnight(week + WEEK, tz)
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
                "label": f"{_day_label(local.date())}, {local:%H:%M} {local.tzname()}",
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
        days.append({"date": day, "label": _day_label(day), "slots": slots_today, "open": opened})
    return {
        "week": week,
        "week_label": f"{week.day} {week:%B} – {(week + dt.timedelta(days=6)).day} "
        f"{week + dt.timedelta(days=6):%B %Y}",
        "days": days,
        "slot_count": len(seen),
        "prev_url": page_url(week - WEEK) if week > first else None,
        "next_url": page_url(week + WEEK) if week < last else None,
        "zone": _tz_name(tz, start),
    }


# --- 1. choose a length and a therapist ------------------------------------------------------


@friendly
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "booking/index.html", {"techniques": selectors.bookable_techniques()})


@friendly
def choose(request: HttpRequest, technique: str) -> HttpResponse:
    tech = _technique(technique)
    now = timezone.now()
    durations = selectors.offered_durations(tech)
    context = {"technique": tech, "durations": durations}
    if not durations:
        return render(request, "booking/choose.html", context)
    default = 60 if 60 in durations else durations[0]
    form = LengthForm(
        request.GET if "duration" in request.GET else None,
        durations=durations,
        initial={"duration": default},
    )
    if form.is_bound and not form.is_valid():
        raise BadInput(
            400,
            f"{tech.name} is offered for {', '.join(map(str, durations))} minutes.",
            back=reverse("booking:choose", args=[tech.slug]),
        )
    duration = form.cleaned_data["duration"] if form.is_bound else default
    context.update(
        form=form,
        duration=duration,
        pending=_pending_for(request, tech.slug),
        **_therapist_choices(tech, duration, now),
    )
    if _partial_wanted(request):
        context["partial"] = True
        return render(request, "booking/partials/therapist_choices.html", context)
    return render(request, "booking/choose.html", context)


def _therapist_choices(technique, duration: int, now: dt.datetime) -> dict:
    """Therapists who practise it with a valid licence, soonest free slot first."""
    ref = schedule_reference(now=now)
    therapists = bookable_therapists(technique=technique, ref=ref)
    offering = services_for(
        practice_ids={t.practice_id for t in therapists},
        technique=technique,
        duration_minutes=duration,
        ref=ref,
    )
    therapists = [
        t
        for t in therapists
        if t.practice_id in offering and t.licence_valid_on(_local_today(t, now))
    ]
    if not therapists:
        return {"rows": [], "any_row": None}
    horizon = max(offering[t.practice_id].practice.booking_window_days for t in therapists)
    soonest = soonest_per_therapist(
        technique=technique,
        duration_minutes=duration,
        window=s.TimeRange(now, now + dt.timedelta(days=horizon)),
        now=now,
        ref=ref,
    )
    first_by_therapist = {slot.therapist.pk: slot for slot in soonest}
    times_url = reverse("booking:times", args=[technique.slug])

    def row(therapist, slot: OfferedSlot | None) -> dict:
        param = therapist.uid if therapist else ANY
        local = slot.local_start if slot else None
        return {
            "therapist": therapist,
            "soonest": _when(local) if local else None,
            "url": _with_query(
                times_url,
                duration=duration,
                therapist=param,
                week=_monday(local.date()).isoformat() if local else None,
            ),
        }

    rows = [row(t, first_by_therapist.get(t.pk)) for t in therapists]
    rows.sort(
        key=lambda r: (
            r["therapist"].pk not in first_by_therapist,
            first_by_therapist[r["therapist"].pk].start
            if r["therapist"].pk in first_by_therapist
            else now,
            r["therapist"].display_name,
        )
    )
    return {"rows": rows, "any_row": row(None, soonest[0] if soonest else None)}


# --- 2. free times, week by week --------------------------------------------------------------


@friendly
def times(request: HttpRequest, technique: str) -> HttpResponse:
    tech = _technique(technique)
    now = timezone.now()
    form = ChoiceForm(request.GET)
    if not form.is_valid():
        raise BadInput(
            400,
            "Choose a session length and a therapist first.",
            back=reverse("booking:choose", args=[tech.slug]),
        )
    choice = _choice(tech, form.cleaned_data["duration"], form.cleaned_data["therapist"], now)
    page_base = reverse("booking:times", args=[tech.slug])
    confirm_base = reverse("booking:confirm", args=[tech.slug])
    week = _week_context(
        technique=tech,
        duration=choice.duration,
        therapist_uid=choice.therapist.uid if choice.therapist else None,
        tz=choice.tz,
        window_days=choice.window_days,
        week_param=request.GET.get("week"),
        now=now,
        slot_url=lambda slot: _with_query(
            confirm_base, **choice.query, start=slot.local_start.isoformat()
        ),
        page_url=lambda day: _with_query(page_base, **choice.query, week=day.isoformat()),
        back=reverse("booking:choose", args=[tech.slug]),
    )
    context = {"technique": tech, "choice": choice, **week}
    if _partial_wanted(request):
        context["partial"] = True
        return render(request, "booking/partials/week.html", context)
    return render(request, "booking/times.html", context)


# --- 3. confirm (with inline sign-in / sign-up) -------------------------------------------------


def _remember(request: HttpRequest, choice: Choice, start: dt.datetime) -> None:
    request.session[PENDING_SLOT] = {
        "technique": choice.technique.slug,
        **choice.query,
        "start": start.isoformat(),
    }


def _pending_for(request: HttpRequest, slug: str | None = None) -> dict | None:
    pending = request.session.get(PENDING_SLOT)
    if not isinstance(pending, dict) or (slug and pending.get("technique") != slug):
        return None
    start = parse_instant(str(pending.get("start", "")))
    if start is None:
        return None
    url = _with_query(
        reverse("booking:confirm", args=[pending["technique"]]),
        duration=pending.get("duration"),
        therapist=pending.get("therapist"),
        start=pending.get("start"),
    )
    return {"url": url, "when": _when(start)}


def resume(request: HttpRequest) -> HttpResponse:
    """Back from signing up or from the assessment: the chosen slot's confirm page."""
    pending = _pending_for(request)
    if pending is None:
        messages.info(request, "There is no time waiting to be booked. Choose a technique.")
        return redirect("booking:index")
    return redirect(pending["url"])


def _slot_summary(choice: Choice, start: dt.datetime) -> dict:
    tz = choice.tz
    local = start.astimezone(tz)
    end = local + dt.timedelta(minutes=choice.duration)
    practice = choice.therapist.practice if choice.therapist else None
    if practice is None:
        practices = {svc.practice.pk: svc.practice for svc in choice.services}
        practice = next(iter(practices.values())) if len(practices) == 1 else None
    return {
        "when": _when(local, end),
        "start_iso": local.isoformat(),
        "technique": choice.technique,
        "duration": choice.duration,
        "therapist": choice.therapist,
        "practice": practice,
        "price": choice.price_text(),
        "cutoff_hours": practice.cancellation_cutoff_hours if practice else None,
    }


def _refusal(error: SafetyRefusal) -> dict:
    refusal = {"code": error.code, "message": error.message}
    if error.code == "screening_required":
        refusal["assessment_url"] = ASSESSMENT_PATH
    allowed = error.extra.get("allowed") or []
    if allowed:
        by_slug = {t.slug: t for t in selectors.bookable_techniques()}
        refusal["allowed"] = [by_slug[slug] for slug in allowed if slug in by_slug]
    return refusal


def _alternatives(error: SlotTaken, choice: Choice, note: str) -> list[dict]:
    out = []
    for alt in error.extra.get("alternatives") or []:
        start = parse_instant(alt.get("start", ""))
        if start is None:
            continue
        out.append(
            {
                "label": _when(start),
                "therapist_name": alt.get("therapist_name", ""),
                "fields": {
                    "step": "book",
                    "duration": choice.duration,
                    "therapist": alt.get("therapist") or choice.therapist_param,
                    "start": start.isoformat(),
                    "idempotency_key": uuid.uuid4(),
                    "note": note,
                },
            }
        )
    return out


@friendly
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, technique: str) -> HttpResponse:
    tech = _technique(technique)
    now = timezone.now()
    source = request.POST if request.method == "POST" else request.GET
    slot_form = SlotForm(source)
    back = reverse("booking:choose", args=[tech.slug])
    if not slot_form.is_valid():
        raise BadInput(
            400, "The chosen time is missing or not valid. Please pick it again.", back=back
        )
    data = slot_form.cleaned_data
    choice = _choice(tech, data["duration"], data["therapist"], now)
    start = data["start"]
    if start <= now:
        raise BadInput(400, "That time has already passed. Please pick another.", back=back)
    _remember(request, choice, start)
    confirm_url = _with_query(
        reverse("booking:confirm", args=[tech.slug]),
        **choice.query,
        start=start.astimezone(choice.tz).isoformat(),
    )
    context = {
        "slot": _slot_summary(choice, start),
        "choice": choice,
        "confirm_url": confirm_url,
        "times_url": _with_query(
            reverse("booking:times", args=[tech.slug]),
            **choice.query,
            week=_monday(start.astimezone(choice.tz).date()).isoformat(),
        ),
    }
    if request.method == "POST":
        step = request.POST.get("step", "book")
        if step == "signin":
            return _inline_sign_in(request, context)
        if step == "signup":
            return _inline_sign_up(request, context)
        if step != "book":
            raise BadInput(400, "Unknown step.", back=confirm_url)
        return _book(request, choice, start, now, context)
    return _render_confirm(request, choice, start, now, context)


def _render_confirm(
    request, choice: Choice, start, now, context: dict, *, form=None, status: int = 200
) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        context.setdefault("signin_form", _sign_in_form(request))
        context.setdefault("signup_form", SignUpForm(prefix="signup"))
    elif not user.is_client:
        context["not_client"] = True
    elif "refusal" not in context and "taken" not in context:
        try:
            screening = screen_for_booking(
                client=user, technique_slug=choice.technique.slug, now=now
            )
        except SafetyRefusal as error:
            context["refusal"] = _refusal(error)
        else:
            context["needs_clearance"] = screening.needs_clearance
    if "refusal" not in context and user.is_authenticated and user.is_client:
        context["form"] = form or ConfirmForm(
            initial={
                **choice.query,
                "start": start.astimezone(choice.tz).isoformat(),
                "idempotency_key": uuid.uuid4(),
            }
        )
    return render(request, "booking/confirm.html", context, status=status)


def _sign_in_form(request: HttpRequest, data=None) -> EmailAuthenticationForm:
    form = EmailAuthenticationForm(request, data=data, prefix="signin")
    # The slot summary comes first on this page: do not jump a phone past it.
    form.fields["username"].widget.attrs.pop("autofocus", None)
    form.fields["username"].widget.attrs["autocomplete"] = "email"
    return form


def _inline_sign_in(request: HttpRequest, context: dict) -> HttpResponse:
    form = _sign_in_form(request, request.POST)
    if form.is_valid():
        login(request, form.get_user())
        messages.success(request, "You are signed in. Your chosen time is still held below.")
        return redirect(context["confirm_url"])
    context["signin_form"] = form
    context["open"] = "signin"
    return _render_anonymous(request, context)


def _inline_sign_up(request: HttpRequest, context: dict) -> HttpResponse:
    """Through the one sign-up door (its rate limit, its same answer for every address): a
    link by email that creates the account and comes back to this page and time."""
    form = SignUpForm(request.POST, prefix="signup")
    if form.is_valid():
        try:
            message = sign_up_start(
                request,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                full_name=form.cleaned_data["full_name"],
                next_url=context["confirm_url"],
            )
        except SignUpLimited as limited:
            return too_many_requests(request, limited.retry_after)
        context["check_email"] = message
        context["signup_form"] = SignUpForm(prefix="signup")
        context["open"] = "signup"
        context.setdefault("signin_form", _sign_in_form(request))
        return render(request, "booking/confirm.html", context)
    context["signup_form"] = form
    context["open"] = "signup"
    return _render_anonymous(request, context)


def _render_anonymous(request: HttpRequest, context: dict) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(context["confirm_url"])
    context.setdefault("signin_form", _sign_in_form(request))
    context.setdefault("signup_form", SignUpForm(prefix="signup"))
    return render(request, "booking/confirm.html", context, status=400)


def _book(request: HttpRequest, choice: Choice, start, now, context: dict) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        context["must_sign_in"] = True
        return _render_anonymous(request, context)
    if not user.is_client:
        context["not_client"] = True
        return render(request, "booking/confirm.html", context, status=403)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        if any(name in form.errors for name in ("idempotency_key", "duration", "therapist")):
            raise BadInput(
                400,
                "The booking form was changed or is out of date. Please pick the time again.",
                back=context["times_url"],
            )
        return _render_confirm(request, choice, start, now, context, form=form, status=400)
    note = form.cleaned_data["note"].strip()
    try:
        booking, _created = services.booking_create(
            client=user,
            service=choice.services[0],
            start=start,
            now=now,
            therapist=choice.therapist,
            idempotency_key=str(form.cleaned_data["idempotency_key"]),
            client_note=note,
        )
    except SafetyRefusal as error:
        context["refusal"] = _refusal(error)
        return _render_confirm(request, choice, start, now, context, status=403)
    except SlotTaken as error:
        context["taken"] = {
            "message": error.message,
            "alternatives": _alternatives(error, choice, note),
        }
        return _render_confirm(request, choice, start, now, context, status=409)
    except (OutsideBookingWindow, NotBookable, IdempotencyKeyReused) as error:
        context["error"] = error.message
        return _render_confirm(request, choice, start, now, context, status=400)
    except PolicyRefusal as error:  # the client's cap, or another session at that time
        context["error"] = error.message
        return _render_confirm(request, choice, start, now, context, status=409)
    request.session.pop(PENDING_SLOT, None)
    if booking.status == BookingStatus.PENDING:
        messages.warning(
            request, "Your time is held. The booking will be confirmed once clearance is recorded."
        )
    else:
        messages.success(request, "Your session is booked.")
    return redirect("booking:appointment", uid=booking.uid)


# --- 4. one appointment, 5. my appointments ---------------------------------------------------


def _policy(booking: Booking, now: dt.datetime) -> BookingPolicy:
    """What the client may still do with ``booking`` under its practice's policy."""
    return booking_policy(booking, now)


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
        "policy": _policy(booking, now),
        "practice_side": is_practice_side(request.user, booking),
        "health": health,
        "safety": _safety_view(booking) if health else None,
        "is_owner": booking.client_id == request.user.pk,
    }
    return render(request, "booking/appointment.html", context)


@login_required
@friendly
def my_appointments(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    upcoming, past = [], []
    for booking in selectors.booking_list_for_client(client=request.user):
        entry = {"b": booking, "policy": _policy(booking, now)}
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
    policy = _policy(booking, now)
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
    policy = _policy(booking, now)
    staff = _is_staff(request.user)
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
                new_when=_when(new_start.astimezone(tz)),
                taken=error.message,
                alternatives=[
                    {"label": _when(start), "start": start.isoformat()}
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
        messages.success(request, f"Your session is moved to {_when(new_start.astimezone(tz))}.")
        return redirect(back)
    if "start" in request.GET:
        new_start = parse_instant(request.GET["start"])
        if new_start is None:
            raise BadInput(400, "The new time is not a valid date and time.", back=base)
        end = new_start + (booking.ends_at - booking.starts_at)
        context.update(
            new_when=_when(new_start.astimezone(tz), end.astimezone(tz)),
            new_start=new_start.astimezone(tz).isoformat(),
        )
        return render(request, "booking/reschedule_confirm.html", context)
    week = _week_context(
        technique=booking.technique,
        duration=booking.service.duration_minutes,
        therapist_uid=booking.therapist.uid,
        tz=tz,
        window_days=booking.practice.booking_window_days,
        week_param=request.GET.get("week"),
        now=now,
        slot_url=lambda slot: _with_query(base, start=slot.local_start.isoformat()),
        page_url=lambda day: _with_query(base, week=day.isoformat()),
        back=back,
    )
    context.update(week)
    if _partial_wanted(request):
        context["partial"] = True
        return render(request, "booking/partials/week.html", context)
    return render(request, "booking/reschedule.html", context)


# --- 6. the therapist's schedule ---------------------------------------------------------------


def _date_or_400(value: str | None, today: dt.date, back: str) -> dt.date:
    if not value:
        return today
    day = parse_day(value)
    if day is None or not dt.date(2000, 1, 1) <= day <= dt.date(2100, 1, 1):
        raise BadInput(400, f"“{value[:20]}” is not a date (use YYYY-MM-DD).", back=back)
    return day


FLAG_ACTIONS = {"clearance": "needs a doctor's clearance", "modify": "adapt the session"}


def _safety_view(booking: Booking) -> dict:
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


def _clearance_only(booking: Booking) -> dict:
    """What the front desk needs to record a clearance: that one is awaited, nothing clinical."""
    return {
        "clearance": "recorded" if booking.clearance_recorded_at else "awaited",
        "details": False,
    }


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
    day = _date_or_400(request.GET.get("date"), now.astimezone(tz).date(), base)
    view = query.cleaned_data["view"] or "day"
    first = _monday(day) if view == "week" else day
    length = 7 if view == "week" else 1
    window = s.TimeRange(_midnight(first, tz), _midnight(first + dt.timedelta(days=length), tz))
    bookings = list(selectors.booking_list_for_therapist(therapist=therapist, window=window))
    shown = booking_health_readable(request.user, bookings, now=now)
    days = []
    for offset in range(length):
        current = first + dt.timedelta(days=offset)
        items = [
            {
                "b": b,
                "health": b.uid in shown,
                "safety": _safety_view(b) if b.uid in shown else None,
                "can_mark": b.status == BookingStatus.CONFIRMED and now >= b.starts_at,
            }
            for b in bookings
            if b.starts_at.astimezone(tz).date() == current
        ]
        days.append({"date": current, "label": _day_label(current), "items": items})
    step = dt.timedelta(days=length)
    return render(
        request,
        "booking/schedule.html",
        {
            "therapist": therapist,
            "tz": therapist.practice.time_zone,
            "zone": _tz_name(tz, window.start),
            "view": view,
            "day": day,
            "days": days,
            "count": sum(1 for b in bookings if b.status != BookingStatus.CANCELLED),
            "prev_url": _with_query(base, date=(first - step).isoformat(), view=view),
            "next_url": _with_query(base, date=(first + step).isoformat(), view=view),
            "today_url": _with_query(base, view=view),
            "other_view_url": _with_query(
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
    back = _with_query(
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


def _grid(columns: list, key: Callable[[Booking], int], bookings: list, day, tz, hours) -> list:
    rows = []
    for hour in hours:
        top = _midnight(day, tz) + dt.timedelta(hours=hour)
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


def _render_calendar(
    request: HttpRequest, practice, day: dt.date, *, forms=None, status: int = 200
) -> HttpResponse:
    tz = ZoneInfo(practice.time_zone)
    window = s.TimeRange(_midnight(day, tz), _midnight(day + dt.timedelta(days=1), tz))
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
            "day_label": f"{_day_label(day)} {day:%Y}",
            "tz": practice.time_zone,
            "zone": _tz_name(tz, window.start),
            "therapists": therapists,
            "rooms": rooms,
            "therapist_rows": _grid(therapists, lambda b: b.therapist_id, bookings, day, tz, hours),
            "room_rows": _grid(rooms, lambda b: b.room_id, bookings, day, tz, hours),
            "count": len(bookings),
            "awaiting": [
                {
                    "b": b,
                    "health": b.uid in shown,
                    "safety": _safety_view(b) if b.uid in shown else _clearance_only(b),
                    "form": forms.get(b.uid) or ClearanceForm(prefix=f"c-{b.uid}"),
                }
                for b in awaiting
            ],
            "prev_url": _with_query(
                base, date=(day - dt.timedelta(days=1)).isoformat(), practice=keep
            ),
            "next_url": _with_query(
                base, date=(day + dt.timedelta(days=1)).isoformat(), practice=keep
            ),
            "today_url": _with_query(base, practice=keep),
        },
        status=status,
    )


@login_required
@friendly
def calendar(request: HttpRequest) -> HttpResponse:
    practice = _calendar_practice(request)
    today = timezone.now().astimezone(ZoneInfo(practice.time_zone)).date()
    day = _date_or_400(request.GET.get("date"), today, reverse("booking:calendar"))
    return _render_calendar(request, practice, day)


@login_required
@friendly
@require_POST
def clearance(request: HttpRequest, uid: str) -> HttpResponse:
    if not _is_staff(request.user):
        raise Http404("No such booking.")
    booking = access_booking_by_uid(request.user, uid)
    practice = booking.practice
    tz = ZoneInfo(practice.time_zone)
    day = booking.starts_at.astimezone(tz).date()
    back = _with_query(
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
