"""Progress pages: a client's charts and check-ins, the private check-in link, and the
practice side's client list with review suggestions to decide on."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from unknot.apps.booking.models import Booking
from unknot.apps.progress import selectors, services
from unknot.apps.progress.access import (
    access_booking_by_link,
    access_client_progress,
    access_own_booking_for_checkin,
    access_suggestion,
    can_decide,
    practice_scope,
)
from unknot.apps.progress.forms import AfterForm, BeforeForm, DecisionForm, item_field_name
from unknot.apps.progress.models import CheckIn, CheckInKind, SuggestionKind
from unknot.apps.progress.tokens import LinkError
from unknot.apps.records import consents
from unknot.apps.records.models import ConsentKind
from unknot.domain.guide import load_catalogue
from unknot.domain.progress import Kind, window

try:  # the guide's back-map geometry, shared so every map looks the same
    from unknot.apps.guide.backmap import map_regions
except ImportError:  # pragma: no cover
    map_regions = None


def _back_map(selected=()) -> list:
    if map_regions is None:
        return []
    return map_regions(load_catalogue().regions.values(), selected)


@login_required
def my_progress(request: HttpRequest) -> HttpResponse:
    """The client's charts, check-ins to do, suggestions and shared session summaries."""
    if not request.user.is_client:
        if practice_scope(request.user) is not None:
            return redirect("progress:clients")
        raise Http404("Progress pages are for clients.")
    client, _ = access_client_progress(request.user, request.user.uid)
    now = timezone.now()
    view = selectors.progress_view(client, now=now)
    return render(
        request,
        "progress/mine.html",
        {
            **view,
            "due": selectors.due_checkins(client, now=now),
            "hold": selectors.rescreen_hold(client),
            "health_withdrawn": consents.withdrawn_at(client, ConsentKind.HEALTH_DATA),
        },
    )


def _field_errors(form, problems: dict[str, str]) -> None:
    for key, message in problems.items():
        name = item_field_name(*key.split(".", 1)) if "." in key else key
        if name in form.fields:
            form.add_error(name, message)
        else:
            form.add_error(None, f"{key}: {message}")


def _checkin_page(request: HttpRequest, booking: Booking, kind: str, *, via: str):
    client = booking.client
    now = timezone.now()
    context = {"booking": booking, "kind": kind, "via": via, "tz": booking.practice.time_zone}
    if CheckIn.objects.filter(booking=booking, kind=kind).exists():
        return render(request, "progress/checkin_closed.html", {**context, "reason": "done"})
    withdrawn = consents.withdrawn_at(client, ConsentKind.HEALTH_DATA)
    if withdrawn is not None:
        return render(
            request,
            "progress/checkin_closed.html",
            {**context, "reason": "withdrawn", "withdrawn": withdrawn},
            status=403,
        )
    if not window(Kind(kind), booking.starts_at, booking.ends_at).contains(now):
        return render(
            request,
            "progress/checkin_closed.html",
            {**context, "reason": "not_open", "message": services.window_message(kind)},
            status=409 if request.method == "POST" else 200,
        )
    ask = consents.latest(client, ConsentKind.HEALTH_DATA) is None
    data = request.POST if request.method == "POST" else None
    if kind == CheckInKind.BEFORE:
        plan = selectors.client_plan(client)
        form = BeforeForm(data, measures=plan.measures, ask_consent=ask)
    else:
        form = AfterForm(data, ask_consent=ask)
    status = 200
    if data is not None:
        if form.is_valid():
            cd = form.cleaned_data
            kwargs = {"give_health_consent": bool(cd.get("give_consent"))}
            if kind == CheckInKind.BEFORE:
                kwargs.update(
                    scores=form.scores(),
                    regions=cd["regions"],
                    red_flags=cd["red_flags"],
                    conditions=cd["conditions"],
                    health_note=cd["health_note"],
                )
            else:
                kwargs.update(
                    soreness=int(cd["soreness"]),
                    bruising=cd["bruising"],
                    headache=cd["headache"],
                    other_reactions=cd["other_reactions"],
                    relief=cd["relief"],
                )
            try:
                result = services.checkin_submit(
                    client=client, booking=booking, kind=kind, now=now, via=via, **kwargs
                )
            except services.ProgressError as error:
                _field_errors(form, error.problems)
                if not error.problems:
                    form.add_error(None, error.message)
                status = 400 if error.code == "invalid" else 409
            else:
                return render(
                    request,
                    "progress/checkin_done.html",
                    {**context, "suggestions": result.suggestions, "checkin": result.checkin},
                )
        else:
            status = 400
    selected = request.POST.getlist("regions") if data is not None else []
    return render(
        request,
        "progress/checkin.html",
        {**context, "form": form, "map_regions": _back_map(selected)},
        status=status,
    )


@login_required
def checkin(request: HttpRequest, booking_uid: str, kind: str) -> HttpResponse:
    booking = access_own_booking_for_checkin(request.user, booking_uid, kind)
    return _checkin_page(request, booking, kind, via="web")


def checkin_link(request: HttpRequest, token: str) -> HttpResponse:
    """The check-in behind a private link from a reminder email: no sign-in needed."""
    try:
        booking, kind = access_booking_by_link(token)
    except LinkError as error:
        return render(request, "progress/link_error.html", {"message": str(error)}, status=404)
    response = _checkin_page(request, booking, kind, via="link")
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response


# --- the practice side --------------------------------------------------------------------


def _practice_user(request: HttpRequest):
    if practice_scope(request.user) is None:
        raise Http404("Client progress is for the practice's therapists and staff.")
    return request.user


@login_required
def client_list(request: HttpRequest) -> HttpResponse:
    user = _practice_user(request)
    return render(
        request,
        "progress/client_list.html",
        {"rows": selectors.practice_clients(user, now=timezone.now())},
    )


def _decision_context(user, suggestion, form=None) -> dict:
    techniques = []
    if suggestion.kind == SuggestionKind.CHANGE_TECHNIQUE:
        catalogue = load_catalogue()
        allowed = selectors.client_plan(suggestion.client).allowed
        techniques = [
            (t, catalogue.techniques[t].name) for t in allowed if t in catalogue.techniques
        ]
    initial = {"pressure_cap": suggestion.pressure_cap, "technique": suggestion.technique}
    return {
        "s": suggestion,
        "can_decide": can_decide(user, suggestion),
        "form": form or DecisionForm(techniques=techniques, initial=initial),
        "techniques": techniques,
    }


@login_required
def client_detail(request: HttpRequest, client_uid: str) -> HttpResponse:
    user = _practice_user(request)
    client, practice_id = access_client_progress(user, client_uid)
    now = timezone.now()
    view = selectors.progress_view(client, now=now, practice_id=practice_id)
    cards = [_decision_context(user, s) for s in view["suggestions"]]
    return render(
        request,
        "progress/client_detail.html",
        {
            **view,
            "client": client,
            "cards": cards,
            "hold": selectors.rescreen_hold(client),
            "next_booking": selectors.next_booking(client, practice_id=practice_id, now=now),
            "treatment_withdrawn": consents.withdrawn_at(client, ConsentKind.TREATMENT),
            "health_withdrawn": consents.withdrawn_at(client, ConsentKind.HEALTH_DATA),
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, uid: str) -> HttpResponse:
    """Accept, change or decline a suggestion; htmx swaps the card in place."""
    suggestion = access_suggestion(request.user, uid, decide=True)
    context = _decision_context(request.user, suggestion)
    form = DecisionForm(request.POST, techniques=context["techniques"])
    status = 200
    if form.is_valid():
        cd = form.cleaned_data
        try:
            suggestion = services.suggestion_decide(
                suggestion=suggestion,
                by=request.user,
                decision=cd["decision"],
                now=timezone.now(),
                note=cd["note"],
                pressure_cap=cd["pressure_cap"],
                technique=cd["technique"] or None,
            )
        except services.ProgressError as error:
            for key, message in error.problems.items():
                form.add_error(key if key in form.fields else None, message)
            if not error.problems:
                form.add_error(None, error.message)
            status = 400 if error.code == "invalid" else 409
        else:
            form = None
            if not request.htmx:
                messages.success(request, "Your decision is saved.")
                return redirect(reverse("progress:client", args=[suggestion.client.uid]))
    else:
        status = 400
    context = _decision_context(request.user, suggestion, form)
    if request.htmx:
        return render(request, "progress/partials/suggestion_card.html", context, status=status)
    if status != 200:
        messages.error(
            request,
            "The decision was not saved: "
            + "; ".join(f"{k}: {' '.join(v)}" for k, v in context["form"].errors.items()),
        )
    return redirect(reverse("progress:client", args=[suggestion.client.uid]))
