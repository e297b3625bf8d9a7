"""Free slots for a technique: the scheduling core fed with rows from the selectors."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.utils import timezone

from unknot.apps.booking import mappers
from unknot.apps.booking.reference import ScheduleReference, schedule_reference
from unknot.apps.booking.selectors import busy_of, room_bookings
from unknot.apps.practices.models import Service, Technique
from unknot.apps.therapists.models import Therapist
from unknot.domain import scheduling as s
from unknot.domain.scheduling.time_ranges import BusyIndex

MAX_WINDOW = dt.timedelta(days=31)
"""The longest span one availability request may ask about."""


@dataclass(frozen=True)
class OfferedSlot:
    start: dt.datetime
    end: dt.datetime
    therapist: Therapist
    service: Service

    @property
    def local_start(self) -> dt.datetime:
        return self.start.astimezone(mappers.tz_for(self.therapist.practice))

    @property
    def local_end(self) -> dt.datetime:
        return self.end.astimezone(mappers.tz_for(self.therapist.practice))


def bookable_therapists(
    *,
    technique: Technique,
    therapist_uid: str | None = None,
    now: dt.datetime | None = None,
    ref: ScheduleReference | None = None,
) -> list:
    """Active therapists practising ``technique`` with a verified licence (expiry checked later).

    Callers that go on to ``services_for`` and the slot search pass one ``ref`` to all three:
    each call without it reads the version token again.
    """
    ref = ref or schedule_reference(now=now or timezone.now())
    therapists = ref.bookable.get(technique.pk, [])
    if therapist_uid:
        return [t for t in therapists if t.uid == therapist_uid]
    return list(therapists)


def suitable_rooms(
    *, practice_ids: set[int], technique: Technique, ref: ScheduleReference
) -> dict[int, list[int]]:
    """Ids of the active rooms that suit ``technique``, by practice, in name order."""
    return {pid: ref.rooms.get((pid, technique.pk), []) for pid in practice_ids}


def services_for(
    *,
    practice_ids: set[int],
    technique: Technique,
    duration_minutes: int,
    ref: ScheduleReference | None = None,
) -> dict[int, Service]:
    ref = ref or schedule_reference(now=timezone.now())
    found = {pid: ref.services.get((pid, technique.pk, duration_minutes)) for pid in practice_ids}
    return {pid: service for pid, service in found.items() if service is not None}


class _RoomChecker:
    """Answers "is some suitable room free for this range?" by bisecting merged busy lists.

    Rooms are read lazily, in name order and in batches that double (4, 8, 16, ...): a slot
    takes the first free room, so most slots are settled by the first few rooms and the cost
    follows the slots asked about, not the number of rooms in the practice.
    """

    FIRST_BATCH = 4

    def __init__(self, rooms_by_practice: dict[int, list[int]], window: s.TimeRange) -> None:
        self.rooms_by_practice = rooms_by_practice
        self.window = window
        self.busy: dict[int, BusyIndex] = {}
        self.batch: dict[int, int] = defaultdict(lambda: self.FIRST_BATCH)

    def first_batches(self, practice_ids: set[int]) -> list[int]:
        """The ids of each practice's first batch, to read with the therapists' bookings."""
        return [
            room_id
            for practice_id in practice_ids
            for room_id in self.rooms_by_practice.get(practice_id, [])[: self.FIRST_BATCH]
        ]

    def preload(self, practice_ids: set[int], busy: dict[int, list]) -> None:
        """Take the first batches, read by the caller (``first_batches``), as loaded."""
        for practice_id in practice_ids:
            ids = self.rooms_by_practice.get(practice_id, [])[: self.FIRST_BATCH]
            self._index(ids, busy)
            if ids:
                self.batch[practice_id] = self.FIRST_BATCH * 2

    def _index(self, ids: list[int], busy: dict[int, list]) -> None:
        for room_id in ids:
            rows = busy.get(room_id, ())
            self.busy[room_id] = BusyIndex((row.busy_from, row.busy_until) for row in rows)

    def _load_from(self, practice_id: int, index: int) -> None:
        size = self.batch[practice_id]
        self.batch[practice_id] = size * 2
        ids = self.rooms_by_practice[practice_id][index : index + size]
        self._index(ids, room_bookings(room_ids=ids, window=self.window))

    def free_room(self, practice_id: int, needed: s.TimeRange) -> int | None:
        """The id of the first room (by name) free for ``needed``, or None."""
        for index, room_id in enumerate(self.rooms_by_practice.get(practice_id, [])):
            if room_id not in self.busy:
                self._load_from(practice_id, index)
            if self.busy[room_id].is_free(needed):
                return room_id
        return None


@lru_cache(maxsize=4096)
def _working_hours(
    weekly: tuple, overrides: tuple, tz_key: str, window: s.TimeRange
) -> tuple[s.TimeRange, ...]:
    """Weekly hours and date overrides as UTC ranges over ``window``.

    A pure function of its arguments (rows are values, not model instances), so it is cached
    across requests: therapists of a practice usually share their hours, and clients ask about
    the same days again and again.
    """
    return tuple(
        s.working_ranges(
            mappers.weekly_hours(weekly),
            mappers.date_overrides(overrides),
            (),
            ZoneInfo(tz_key),
            window,
        )
    )


@dataclass
class _Request:
    """What one availability question needs before any calendar is read."""

    ref: ScheduleReference
    therapists: list
    services: dict[int, Service]
    rooms: dict[int, list[int]]


def _prepare(
    *,
    ref: ScheduleReference,
    technique: Technique,
    duration_minutes: int,
    therapist_uid: str | None,
) -> _Request | None:
    therapists = ref.bookable.get(technique.pk, [])
    if therapist_uid:
        therapists = [t for t in therapists if t.uid == therapist_uid]
    services = services_for(
        practice_ids={t.practice_id for t in therapists},
        technique=technique,
        duration_minutes=duration_minutes,
        ref=ref,
    )
    therapists = [t for t in therapists if t.practice_id in services]
    if not therapists:
        return None
    rooms = suitable_rooms(
        practice_ids={t.practice_id for t in therapists}, technique=technique, ref=ref
    )
    return _Request(ref, therapists, services, rooms)


def _offer(
    request: _Request,
    therapists: list,
    window: s.TimeRange,
    now: dt.datetime,
    first_only: bool,
) -> Iterator[tuple[Therapist, list[OfferedSlot]]]:
    # Calendars are read for the starts asked about plus the longest service and its buffers.
    specs = [mappers.spec_for(service) for service in request.services.values()]
    data_window = s.TimeRange(
        window.start - max(spec.buffer_before for spec in specs),
        window.end + max(spec.duration + spec.buffer_after for spec in specs),
    )
    ref = request.ref
    # One statement for the therapists' bookings and those of each practice's first rooms.
    rooms = _RoomChecker(request.rooms, data_window)
    practice_ids = {t.practice_id for t in therapists}
    bookings, first_rooms = busy_of(
        therapist_ids=[t.pk for t in therapists],
        room_ids=rooms.first_batches(practice_ids),
        window=data_window,
    )
    rooms.preload(practice_ids, first_rooms)
    # Local dates can differ from UTC dates by a day either side.
    first_day = data_window.start.date() - dt.timedelta(days=2)
    last_day = data_window.end.date() + dt.timedelta(days=2)
    per_practice: dict[int, tuple] = {}
    for therapist in therapists:
        if therapist.practice_id not in per_practice:
            service = request.services[therapist.practice_id]
            per_practice[therapist.practice_id] = (
                service,
                mappers.spec_for(service),
                mappers.tz_for(therapist.practice),
                mappers.rules_for(therapist.practice),
            )
        service, spec, tz, rules = per_practice[therapist.practice_id]
        weekly = ref.weekly.get(therapist.pk, ())
        overrides = [
            row for row in ref.overrides.get(therapist.pk, ()) if first_day <= row.date <= last_day
        ]
        working = _working_hours(tuple(sorted(weekly)), tuple(overrides), tz.key, data_window)
        time_off = [
            row
            for row in ref.time_off.get(therapist.pk, ())
            if row.starts_at < data_window.end and row.ends_at > data_window.start
        ]
        if time_off:
            working = s.subtract(
                working, s.merge(entry.range for entry in mappers.time_off(time_off))
            )
        free = s.free_ranges(working, mappers.busy(bookings.get(therapist.pk, ())))
        offered = []
        for slot in s.iter_slots(free, spec, rules, tz, now, window):
            if slot.start.astimezone(tz).date() > therapist.licence_expires_on:
                break  # slots come in time order: every later one is past the expiry too
            if rooms.free_room(therapist.practice_id, spec.occupied(slot.start)) is None:
                continue
            offered.append(OfferedSlot(slot.start, slot.end, therapist, service))
            if first_only:
                break
        yield therapist, offered


def iter_offered_slots(
    *,
    technique: Technique,
    duration_minutes: int,
    window: s.TimeRange,
    now: dt.datetime,
    therapist_uid: str | None = None,
    first_only: bool = False,
    ref: ScheduleReference | None = None,
) -> Iterator[list[OfferedSlot]]:
    """Per therapist, the slots they can offer in ``window`` (each list sorted by start).

    A slot is offered only when the therapist's licence is valid on the slot's local date and a
    room that suits the technique is free for the whole service plus buffers.
    """
    request = _prepare(
        ref=ref or schedule_reference(now=now),
        technique=technique,
        duration_minutes=duration_minutes,
        therapist_uid=therapist_uid,
    )
    if request is None:
        return
    for _therapist, offered in _offer(request, request.therapists, window, now, first_only):
        yield offered


def find_slots(
    *,
    technique: Technique,
    duration_minutes: int,
    window: s.TimeRange,
    now: dt.datetime,
    therapist_uid: str | None = None,
    ref: ScheduleReference | None = None,
) -> list[OfferedSlot]:
    """Every offered slot in ``window`` across the matching therapists, soonest first."""
    slots = [
        slot
        for per_therapist in iter_offered_slots(
            technique=technique,
            duration_minutes=duration_minutes,
            window=window,
            now=now,
            therapist_uid=therapist_uid,
            ref=ref,
        )
        for slot in per_therapist
    ]
    slots.sort(key=lambda x: (x.start, x.therapist.display_name))
    return slots


SOONEST_FIRST_SPAN = dt.timedelta(days=1)


def soonest_per_therapist(
    *,
    technique: Technique,
    duration_minutes: int,
    window: s.TimeRange,
    now: dt.datetime,
    ref: ScheduleReference | None = None,
) -> list[OfferedSlot]:
    """Each matching therapist's first free slot, soonest first: the "any therapist" ranking.

    The window is searched in pieces that double (1, 2, 4, ... days) and each piece only for
    the therapists still without a slot, so a half-booked practice is answered from the first
    day or two of its calendar instead of the whole window.
    """
    request = _prepare(
        ref=ref or schedule_reference(now=now),
        technique=technique,
        duration_minutes=duration_minutes,
        therapist_uid=None,
    )
    if request is None:
        return []
    firsts: list[OfferedSlot] = []
    waiting = list(request.therapists)
    start, span = window.start, SOONEST_FIRST_SPAN
    while waiting and start < window.end:
        piece = s.TimeRange(start, min(start + span, window.end))
        found = set()
        for therapist, offered in _offer(request, waiting, piece, now, first_only=True):
            if offered:
                firsts.append(offered[0])
                found.add(therapist.pk)
        waiting = [t for t in waiting if t.pk not in found]
        start, span = piece.end, span * 2
    return sorted(firsts, key=lambda x: (x.start, x.therapist.display_name))
