"""The busy-time reads of availability, written in SQL, agree with the ORM's definition."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_therapist
from unknot.apps.accounts.models import User
from unknot.apps.booking.models import Booking, BookingStatus
from unknot.apps.booking.selectors import (
    busy_of,
    live_bookings_in,
    room_bookings,
    therapist_bookings,
)
from unknot.apps.practices.models import Room, Service, Technique
from unknot.domain.scheduling import TimeRange

pytestmark = pytest.mark.django_db

BASE = dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(practice, client_user):
    swedish = Technique.objects.get(slug="swedish")
    service = Service.objects.create(
        practice=practice, technique=swedish, duration_minutes=60, price="60.00"
    )
    therapists = [make_therapist(practice, f"t-{i}") for i in range(3)]
    rooms = [Room.objects.create(practice=practice, name=name) for name in "ABC"]
    # Bookings of every status, one an hour for four and a half days, 30 to 120 minutes long
    # with buffers of 0-10 before and 15 after; each therapist and room has one every three
    # hours, so no two live ones overlap (PostgreSQL's exclusion constraints would refuse it).
    rows = []
    statuses = list(BookingStatus)
    # Three clients in turn: one client is never in two active sessions at once either.
    clients = [client_user] + [
        User.objects.create_user(email=f"c{i}@example.test", password="x-Long-pass-1")
        for i in range(2)
    ]
    for i in range(108):
        start = BASE + dt.timedelta(minutes=60 * i)
        length = dt.timedelta(minutes=30 + (i * 37) % 91)
        rows.append(
            Booking(
                practice=practice,
                client=clients[i % 3],
                therapist=therapists[i % 3],
                room=rooms[i % 3],
                service=service,
                technique=swedish,
                starts_at=start,
                ends_at=start + length,
                busy_from=start - dt.timedelta(minutes=i % 2 * 10),
                busy_until=start + length + dt.timedelta(minutes=15),
                status=statuses[i % len(statuses)],
                price="60.00",
            )
        )
    Booking.objects.bulk_create(rows)
    return {"therapists": [t.pk for t in therapists], "rooms": [r.pk for r in rooms]}


def orm_answer(window: TimeRange, field: str, ids: list[int]) -> set[tuple]:
    return set(
        live_bookings_in(window)
        .filter(**{f"{field}__in": ids})
        .values_list("pk", field, "busy_from", "busy_until")
    )


def flat(by_owner: dict) -> set[tuple]:
    return {tuple(row) for rows in by_owner.values() for row in rows}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=st.integers(min_value=-600, max_value=5000),
    length=st.integers(min_value=1, max_value=3000),
)
def test_sql_and_orm_agree_on_any_window(world, start, length):
    window = TimeRange(
        BASE + dt.timedelta(minutes=start), BASE + dt.timedelta(minutes=start + length)
    )
    for field, read, ids in (
        ("therapist_id", lambda ids: therapist_bookings(therapist_ids=ids, window=window), "t"),
        ("room_id", lambda ids: room_bookings(room_ids=ids, window=window), "r"),
    ):
        owners = world["therapists"] if ids == "t" else world["rooms"]
        for subset in (owners, owners[:1], owners[1:]):
            sql = read(subset)
            assert flat(sql) == orm_answer(window, field, subset)
            assert all(row.owner_id == owner for owner, rows in sql.items() for row in rows)


def test_answers_are_aware_utc_instants(world):
    window = TimeRange(BASE, BASE + dt.timedelta(days=1))
    rows = flat(therapist_bookings(therapist_ids=world["therapists"], window=window))
    assert rows
    assert all(row[2].utcoffset() == dt.timedelta(0) for row in rows)


def test_no_owners_means_no_query(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert room_bookings(room_ids=[], window=TimeRange(BASE, BASE + dt.timedelta(1))) == {}


def test_one_statement_answers_for_therapists_and_rooms_together(world, django_assert_num_queries):
    window = TimeRange(BASE + dt.timedelta(hours=5), BASE + dt.timedelta(days=2))
    with django_assert_num_queries(1):
        by_therapist, by_room = busy_of(
            therapist_ids=world["therapists"][:2], room_ids=world["rooms"][1:], window=window
        )
    assert flat(by_therapist) == orm_answer(window, "therapist_id", world["therapists"][:2])
    assert flat(by_room) == orm_answer(window, "room_id", world["rooms"][1:])
