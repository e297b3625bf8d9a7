"""A client's waitlist entries and the offers made to them (registered with ``records.registry``).

Closing the account takes each entry off the list through :func:`waitlist_leave` first (an
open offer passes to the next client), then deletes the entries and their offers.
"""

from __future__ import annotations

import datetime as dt

from unknot.apps.records.registry import PersonalData, register
from unknot.apps.waitlist.models import EntryStatus, WaitlistEntry


def _iso(value):
    return value.isoformat() if value is not None else None


def export_waitlist(user) -> list[dict]:
    qs = (
        WaitlistEntry.objects.filter(client=user)
        .select_related("technique", "therapist", "practice")
        .prefetch_related("offers")
        .order_by("created_at", "id")
    )
    return [
        {
            "uid": e.uid,
            "technique": e.technique.name,
            "therapist": e.therapist.display_name if e.therapist_id else None,
            "practice": e.practice.name if e.practice_id else None,
            "status": e.status,
            "weekdays": e.weekdays,
            "earliest_time": _iso(e.earliest_time),
            "latest_time": _iso(e.latest_time),
            "earliest_date": _iso(e.earliest_date),
            "latest_date": _iso(e.latest_date),
            "created_at": _iso(e.created_at),
            "offers": [
                {
                    "slot_start": _iso(o.slot_start),
                    "status": o.status,
                    "expires_at": _iso(o.expires_at),
                    "responded_at": _iso(o.responded_at),
                }
                for o in sorted(e.offers.all(), key=lambda o: (o.created_at, o.pk))
            ],
        }
        for e in qs
    ]


def close_waitlist(user, *, email: str, now: dt.datetime) -> int:
    """A closed account waits for nothing: its entries (and their offers) go."""
    from unknot.apps.waitlist.services import waitlist_leave

    entries = WaitlistEntry.objects.filter(client=user)
    for entry in entries.filter(status=EntryStatus.WAITING):
        waitlist_leave(entry=entry, now=now)
    return entries.delete()[0]


def register_waitlist() -> None:
    register(
        PersonalData(
            "waitlist",
            "Your waitlist entries",
            export_waitlist,
            on_close=close_waitlist,
            order=5,
            models=("waitlist.WaitlistEntry",),
            erased="your waitlist entries and the offers made to you",
        )
    )
