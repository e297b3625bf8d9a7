"""The waitlist: join, list, leave; see, accept or decline an offer of a freed slot."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from unknot.api.auth import signed_in
from unknot.api.errors import ApiError
from unknot.api.fields import InRangeDate, LocalTime
from unknot.api.v1.availability import technique_or_422, therapist_or_422
from unknot.api.v1.bookings import BookingOut, booking_out
from unknot.apps.booking.access import access_booking_by_uid
from unknot.apps.booking.mappers import tz_for
from unknot.apps.waitlist import selectors, services
from unknot.apps.waitlist.access import access_own_entry, access_own_offer
from unknot.apps.waitlist.models import WaitlistEntry, WaitlistOffer

router = Router(tags=["waitlist"], auth=signed_in)


class WaitlistOfferOut(Schema):
    token: str
    status: str
    technique: str
    duration_minutes: int
    start: dt.datetime
    end: dt.datetime
    therapist: str
    therapist_name: str
    practice: str
    expires_at: dt.datetime
    booking: str | None


class WaitlistEntryOut(Schema):
    uid: str
    status: str
    technique: str
    therapist: str | None
    earliest_time: dt.time | None
    latest_time: dt.time | None
    weekdays: list[int]
    earliest_date: dt.date | None
    latest_date: dt.date | None
    created_at: dt.datetime
    open_offers: list[WaitlistOfferOut]


class WaitlistEntryIn(Schema):
    technique: str = Field(max_length=40)
    therapist: str | None = Field(default=None, max_length=32, description="A uid, or omit.")
    earliest_time: LocalTime | None = Field(default=None, description="Local time of day, 09:00")
    latest_time: LocalTime | None = Field(default=None, description="The session ends by then.")
    weekdays: list[int] = Field(default_factory=list, max_length=7, description="0 = Monday")
    earliest_date: InRangeDate | None = None
    latest_date: InRangeDate | None = None


def offer_out(offer: WaitlistOffer) -> WaitlistOfferOut:
    tz = tz_for(offer.therapist.practice)
    start = offer.slot_start.astimezone(tz)
    return WaitlistOfferOut(
        token=offer.token,
        status=offer.status,
        technique=offer.service.technique.slug,
        duration_minutes=offer.service.duration_minutes,
        start=start,
        end=start + dt.timedelta(minutes=offer.service.duration_minutes),
        therapist=offer.therapist.uid,
        therapist_name=offer.therapist.display_name,
        practice=offer.therapist.practice.name,
        expires_at=offer.expires_at.astimezone(tz),
        booking=offer.booking.uid if offer.booking_id else None,
    )


def entry_out(entry: WaitlistEntry) -> WaitlistEntryOut:
    offers = getattr(entry, "open_offers", None)
    if offers is None:
        offers = list(
            entry.offers.filter(status="offered").select_related(
                "therapist__practice", "service__technique", "booking"
            )
        )
    return WaitlistEntryOut(
        uid=entry.uid,
        status=entry.status,
        technique=entry.technique.slug,
        therapist=entry.therapist.uid if entry.therapist_id else None,
        earliest_time=entry.earliest_time,
        latest_time=entry.latest_time,
        weekdays=entry.weekdays,
        earliest_date=entry.earliest_date,
        latest_date=entry.latest_date,
        created_at=entry.created_at,
        open_offers=[offer_out(o) for o in offers],
    )


def _clients_only(request: HttpRequest) -> None:
    if not request.user.is_client:
        raise ApiError(403, "clients_only", "Only client accounts use the waitlist.")


@router.post("/waitlist", response={200: WaitlistEntryOut, 201: WaitlistEntryOut})
def join_waitlist(request: HttpRequest, payload: WaitlistEntryIn):
    """Wait for a technique (optionally a therapist, weekdays, a time-of-day window, dates).

    When a matching session frees up, the clients waiting are offered it by email one at a
    time, in the order they joined. 201 when added, 200 when the same wish was already there.
    """
    _clients_only(request)
    technique = technique_or_422(payload.technique)
    therapist = therapist_or_422(payload.therapist) if payload.therapist else None
    entry, created = services.waitlist_join(
        client=request.user,
        technique=technique,
        therapist=therapist,
        earliest_time=payload.earliest_time,
        latest_time=payload.latest_time,
        weekdays=payload.weekdays,
        earliest_date=payload.earliest_date,
        latest_date=payload.latest_date,
        now=timezone.now(),
    )
    return Status(201 if created else 200, entry_out(entry))


@router.get("/waitlist", response=list[WaitlistEntryOut])
def list_waitlist(request: HttpRequest):
    """The caller's waiting entries with any open offers."""
    return [entry_out(e) for e in selectors.entries_of(client=request.user)]


@router.delete("/waitlist", response={204: None})
def leave_waitlist(request: HttpRequest, technique: str | None = None):
    """Leave the waitlist: every entry, or only those for ``technique``."""
    entries = selectors.entries_of(client=request.user)
    if technique:
        entries = entries.filter(technique=technique_or_422(technique))
    now = timezone.now()
    for entry in entries:
        services.waitlist_leave(entry=entry, now=now)
    return Status(204, None)


@router.delete("/waitlist/{uid}", response={204: None})
def leave_waitlist_entry(request: HttpRequest, uid: str):
    services.waitlist_leave(entry=access_own_entry(request.user, uid), now=timezone.now())
    return Status(204, None)


@router.get("/waitlist/offers/{token}", response=WaitlistOfferOut)
def get_offer(request: HttpRequest, token: str):
    return offer_out(access_own_offer(request.user, token))


@router.post("/waitlist/offers/{token}/accept", response={201: BookingOut, 200: BookingOut})
def accept_offer(request: HttpRequest, token: str):
    """Take the offered session. 201 booked (200 if already accepted); 409 ``slot_taken``
    (``on_waitlist``: still waiting) when someone else got it first, 409 ``offer_expired`` or
    ``offer_closed``; 403 when the safety check refuses."""
    offer = access_own_offer(request.user, token)
    booking, created = services.waitlist_offer_take(
        offer=offer, client=request.user, now=timezone.now()
    )
    booking = access_booking_by_uid(request.user, booking.uid)
    return Status(201 if created else 200, booking_out(booking, request.user))


@router.post("/waitlist/offers/{token}/decline", response=WaitlistOfferOut)
def decline_offer(request: HttpRequest, token: str):
    """Pass the offered time on to the next client waiting; you stay on the list."""
    offer = access_own_offer(request.user, token)
    services.waitlist_offer_decline(offer=offer, now=timezone.now())
    return offer_out(access_own_offer(request.user, token))
