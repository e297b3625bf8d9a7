"""The checks every booking write shares: is the slot free, which room, which service, licence.

They read only. ``ignore_ids`` and ``placed`` let a caller ask about a calendar that is not yet
in the database: the bookings in ``ignore_ids`` are treated as gone, and each ``Placed`` as
booked. The series preview (``series.booking_series_preview``) uses them to check a whole move
without writing; the writes pass neither, because their calendar is the database's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, OperationalError, connection

from unknot.apps.booking import mappers
from unknot.apps.booking.availability import find_slots
from unknot.apps.booking.errors import NotBookable, OutsideBookingWindow, SlotTaken
from unknot.apps.booking.models import LIVE_STATUSES, MAX_BUSY_SPAN, Booking, BookingEvent
from unknot.apps.booking.selectors import therapist_calendars
from unknot.apps.practices.models import Room, Service
from unknot.apps.therapists.models import Therapist
from unknot.domain import scheduling as s

log = logging.getLogger(__name__)

ALTERNATIVES = 5
ALTERNATIVES_SPAN = dt.timedelta(days=3)


@dataclass(frozen=True)
class Placed:
    """A booking as it would stand: its therapist, client, room, session and busy time."""

    therapist_id: int
    client_id: int
    room_id: int
    session: s.TimeRange
    busy: s.TimeRange


def fingerprint(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def event(booking: Booking, kind: str, *, by, at: dt.datetime, **data) -> None:
    BookingEvent.objects.create(booking=booking, kind=kind, by=by, at=at, data=data)


def constraint_name(error: IntegrityError) -> str:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", "") or str(error)


def is_deadlock(error: OperationalError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) == "40P01"


def alternatives_near(
    *, service: Service, therapist: Therapist | None, wanted: dt.datetime, now: dt.datetime
) -> list[dict]:
    """Up to five free slots nearest to ``wanted`` (same technique and length)."""
    window = s.TimeRange(max(wanted - ALTERNATIVES_SPAN, now), max(wanted, now) + ALTERNATIVES_SPAN)
    slots = find_slots(
        technique=service.technique,
        duration_minutes=service.duration_minutes,
        window=window,
        now=now,
        therapist_uid=therapist.uid if therapist else None,
    )
    slots.sort(key=lambda x: (abs(x.start - wanted), x.start))
    return [
        {
            "start": slot.local_start.isoformat(),
            "end": slot.local_end.isoformat(),
            "therapist": slot.therapist.uid,
            "therapist_name": slot.therapist.display_name,
        }
        for slot in slots[:ALTERNATIVES]
    ]


def check_free(
    *,
    therapist: Therapist,
    service: Service,
    start: dt.datetime,
    now: dt.datetime,
    ignore_ids: Iterable[int] = (),
    placed: Iterable[Placed] = (),
    on_grid: bool = True,
) -> s.Slot:
    """The friendly pre-check: the slot fits the therapist's hours, time off and bookings."""
    practice = therapist.practice
    spec = mappers.spec_for(service)
    needed = spec.occupied(start)
    window = s.TimeRange(needed.start - dt.timedelta(days=1), needed.end + dt.timedelta(days=1))
    calendar = therapist_calendars(therapist_ids=[therapist.pk], window=window, tz_by_therapist={})[
        therapist.pk
    ]
    ignore = set(ignore_ids)
    busy = mappers.busy(b for b in calendar.bookings if b.pk not in ignore)
    busy += [s.Busy(p.busy) for p in placed if p.therapist_id == therapist.pk]
    tz = mappers.tz_for(practice)
    working = s.working_ranges(
        mappers.weekly_hours(calendar.weekly),
        mappers.date_overrides(calendar.overrides),
        mappers.time_off(calendar.time_off),
        tz,
        window,
    )
    free = s.free_ranges(working, busy)
    try:
        return s.ensure_bookable(
            start, free, spec, mappers.rules_for(practice), tz, now, on_grid=on_grid
        )
    except s.OutsideBookingWindow as error:
        raise OutsideBookingWindow(
            "That time is outside the booking window: "
            f"at least {practice.min_notice_minutes} minutes ahead and at most "
            f"{practice.booking_window_days} days ahead.",
        ) from error
    except s.SlotUnavailable as error:
        raise SlotTaken("That time is not free any more.") from error


def free_room(
    *,
    service: Service,
    needed: s.TimeRange,
    prefer: Room | None = None,
    ignore_ids: Iterable[int] = (),
    placed: Iterable[Placed] = (),
) -> Room:
    """A suitable room with no live booking over ``needed``: ``prefer`` first, then by name.

    One statement whatever the number of rooms. It is written out in SQL because building it
    through the ORM (a correlated NOT EXISTS) cost about 0.7 ms of Python per booking, three
    times what running it costs; tests/apps/booking/test_services_booking_create.py checks it
    against the ORM's answer. The overlap test is ``live_bookings_in``'s: live status, and
    ``busy_from`` bounded on both sides so the (room, busy_from) index answers.
    """
    adapt = connection.ops.adapt_datetimefield_value
    statuses = ", ".join(["%s"] * len(LIVE_STATUSES))
    sql = (
        f"SELECT r.* FROM {Room._meta.db_table} r "
        f"JOIN {Room.techniques.through._meta.db_table} t ON t.room_id = r.id "
        "WHERE r.practice_id = %s AND r.is_active AND t.technique_id = %s "
    )
    params: list = [service.practice_id, service.technique_id]
    taken = sorted({p.room_id for p in placed if p.busy.overlaps(needed)})
    if taken:
        sql += f"AND r.id NOT IN ({', '.join(['%s'] * len(taken))}) "
        params += taken
    sql += (
        f"AND NOT EXISTS (SELECT 1 FROM {Booking._meta.db_table} b WHERE b.room_id = r.id "
        f"AND b.status IN ({statuses}) AND b.busy_from < %s AND b.busy_from >= %s "
        "AND b.busy_until > %s"
    )
    params += [
        *(str(status) for status in LIVE_STATUSES),
        adapt(needed.end),
        adapt(needed.start - MAX_BUSY_SPAN),
        adapt(needed.start),
    ]
    ignore = sorted(set(ignore_ids))
    if ignore:
        sql += f" AND b.id NOT IN ({', '.join(['%s'] * len(ignore))})"
        params += ignore
    sql += ") ORDER BY "
    if prefer is not None:
        sql += "CASE WHEN r.id = %s THEN 0 ELSE 1 END, "
        params.append(prefer.pk)
    sql += "r.name LIMIT 1"
    room = next(iter(Room.objects.raw(sql, params)), None)
    if room is None:
        raise SlotTaken("No room that suits this technique is free at that time.")
    return prefer if prefer is not None and room.pk == prefer.pk else room


def licence_check(therapist: Therapist, start: dt.datetime) -> None:
    day = start.astimezone(mappers.tz_for(therapist.practice)).date()
    if not therapist.licence_valid_on(day):
        raise NotBookable(
            f"{therapist.display_name}'s licence is not valid on {day:%d %B %Y}.",
            field="therapist",
        )


def resolve_service(
    *, therapist: Therapist, service: Service, practises: bool | None = None
) -> Service:
    """The service to book with ``therapist``: ``service`` or its twin in their practice.

    ``practises`` is whether the therapist practises the service's technique, when the caller
    has read it already (``locking.lock_for_booking``); None reads it here.
    """
    if not therapist.is_active:
        raise NotBookable("That therapist is not taking bookings.", field="therapist")
    if practises is None:
        practises = therapist.techniques.filter(pk=service.technique_id).exists()
    if not practises:
        raise NotBookable(
            f"{therapist.display_name} does not practise {service.technique.name}.",
            field="therapist",
        )
    if service.practice_id != therapist.practice_id:
        match = (
            Service.objects.select_related("technique", "practice")
            .filter(
                practice_id=therapist.practice_id,
                technique_id=service.technique_id,
                duration_minutes=service.duration_minutes,
                is_active=True,
            )
            .first()
        )
        if match is None:
            raise NotBookable("That practice does not offer this service.", field="service")
        return match
    if not service.is_active:
        raise NotBookable("That service is not offered any more.", field="service")
    return service


def after_commit(kind: str, booking: Booking) -> None:
    """Side effects once a change is durable. Notifications hook in here."""
    from unknot.apps.booking import signals

    signals.booking_changed.send(sender=Booking, kind=kind, booking=booking)
