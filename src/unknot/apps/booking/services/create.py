"""Booking a session: ``booking_create`` and the attempts behind it.

One transaction: the screening (``safety.screen_for_booking``, which runs the holds of
``booking.hooks``), then each candidate therapist's attempt in its own savepoint. An attempt
locks by the one policy (``locking``): the client, the therapist, then the room it chooses,
checks everything under those locks, lets the hooks' adjusters shape the safety snapshot and
inserts the row once. On SQLite the transaction is IMMEDIATE, so writers queue; on PostgreSQL
the exclusion constraints have the last word. A lost race becomes ``SlotTaken`` with nearby
alternatives, never a server error.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, OperationalError, transaction

from unknot.apps.booking import hooks, limits, mappers
from unknot.apps.booking.errors import (
    BookingError,
    ClientBusy,
    IdempotencyKeyReused,
    NotBookable,
    SlotTaken,
)
from unknot.apps.booking.models import Booking, BookingStatus
from unknot.apps.booking.safety import Screening, screen_for_booking
from unknot.apps.booking.services import checks, locking
from unknot.apps.practices.models import Service
from unknot.apps.therapists.models import Therapist

log = logging.getLogger(__name__)

ROOM_RETRIES = 3


def booking_create(
    *,
    client,
    service: Service,
    start: dt.datetime,
    now: dt.datetime,
    therapist: Therapist | None = None,
    idempotency_key: str | None = None,
    client_note: str = "",
    created_by=None,
    notify: bool = True,
    screening: Screening | None = None,
) -> tuple[Booking, bool]:
    """Book ``service`` at ``start`` for ``client``; return ``(booking, created)``.

    ``therapist=None`` means any therapist: the first (by name) who practises the technique,
    holds a valid licence on the day and is free, with a suitable room. A repeated
    ``idempotency_key`` with the same request returns the first booking and ``created=False``.
    ``notify=False`` sends no ``booking_changed`` signal (a program announces its sessions once).
    ``screening`` is the gate's answer the caller already has for this client and technique
    in the same transaction (a program screens once for its whole series); any other client or
    technique is screened again.

    Raises:
        SafetyRefusal: the latest assessment says refer or postpone, is missing, or excluded
            this technique.
        NotBookable, OutsideBookingWindow, SlotTaken (with alternatives), IdempotencyKeyReused.
    """
    fingerprint = checks.fingerprint(
        service.technique_id,
        service.duration_minutes,
        therapist and therapist.pk,
        start.isoformat(),
    )
    # A repeated Idempotency-Key is looked up only when booking does not go through, so a first
    # request (nearly all of them) saves that query. A repeat cannot book twice: the key is
    # unique per client in the database, so its insert fails and returns the first booking.
    try:
        return _book(
            client=client,
            service=service,
            start=start,
            now=now,
            therapist=therapist,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
            client_note=client_note,
            created_by=created_by or client,
            notify=notify,
            screening=screening,
        )
    except BookingError as error:
        replayed = _replayed(
            client=client, idempotency_key=idempotency_key, fingerprint=fingerprint
        )
        if replayed is not None:
            return replayed, False
        if isinstance(error, SlotTaken):
            raise SlotTaken(
                error.message,
                alternatives=checks.alternatives_near(
                    service=service, therapist=therapist, wanted=start, now=now
                ),
            ) from error
        raise


def _replayed(*, client, idempotency_key: str | None, fingerprint: str) -> Booking | None:
    """The booking first made with ``idempotency_key``, if any.

    Raises:
        IdempotencyKeyReused: that booking was made for a different request.
    """
    if not idempotency_key:
        return None
    existing = Booking.objects.filter(client=client, idempotency_key=idempotency_key).first()
    if existing is not None and existing.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used for a different booking request."
        )
    return existing


def _book(
    *,
    client,
    service: Service,
    start: dt.datetime,
    now: dt.datetime,
    therapist: Therapist | None,
    idempotency_key: str | None,
    fingerprint: str,
    client_note: str,
    created_by,
    notify: bool,
    screening: Screening | None,
) -> tuple[Booking, bool]:
    """``booking_create`` without the look-up of a repeated key; SlotTaken has no alternatives.

    One transaction: the screening (with the hooks' holds) and every candidate's attempt,
    each attempt in its own savepoint.
    """
    with transaction.atomic(), locking.lock_scope():
        if screening is None or not screening.covers(
            client=client, technique_slug=service.technique.slug
        ):
            screening = screen_for_booking(
                client=client, technique_slug=service.technique.slug, now=now
            )
        return _book_screened(
            client=client,
            service=service,
            start=start,
            now=now,
            therapist=therapist,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
            client_note=client_note,
            created_by=created_by,
            notify=notify,
            screening=screening,
        )


def _book_screened(
    *,
    client,
    service: Service,
    start: dt.datetime,
    now: dt.datetime,
    therapist: Therapist | None,
    idempotency_key: str | None,
    fingerprint: str,
    client_note: str,
    created_by,
    notify: bool,
    screening: Screening,
) -> tuple[Booking, bool]:

    candidates = (
        [therapist]
        if therapist is not None
        else list(
            Therapist.objects.filter(
                is_active=True, techniques=service.technique_id, licence_verified_at__isnull=False
            )
            .select_related("practice")
            .order_by("display_name")
        )
    )
    if not candidates:
        raise NotBookable("Nobody practises that technique at the moment.", field="technique")

    last_error: Exception | None = None
    for candidate in candidates:
        try:
            booking = _create_with(
                client=client,
                therapist=candidate,
                service=service,
                start=start,
                now=now,
                screening=screening,
                idempotency_key=idempotency_key,
                fingerprint=fingerprint,
                client_note=client_note,
                created_by=created_by,
                notify=notify,
            )
            return booking, True
        except (SlotTaken, NotBookable) as error:
            if therapist is not None:
                last_error = error
                break
            last_error = error
        except _IdempotentReplay as replay:
            return replay.booking, False

    if isinstance(last_error, NotBookable) and therapist is not None:
        raise last_error
    raise SlotTaken(
        "That time was just taken." if therapist else "No therapist is free at that time."
    )


class _IdempotentReplay(Exception):
    def __init__(self, booking: Booking) -> None:
        self.booking = booking


def _create_with(
    *,
    client,
    therapist: Therapist,
    service: Service,
    start: dt.datetime,
    now: dt.datetime,
    screening: Screening,
    idempotency_key: str | None,
    fingerprint: str,
    client_note: str,
    created_by,
    notify: bool = True,
) -> Booking:
    for _attempt in range(ROOM_RETRIES):
        try:
            with transaction.atomic(), locking.lock_scope():
                # Serialise bookings per therapist on PostgreSQL (SQLite serialises all writers),
                # then check the therapist as the lock holds them: active, practising the
                # technique, the service of their practice, a licence valid on the day. The
                # client is locked first: their cap and their other sessions (limits.py).
                locked = locking.lock_client_and_therapist(
                    client.pk, therapist.pk, technique_id=service.technique_id
                )
                target = checks.resolve_service(
                    therapist=locked, service=service, practises=locked.practises
                )
                checks.licence_check(locked, start)
                spec = mappers.spec_for(target)
                slot = checks.check_free(therapist=locked, service=target, start=start, now=now)
                limits.check_new_booking(
                    client_id=client.pk,
                    practice=locked.practice,
                    start=slot.start,
                    end=slot.end,
                    now=now,
                )
                needed = spec.occupied(slot.start)
                room = locking.claim_room(service=target, needed=needed)
                # The hooks' adjusters shape the snapshot before the insert (a copy: a series
                # shares one screening), so the row is written once, as it stays.
                draft = hooks.Draft(
                    client=client,
                    practice_id=locked.practice_id,
                    therapist_id=locked.pk,
                    technique_id=target.technique_id,
                    starts_at=slot.start,
                    now=now,
                    safety=dict(screening.snapshot),
                )
                after_insert = hooks.run_adjusters(draft)
                # The related rows are given as instances, so the booking returned carries
                # what the response and the notifications read (no query to fetch them again).
                booking = Booking.objects.create(
                    practice=locked.practice,
                    client=client,
                    therapist=locked,
                    room=room,
                    service=target,
                    technique=target.technique,
                    starts_at=slot.start,
                    ends_at=slot.end,
                    busy_from=needed.start,
                    busy_until=needed.end,
                    status=BookingStatus.PENDING
                    if screening.needs_clearance
                    else BookingStatus.CONFIRMED,
                    price=target.price,
                    idempotency_key=idempotency_key or None,
                    request_fingerprint=fingerprint,
                    assessment=screening.assessment,
                    safety=draft.safety,
                    needs_clearance=screening.needs_clearance,
                    client_note=client_note,
                )
                for link in after_insert:
                    link(booking)
                checks.event(booking, "created", by=created_by, at=now, status=booking.status)
                if notify:
                    transaction.on_commit(lambda b=booking: checks.after_commit("created", b))
                return booking
        except IntegrityError as error:
            name = checks.constraint_name(error)
            if "idempotency" in name and idempotency_key:
                existing = _replayed(
                    client=client, idempotency_key=idempotency_key, fingerprint=fingerprint
                )
                if existing is None:  # pragma: no cover - the key's row made the insert fail
                    raise
                raise _IdempotentReplay(existing) from error
            if "room_overlap" in name:
                log.info("room taken in a race; choosing another room")
                continue
            if "therapist_overlap" in name:
                raise SlotTaken("That time was just taken.") from error
            if "client_overlap" in name:
                raise ClientBusy("You already have a session at that time.") from error
            raise
        except OperationalError as error:
            # Two bookings of different therapists racing for the same room can each wait on
            # the other's exclusion-constraint entry; PostgreSQL then aborts one of them. That
            # is a lost room race like the one above: choose again (the other one won).
            if not checks.is_deadlock(error):
                raise
            log.info("room race ended in a deadlock; choosing another room")
            continue
    raise SlotTaken("No room that suits this technique is free at that time.")
