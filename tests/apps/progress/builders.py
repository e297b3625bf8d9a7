"""Builders for progress and records tests: sessions made directly (past or future), check-ins
and consents, with every time relative to one ``now``."""

from __future__ import annotations

import datetime as dt

from tests.factories import PASSWORD, make_assessment, make_therapist
from unknot.apps.accounts.models import Role, User
from unknot.apps.booking.models import Booking, BookingStatus
from unknot.apps.practices.models import Room, Service, Technique
from unknot.apps.records import services as records
from unknot.apps.records.models import ConsentKind

SCORES = {"pain-nrs": {"pain": 7}, "stiffness-nrs": {"stiffness": 6}, "stress-nrs": {"stress": 5}}
"""A full pre-session answer for the default test intake (chronic low back and relaxation)."""


def scores(pain: int, stiffness: int = 5, stress: int = 5) -> dict:
    return {
        "pain-nrs": {"pain": pain},
        "stiffness-nrs": {"stiffness": stiffness},
        "stress-nrs": {"stress": stress},
    }


def session(
    client,
    therapist,
    *,
    start: dt.datetime,
    status: str = BookingStatus.COMPLETED,
    technique: str = "swedish",
    minutes: int = 60,
    safety: dict | None = None,
) -> Booking:
    practice = therapist.practice
    tech = Technique.objects.get(slug=technique)
    service, _ = Service.objects.get_or_create(
        practice=practice,
        technique=tech,
        duration_minutes=minutes,
        defaults={"price": "60.00", "buffer_after_minutes": 0},
    )
    room, created = Room.objects.get_or_create(practice=practice, name="Test room")
    if created:
        room.techniques.set(Technique.objects.all())
    end = start + dt.timedelta(minutes=minutes)
    return Booking.objects.create(
        practice=practice,
        client=client,
        therapist=therapist,
        room=room,
        service=service,
        technique=tech,
        starts_at=start,
        ends_at=end,
        busy_from=start,
        busy_until=end,
        status=status,
        price="60.00",
        safety=safety if safety is not None else {"pressure_cap": 4},
    )


def book(client, therapist, *, after: dt.datetime, now: dt.datetime) -> Booking:
    """A new Swedish hour booked through ``booking_create`` (the safety gate and its hooks),
    at the first free time from ``after``; the therapist works weekdays 9 to 17."""
    from tests.factories import add_weekday_hours
    from unknot.apps.booking.availability import find_slots
    from unknot.apps.booking.services import booking_create
    from unknot.domain.scheduling import TimeRange

    if not therapist.working_hours.exists():
        add_weekday_hours(therapist)
    tech = Technique.objects.get(slug="swedish")
    service, _ = Service.objects.get_or_create(
        practice=therapist.practice,
        technique=tech,
        duration_minutes=60,
        defaults={"price": "60.00", "buffer_after_minutes": 0},
    )
    room, created = Room.objects.get_or_create(practice=therapist.practice, name="Test room")
    if created:
        room.techniques.set(Technique.objects.all())
    slots = find_slots(
        technique=tech,
        duration_minutes=60,
        window=TimeRange(after, after + dt.timedelta(days=7)),
        now=now,
        therapist_uid=therapist.uid,
    )
    booking, _ = booking_create(
        client=client, service=service, start=slots[0].start, now=now, therapist=therapist
    )
    return booking


def consent_all(client, now: dt.datetime) -> None:
    for kind in (ConsentKind.TREATMENT, ConsentKind.HEALTH_DATA, ConsentKind.REMINDERS):
        records.consent_set(user=client, kind=kind, granted=True, now=now)


def client_with_plan(email: str, now: dt.datetime, **intake) -> User:
    """A client with a chronic low-back assessment (pain and stiffness measured) and consents."""
    user = User.objects.create_user(
        email=email, password=PASSWORD, full_name=email.split("@")[0].title()
    )
    make_assessment(user, **intake)
    consent_all(user, now - dt.timedelta(days=60))
    return user


def therapist_at(practice, slug: str, **kwargs):
    return make_therapist(
        practice,
        slug,
        techniques=kwargs.pop("techniques", ("swedish", "deep-tissue", "myofascial-release")),
        **kwargs,
    )


def staff_at(practice, email: str) -> User:
    return User.objects.create_user(
        email=email,
        password=PASSWORD,
        full_name="Desk",
        role=Role.STAFF,
        practice=practice,
        is_staff=True,
    )


def bearer(user) -> dict[str, str]:
    from unknot.apps.accounts.services import api_token_issue

    return {
        "HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user, second_factor_verified=True)}"
    }


def make_course(practice, now: dt.datetime) -> dict:
    """Ana's course with Ben: two weekly sessions held, the next in a day (check-in open)."""
    week = dt.timedelta(days=7)
    ben = therapist_at(practice, "ben-carter")
    ana = client_with_plan("ana@example.test", now)
    held = [session(ana, ben, start=now - (3 - i) * week) for i in (1, 2)]
    upcoming = session(ana, ben, start=now + dt.timedelta(days=1), status="confirmed")
    return {"ben": ben, "ana": ana, "held": held, "next": upcoming, "practice": practice}
