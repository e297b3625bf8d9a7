"""The private calendar feed (for calendar apps) and the page where a person manages it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from unknot.apps.notifications import ics
from unknot.apps.notifications.access import access_feed_by_token, can_have_feed
from unknot.apps.notifications.selectors import (
    active_feed_for,
    feed_audience,
    feed_bookings,
    feed_urls,
)
from unknot.apps.notifications.services import (
    calendar_feed_fetched,
    calendar_feed_issue,
    calendar_feed_revoke,
    calendar_feed_show_names,
)


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """``/calendar/<token>.ics``: every session of the feed's owner, for any calendar app."""
    feed = access_feed_by_token(token)
    now = timezone.now()
    audience = feed_audience(feed.user)
    name = "Unknot sessions" if audience == "therapist" else "Unknot appointments"
    calendar = ics.build_calendar(
        feed_bookings(user=feed.user, now=now),
        stamp=now,
        method=None,
        audience=audience,
        name=name,
        full_names=feed.show_client_names,
    )
    calendar_feed_fetched(feed=feed, now=now)
    response = HttpResponse(ics.to_bytes(calendar), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="unknot.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def subscription(request: HttpRequest) -> HttpResponse:
    """See the feed address; create, replace (regenerate) or turn it off."""
    if not can_have_feed(request.user):
        raise Http404
    now = timezone.now()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "issue":
            calendar_feed_issue(user=request.user, now=now)
            notice = "Your calendar address is ready. Any earlier address no longer works."
        elif action == "names":
            full = request.POST.get("show_client_names") == "on"
            calendar_feed_show_names(user=request.user, show=full)
            notice = (
                "Your calendar now shows clients' full names."
                if full
                else "Your calendar now shows clients' initials only."
            )
        elif action == "revoke":
            calendar_feed_revoke(user=request.user, now=now)
            notice = "Your calendar address is off. Calendars subscribed to it stop updating."
        else:
            return HttpResponse("Unknown action.", status=400)
        if not request.htmx:
            messages.success(request, notice)
            return redirect("notifications:subscription")
    else:
        notice = ""
    active = active_feed_for(request.user)
    context = {
        "feed": active,
        "urls": feed_urls(request, active) if active else None,
        "notice": notice,
        "audience": feed_audience(request.user),
    }
    template = (
        "notifications/partials/feed_card.html"
        if request.htmx
        else "notifications/subscription.html"
    )
    return render(request, template, context)
