"""The one door to a calendar feed: its token. Unknown, revoked or disabled → 404."""

from __future__ import annotations

from django.http import Http404

from unknot.apps.notifications.models import CalendarFeed


def access_feed_by_token(token: str) -> CalendarFeed:
    """The active feed whose token is ``token``, owned by an active account; else Http404."""
    if not token or len(token) > 64:
        raise Http404("No such calendar.")
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404("No such calendar.")
    return feed


def can_have_feed(user) -> bool:
    """Clients and therapists have a calendar of sessions; staff work in the back office."""
    return bool(user.is_authenticated and user.is_active and (user.is_client or user.is_therapist))
