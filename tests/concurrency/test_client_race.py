"""One client races themself through a live server: two sessions at one time with different
therapists, or bookings past their cap, never both succeed.

The therapists differ, so their row locks do not serialise these bookings; the client's row
lock (PostgreSQL) or the database lock (SQLite) does, and on PostgreSQL the exclusion
constraint ``booking_no_client_overlap`` has the last word. Runs in both legs of the suite.
"""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest

from tests.concurrency.test_booking_race import next_weekday_10am, post
from tests.factories import add_weekday_hours, make_assessment, make_therapist
from unknot.apps.accounts.models import User
from unknot.apps.accounts.services import api_token_issue
from unknot.apps.booking.models import Booking
from unknot.apps.practices.models import Room, Service, Technique

THERAPISTS = 4


@pytest.fixture
def one_client_many_therapists(practice):
    swedish = Technique.objects.get(slug="swedish")
    Service.objects.create(practice=practice, technique=swedish, duration_minutes=60, price="60")
    for i in range(THERAPISTS):
        Room.objects.create(practice=practice, name=f"R{i}").techniques.add(swedish)
    therapists = []
    for i in range(THERAPISTS):
        therapist = make_therapist(practice, f"therapist-{i}", techniques=("swedish",))
        add_weekday_hours(therapist)
        therapists.append(therapist)
    user = User.objects.create_user(email="ana@example.test", password="x-Long-pass-1")
    make_assessment(user)
    return user, therapists


def race(url: str, token: str, bodies: list[dict]) -> list[tuple[int, dict]]:
    gate = threading.Barrier(len(bodies))
    results: list[tuple[int, dict]] = []

    def racer(i: int) -> None:
        gate.wait()
        results.append(post(url, token, bodies[i], key=f"self-{i}"))

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.django_db(transaction=True)
def test_one_client_booking_one_time_with_every_therapist_at_once_gets_one(
    live_server, practice, one_client_many_therapists
):
    user, therapists = one_client_many_therapists
    start = next_weekday_10am(ZoneInfo(practice.time_zone))
    bodies = [
        {"technique": "swedish", "therapist": t.uid, "start": start.isoformat()} for t in therapists
    ]
    results = race(f"{live_server.url}/api/v1/bookings", api_token_issue(user=user), bodies)
    assert sorted(status for status, _ in results) == [201] + [409] * (THERAPISTS - 1), results
    assert {body["code"] for status, body in results if status == 409} == {"client_busy"}
    assert Booking.objects.filter(client=user).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_client_racing_past_the_cap_gets_only_the_cap(
    live_server, practice, one_client_many_therapists
):
    practice.max_open_bookings_per_client = 2
    practice.save()
    user, therapists = one_client_many_therapists
    start = next_weekday_10am(ZoneInfo(practice.time_zone))
    bodies = [
        {
            "technique": "swedish",
            "therapist": t.uid,
            "start": (start + dt.timedelta(hours=i)).isoformat(),
        }
        for i, t in enumerate(therapists)
    ]
    results = race(f"{live_server.url}/api/v1/bookings", api_token_issue(user=user), bodies)
    assert sorted(status for status, _ in results) == [201, 201] + [409] * (THERAPISTS - 2), results
    assert {b["code"] for s, b in results if s == 409} == {"booking_limit_reached"}
    assert Booking.objects.filter(client=user).count() == 2
