import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.factories import add_weekday_hours, make_assessment, make_therapist
from unknot.apps.practices.models import Room, Service, Technique

LONDON = ZoneInfo("Europe/London")
# Monday 30 November 2026, 08:00 in London (GMT): "now" for these tests.
NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=LONDON)


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> dt.datetime:
    """A London wall-clock instant in December 2026 (or another month)."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def setup(practice, client_user):
    practice.min_notice_minutes = 60
    practice.cancellation_cutoff_hours = 24
    practice.save()
    ben = make_therapist(practice, "ben-carter", techniques=("swedish", "thai-yoga"))
    kai = make_therapist(practice, "kai-ito", techniques=("swedish",))
    add_weekday_hours(ben)
    add_weekday_hours(kai)
    swedish = Technique.objects.get(slug="swedish")
    service = Service.objects.create(
        practice=practice,
        technique=swedish,
        duration_minutes=60,
        price="60.00",
        buffer_before_minutes=0,
        buffer_after_minutes=15,
    )
    long_service = Service.objects.create(
        practice=practice,
        technique=swedish,
        duration_minutes=90,
        price="85.00",
        buffer_before_minutes=10,
        buffer_after_minutes=15,
    )
    room_a = Room.objects.create(practice=practice, name="A", kind="table")
    room_a.techniques.set(Technique.objects.exclude(slug="thai-yoga"))
    room_b = Room.objects.create(practice=practice, name="B", kind="table")
    room_b.techniques.set(Technique.objects.exclude(slug="thai-yoga"))
    make_assessment(client_user)
    return {
        "ben": ben,
        "kai": kai,
        "service": service,
        "long": long_service,
        "room_a": room_a,
        "room_b": room_b,
        "practice": practice,
    }
