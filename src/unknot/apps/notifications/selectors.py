"""Reads: a person's feed and the bookings it lists; what the sweep must (re)send."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse

from unknot.apps.booking.models import Booking, BookingStatus
from unknot.apps.notifications.models import (
    CalendarFeed,
    DeliveryStatus,
    NotificationKind,
    SentNotification,
)

CANCELLED_KEPT_FOR = dt.timedelta(days=30)
"""A cancelled session stays in feeds (as STATUS:CANCELLED) this long after it was cancelled,
so every subscribed calendar sees the cancellation before the event disappears."""
HISTORY_KEPT_FOR = dt.timedelta(days=365)
"""Past sessions older than this drop out of feeds."""
FEED_RELATIONS = ("practice", "client", "therapist", "room", "service", "technique")


def active_feed_for(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def feed_urls(request, feed: CalendarFeed) -> dict:
    """The feed's https address, and the same as webcal:// for one-click subscribing.

    Built on the request's own host when there is one, else on ``SITE_URL``.
    """
    path = reverse("notifications:feed", args=[feed.token])
    base = request.build_absolute_uri("/") if request is not None else settings.SITE_URL
    https = base.rstrip("/") + path
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


def feed_audience(user) -> str:
    return "therapist" if getattr(user, "role", None) == "therapist" else "client"


def feed_bookings(*, user, now: dt.datetime) -> QuerySet[Booking]:
    """The sessions a person's feed lists: their own as a client, or their own as therapist.

    Live sessions from the last year on; cancelled ones for 30 days after cancelling. A
    program's sessions are bookings like any other, so a program shows as its sessions.
    """
    owner = Q(therapist__user=user) if feed_audience(user) == "therapist" else Q(client=user)
    recent_or_live = ~Q(status=BookingStatus.CANCELLED) | Q(
        cancelled_at__gte=now - CANCELLED_KEPT_FOR
    )
    return (
        Booking.objects.filter(owner, recent_or_live, starts_at__gte=now - HISTORY_KEPT_FOR)
        .select_related(*FEED_RELATIONS)
        .order_by("starts_at", "id")
    )


def notifications_to_retry(*, now: dt.datetime, stale_before: dt.datetime) -> QuerySet:
    """Failed sends whose retry time has come, and claims a dead worker left behind."""
    return SentNotification.objects.filter(
        Q(status=DeliveryStatus.FAILED, next_attempt_at__lte=now)
        | Q(status=DeliveryStatus.SENDING, claimed_at__lt=stale_before)
    ).order_by("created_at")


def reminders_due(*, now: dt.datetime, horizon: dt.timedelta) -> list[Booking]:
    """Confirmed sessions whose reminder time has come and that have had no reminder.

    The backstop for a lost or never-deferred reminder task: ``horizon`` bounds the scan to
    sessions starting soon (the longest reminder lead a practice may set).
    """
    candidates = (
        Booking.objects.filter(
            status=BookingStatus.CONFIRMED, starts_at__gt=now, starts_at__lte=now + horizon
        )
        .select_related("practice")
        .order_by("starts_at")
    )
    reminded = set(
        SentNotification.objects.filter(
            kind=NotificationKind.REMINDER,
            status=DeliveryStatus.SENT,
            session_start__gt=now,
        ).values_list("object_uid", "session_start")
    )
    due = []
    for booking in candidates:
        lead = dt.timedelta(hours=booking.practice.reminder_lead_hours)
        if booking.starts_at - lead > now:
            continue
        if (booking.uid, booking.starts_at) in reminded:
            continue
        # Made or moved inside the window: its own email was the reminder.
        if booking.updated_at >= booking.starts_at - lead:
            continue
        due.append(booking)
    return due
