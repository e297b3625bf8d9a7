"""Many clients race for one slot through a live server: exactly one wins, the rest get 409.

Runs on SQLite (serialised IMMEDIATE transactions) and on PostgreSQL (row lock plus the
exclusion constraint) in the two legs of the test command.
"""

import datetime as dt
import json
import threading
import urllib.error
import urllib.request
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tests.factories import add_weekday_hours, make_assessment, make_therapist
from unknot.apps.accounts.models import User
from unknot.apps.accounts.services import api_token_issue
from unknot.apps.booking.models import Booking
from unknot.apps.practices.models import Room, Service, Technique

RACERS = 20


def next_weekday_10am(tz: ZoneInfo) -> dt.datetime:
    day = timezone.now().astimezone(tz).date() + dt.timedelta(days=3)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(10), tzinfo=tz)


@pytest.fixture
def race_setup(practice):
    therapist = make_therapist(practice, "ben-carter", techniques=("swedish",))
    add_weekday_hours(therapist)
    swedish = Technique.objects.get(slug="swedish")
    Service.objects.create(practice=practice, technique=swedish, duration_minutes=60, price="60")
    for name in ("A", "B"):
        Room.objects.create(practice=practice, name=name).techniques.add(swedish)
    tokens = []
    for i in range(RACERS):
        user = User.objects.create_user(email=f"racer{i}@example.test", password="x-Long-pass-1")
        make_assessment(user)
        tokens.append(api_token_issue(user=user, second_factor_verified=True))
    return therapist, tokens


def post(url: str, token: str, body: dict, key: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.mark.django_db(transaction=True)
def test_many_clients_race_for_one_slot_and_exactly_one_wins(live_server, race_setup):
    therapist, tokens = race_setup
    start = next_weekday_10am(ZoneInfo(therapist.practice.time_zone))
    body = {"technique": "swedish", "duration": 60, "therapist": therapist.uid}
    body["start"] = start.isoformat()
    url = f"{live_server.url}/api/v1/bookings"
    results: list[tuple[int, dict]] = []
    gate = threading.Barrier(RACERS)

    def racer(i: int) -> None:
        gate.wait()
        results.append(post(url, tokens[i], body, key=f"race-{i}"))

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * (RACERS - 1), results
    losers = [body for status, body in results if status == 409]
    assert all(b["code"] == "slot_taken" for b in losers)
    assert all(b["alternatives"] for b in losers), "every loser is offered other times"
    assert Booking.objects.filter(therapist=therapist).count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_postgresql_itself_refuses_overlaps_that_bypass_the_services(race_setup, client_user):
    """Even a write that skips every check cannot overlap: the exclusion constraint holds."""
    therapist, _ = race_setup
    service = Service.objects.get()
    room_a, room_b = Room.objects.order_by("name")
    start = next_weekday_10am(ZoneInfo("Europe/London"))

    def raw(room, offset_minutes: int, status: str = "confirmed") -> Booking:
        s = start + dt.timedelta(minutes=offset_minutes)
        return Booking(
            practice=therapist.practice,
            client=client_user,
            therapist=therapist,
            room=room,
            service=service,
            technique=service.technique,
            starts_at=s,
            ends_at=s + dt.timedelta(hours=1),
            busy_from=s,
            busy_until=s + dt.timedelta(hours=1, minutes=15),
            price="60",
            status=status,
        )

    Booking.objects.bulk_create([raw(room_a, 0)])
    with pytest.raises(IntegrityError, match="booking_no_therapist_overlap"), transaction.atomic():
        Booking.objects.bulk_create([raw(room_b, 70)])  # inside the first one's buffer
    # Back to back (buffer end == next start) is fine; a cancelled row holds no time.
    Booking.objects.bulk_create([raw(room_b, 75), raw(room_b, 30, status="cancelled")])
    other = make_therapist(therapist.practice, "kai-ito", techniques=("swedish",))
    clash = raw(room_a, 30)
    clash.therapist = other
    # Another client: one client's overlapping sessions are refused by their own constraint.
    clash.client = User.objects.create_user(email="cleo@example.test", password="x-Long-pass-1")
    with pytest.raises(IntegrityError, match="booking_no_room_overlap"), transaction.atomic():
        Booking.objects.bulk_create([clash])
    assert connection.vendor == "postgresql"


@pytest.mark.django_db(transaction=True)
def test_clients_of_different_therapists_race_for_too_few_rooms(live_server, practice):
    """Eight therapists, three rooms, one start: three bookings, five clean 409s, never a 5xx.

    Only the therapist's row is locked, so these bookings run side by side and meet at the
    room's exclusion constraint (PostgreSQL) or the database lock (SQLite). On PostgreSQL two of
    them can deadlock on each other's constraint entry; the service retries like any lost room.
    """
    swedish = Technique.objects.get(slug="swedish")
    Service.objects.create(practice=practice, technique=swedish, duration_minutes=60, price="60")
    for name in ("A", "B", "C"):
        Room.objects.create(practice=practice, name=name).techniques.add(swedish)
    players = []
    for i in range(8):
        therapist = make_therapist(practice, f"therapist-{i}", techniques=("swedish",))
        add_weekday_hours(therapist)
        user = User.objects.create_user(email=f"client{i}@example.test", password="x-Long-pass-1")
        make_assessment(user)
        players.append((therapist, api_token_issue(user=user, second_factor_verified=True)))
    start = next_weekday_10am(ZoneInfo(practice.time_zone))
    url = f"{live_server.url}/api/v1/bookings"
    gate = threading.Barrier(len(players))
    results: list[tuple[int, dict]] = []

    def racer(i: int) -> None:
        therapist, token = players[i]
        body = {"technique": "swedish", "duration": 60, "therapist": therapist.uid}
        body["start"] = start.isoformat()
        gate.wait()
        results.append(post(url, token, body, key=f"rooms-{i}"))

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(len(players))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(status for status, _ in results) == [201] * 3 + [409] * 5, results
    rooms = Booking.objects.filter(starts_at=start).values_list("room__name", flat=True)
    assert sorted(rooms) == ["A", "B", "C"]
