"""The booking flow for clients and visitors: choose a technique, a length and a therapist, then
a free time week by week. Coming back from sign-up or the assessment resumes the chosen slot.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from unknot.apps.booking import selectors
from unknot.apps.booking.availability import (
    OfferedSlot,
    bookable_therapists,
    services_for,
    soonest_per_therapist,
)
from unknot.apps.booking.forms import ANY, ChoiceForm, LengthForm, parse_instant
from unknot.apps.booking.presenters import monday, when, with_query
from unknot.apps.booking.reference import schedule_reference
from unknot.apps.booking.views.common import (
    PENDING_SLOT,
    BadInput,
    choice_or_400,
    friendly,
    local_today,
    partial_wanted,
    technique_or_404,
    week_context,
)
from unknot.domain import scheduling as s

# --- 1. choose a length and a therapist ------------------------------------------------------


@friendly
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "booking/index.html", {"techniques": selectors.bookable_techniques()})


@friendly
def choose(request: HttpRequest, technique: str) -> HttpResponse:
    tech = technique_or_404(technique)
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
    if partial_wanted(request):
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
        if t.practice_id in offering and t.licence_valid_on(local_today(t, now))
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
            "soonest": when(local) if local else None,
            "url": with_query(
                times_url,
                duration=duration,
                therapist=param,
                week=monday(local.date()).isoformat() if local else None,
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
    tech = technique_or_404(technique)
    now = timezone.now()
    form = ChoiceForm(request.GET)
    if not form.is_valid():
        raise BadInput(
            400,
            "Choose a session length and a therapist first.",
            back=reverse("booking:choose", args=[tech.slug]),
        )
    choice = choice_or_400(tech, form.cleaned_data["duration"], form.cleaned_data["therapist"], now)
    page_base = reverse("booking:times", args=[tech.slug])
    confirm_base = reverse("booking:confirm", args=[tech.slug])
    week = week_context(
        technique=tech,
        duration=choice.duration,
        therapist_uid=choice.therapist.uid if choice.therapist else None,
        tz=choice.tz,
        window_days=choice.window_days,
        week_param=request.GET.get("week"),
        now=now,
        slot_url=lambda slot: with_query(
            confirm_base, **choice.query, start=slot.local_start.isoformat()
        ),
        page_url=lambda day: with_query(page_base, **choice.query, week=day.isoformat()),
        back=reverse("booking:choose", args=[tech.slug]),
    )
    context = {"technique": tech, "choice": choice, **week}
    if partial_wanted(request):
        context["partial"] = True
        return render(request, "booking/partials/week.html", context)
    return render(request, "booking/times.html", context)


# --- coming back to a chosen slot ------------------------------------------------------------


def _pending_for(request: HttpRequest, slug: str | None = None) -> dict | None:
    pending = request.session.get(PENDING_SLOT)
    if not isinstance(pending, dict) or (slug and pending.get("technique") != slug):
        return None
    start = parse_instant(str(pending.get("start", "")))
    if start is None:
        return None
    url = with_query(
        reverse("booking:confirm", args=[pending["technique"]]),
        duration=pending.get("duration"),
        therapist=pending.get("therapist"),
        start=pending.get("start"),
    )
    return {"url": url, "when": when(start)}


def resume(request: HttpRequest) -> HttpResponse:
    """Back from signing up or from the assessment: the chosen slot's confirm page."""
    pending = _pending_for(request)
    if pending is None:
        messages.info(request, "There is no time waiting to be booked. Choose a technique.")
        return redirect("booking:index")
    return redirect(pending["url"])
