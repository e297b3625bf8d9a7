"""One locking policy for every booking write (PostgreSQL; SQLite serialises writers).

Every write that places a booking (create, reschedule, series move, a program's booking) locks
the rows it relies on through ``lock_for_booking``, in one fixed order:

    the client's row (``limits.lock_client``), the bookings being changed (by id),
    the therapists (by id), then the rooms (by id).

Two transactions that take rows in the same order never wait on each other in a circle, so the
only deadlocks left are the ones the exclusion constraints' index entries can make; the writes
treat those as a lost race and choose again. ``lock_for_booking`` takes its therapists and its
rooms in one statement each, sorted, and remembers what it holds for the transaction
(``lock_scope``), so a row is locked once: a program locks every therapist and every suitable
room of its series up front, and the bookings it then makes find them held and ask for nothing.

A single booking learns its room only after the checks, so ``claim_room`` chooses a free room,
locks it through the same function and checks it again under the lock (another therapist's
booking may have taken it meanwhile). A room is never locked before a therapist in the same
scope; asking for that is a programming error and raises.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, OuterRef

from unknot.apps.booking import limits
from unknot.apps.booking.selectors import live_bookings_in
from unknot.apps.booking.services.checks import free_room
from unknot.apps.practices.models import Room, Service
from unknot.apps.therapists.models import Therapist
from unknot.domain import scheduling as s

log = logging.getLogger(__name__)


@dataclass
class Held:
    """The therapists and rooms a transaction (or one savepoint in it) has locked."""

    clients: set[int] = field(default_factory=set)
    therapists: set[int] = field(default_factory=set)
    rooms: set[int] = field(default_factory=set)


_held: ContextVar[Held | None] = ContextVar("unknot_booking_locks", default=None)


@contextmanager
def lock_scope() -> Iterator[Held]:
    """What is locked inside belongs to the enclosing transaction (or savepoint).

    Open it just inside the ``transaction.atomic()`` it belongs to. A nested scope starts with
    what its parent holds and hands its own locks to the parent only if it ends without an
    error: a savepoint rolled back releases the row locks taken in it.
    """
    parent = _held.get()
    mine = (
        Held(set(parent.clients), set(parent.therapists), set(parent.rooms)) if parent else Held()
    )
    token = _held.set(mine)
    try:
        yield mine
    finally:
        _held.reset(token)
    if parent is not None:
        parent.clients |= mine.clients
        parent.therapists |= mine.therapists
        parent.rooms |= mine.rooms


def held() -> Held:
    """What the current scope holds (empty outside any scope)."""
    return _held.get() or Held()


def lock_for_booking(
    *,
    client_id: int | None = None,
    therapist_ids: Iterable[int] = (),
    room_ids: Iterable[int] = (),
    rooms_for: Iterable[Service] = (),
    technique_id: int | None = None,
) -> dict[int, Therapist]:
    """Lock the client, the therapists, then the rooms, each set sorted by id; return the
    therapists.

    ``rooms_for`` adds every active room that suits one of these services (a series, which does
    not know yet which rooms it will use). The therapists come back with their practice (not
    locked: a FOR UPDATE over the join would lock the practice's row and serialise every booking
    of the practice) and, with ``technique_id``, ``practises``: whether they practise it, read in
    the same statement. A therapist held already is read without a new lock.
    """
    holding = _held.get() or Held()
    wanted = sorted(set(therapist_ids))
    locking = connection.vendor != "sqlite"
    if client_id is not None and client_id not in holding.clients:
        if locking and (holding.therapists or holding.rooms):
            raise RuntimeError("the client is locked before therapists and rooms (lock order)")
        limits.lock_client(client_id)
        holding.clients.add(client_id)
    therapists: dict[int, Therapist] = {}
    if wanted:
        fresh = [pk for pk in wanted if pk not in holding.therapists]
        if fresh and holding.rooms and locking:
            raise RuntimeError("therapists are locked before rooms (booking lock order)")
        rows = Therapist.objects.select_related("practice").filter(pk__in=wanted).order_by("pk")
        if technique_id is not None:
            practises = Therapist.techniques.through.objects.filter(
                therapist_id=OuterRef("pk"), technique_id=technique_id
            )
            rows = rows.annotate(practises=Exists(practises))
        if fresh:
            rows = rows.select_for_update(of=("self",))
        therapists = {row.pk: row for row in rows}
        holding.therapists.update(wanted)
    rooms = set(room_ids)
    services = list(rooms_for)
    if locking and (rooms or services):
        query = Room.objects.none()
        if services:
            suitable = Room.techniques.through.objects.filter(
                technique_id__in={service.technique_id for service in services}
            ).values("room_id")
            query = Room.objects.filter(
                practice_id__in={service.practice_id for service in services},
                is_active=True,
                pk__in=suitable,
            )
        fresh_rooms = sorted(rooms - holding.rooms)
        if fresh_rooms:
            query = query | Room.objects.filter(pk__in=fresh_rooms)
        got = (
            query.exclude(pk__in=sorted(holding.rooms))
            .select_for_update()
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        holding.rooms.update(got)
    return therapists


def lock_client_and_therapist(client_id: int, pk: int, *, technique_id: int) -> Therapist:
    """A new booking's locks: its client, then its therapist (with ``practises``)."""
    return lock_for_booking(client_id=client_id, therapist_ids=[pk], technique_id=technique_id)[pk]


def claim_room(
    *,
    service: Service,
    needed: s.TimeRange,
    prefer: Room | None = None,
    ignore_ids: Iterable[int] = (),
) -> Room:
    """A free suitable room, its row locked until the transaction ends.

    Bookings of different therapists run side by side (each locks only its therapist), so two
    of them can choose the same free room. The chosen room's row is locked and the room checked
    again under the lock: the second booking waits for the first to commit, sees its booking
    and chooses the next room, instead of both inserting and meeting at the exclusion
    constraint, where one loses its attempt (or, on PostgreSQL, is aborted as a deadlock).
    A room this transaction holds already needs no second look: nobody else can book it.
    Ends: a room found taken under the lock is taken by a committed booking, so the next choice
    has one candidate fewer, and ``free_room`` raises ``SlotTaken`` once none is left.
    """
    ignore = tuple(ignore_ids)
    while True:
        room = free_room(service=service, needed=needed, prefer=prefer, ignore_ids=ignore)
        if connection.vendor == "sqlite" or room.pk in held().rooms:
            return room  # writers are serialised already (IMMEDIATE transactions)
        lock_for_booking(room_ids=[room.pk])
        taken = live_bookings_in(needed).filter(room_id=room.pk).exclude(pk__in=ignore)
        if not taken.exists():
            return room
        log.info("room %s taken while choosing it; choosing again", room.pk)
