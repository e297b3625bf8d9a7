"""Freed time reaches the waitlist: a cancelled booking, or sessions a program gave up.

The signals fire after the change is committed; offering runs as a task so the request that
cancelled never waits for it or fails because of it.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def _offer(*, therapist_id: int, service_id: int, start, client_id: int) -> None:
    from unknot.apps.waitlist import tasks

    try:
        tasks.offer_freed_slot.enqueue(
            therapist_id=therapist_id,
            service_id=service_id,
            start=start.isoformat(),
            exclude_client_ids=[client_id],
        )
    except Exception:
        log.exception("could not queue a waitlist offer for a freed slot")


def on_booking_changed(sender, *, kind: str, booking, **kwargs) -> None:
    if kind != "cancelled":
        return
    _offer(
        therapist_id=booking.therapist_id,
        service_id=booking.service_id,
        start=booking.starts_at,
        client_id=booking.client_id,
    )


def on_program_changed(sender, *, kind: str, program, freed=(), **kwargs) -> None:
    for time in freed:
        _offer(
            therapist_id=time.therapist_id,
            service_id=time.service_id,
            start=time.start,
            client_id=time.client_id,
        )


def connect() -> None:
    from unknot.apps.booking.signals import booking_changed
    from unknot.apps.programs.signals import program_changed

    booking_changed.connect(on_booking_changed, dispatch_uid="waitlist.booking_changed")
    program_changed.connect(on_program_changed, dispatch_uid="waitlist.program_changed")
