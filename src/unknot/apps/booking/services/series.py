"""Several bookings at once (a program's sessions): move them all, or compute what a move would do.

``booking_series_move`` writes; ``booking_series_preview`` reads only. Both plan the same way
(``_plan``) and check each session with the same function (``_fit``), in the same order, so the
preview's conflicts are the move's. The move checks against the database, where it has vacated
the moving sessions and placed the earlier ones; the preview checks against the same calendar
held in memory (``checks.Placed``), without a lock or a write.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction

from unknot.apps.booking import limits, mappers
from unknot.apps.booking.errors import (
    ClientBusy,
    NotBookable,
    OutsideBookingWindow,
    PolicyRefusal,
    SlotTaken,
)
from unknot.apps.booking.models import Booking, BookingStatus
from unknot.apps.booking.safety import Screening, screen_for_booking
from unknot.apps.booking.services import checks, locking
from unknot.apps.booking.services.reschedule import rescreened
from unknot.apps.practices.models import Service
from unknot.domain import scheduling as s

log = logging.getLogger(__name__)

_REFUSALS = (SlotTaken, OutsideBookingWindow, NotBookable, ClientBusy)


def booking_series_move(
    *,
    moves: list[tuple[Booking, dt.datetime]],
    by,
    now: dt.datetime,
    service: Service | None = None,
    notify: bool = False,
) -> list[Booking]:
    """Move several upcoming bookings at once, all or nothing; return the bookings that changed.

    Each ``(booking, new_start)`` gets the new start and, when ``service`` is given, that
    technique and length (matched to the booking therapist's practice). Every move is checked
    like a new booking (hours, time off, other bookings with buffers, a suitable room, licence,
    notice and window) against the calendar in which the moving bookings stand at their new
    times, not their old ones, so sessions may shift over each other's old places. A move to
    the same start and service is left alone. The bookings keep their uids; SEQUENCE rises.

    Every moved session is screened again against the client's latest assessment, once per
    client and technique (``rescreened``: a refusal refuses the whole move; a session that now
    needs clearance and has none waits as pending).

    How: inside one transaction the bookings are locked, then (``locking.lock_for_booking``)
    their therapists and every room that suits their services, once. The moving bookings are
    vacated (status cancelled holds no time, for the checks here and for PostgreSQL's exclusion
    constraints alike) and then placed one by one in their old status. Other transactions never
    see the vacated state.

    Raises:
        SlotTaken: ``extra["conflicts"]`` lists ``{"index", "start", "code", "message"}`` for
            every move that does not fit (index into ``moves``); nothing is changed.
        PolicyRefusal: a booking is no longer pending or confirmed.
    """
    if not moves:
        return []
    changed: list[Booking] = []
    screened: dict[tuple[int, str], Screening] = {}
    with transaction.atomic(), locking.lock_scope():
        rows = _rows(moves, lock=True)
        plan, conflicts = _plan(moves, rows, service)
        locking.lock_for_booking(
            therapist_ids=[row.therapist_id for row in rows.values()],
            rooms_for=[target for _, _, target, _ in plan],
        )
        Booking.objects.filter(pk__in=[row.pk for _, row, _, _ in plan]).update(
            status=BookingStatus.CANCELLED
        )
        for index, row, target, start in plan:
            try:
                slot, needed, room = _fit(row, target, start, now=now)
            except _REFUSALS as error:
                conflicts.append(_conflict(index, start, error))
                continue
            previous = {"start": row.starts_at.isoformat(), "service": row.service_id}
            moved = slot.start != row.starts_at
            row.starts_at, row.ends_at = slot.start, slot.end
            row.busy_from, row.busy_until = needed.start, needed.end
            row.room = room
            row.service = target
            row.technique_id = target.technique_id
            row.price = target.price
            key = (row.client_id, target.technique.slug)
            if key not in screened:
                screened[key] = screen_for_booking(
                    client=row.client, technique_slug=key[1], now=now, booking=row
                )
            after_save = rescreened(
                row, service=target, start=slot.start, now=now, screening=screened[key]
            )
            row.sequence += 1
            row.reschedule_count += 1 if moved else 0
            try:
                with transaction.atomic():
                    row.save()
                    for link in after_save:
                        link(row)
            except IntegrityError as error:  # a constraint the checks above did not foresee
                conflicts.append(_conflict(index, start, SlotTaken("That time was just taken.")))
                log.info("series move lost a race: %s", checks.constraint_name(error))
                continue
            checks.event(
                row,
                "rescheduled" if moved else "changed",
                by=by,
                at=now,
                previous_start=previous["start"],
                new_start=row.starts_at.isoformat(),
                previous_service=previous["service"],
                service=target.pk,
            )
            changed.append(row)
        if conflicts:
            raise SlotTaken(
                "Not every session fits the new schedule; nothing was changed.",
                conflicts=sorted(conflicts, key=lambda c: c["index"]),
            )
        if notify:
            for row in changed:
                transaction.on_commit(lambda b=row: checks.after_commit("rescheduled", b))
    return changed


def booking_series_preview(
    *, moves: list[tuple[Booking, dt.datetime]], now: dt.datetime, service: Service | None = None
) -> list[dict]:
    """The conflicts ``booking_series_move`` would report for ``moves``, computed; no writes.

    Takes no lock and writes nothing: the moving sessions are left out of the calendar and each
    placed session is added to it in memory, in the move's order. The screening runs as in the
    move (once per client and technique, for the sessions that fit), so a refusal raises here
    too. Returns ``[]`` when every session fits.

    Raises:
        PolicyRefusal, SafetyRefusal: as the move would.
    """
    if not moves:
        return []
    rows = _rows(moves, lock=False)
    plan, conflicts = _plan(moves, rows, service)
    vacated = {row.pk for _, row, _, _ in plan}
    placed: list[checks.Placed] = []
    screened: set[tuple[int, str]] = set()
    for index, row, target, start in plan:
        try:
            slot, needed, room = _fit(row, target, start, now=now, ignore=vacated, placed=placed)
        except _REFUSALS as error:
            conflicts.append(_conflict(index, start, error))
            continue
        placed.append(
            checks.Placed(
                therapist_id=row.therapist_id,
                client_id=row.client_id,
                room_id=room.pk,
                session=s.TimeRange(slot.start, slot.end),
                busy=needed,
            )
        )
        key = (row.client_id, target.technique.slug)
        if key not in screened:
            screen_for_booking(client=row.client, technique_slug=key[1], now=now, booking=row)
            screened.add(key)
    return sorted(conflicts, key=lambda c: c["index"])


def _rows(moves: list[tuple[Booking, dt.datetime]], *, lock: bool) -> dict[int, Booking]:
    """The moving bookings, fresh from the database (locked, by id, for a move)."""
    query = Booking.objects.select_related(
        "practice", "therapist__practice", "service__technique", "room", "client"
    ).filter(pk__in=[booking.pk for booking, _ in moves])
    if lock:
        query = query.select_for_update(of=("self",))
    rows = {row.pk: row for row in query.order_by("pk")}
    for row in rows.values():
        if row.status not in (BookingStatus.PENDING, BookingStatus.CONFIRMED):
            raise PolicyRefusal(
                f"A {row.get_status_display().lower()} session cannot be moved.",
                code="not_reschedulable",
            )
    return rows


def _plan(moves, rows: dict[int, Booking], service: Service | None):
    """``(index, row, target service, start)`` for every session that changes, and the
    conflicts found already (a therapist whose practice does not offer ``service``)."""
    plan, conflicts = [], []
    for index, (booking, start) in enumerate(moves):
        row = rows[booking.pk]
        try:
            target = (
                checks.resolve_service(therapist=row.therapist, service=service)
                if service is not None
                else row.service
            )
        except NotBookable as error:
            conflicts.append(_conflict(index, start, error))
            continue
        if start == row.starts_at and target.pk == row.service_id:
            continue
        plan.append((index, row, target, start))
    return plan, conflicts


def _fit(row: Booking, target: Service, start: dt.datetime, *, now, ignore=(), placed=()):
    """Check one session at its new place like a new booking; ``(slot, busy range, room)``."""
    checks.licence_check(row.therapist, start)
    slot = checks.check_free(
        therapist=row.therapist,
        service=target,
        start=start,
        now=now,
        ignore_ids=ignore,
        placed=placed,
    )
    limits.check_client_free(
        client_id=row.client_id,
        start=slot.start,
        end=slot.end,
        ignore_ids=(row.pk, *ignore),
        also=[p.session for p in placed if p.client_id == row.client_id],
    )
    needed = mappers.spec_for(target).occupied(slot.start)
    room = checks.free_room(
        service=target, needed=needed, prefer=row.room, ignore_ids=ignore, placed=placed
    )
    return slot, needed, room


def _conflict(index: int, start: dt.datetime, error: Exception) -> dict:
    return {
        "index": index,
        "start": start.isoformat(),
        "code": getattr(error, "code", "slot_taken"),
        "message": getattr(error, "message", str(error)),
    }
