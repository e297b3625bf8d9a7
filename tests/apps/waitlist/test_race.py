"""Clients accept offers of one slot at the same moment through a live server: one gets it.

Runs on SQLite (serialised IMMEDIATE transactions) and on PostgreSQL (row locks and the
exclusion constraint) in the two legs of the test command.
"""

import datetime as dt
import json
import threading
import urllib.error
import urllib.request
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.factories import add_weekday_hours, make_assessment, make_therapist
from unknot.apps.accounts.models import User
from unknot.apps.accounts.services import api_token_issue
from unknot.apps.booking.models import Booking
from unknot.apps.practices.models import Room, Service, Technique
from unknot.apps.waitlist.models import EntryStatus, OfferStatus, WaitlistEntry, WaitlistOffer

RACERS = 6


def next_weekday_10am(tz: ZoneInfo) -> dt.datetime:
    day = timezone.now().astimezone(tz).date() + dt.timedelta(days=3)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(10), tzinfo=tz)


def post(url: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=b"", method="POST", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.fixture
def offers(practice):
    """RACERS clients, each holding an open offer of the same freed slot."""
    therapist = make_therapist(practice, "ben-carter", techniques=("swedish",))
    add_weekday_hours(therapist)
    swedish = Technique.objects.get(slug="swedish")
    service = Service.objects.create(
        practice=practice, technique=swedish, duration_minutes=60, price="60"
    )
    Room.objects.create(practice=practice, name="A").techniques.add(swedish)
    start = next_weekday_10am(ZoneInfo(practice.time_zone))
    now = timezone.now()
    held = []
    for i in range(RACERS):
        user = User.objects.create_user(email=f"racer{i}@example.test", password="x-Long-pass-1")
        make_assessment(user)
        entry = WaitlistEntry.objects.create(client=user, technique=swedish, created_at=now)
        offer = WaitlistOffer.objects.create(
            entry=entry,
            therapist=therapist,
            service=service,
            slot_start=start,
            expires_at=now + dt.timedelta(hours=2),
            created_at=now,
        )
        held.append((api_token_issue(user=user, second_factor_verified=True), offer))
    return therapist, start, held


def race(calls):
    results: list[tuple[int, dict]] = []
    gate = threading.Barrier(len(calls))

    def run(url, token):
        gate.wait()
        results.append(post(url, token))

    threads = [threading.Thread(target=run, args=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.django_db(transaction=True)
def test_clients_accepting_one_slot_at_once_exactly_one_gets_it(live_server, offers):
    therapist, start, held = offers
    url = live_server.url + "/api/v1/waitlist/offers/{}/accept"
    results = race([(url.format(offer.token), token) for token, offer in held])

    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * (RACERS - 1), results
    winner = next(body for status, body in results if status == 201)
    assert dt.datetime.fromisoformat(winner["start"]) == start
    losers = [body for status, body in results if status == 409]
    assert all(b["code"] == "slot_taken" and b["on_waitlist"] is True for b in losers)
    assert Booking.objects.filter(therapist=therapist).count() == 1
    booking = Booking.objects.get(therapist=therapist)
    states = {o.entry.client_id: o for o in WaitlistOffer.objects.select_related("entry")}
    assert states[booking.client_id].status == OfferStatus.ACCEPTED
    others = [o for cid, o in states.items() if cid != booking.client_id]
    assert {o.status for o in others} == {OfferStatus.SUPERSEDED}
    assert {o.entry.status for o in others} == {EntryStatus.WAITING}  # still waiting


@pytest.mark.django_db(transaction=True)
def test_one_client_accepting_twice_at_once_books_once(live_server, offers):
    therapist, _, held = offers
    token, offer = held[0]
    url = f"{live_server.url}/api/v1/waitlist/offers/{offer.token}/accept"
    results = race([(url, token)] * 3)
    assert all(status in (200, 201) for status, _ in results), results
    assert len({body["uid"] for _, body in results}) == 1
    assert Booking.objects.filter(therapist=therapist).count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_accepts_of_one_offer_are_one_201_then_200s(live_server, offers):
    """Whether an accept booked is decided under the offer's lock, not from a read before it:
    exactly one answer is 201, the others 200 with the same booking."""
    therapist, _, held = offers
    token, offer = held[0]
    url = f"{live_server.url}/api/v1/waitlist/offers/{offer.token}/accept"
    for _round in range(2):
        WaitlistOffer.objects.filter(pk=offer.pk).update(status=OfferStatus.OFFERED, booking=None)
        Booking.objects.filter(therapist=therapist).delete()
        WaitlistEntry.objects.filter(pk=offer.entry_id).update(status=EntryStatus.WAITING)
        results = race([(url, token)] * 4)
        statuses = sorted(status for status, _ in results)
        assert statuses == [200, 200, 200, 201], results
        assert len({body["uid"] for _, body in results}) == 1
        assert Booking.objects.filter(therapist=therapist).count() == 1
