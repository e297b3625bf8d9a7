"""/api/v1/waitlist: join, list, leave, and accept or decline an offer of a freed slot."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.apps.booking.conftest import NOW, at, setup  # noqa: F401
from tests.factories import make_assessment
from unknot.apps.accounts.services import api_token_issue
from unknot.apps.booking import services as booking_services
from unknot.apps.booking.models import Booking
from unknot.apps.waitlist.models import EntryStatus, OfferStatus, WaitlistEntry, WaitlistOffer

pytestmark = pytest.mark.django_db

URL = "/api/v1/waitlist"
SLOT = at(1, 10)


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def bearer(user) -> dict[str, str]:
    return {
        "HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user, second_factor_verified=True)}"
    }


def post(client, url, body, user):
    return client.post(url, data=json.dumps(body), content_type="application/json", **bearer(user))


def test_join_list_and_leave(client, setup, other_client_user):  # noqa: F811
    body = {
        "technique": "swedish",
        "therapist": setup["ben"].uid,
        "weekdays": [1, 3],
        "earliest_time": "09:00",
        "latest_time": "12:00",
    }
    response = post(client, URL, body, other_client_user)
    assert response.status_code == 201, response.json()
    entry = response.json()
    assert entry["therapist"] == setup["ben"].uid and entry["weekdays"] == [1, 3]
    assert post(client, URL, body, other_client_user).status_code == 200  # the same wish
    listed = client.get(URL, **bearer(other_client_user)).json()
    assert [e["uid"] for e in listed] == [entry["uid"]]
    response = client.delete(f"{URL}/{entry['uid']}", **bearer(other_client_user))
    assert response.status_code == 204
    assert client.get(URL, **bearer(other_client_user)).json() == []
    assert WaitlistEntry.objects.get().status == EntryStatus.LEFT


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"technique": "reiki"}, "technique"),
        ({"therapist": "nobody"}, "therapist"),
        ({"earliest_time": "14:00", "latest_time": "10:00"}, "latest_time"),
        ({"weekdays": [9]}, "weekdays"),
        ({"latest_date": "2020-01-01"}, "latest_date"),
        ({"earliest_time": "soon"}, "earliest_time"),
        # A time with a UTC offset (schemathesis found "11:30:27.998+18:15" was a 500).
        ({"latest_time": "11:30:27.998+18:15"}, "latest_time"),
        ({"earliest_time": "09:00Z"}, "earliest_time"),
        ({"latest_date": "9999-12-31"}, "latest_date"),
        ({"earliest_date": "0001-01-01"}, "earliest_date"),
    ],
)
def test_bad_wishes_are_422(client, setup, other_client_user, change, field):  # noqa: F811
    response = post(client, URL, {"technique": "swedish", **change}, other_client_user)
    assert response.status_code == 422, response.json()
    body = response.json()
    assert field in {body.get("field")} | {e["field"] for e in body.get("errors", [])}
    assert not WaitlistEntry.objects.exists()


def test_leave_everything_for_a_technique(client, setup, other_client_user):  # noqa: F811
    post(client, URL, {"technique": "swedish"}, other_client_user)
    post(client, URL, {"technique": "swedish", "weekdays": [0]}, other_client_user)
    post(client, URL, {"technique": "deep-tissue"}, other_client_user)
    response = client.delete(f"{URL}?technique=swedish", **bearer(other_client_user))
    assert response.status_code == 204
    assert [e["technique"] for e in client.get(URL, **bearer(other_client_user)).json()] == [
        "deep-tissue"
    ]


def test_therapists_and_staff_do_not_join(client, setup, staff_user):  # noqa: F811
    assert post(client, URL, {"technique": "swedish"}, staff_user).status_code == 403


@pytest.fixture
def offered(client, setup, client_user, other_client_user, django_capture_on_commit_callbacks):  # noqa: F811
    """Cleo waits; Ana cancels her 1 December 10:00 session with Ben; Cleo gets the offer."""
    make_assessment(other_client_user)
    post(client, URL, {"technique": "swedish"}, other_client_user)
    booking, _ = booking_services.booking_create(
        client=client_user, service=setup["service"], start=SLOT, now=NOW, therapist=setup["ben"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, f"/api/v1/bookings/{booking.uid}/cancel", {}, client_user)
    assert response.status_code == 200
    return WaitlistOffer.objects.get()


def test_offer_shows_in_the_list_and_is_accepted(client, setup, other_client_user, offered):  # noqa: F811
    (entry,) = client.get(URL, **bearer(other_client_user)).json()
    (shown,) = entry["open_offers"]
    assert shown["token"] == offered.token
    assert dt.datetime.fromisoformat(shown["start"]) == SLOT
    response = post(client, f"{URL}/offers/{offered.token}/accept", {}, other_client_user)
    assert response.status_code == 201, response.json()
    booking = response.json()
    assert booking["therapist"]["uid"] == setup["ben"].uid
    assert dt.datetime.fromisoformat(booking["start"]) == SLOT
    again = post(client, f"{URL}/offers/{offered.token}/accept", {}, other_client_user)
    assert again.status_code == 200 and again.json()["uid"] == booking["uid"]
    assert Booking.objects.filter(client=other_client_user).count() == 1
    assert client.get(URL, **bearer(other_client_user)).json() == []  # booked: off the list


def test_only_the_offered_client_can_use_the_token(client, client_user, offered):
    assert client.get(f"{URL}/offers/{offered.token}", **bearer(client_user)).status_code == 404
    response = post(client, f"{URL}/offers/{offered.token}/accept", {}, client_user)
    assert response.status_code == 404
    assert post(client, f"{URL}/offers/not-a-token/accept", {}, client_user).status_code == 404


def test_expired_offer_is_409_and_the_client_stays(
    client, other_client_user, offered, time_machine
):
    time_machine.move_to(offered.expires_at + dt.timedelta(seconds=1), tick=False)
    response = post(client, f"{URL}/offers/{offered.token}/accept", {}, other_client_user)
    assert response.status_code == 409
    assert response.json()["code"] == "offer_expired"
    offered.refresh_from_db()
    assert offered.status == OfferStatus.EXPIRED
    assert [e["status"] for e in client.get(URL, **bearer(other_client_user)).json()] == ["waiting"]


def test_decline(client, other_client_user, offered):
    response = post(client, f"{URL}/offers/{offered.token}/decline", {}, other_client_user)
    assert response.status_code == 200 and response.json()["status"] == "declined"
    again = post(client, f"{URL}/offers/{offered.token}/decline", {}, other_client_user)
    assert again.status_code == 409
