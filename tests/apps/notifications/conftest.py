"""A practice with one therapist, two rooms and a client, at a frozen "now"; mail helpers."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from tests.factories import add_weekday_hours, make_assessment, make_therapist
from unknot.apps.booking import services as booking_services
from unknot.apps.practices.models import Room, Service, Technique

LONDON = ZoneInfo("Europe/London")
# Monday 30 November 2026, 08:00 in London (GMT).
NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=LONDON)
SITE = "https://unknot.example"
DOMAIN = "unknot.example"


def at(day: int, hour: int, minute: int = 0, month: int = 12, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def setup(clock, settings, practice, client_user):
    settings.SITE_URL = SITE
    practice.email = "hello@testpractice.example"
    practice.address = "1 Test Street\nLondon N1 1AA"
    practice.min_notice_minutes = 60
    practice.booking_window_days = 180
    practice.save()
    ben = make_therapist(practice, "ben-carter", techniques=("swedish",))
    add_weekday_hours(ben)
    service = Service.objects.create(
        practice=practice,
        technique=Technique.objects.get(slug="swedish"),
        duration_minutes=60,
        price="60.00",
        buffer_after_minutes=15,
    )
    room = Room.objects.create(practice=practice, name="Garden room", kind="table")
    room.techniques.set(Technique.objects.exclude(slug="thai-yoga"))
    make_assessment(client_user)
    return {"practice": practice, "ben": ben, "service": service, "room": room}


@pytest.fixture
def book(setup, client_user, django_capture_on_commit_callbacks):
    """Book through the real service, running what happens on commit (the emails)."""

    def book(start: dt.datetime, client=None, **kw):
        with django_capture_on_commit_callbacks(execute=True):
            booking, _ = booking_services.booking_create(
                client=client or client_user,
                service=setup["service"],
                start=start,
                now=NOW,
                therapist=setup["ben"],
                **kw,
            )
        return booking

    return book


@pytest.fixture
def change(django_capture_on_commit_callbacks):
    """Run a booking service (reschedule, cancel, clearance) with its on-commit effects."""

    def change(service, **kw):
        with django_capture_on_commit_callbacks(execute=True):
            return service(now=kw.pop("now", NOW), **kw)

    return change


def calendars(message) -> list[tuple[str, Calendar]]:
    """Every text/calendar part of an email: (the part's method parameter, the parsed file)."""
    found = []
    for part in message.message().walk():
        if part.get_content_type() == "text/calendar":
            found.append(
                (part.get_param("method"), Calendar.from_ical(part.get_payload(decode=True)))
            )
    return found


def the_calendar(message) -> Calendar:
    (method, calendar), *rest = calendars(message)
    assert not rest, "one calendar file per email"
    assert str(calendar["METHOD"]) == method
    return calendar


def html_of(message) -> str:
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    return html
