"""Waitlist pages: join and leave, see offers, accept or decline one from the emailed link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from unknot.apps.booking.errors import BookingError, SlotTaken
from unknot.apps.waitlist import selectors, services
from unknot.apps.waitlist.access import access_own_entry, access_own_offer
from unknot.apps.waitlist.forms import JoinForm


def _clients_only(request: HttpRequest) -> None:
    if not request.user.is_client:
        raise Http404("The waitlist is for clients.")


@login_required
def waitlist_mine(request: HttpRequest) -> HttpResponse:
    _clients_only(request)
    entries = list(selectors.entries_of(client=request.user))
    return render(
        request,
        "waitlist/mine.html",
        {
            "entries": [(e, selectors.queue_position(e)) for e in entries],
            "offers": selectors.open_offers_of(client=request.user),
            "now": timezone.now(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def waitlist_join(request: HttpRequest) -> HttpResponse:
    _clients_only(request)
    if request.method == "POST":
        form = JoinForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry, created = services.waitlist_join(
                    client=request.user,
                    technique=data["technique"],
                    therapist=data["therapist"],
                    weekdays=data["weekdays"],
                    earliest_time=data["earliest_time"],
                    latest_time=data["latest_time"],
                    earliest_date=data["earliest_date"],
                    latest_date=data["latest_date"],
                    now=timezone.now(),
                )
            except BookingError as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(
                    request,
                    f"You are on the waitlist for {entry.technique.name}. When a matching time "
                    "frees up we email you, in the order people joined."
                    if created
                    else "You were already waiting for exactly this.",
                )
                return redirect("waitlist:mine")
        return render(request, "waitlist/join.html", {"form": form}, status=400)
    initial = {
        "technique": request.GET.get("technique") or None,
        "therapist": request.GET.get("therapist") or "",
    }
    return render(request, "waitlist/join.html", {"form": JoinForm(initial=initial)})


@login_required
@require_POST
def waitlist_leave(request: HttpRequest, uid: str) -> HttpResponse:
    entry = access_own_entry(request.user, uid)
    services.waitlist_leave(entry=entry, now=timezone.now())
    messages.success(request, f"You left the waitlist for {entry.technique.name}.")
    return redirect("waitlist:mine")


def _offer_page(request: HttpRequest, offer, *, status: int = 200, booking=None) -> HttpResponse:
    practice = offer.therapist.practice
    now = timezone.now()
    return render(
        request,
        "waitlist/offer.html",
        {
            "offer": offer,
            "tz": practice.time_zone,
            "booking": booking or offer.booking,
            "open": offer.status == "offered" and offer.expires_at > now,
            "timed_out": offer.status == "offered" and offer.expires_at <= now,
        },
        status=status,
    )


@login_required
def offer_detail(request: HttpRequest, token: str) -> HttpResponse:
    return _offer_page(request, access_own_offer(request.user, token))


@login_required
@require_POST
def offer_accept(request: HttpRequest, token: str) -> HttpResponse:
    offer = access_own_offer(request.user, token)
    try:
        booking = services.waitlist_offer_accept(
            offer=offer, client=request.user, now=timezone.now()
        )
    except SlotTaken as taken:
        messages.error(request, taken.message)
        return _offer_page(request, access_own_offer(request.user, token), status=409)
    except BookingError as refusal:
        messages.error(request, refusal.message)
        return _offer_page(request, access_own_offer(request.user, token), status=409)
    messages.success(request, "It is yours: the session is booked.")
    return _offer_page(request, access_own_offer(request.user, token), booking=booking)


@login_required
@require_POST
def offer_decline(request: HttpRequest, token: str) -> HttpResponse:
    offer = access_own_offer(request.user, token)
    try:
        services.waitlist_offer_decline(offer=offer, now=timezone.now())
    except BookingError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            "Thanks, we offered that time to the next person. You are still on the waitlist.",
        )
    return redirect("waitlist:mine")
