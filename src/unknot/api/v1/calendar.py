"""GET/POST/DELETE /api/v1/calendar/feed: the caller's private calendar feed address.

GET shows the current address (404 ``no_feed`` when there is none), POST makes a new one
(the old address stops working at once), DELETE turns the feed off.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from unknot.api.auth import signed_in
from unknot.api.errors import ApiError
from unknot.apps.notifications.access import can_have_feed
from unknot.apps.notifications.selectors import active_feed_for, feed_urls
from unknot.apps.notifications.services import calendar_feed_issue, calendar_feed_revoke

router = Router(tags=["calendar"], auth=signed_in)


class FeedOut(Schema):
    url: str
    webcal_url: str
    created_at: dt.datetime
    last_fetched_at: dt.datetime | None


def _feed_out(request: HttpRequest, feed) -> FeedOut:
    urls = feed_urls(request, feed)
    return FeedOut(
        url=urls["https"],
        webcal_url=urls["webcal"],
        created_at=feed.created_at,
        last_fetched_at=feed.last_fetched_at,
    )


def _check_role(user) -> None:
    if not can_have_feed(user):
        raise ApiError(
            403, "no_calendar", "Only clients and therapists have a calendar of sessions."
        )


@router.get("/calendar/feed", response=FeedOut)
def get_feed(request: HttpRequest):
    """The address calendar apps subscribe to. 404 ``no_feed`` until one is made."""
    _check_role(request.user)
    feed = active_feed_for(request.user)
    if feed is None:
        raise ApiError(404, "no_feed", "No calendar address yet: POST to make one.")
    return _feed_out(request, feed)


@router.post("/calendar/feed", response={201: FeedOut})
def rotate_feed(request: HttpRequest):
    """Make a new address. Any earlier address answers 404 from now on."""
    _check_role(request.user)
    feed = calendar_feed_issue(user=request.user, now=timezone.now())
    return Status(201, _feed_out(request, feed))


@router.delete("/calendar/feed", response={204: None})
def revoke_feed(request: HttpRequest):
    """Turn the feed off. Calendars subscribed to it stop updating."""
    _check_role(request.user)
    calendar_feed_revoke(user=request.user, now=timezone.now())
    return Status(204, None)
