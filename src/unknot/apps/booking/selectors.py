"""Reads for availability, schedules and a client's appointments."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

from unknot.apps.booking.models import (
    LIVE_STATUSES,
    MAX_BUSY_SPAN,
    Booking,
    BookingStatus,
    DateOverride,
    TimeOff,
    WorkingHours,
)
from unknot.domain.scheduling import TimeRange


class BusyRow(NamedTuple):
    """A live booking's busy range, read without building a model instance."""

    pk: int
    owner_id: int
    busy_from: dt.datetime
    busy_until: dt.datetime


class HoursRow(NamedTuple):
    """One weekly working range, read without building a model instance."""

    weekday: int
    start_time: dt.time
    end_time: dt.time


@dataclass
class Calendar:
    """Everything that shapes one resource's free time inside a window."""

    weekly: list = field(default_factory=list)
    overrides: list = field(default_factory=list)
    time_off: list = field(default_factory=list)
    bookings: list = field(default_factory=list)


def live_bookings_in(window: TimeRange) -> QuerySet[Booking]:
    """Live bookings whose busy range meets ``window``.

    The lower bound on ``busy_from`` (window start minus the longest possible busy span) lets
    the (therapist|room, busy_from) indexes answer with a range scan over the window only.
    """
    return Booking.objects.filter(
        status__in=LIVE_STATUSES,
        busy_from__lt=window.end,
        busy_from__gte=window.start - MAX_BUSY_SPAN,
        busy_until__gt=window.start,
    )


def therapist_calendars(
    *, therapist_ids: list[int], window: TimeRange, tz_by_therapist: dict[int, object]
) -> dict[int, Calendar]:
    """Hours, overrides, time off and busy bookings for several therapists in four queries."""
    calendars: dict[int, Calendar] = {tid: Calendar() for tid in therapist_ids}
    for row in (
        WorkingHours.objects.filter(therapist_id__in=therapist_ids)
        .order_by()
        .values_list("therapist_id", "weekday", "start_time", "end_time")
    ):
        calendars[row[0]].weekly.append(HoursRow(*row[1:]))
    # Local dates can differ from UTC dates by a day either side.
    first_day = window.start.date() - dt.timedelta(days=2)
    last_day = window.end.date() + dt.timedelta(days=2)
    # order_by(): the models' default ordering by therapist would join the therapist table.
    for row in DateOverride.objects.filter(
        therapist_id__in=therapist_ids, date__gte=first_day, date__lte=last_day
    ).order_by("date", "start_time"):
        calendars[row.therapist_id].overrides.append(row)
    for row in TimeOff.objects.filter(
        therapist_id__in=therapist_ids, starts_at__lt=window.end, ends_at__gt=window.start
    ).order_by():
        calendars[row.therapist_id].time_off.append(row)
    for row in _busy_rows(
        live_bookings_in(window).filter(therapist_id__in=therapist_ids), "therapist_id"
    ):
        calendars[row.owner_id].bookings.append(row)
    return calendars


def _busy_rows(qs: QuerySet[Booking], owner: str) -> list[BusyRow]:
    # Tuples, not model instances, and no ORDER BY (callers merge the ranges themselves):
    # building a Booking per row was most of an availability request's time.
    return [
        BusyRow(*values)
        for values in qs.order_by().values_list("pk", owner, "busy_from", "busy_until")
    ]


def therapist_bookings(*, therapist_ids: list[int], window: TimeRange) -> dict[int, list[BusyRow]]:
    """Busy ranges of live bookings of the given therapists that meet ``window``, by therapist."""
    return busy_of(therapist_ids=therapist_ids, room_ids=[], window=window)[0]


def room_bookings(*, room_ids: list[int], window: TimeRange) -> dict[int, list[BusyRow]]:
    """Busy ranges of live bookings in the given rooms that meet ``window``, by room id."""
    return busy_of(therapist_ids=[], room_ids=room_ids, window=window)[1]


def busy_of(
    *, therapist_ids: list[int], room_ids: list[int], window: TimeRange
) -> tuple[dict[int, list[BusyRow]], dict[int, list[BusyRow]]]:
    """``live_bookings_in(window)`` of some therapists and of some rooms, in one statement.

    Availability asks this once or twice per request. Building the same query through the ORM
    cost more than running it (about 0.15 ms of Python each time), and on PostgreSQL every
    statement is a round trip, so both reads are written out here as one ``UNION ALL`` (each
    half still a range scan of its own index). tests/apps/booking/test_selectors.py checks the
    answer against the ORM's.
    """
    by_therapist: dict[int, list[BusyRow]] = defaultdict(list)
    by_room: dict[int, list[BusyRow]] = defaultdict(list)
    db = connections[DEFAULT_DB_ALIAS]  # once: every attribute of the proxy is a lookup
    sqlite = db.vendor == "sqlite"
    # Instants are read as text in UTC with an explicit offset ("2026-11-25 09:00:00+00:00")
    # and parsed by datetime.fromisoformat, in C. Bare columns would go through Django's
    # converters in Python: a regular expression per value on SQLite, and on PostgreSQL a
    # time-zone loader that made 614 rows cost 5.3 ms instead of 1.4 (docs/benchmarks.md).
    if sqlite:  # stored as UTC text already
        columns = "busy_from || '+00:00', busy_until || '+00:00'"
    else:  # to_char, not ::text, so the session's DateStyle and TimeZone do not matter
        text = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00:00'"
        columns = f"{text.format('busy_from')}, {text.format('busy_until')}"
    adapt = db.ops.adapt_datetimefield_value
    statuses = ", ".join(["%s"] * len(LIVE_STATUSES))
    bounds = [
        *(str(status) for status in LIVE_STATUSES),
        adapt(window.end),
        adapt(window.start - MAX_BUSY_SPAN),
        adapt(window.start),
    ]
    parts, params = [], []
    for kind, owner, ids in ((0, "therapist_id", therapist_ids), (1, "room_id", room_ids)):
        if ids:
            parts.append(
                f"SELECT {kind}, id, {owner}, {columns} FROM {Booking._meta.db_table} "
                f"WHERE status IN ({statuses}) AND busy_from < %s AND busy_from >= %s "
                f"AND busy_until > %s AND {owner} IN ({', '.join(['%s'] * len(ids))})"
            )
            params += [*bounds, *ids]
    if not parts:
        return by_therapist, by_room
    with db.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    out = (by_therapist, by_room)
    parse = dt.datetime.fromisoformat
    for kind, pk, owner_id, busy_from, busy_until in rows:
        out[kind][owner_id].append(BusyRow(pk, owner_id, parse(busy_from), parse(busy_until)))
    return by_therapist, by_room


def _with_relations(qs: QuerySet[Booking]) -> QuerySet[Booking]:
    return qs.select_related("therapist", "room", "service", "technique", "practice", "client")


def booking_list_for_client(*, client, upcoming_from: dt.datetime | None = None) -> QuerySet:
    qs = _with_relations(Booking.objects.filter(client=client))
    if upcoming_from is not None:
        qs = qs.filter(ends_at__gte=upcoming_from)
    return qs.order_by("starts_at")


def booking_list_for_therapist(*, therapist, window: TimeRange) -> QuerySet:
    return _with_relations(
        Booking.objects.filter(
            therapist=therapist, starts_at__lt=window.end, ends_at__gt=window.start
        )
    ).order_by("starts_at")


def booking_list_for_practice(*, practice_id: int | None, window: TimeRange) -> QuerySet:
    qs = Booking.objects.filter(starts_at__lt=window.end, ends_at__gt=window.start)
    if practice_id is not None:
        qs = qs.filter(practice_id=practice_id)
    return _with_relations(qs).order_by("starts_at", "therapist__display_name")


def bookings_awaiting_clearance(*, practice_id: int | None) -> QuerySet:
    qs = Booking.objects.filter(status=BookingStatus.PENDING, needs_clearance=True)
    if practice_id is not None:
        qs = qs.filter(practice_id=practice_id)
    return _with_relations(qs).order_by("starts_at")


def bookings_visible_to(
    *,
    user,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    status: str | None = None,
) -> QuerySet[Booking]:
    """A client's own bookings, a therapist's schedule, or a staff member's practice."""
    qs = Booking.objects.all()
    if user.is_superuser:
        pass
    elif user.is_therapist:
        qs = qs.filter(therapist__user=user)
    elif user.is_practice_staff:
        qs = qs.filter(practice_id=user.practice_id)
    else:
        qs = qs.filter(client=user)
    if since is not None:
        qs = qs.filter(ends_at__gt=since)
    if until is not None:
        qs = qs.filter(starts_at__lt=until)
    if status:
        qs = qs.filter(status=status)
    return _with_relations(qs).order_by("starts_at")


# --- reads for the booking pages (additive helpers) -----------------------------------------


def technique_by_slug(slug: str):
    """The technique row for ``slug``, or None."""
    from unknot.apps.practices.models import Technique

    return Technique.objects.filter(slug=slug).first()


def bookable_techniques() -> list:
    """Techniques some active service offers, in the guide's order."""
    from unknot.apps.practices.models import Technique

    return list(Technique.objects.filter(services__is_active=True).distinct().order_by("position"))


def offered_durations(technique) -> list[int]:
    """The session lengths (minutes) some practice offers for ``technique``, shortest first."""
    from unknot.apps.practices.models import Service

    return sorted(
        set(
            Service.objects.filter(technique=technique, is_active=True).values_list(
                "duration_minutes", flat=True
            )
        )
    )


def services_for_choice(*, technique, duration_minutes: int, practice_id: int | None = None):
    """Active services of that technique and length (one practice, or all), by practice name."""
    from unknot.apps.practices.models import Service

    qs = Service.objects.select_related("technique", "practice").filter(
        technique=technique, duration_minutes=duration_minutes, is_active=True
    )
    if practice_id is not None:
        qs = qs.filter(practice_id=practice_id)
    return list(qs.order_by("practice__name"))


def practice_list() -> list:
    from unknot.apps.practices.models import Practice

    return list(Practice.objects.order_by("name"))


def practice_by_slug(slug: str):
    from unknot.apps.practices.models import Practice

    return Practice.objects.filter(slug=slug).first()


def practice_therapists(*, practice_id: int) -> list:
    """The practice's active therapists, by name (the calendar's columns)."""
    from unknot.apps.therapists.models import Therapist

    return list(
        Therapist.objects.filter(practice_id=practice_id, is_active=True).order_by("display_name")
    )


def practice_rooms(*, practice_id: int) -> list:
    from unknot.apps.practices.models import Room

    return list(Room.objects.filter(practice_id=practice_id, is_active=True).order_by("name"))


def therapist_weekly_hours(*, therapist_ids: list[int]) -> list[WorkingHours]:
    return list(WorkingHours.objects.filter(therapist_id__in=therapist_ids))
