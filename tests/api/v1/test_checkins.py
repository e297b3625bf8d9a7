"""/api/v1/checkins: the form, submitting (with the review), listing and reading, permissions
and the audit log."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from tests.apps.progress.builders import SCORES, bearer, make_course, scores, staff_at, therapist_at
from unknot.apps.progress.models import CheckIn
from unknot.apps.progress.services import checkin_submit
from unknot.apps.records.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def course(practice, now):
    return make_course(practice, now)


def post(client, body, user):
    return client.post(
        "/api/v1/checkins", data=json.dumps(body), content_type="application/json", **bearer(user)
    )


def test_the_form_lists_the_measures_with_their_items_and_licence(client, course):
    url = f"/api/v1/checkins/form?booking={course['next'].uid}&kind=before"
    body = client.get(url, **bearer(course["ana"])).json()
    assert [m["slug"] for m in body["measures"]] == ["pain-nrs", "stiffness-nrs", "stress-nrs"]
    pain = body["measures"][0]
    assert pain["items"][0]["id"] == "pain" and pain["mcid"] == "2 points or 30%"
    assert pain["licence"].startswith("Free to use")
    assert body["open"] is True and body["done"] is False and body["needs_consent"] is False
    assert "lower-back" in body["regions"] and body["relief"] == []


def test_submit_returns_the_check_in_and_the_suggestions(client, course):
    for booking, pain in zip(course["held"], (7, 6), strict=True):
        checkin_submit(
            client=course["ana"],
            booking=booking,
            kind="before",
            now=booking.starts_at - dt.timedelta(hours=1),
            scores=scores(pain),
        )
    response = post(
        client,
        {
            "booking": course["next"].uid,
            "kind": "before",
            "scores": scores(5),
            "regions": ["lower-back"],
        },
        course["ana"],
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert {s["measure"]: s["score"] for s in body["checkin"]["scores"]}["pain-nrs"] == 5
    (suggestion,) = body["suggestions"]
    assert suggestion["kind"] == "maintenance" and suggestion["for_therapist"] is None
    assert CheckIn.objects.get(uid=body["checkin"]["uid"]).via == "api"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"scores": {"pain-nrs": {"pain": 14}}}, 422, "invalid"),
        ({"kind": "during"}, 422, "invalid"),
        ({"scores": SCORES, "regions": ["elbow"]}, 422, "invalid"),
    ],
)
def test_bad_input_is_422_with_the_fields_and_stores_nothing(client, course, body, status, code):
    payload = {"booking": course["next"].uid, "kind": "before", **body}
    response = post(client, payload, course["ana"])
    assert response.status_code == status
    assert response.json()["code"] == code and response.json()["errors"]
    assert not CheckIn.objects.exists()


def test_twice_is_409(client, course):
    payload = {"booking": course["next"].uid, "kind": "before", "scores": SCORES}
    assert post(client, payload, course["ana"]).status_code == 201
    again = post(client, payload, course["ana"])
    assert again.status_code == 409 and again.json()["code"] == "already_done"


def test_someone_elses_booking_is_404(client, course, other_client_user):
    payload = {"booking": course["next"].uid, "kind": "before", "scores": SCORES}
    response = post(client, payload, other_client_user)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not CheckIn.objects.exists()


def test_reads_are_audited_and_limited(client, course, other_client_user, other_practice):
    checkin = checkin_submit(
        client=course["ana"],
        booking=course["next"],
        kind="before",
        now=course["next"].starts_at - dt.timedelta(hours=3),
        scores=SCORES,
    ).checkin
    ben = course["ben"].user
    desk = staff_at(course["practice"], "desk3@example.test")
    outsider = therapist_at(other_practice, "zed").user
    # Practice side: the list for one client, and one check-in.
    listed = client.get(f"/api/v1/checkins?client={course['ana'].uid}", **bearer(ben))
    assert [c["uid"] for c in listed.json()] == [checkin.uid]
    assert AuditEntry.objects.filter(actor=ben, record_uid=checkin.uid, via="api").exists()
    # The front desk: only after a break-glass request with a reason.
    url = f"/api/v1/checkins/{checkin.uid}"
    assert client.get(url, **bearer(desk)).status_code == 404
    glass = client.post(
        "/api/v1/access/break-glass",
        {"client": course["ana"].uid, "reason": "Client rang about her form"},
        content_type="application/json",
        **bearer(desk),
    )
    assert glass.status_code == 201, glass.content
    one = client.get(url, **bearer(desk))
    assert one.status_code == 200
    assert AuditEntry.objects.filter(
        actor=desk, record_uid=checkin.uid, via="api", reason__startswith="break-glass"
    ).exists()
    # The client's own list.
    mine = client.get("/api/v1/checkins", **bearer(course["ana"])).json()
    assert [c["uid"] for c in mine] == [checkin.uid]
    # Nobody else.
    for user in (other_client_user, outsider):
        assert client.get(f"/api/v1/checkins/{checkin.uid}", **bearer(user)).status_code == 404
        assert (
            client.get(f"/api/v1/checkins?client={course['ana'].uid}", **bearer(user)).status_code
            == 404
        )
        assert not AuditEntry.objects.filter(actor=user).exists()


def test_signed_out_is_401(client, course):
    assert client.get("/api/v1/checkins").status_code == 401
