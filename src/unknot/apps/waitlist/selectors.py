"""Reads for the waitlist pages and the API."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from unknot.apps.waitlist.models import EntryStatus, OfferStatus, WaitlistEntry, WaitlistOffer


def entries_of(*, client, include_closed: bool = False) -> QuerySet[WaitlistEntry]:
    qs = WaitlistEntry.objects.filter(client=client)
    if not include_closed:
        qs = qs.filter(status=EntryStatus.WAITING)
    return (
        qs.select_related("technique", "therapist", "practice")
        .prefetch_related(
            Prefetch(
                "offers",
                queryset=WaitlistOffer.objects.filter(status=OfferStatus.OFFERED).select_related(
                    "therapist__practice", "service__technique"
                ),
                to_attr="open_offers",
            )
        )
        .order_by("created_at", "id")
    )


def open_offers_of(*, client) -> QuerySet[WaitlistOffer]:
    return (
        WaitlistOffer.objects.filter(entry__client=client, status=OfferStatus.OFFERED)
        .select_related("therapist__practice", "service__technique", "entry")
        .order_by("slot_start")
    )


def queue_position(entry: WaitlistEntry) -> int:
    """1 for the first waiting client for this technique, and so on."""
    return (
        WaitlistEntry.objects.filter(status=EntryStatus.WAITING, technique_id=entry.technique_id)
        .filter(created_at__lt=entry.created_at)
        .count()
        + 1
    )
