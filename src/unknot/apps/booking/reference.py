"""The schedule's reference data, read once and kept in memory until the database changes it.

An availability request needs techniques, services, rooms, therapists and their hours before
it looks at a single booking. Those rows change a few times a week; bookings change all day.
``schedule_reference(now=...)`` returns them from memory and reloads them only when the token
of ``versioning.py`` differs from the one they were loaded under, so each request costs one
tiny query for them instead of eight ORM queries (see docs/benchmarks.md).

Only reads that offer slots use this. Every write (booking, rescheduling, programs) checks the
database itself, inside its transaction, as before.

Date overrides and time off are kept from ``horizon`` on: slots are never offered before
``now``, so older rows cannot matter. A caller whose ``now`` lies before the horizon (a test or
the demo builder working in the past) gets a fresh load that reaches back far enough.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from unknot.apps.booking.models import DateOverride, TimeOff, WorkingHours
from unknot.apps.booking.selectors import HoursRow
from unknot.apps.booking.versioning import current_token
from unknot.apps.practices.models import Practice, Room, Service, Technique
from unknot.apps.therapists.models import Therapist

HORIZON_MARGIN = dt.timedelta(days=2)
"""How far before ``now`` a load keeps overrides and time off (local dates differ by a day)."""


class OverrideRow(NamedTuple):
    date: dt.date
    start_time: dt.time | None
    end_time: dt.time | None

    @property
    def closed(self) -> bool:
        return self.start_time is None


class TimeOffRow(NamedTuple):
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclass(frozen=True)
class ScheduleReference:
    """Read-only: the model instances in here are shared by every request of the process."""

    token: str | None
    horizon: dt.datetime
    techniques: dict[str, Technique]
    """By slug."""
    therapists: dict[str, Therapist]
    """Active therapists by uid, verified or not, each with its practice attached."""
    practised: dict[int, frozenset[int]]
    """Technique ids by therapist id."""
    bookable: dict[int, list[Therapist]]
    """By technique id: active, licence verified, in name order (expiry is checked per slot)."""
    services: dict[tuple[int, int, int], Service]
    """Active services by (practice id, technique id, minutes)."""
    durations: dict[int, list[int]]
    """Minutes offered by some active service, by technique id."""
    rooms: dict[tuple[int, int], list[int]]
    """Active room ids by (practice id, technique id), in name order."""
    weekly: dict[int, list[HoursRow]]
    overrides: dict[int, list[OverrideRow]]
    time_off: dict[int, list[TimeOffRow]]

    def technique(self, slug: str) -> Technique | None:
        return self.techniques.get(slug)

    def therapist(self, uid: str) -> Therapist | None:
        return self.therapists.get(uid)


def load(*, token: str | None, horizon: dt.datetime) -> ScheduleReference:
    practices = {p.pk: p for p in Practice.objects.all()}
    techniques = {t.slug: t for t in Technique.objects.all()}
    therapists = list(Therapist.objects.filter(is_active=True).order_by("display_name", "pk"))
    for therapist in therapists:
        therapist.practice = practices[therapist.practice_id]
    practised: dict[int, set[int]] = defaultdict(set)
    for therapist_id, technique_id in Therapist.techniques.through.objects.filter(
        therapist__is_active=True
    ).values_list("therapist_id", "technique_id"):
        practised[therapist_id].add(technique_id)
    bookable: dict[int, list[Therapist]] = defaultdict(list)
    for therapist in therapists:
        if therapist.licence_verified_at is None:
            continue
        for technique_id in practised[therapist.pk]:
            bookable[technique_id].append(therapist)
    services = {}
    durations: dict[int, set[int]] = defaultdict(set)
    for service in Service.objects.filter(is_active=True).order_by("pk"):
        service.practice = practices[service.practice_id]
        services[(service.practice_id, service.technique_id, service.duration_minutes)] = service
        durations[service.technique_id].add(service.duration_minutes)
    rooms: dict[tuple[int, int], list[int]] = defaultdict(list)
    for room_id, practice_id, technique_id in (
        Room.techniques.through.objects.filter(room__is_active=True)
        .order_by("room__name", "room_id")
        .values_list("room_id", "room__practice_id", "technique_id")
    ):
        rooms[(practice_id, technique_id)].append(room_id)
    ids = [t.pk for t in therapists]
    weekly: dict[int, list[HoursRow]] = defaultdict(list)
    for therapist_id, *row in (
        WorkingHours.objects.filter(therapist_id__in=ids)
        .order_by()
        .values_list("therapist_id", "weekday", "start_time", "end_time")
    ):
        weekly[therapist_id].append(HoursRow(*row))
    overrides: dict[int, list[OverrideRow]] = defaultdict(list)
    for therapist_id, *row in (
        DateOverride.objects.filter(therapist_id__in=ids, date__gte=horizon.date())
        .order_by("date", "start_time")
        .values_list("therapist_id", "date", "start_time", "end_time")
    ):
        overrides[therapist_id].append(OverrideRow(*row))
    time_off: dict[int, list[TimeOffRow]] = defaultdict(list)
    for therapist_id, *row in (
        TimeOff.objects.filter(therapist_id__in=ids, ends_at__gt=horizon)
        .order_by("starts_at")
        .values_list("therapist_id", "starts_at", "ends_at")
    ):
        time_off[therapist_id].append(TimeOffRow(*row))
    return ScheduleReference(
        token=token,
        horizon=horizon,
        techniques=techniques,
        therapists={t.uid: t for t in therapists},
        practised={tid: frozenset(techs) for tid, techs in practised.items()},
        bookable=dict(bookable),
        services=services,
        durations={tid: sorted(minutes) for tid, minutes in durations.items()},
        rooms=dict(rooms),
        weekly=dict(weekly),
        overrides=dict(overrides),
        time_off=dict(time_off),
    )


_lock = threading.Lock()
_current: ScheduleReference | None = None


def schedule_reference(*, now: dt.datetime) -> ScheduleReference:
    """The reference data as the database holds it now (one query when nothing changed)."""
    global _current
    token = current_token()
    cached = _current
    if cached is not None and cached.token == token and cached.horizon <= now - HORIZON_MARGIN:
        return cached
    horizon = now - 2 * HORIZON_MARGIN
    if cached is not None and cached.token == token:
        horizon = min(horizon, cached.horizon)
    fresh = load(token=token, horizon=horizon)
    with _lock:
        _current = fresh
    return fresh
