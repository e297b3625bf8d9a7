"""Free slots for a technique: the scheduling core fed with rows from the selectors."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from unknot.apps.booking import mappers
from unknot.apps.booking.models import MAX_BUSY_SPAN
from unknot.apps.booking.selectors import room_bookings, therapist_calendars
from unknot.apps.practices.models import Room, Service, Technique
from unknot.apps.therapists.models import Therapist
from unknot.domain import scheduling as s

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


def bookable_therapists(*, technique: Technique, therapist_uid: str | None = None) -> list:
    """Active therapists practising ``technique`` with a verified licence (expiry checked later)."""
    qs = (
        Therapist.objects.filter(
            is_active=True, techniques=technique, licence_verified_at__isnull=False
        )
        .select_related("practice")
        .order_by("display_name")
    )
    if therapist_uid:
        qs = qs.filter(uid=therapist_uid)
    return list(qs)


def suitable_rooms(*, practice_ids: set[int], technique: Technique) -> dict[int, list[Room]]:
    rooms: dict[int, list[Room]] = defaultdict(list)
    for room in Room.objects.filter(
        practice_id__in=practice_ids, is_active=True, techniques=technique
    ).order_by("name"):
        rooms[room.practice_id].append(room)
    return rooms


def services_for(
    *, practice_ids: set[int], technique: Technique, duration_minutes: int
) -> dict[int, Service]:
    return {
        svc.practice_id: svc
        for svc in Service.objects.filter(
            practice_id__in=practice_ids,
            technique=technique,
            duration_minutes=duration_minutes,
            is_active=True,
        )
    }


class _RoomChecker:
    """Answers "is some suitable room free for this range?" by bisecting merged busy lists."""

    def __init__(self, rooms_by_practice: dict[int, list[Room]], window: s.TimeRange) -> None:
        all_rooms = [room for rooms in rooms_by_practice.values() for room in rooms]
        busy = room_bookings(room_ids=[r.pk for r in all_rooms], window=window)
        self.rooms_by_practice = rooms_by_practice
        self.busy = {
            room.pk: s.merge(b.range for b in mappers.busy(busy.get(room.pk, [])))
            for room in all_rooms
        }

    def free_room(self, practice_id: int, needed: s.TimeRange) -> Room | None:
        for room in self.rooms_by_practice.get(practice_id, []):
            if not s.overlaps_any(self.busy[room.pk], needed):
                return room
        return None


def iter_offered_slots(
    *,
    technique: Technique,
    duration_minutes: int,
    window: s.TimeRange,
    now: dt.datetime,
    therapist_uid: str | None = None,
    first_only: bool = False,
) -> Iterator[list[OfferedSlot]]:
    """Per therapist, the slots they can offer in ``window`` (each list sorted by start).

    A slot is offered only when the therapist's licence is valid on the slot's local date and a
    room that suits the technique is free for the whole service plus buffers.
    """
    therapists = bookable_therapists(technique=technique, therapist_uid=therapist_uid)
    practice_ids = {t.practice_id for t in therapists}
    services = services_for(
        practice_ids=practice_ids, technique=technique, duration_minutes=duration_minutes
    )
    therapists = [t for t in therapists if t.practice_id in services]
    if not therapists:
        return
    data_window = s.TimeRange(window.start - MAX_BUSY_SPAN, window.end + MAX_BUSY_SPAN)
    calendars = therapist_calendars(
        therapist_ids=[t.pk for t in therapists],
        window=data_window,
        tz_by_therapist={t.pk: mappers.tz_for(t.practice) for t in therapists},
    )
    rooms = _RoomChecker(
        suitable_rooms(practice_ids=practice_ids, technique=technique), data_window
    )
    for therapist in therapists:
        practice = therapist.practice
        service = services[therapist.practice_id]
        spec = mappers.spec_for(service)
        tz = mappers.tz_for(practice)
        calendar = calendars[therapist.pk]
        working = s.working_ranges(
            mappers.weekly_hours(calendar.weekly),
            mappers.date_overrides(calendar.overrides),
            mappers.time_off(calendar.time_off),
            tz,
            data_window,
        )
        free = s.free_ranges(working, mappers.busy(calendar.bookings))
        offered = []
        for slot in s.iter_slots(free, spec, mappers.rules_for(practice), tz, now, window):
            if slot.start.astimezone(tz).date() > therapist.licence_expires_on:
                break  # slots come in time order: every later one is past the expiry too
            if rooms.free_room(therapist.practice_id, spec.occupied(slot.start)) is None:
                continue
            offered.append(OfferedSlot(slot.start, slot.end, therapist, service))
            if first_only:
                break
        yield offered


def find_slots(
    *,
    technique: Technique,
    duration_minutes: int,
    window: s.TimeRange,
    now: dt.datetime,
    therapist_uid: str | None = None,
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
        )
        for slot in per_therapist
    ]
    slots.sort(key=lambda x: (x.start, x.therapist.display_name))
    return slots


def soonest_per_therapist(
    *, technique: Technique, duration_minutes: int, window: s.TimeRange, now: dt.datetime
) -> list[OfferedSlot]:
    """Each matching therapist's first free slot, soonest first: the "any therapist" ranking."""
    firsts = [
        slots[0]
        for slots in iter_offered_slots(
            technique=technique,
            duration_minutes=duration_minutes,
            window=window,
            now=now,
            first_only=True,
        )
        if slots
    ]
    return sorted(firsts, key=lambda x: (x.start, x.therapist.display_name))
