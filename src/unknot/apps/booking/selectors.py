"""Reads for availability, schedules and a client's appointments."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

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
    for row in WorkingHours.objects.filter(therapist_id__in=therapist_ids):
        calendars[row.therapist_id].weekly.append(row)
    # Local dates can differ from UTC dates by a day either side.
    first_day = window.start.date() - dt.timedelta(days=2)
    last_day = window.end.date() + dt.timedelta(days=2)
    for row in DateOverride.objects.filter(
        therapist_id__in=therapist_ids, date__gte=first_day, date__lte=last_day
    ):
        calendars[row.therapist_id].overrides.append(row)
    for row in TimeOff.objects.filter(
        therapist_id__in=therapist_ids, starts_at__lt=window.end, ends_at__gt=window.start
    ):
        calendars[row.therapist_id].time_off.append(row)
    for row in (
        live_bookings_in(window)
        .filter(therapist_id__in=therapist_ids)
        .only("therapist_id", "busy_from", "busy_until")
    ):
        calendars[row.therapist_id].bookings.append(row)
    return calendars


def room_bookings(*, room_ids: list[int], window: TimeRange) -> dict[int, list[Booking]]:
    out: dict[int, list[Booking]] = defaultdict(list)
    for row in (
        live_bookings_in(window)
        .filter(room_id__in=room_ids)
        .only("room_id", "busy_from", "busy_until")
    ):
        out[row.room_id].append(row)
    return out


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
    elif user.role == "therapist":
        qs = qs.filter(therapist__user=user)
    elif user.role == "staff":
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
