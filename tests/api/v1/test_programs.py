"""/api/v1/programs: preview with every occurrence, confirm all or nothing, read, cancel, adjust."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from tests.apps.booking.conftest import NOW, setup  # noqa: F401
from tests.factories import add_weekday_hours, make_assessment, make_therapist
from unknot.apps.accounts.services import api_token_issue
from unknot.apps.booking import services as booking_services
from unknot.apps.booking.models import Booking
from unknot.apps.practices.models import Room, Service, Technique
from unknot.apps.programs.models import Program

pytestmark = pytest.mark.django_db

URL = "/api/v1/programs"
LONDON = ZoneInfo("Europe/London")
FIRST = dt.datetime(2026, 12, 1, 10, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def bearer(user) -> dict[str, str]:
    return {
        "HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user, second_factor_verified=True)}"
    }


def post(client, url, body, user, **extra):
    return client.post(
        url, data=json.dumps(body), content_type="application/json", **bearer(user), **extra
    )


def body_for(setup, **kw):  # noqa: F811
    body = {
        "technique": "swedish",
        "duration": 60,
        "therapist": setup["ben"].uid,
        "first_start": FIRST.isoformat(),
        "every_days": 7,
        "sessions": 10,
    }
    body.update(kw)
    return body


def occupy(setup, user, start):  # noqa: F811
    make_assessment(user)
    booking, _ = booking_services.booking_create(
        client=user, service=setup["service"], start=start, now=NOW, therapist=setup["ben"]
    )
    return booking


def test_preview_lists_every_occurrence_with_the_conflict_on_the_ninth(
    client,
    setup,  # noqa: F811
    client_user,
    other_client_user,
):
    ninth = FIRST + dt.timedelta(weeks=8)
    occupy(setup, other_client_user, ninth)
    response = post(client, URL, body_for(setup), client_user)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["bookable"] is False and body["conflicts"] == 1
    assert body["time_zone"] == "Europe/London"
    occurrences = body["occurrences"]
    assert len(occurrences) == 10
    assert [o["status"] for o in occurrences] == ["ok"] * 8 + ["conflict", "ok"]
    assert parse(occurrences[8]["start"]) == dt.datetime(2027, 1, 26, 10, tzinfo=LONDON)
    alternatives = occurrences[8]["alternatives"]
    assert [parse(a["start"]) for a in alternatives] == [
        dt.datetime(2027, 1, 26, 11, minute, tzinfo=LONDON) for minute in (15, 30, 45)
    ]
    assert all(o["alternatives"] == [] for o in occurrences if o["status"] == "ok")
    assert not Program.objects.exists()


def test_confirm_with_a_conflict_is_409_and_books_nothing(
    client,
    setup,  # noqa: F811
    client_user,
    other_client_user,
):
    occupy(setup, other_client_user, FIRST + dt.timedelta(weeks=8))
    before = Booking.objects.count()
    response = post(client, URL, body_for(setup, confirm=True), client_user)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "series_conflict"
    assert body["occurrences"][8]["status"] == "conflict"
    assert body["occurrences"][8]["alternatives"]
    assert Booking.objects.count() == before and not Program.objects.exists()


def test_confirm_with_accepted_alternatives_books_all_ten_once(
    client,
    setup,  # noqa: F811
    client_user,
    other_client_user,
):
    occupy(setup, other_client_user, FIRST + dt.timedelta(weeks=8))
    preview = post(client, URL, body_for(setup), client_user).json()
    choice = preview["occurrences"][8]["alternatives"][0]["start"]
    body = body_for(setup, confirm=True, accept={"8": choice})
    response = post(client, URL, body, client_user, HTTP_IDEMPOTENCY_KEY="prog-1")
    assert response.status_code == 201, response.json()
    program = response.json()
    assert program["sessions_count"] == 10 and program["sessions_to_come"] == 10
    starts = [dt.datetime.fromisoformat(s["booking"]["start"]) for s in program["sessions"]]
    assert starts[8] == dt.datetime.fromisoformat(choice)
    assert starts[9] == dt.datetime(2027, 2, 2, 10, tzinfo=LONDON)
    assert {s["booking"]["therapist"]["uid"] for s in program["sessions"]} == {setup["ben"].uid}
    again = post(client, URL, body, client_user, HTTP_IDEMPOTENCY_KEY="prog-1")
    assert again.status_code == 200 and again.json()["uid"] == program["uid"]
    assert Program.objects.count() == 1
    assert Booking.objects.filter(client=client_user).count() == 10
    different = post(
        client,
        URL,
        body_for(setup, confirm=True, sessions=3),
        client_user,
        HTTP_IDEMPOTENCY_KEY="prog-1",
    )
    assert different.status_code == 422
    assert different.json()["code"] == "idempotency_key_reused"


def test_dst_in_new_york_keeps_the_local_time(client, other_practice, client_user, time_machine):
    ny = ZoneInfo("America/New_York")
    time_machine.move_to(dt.datetime(2027, 3, 1, 8, tzinfo=ny), tick=False)
    therapist = make_therapist(other_practice, "nia", expires_in_days=400)
    add_weekday_hours(therapist)
    swedish = Technique.objects.get(slug="swedish")
    Service.objects.create(
        practice=other_practice, technique=swedish, duration_minutes=60, price="60"
    )
    Room.objects.create(practice=other_practice, name="A").techniques.add(swedish)
    make_assessment(client_user)
    body = {
        "technique": "swedish",
        "therapist": therapist.uid,
        "first_start": "2027-03-02T10:00:00-05:00",
        "every_days": 7,
        "sessions": 4,
    }
    preview = post(client, URL, body, client_user).json()
    assert [o["start"] for o in preview["occurrences"]] == [
        "2027-03-02T10:00:00-05:00",
        "2027-03-09T10:00:00-05:00",
        "2027-03-16T10:00:00-04:00",
        "2027-03-23T10:00:00-04:00",
    ]
    assert preview["bookable"] is True


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"first_start": "next tuesday"}, "first_start"),
        ({"technique": "reiki"}, "technique"),
        ({"sessions": 0}, "sessions"),
        ({"every_days": 100}, "every_days"),
        ({"therapist": "nobody"}, "therapist"),
        ({"accept": {"x": "2026-12-01T10:00:00+00:00"}}, "accept.x"),
        ({"accept": {"12": "2026-12-01T11:00:00+00:00"}}, "accept"),
    ],
)
def test_bad_input_is_422_with_the_field(
    client,
    setup,  # noqa: F811
    client_user,
    change,
    field,
):
    response = post(client, URL, body_for(setup, **change), client_user)
    assert response.status_code == 422, response.json()
    body = response.json()
    fields = {body.get("field")} | {e["field"] for e in body.get("errors", [])}
    assert field in fields
    assert not Program.objects.exists()


def test_only_clients_book_programs(client, setup, staff_user):  # noqa: F811
    response = post(client, URL, body_for(setup), staff_user)
    assert response.status_code == 403


@pytest.fixture
def booked(client, setup, client_user):  # noqa: F811
    response = post(client, URL, body_for(setup, confirm=True, sessions=4), client_user)
    assert response.status_code == 201
    return response.json()


def test_read_list_and_who_may_see(
    client,
    setup,  # noqa: F811
    client_user,
    other_client_user,
    staff_user,
    booked,
):
    uid = booked["uid"]
    mine = client.get(URL, **bearer(client_user)).json()
    assert [p["uid"] for p in mine] == [uid]
    assert client.get(f"{URL}/{uid}", **bearer(client_user)).json()["sessions_count"] == 4
    assert client.get(f"{URL}/{uid}", **bearer(other_client_user)).status_code == 404
    assert client.get(URL, **bearer(other_client_user)).json() == []
    assert client.get(f"{URL}/{uid}", **bearer(setup["ben"].user)).status_code == 200
    assert client.get(f"{URL}/{uid}", **bearer(staff_user)).status_code == 200
    assert client.get(URL).status_code == 401


def test_cancel_one_session_then_the_rest(client, setup, client_user, booked):  # noqa: F811
    uid = booked["uid"]
    response = post(client, f"{URL}/{uid}/sessions/1/cancel", {}, client_user)
    assert response.status_code == 200
    statuses = [s["booking"]["status"] for s in response.json()["sessions"]]
    assert statuses == ["confirmed", "cancelled", "confirmed", "confirmed"]
    assert post(client, f"{URL}/{uid}/sessions/9/cancel", {}, client_user).status_code == 422
    response = post(client, f"{URL}/{uid}/cancel", {"reason": "moving away"}, client_user)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "cancelled"
    assert {s["booking"]["status"] for s in body["sessions"]} == {"cancelled"}
    assert post(client, f"{URL}/{uid}/cancel", {}, client_user).status_code == 409


def test_reschedule_one_session(client, setup, client_user, booked):  # noqa: F811
    uid = booked["uid"]
    response = post(
        client,
        f"{URL}/{uid}/sessions/2/reschedule",
        {"start": "2026-12-16T14:00:00+00:00"},
        client_user,
    )
    assert response.status_code == 200, response.json()
    starts = [dt.datetime.fromisoformat(s["booking"]["start"]) for s in response.json()["sessions"]]
    assert starts[2] == dt.datetime(2026, 12, 16, 14, tzinfo=LONDON)
    assert starts[3] == FIRST + dt.timedelta(weeks=3)
    taken = post(
        client,
        f"{URL}/{uid}/sessions/3/reschedule",
        {"start": "2026-12-16T14:00:00+00:00"},
        client_user,
    )
    assert taken.status_code == 409 and taken.json()["alternatives"]


def test_adjust_is_for_the_therapist_and_staff(client, setup, client_user, booked):  # noqa: F811
    uid = booked["uid"]
    assert post(client, f"{URL}/{uid}/adjust", {"every_days": 14}, client_user).status_code == 403
    preview = post(
        client, f"{URL}/{uid}/adjust", {"every_days": 14, "confirm": False}, setup["ben"].user
    )
    assert preview.status_code == 200
    assert preview.json()["applied"] is False and preview.json()["ok"] is True
    assert preview.json()["program"]["every_days"] == 7
    response = post(client, f"{URL}/{uid}/adjust", {"every_days": 14}, setup["ben"].user)
    assert response.status_code == 200
    body = response.json()
    assert body["applied"] is True and body["program"]["every_days"] == 14
    starts = [dt.datetime.fromisoformat(s["booking"]["start"]) for s in body["program"]["sessions"]]
    assert [b - a for a, b in zip(starts, starts[1:], strict=False)] == [dt.timedelta(weeks=2)] * 3


def test_adjust_conflict_is_409_and_changes_nothing(
    client,
    setup,  # noqa: F811
    client_user,
    other_client_user,
    booked,
):
    occupy(setup, other_client_user, FIRST + dt.timedelta(weeks=6))
    response = post(client, f"{URL}/{booked['uid']}/adjust", {"every_days": 14}, setup["ben"].user)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "series_conflict"
    assert [c["index"] for c in body["conflicts"]] == [3]
    program = client.get(f"{URL}/{booked['uid']}", **bearer(client_user)).json()
    assert program["every_days"] == 7


def test_the_client_moves_the_rest_of_the_series(client, setup, client_user, booked):  # noqa: F811
    uid = booked["uid"]
    url = f"{URL}/{uid}/reschedule"
    new_first = "2026-12-03T15:00:00+00:00"  # Thursday
    preview = post(client, url, {"first_start": new_first, "confirm": False}, client_user)
    assert preview.status_code == 200 and preview.json()["applied"] is False
    response = post(client, url, {"first_start": new_first}, client_user)
    assert response.status_code == 200, response.json()
    starts = [parse(s["booking"]["start"]) for s in response.json()["program"]["sessions"]]
    assert starts == [dt.datetime(2026, 12, 3 + 7 * i, 15, tzinfo=LONDON) for i in range(4)]
    bad = post(client, url, {"first_start": "2026-12-05T15:00:00+00:00"}, client_user)  # Saturday
    assert bad.status_code == 409 and bad.json()["code"] == "series_conflict"
