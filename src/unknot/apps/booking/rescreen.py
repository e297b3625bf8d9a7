"""Holding booked sessions when the client's health changes (issue 14: outcomes are hard to undo).

A new red flag or contraindication, in a later self-assessment or reported at a check-in, must
reach the sessions already booked, not only the next booking. ``bookings_rescreen`` screens every
upcoming session of the client again, as a new booking would be (the latest assessment, and the
holds of ``booking.hooks``), and holds the sessions the new facts refuse or that now need a
clearance: they become pending, with the reason in their snapshot's ``holds`` and a ``held``
event, until staff record the clearance (``booking_record_clearance``). A program's sessions are
bookings, so the program is held with them. Nothing is released here: a held session waits for
a person.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from unknot.apps.booking.errors import SafetyRefusal
from unknot.apps.booking.models import Booking, BookingEvent, BookingStatus
from unknot.apps.booking.safety import screen_for_booking

HELD = "held"


def _hold(row: Booking, *, code: str, reason: str, now: dt.datetime, by, waits_for=()) -> bool:
    safety = dict(row.safety or {})
    holds = list(safety.get("holds") or [])
    if row.status == BookingStatus.PENDING and any(h.get("code") == code for h in holds):
        return False
    hold = {"code": code, "reason": reason}
    if waits_for:
        hold["for"] = list(waits_for)
    holds.append(hold)
    safety["holds"] = holds
    row.safety = safety
    row.status = BookingStatus.PENDING
    row.needs_clearance = True
    row.sequence += 1
    row.save(update_fields=["safety", "status", "needs_clearance", "sequence", "updated_at"])
    BookingEvent.objects.create(
        booking=row, kind=HELD, by=by, at=now, data={"code": code, "reason": reason}
    )
    return True


def _waits_for(snapshot: dict) -> set[str]:
    """What a snapshot waits for staff about: its clearance flags and its holds, by code."""
    flags = {f.get("code") for f in snapshot.get("flags") or [] if f.get("action") == "clearance"}
    holds = snapshot.get("holds") or []
    return flags | {h.get("code") for h in holds} | {c for h in holds for c in h.get("for") or []}


def bookings_rescreen(*, client, now: dt.datetime, by=None) -> list[Booking]:
    """Screen the client's upcoming sessions again; hold and return those that must wait.

    Screened once per technique. A session is held when the screening refuses it (its code and
    message become the reason), or when it now waits for something (a clearance flag, a hold's
    pending reason) its own snapshot did not: already cleared for what it was booked with, it
    is not held again for the same thing.
    """
    held: list[Booking] = []
    with transaction.atomic():
        rows = list(
            Booking.objects.select_for_update(of=("self",))
            .select_related("technique")
            .filter(
                client=client,
                status__in=[BookingStatus.PENDING, BookingStatus.CONFIRMED],
                starts_at__gt=now,
            )
            .order_by("pk")
        )
        screened: dict[str, SafetyRefusal | dict] = {}
        for row in rows:
            slug = row.technique.slug
            if slug not in screened:
                try:
                    screened[slug] = screen_for_booking(
                        client=client, technique_slug=slug, now=now
                    ).snapshot
                except SafetyRefusal as refusal:
                    screened[slug] = refusal
            answer = screened[slug]
            new: list[str] = []
            if isinstance(answer, SafetyRefusal):
                code, reason = answer.code, answer.message
            else:
                new = sorted(_waits_for(answer) - _waits_for(row.safety or {}))
                if not new:
                    continue
                code = "needs_clearance"
                reason = (
                    "A change in health since this session was booked needs a clinician's "
                    f"clearance ({', '.join(str(c) for c in new)})."
                )
            if _hold(row, code=code, reason=reason, now=now, by=by, waits_for=new):
                held.append(row)
    return held


def after_assessment_saved(*, client, assessment, now: dt.datetime) -> list[Booking]:
    """The guide's after-save step: a new assessment re-screens the sessions already booked."""
    return bookings_rescreen(client=client, now=now)
