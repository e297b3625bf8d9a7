"""The one door to waitlist entries and offers: only their own client gets through (404)."""

from __future__ import annotations

from django.http import Http404

from unknot.apps.waitlist.models import WaitlistEntry, WaitlistOffer


def access_own_entry(user, uid: str) -> WaitlistEntry:
    entry = (
        WaitlistEntry.objects.select_related("technique", "therapist").filter(uid=uid).first()
        if uid
        else None
    )
    if entry is None or not user.is_authenticated or entry.client_id != user.pk:
        raise Http404("No such waitlist entry.")
    return entry


def access_own_offer(user, token: str) -> WaitlistOffer:
    """The offer behind the emailed link, for its own client only."""
    offer = (
        WaitlistOffer.objects.select_related(
            "entry__client",
            "entry__technique",
            "therapist__practice",
            "service__technique",
            "booking",
        )
        .filter(token=token)
        .first()
        if token
        else None
    )
    if offer is None or not user.is_authenticated or offer.entry.client_id != user.pk:
        raise Http404("No such offer.")
    return offer
