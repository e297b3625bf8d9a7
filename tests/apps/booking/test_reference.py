"""The in-memory schedule reference: reused while the database is unchanged, reloaded after."""

import datetime as dt

import pytest

from tests.apps.booking.conftest import NOW, at
from tests.factories import add_weekday_hours, make_therapist
from unknot.apps.booking import reference
from unknot.apps.booking.availability import find_slots
from unknot.apps.booking.models import DateOverride, TimeOff
from unknot.apps.practices.models import Room, Service, Technique
from unknot.apps.therapists.models import Therapist
from unknot.domain.scheduling import TimeRange

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(practice):
    ben = make_therapist(practice, "ben-carter", techniques=("swedish",))
    add_weekday_hours(ben)
    swedish = Technique.objects.get(slug="swedish")
    Service.objects.create(practice=practice, technique=swedish, duration_minutes=60, price="60")
    room = Room.objects.create(practice=practice, name="A")
    room.techniques.add(swedish)
    return {"ben": ben, "swedish": swedish}


def test_unchanged_data_is_served_from_memory_with_one_query(world, django_assert_num_queries):
    first = reference.schedule_reference(now=NOW)
    with django_assert_num_queries(1):
        assert reference.schedule_reference(now=NOW) is first


def test_any_change_is_seen_by_the_next_read(world):
    first = reference.schedule_reference(now=NOW)
    assert [t.uid for t in first.bookable[world["swedish"].pk]] == [world["ben"].uid]
    Therapist.objects.update(licence_verified_at=None)
    second = reference.schedule_reference(now=NOW)
    assert second is not first
    assert world["swedish"].pk not in second.bookable
    assert world["ben"].uid in second.therapists  # still active, so still known


def test_a_caller_in_the_past_gets_the_older_time_off_too(world):
    """A load keeps time off from two days before its ``now``; an earlier ``now`` reloads."""
    TimeOff.objects.create(therapist=world["ben"], starts_at=at(1, 9), ends_at=at(1, 17))
    DateOverride.objects.create(therapist=world["ben"], date=dt.date(2026, 12, 2))
    later = reference.schedule_reference(now=NOW + dt.timedelta(days=30))
    assert later.time_off == {} and later.overrides == {}
    earlier = reference.schedule_reference(now=NOW)
    assert earlier is not later
    assert len(earlier.time_off[world["ben"].pk]) == 1
    assert [row.closed for row in earlier.overrides[world["ben"].pk]] == [True]
    # ...and the wider load still serves the later caller.
    assert reference.schedule_reference(now=NOW + dt.timedelta(days=30)) is earlier


def test_slots_follow_time_off_added_after_a_first_read(world):
    window = TimeRange(at(1, 0), at(2, 0))

    def slots():
        return find_slots(technique=world["swedish"], duration_minutes=60, window=window, now=NOW)

    assert slots()
    TimeOff.objects.create(therapist=world["ben"], starts_at=at(1, 8), ends_at=at(1, 18))
    assert slots() == []
