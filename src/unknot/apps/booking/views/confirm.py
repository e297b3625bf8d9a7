"""The last step of the booking flow: confirm the chosen time, signing in or up on the same page,
and book it. A refusal keeps its reason; a taken slot offers nearby ones.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from unknot.apps.accounts.forms import EmailAuthenticationForm, SignUpForm
from unknot.apps.accounts.signup import SignUpLimited, sign_up_start
from unknot.apps.booking import selectors, services
from unknot.apps.booking.errors import (
    IdempotencyKeyReused,
    NotBookable,
    OutsideBookingWindow,
    PolicyRefusal,
    SafetyRefusal,
    SlotTaken,
)
from unknot.apps.booking.forms import ConfirmForm, SlotForm, parse_instant
from unknot.apps.booking.models import BookingStatus
from unknot.apps.booking.presenters import monday, when, with_query
from unknot.apps.booking.safety import screen_for_booking
from unknot.apps.booking.views.common import (
    ASSESSMENT_PATH,
    PENDING_SLOT,
    BadInput,
    Choice,
    choice_or_400,
    friendly,
    technique_or_404,
)
from unknot.common.middleware import too_many_requests

# --- 3. confirm (with inline sign-in / sign-up) -------------------------------------------------


def _remember(request: HttpRequest, choice: Choice, start: dt.datetime) -> None:
    request.session[PENDING_SLOT] = {
        "technique": choice.technique.slug,
        **choice.query,
        "start": start.isoformat(),
    }


def _slot_summary(choice: Choice, start: dt.datetime) -> dict:
    tz = choice.tz
    local = start.astimezone(tz)
    end = local + dt.timedelta(minutes=choice.duration)
    practice = choice.therapist.practice if choice.therapist else None
    if practice is None:
        practices = {svc.practice.pk: svc.practice for svc in choice.services}
        practice = next(iter(practices.values())) if len(practices) == 1 else None
    return {
        "when": when(local, end),
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
                "label": when(start),
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
    tech = technique_or_404(technique)
    now = timezone.now()
    source = request.POST if request.method == "POST" else request.GET
    slot_form = SlotForm(source)
    back = reverse("booking:choose", args=[tech.slug])
    if not slot_form.is_valid():
        raise BadInput(
            400, "The chosen time is missing or not valid. Please pick it again.", back=back
        )
    data = slot_form.cleaned_data
    choice = choice_or_400(tech, data["duration"], data["therapist"], now)
    start = data["start"]
    if start <= now:
        raise BadInput(400, "That time has already passed. Please pick another.", back=back)
    _remember(request, choice, start)
    confirm_url = with_query(
        reverse("booking:confirm", args=[tech.slug]),
        **choice.query,
        start=start.astimezone(choice.tz).isoformat(),
    )
    context = {
        "slot": _slot_summary(choice, start),
        "choice": choice,
        "confirm_url": confirm_url,
        "times_url": with_query(
            reverse("booking:times", args=[tech.slug]),
            **choice.query,
            week=monday(start.astimezone(choice.tz).date()).isoformat(),
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
