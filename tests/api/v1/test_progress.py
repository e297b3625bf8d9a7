"""/api/v1/progress: measures over time with the MCID, suggestions, and therapist decisions."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from tests.apps.progress.builders import bearer, make_course, scores, staff_at, therapist_at
from unknot.apps.booking.models import Booking
from unknot.apps.progress.models import ReviewSuggestion
from unknot.apps.progress.services import checkin_submit
from unknot.apps.records.models import AuditEntry, SessionNote

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def course(practice, now):
    return make_course(practice, now)


@pytest.fixture
def history(course, now):
    for booking, pain in zip(course["held"], (7, 6), strict=True):
        checkin_submit(
            client=course["ana"],
            booking=booking,
            kind="before",
            now=booking.starts_at - dt.timedelta(hours=1),
            scores=scores(pain),
        )
    SessionNote.objects.create(
        booking=course["held"][0],
        practice=course["practice"],
        client=course["ana"],
        pressure_used=3,
    )
    checkin_submit(
        client=course["ana"], booking=course["next"], kind="before", now=now, scores=scores(4)
    )
    return course


def test_my_progress_has_each_measure_against_the_sessions(client, history):
    body = client.get("/api/v1/progress", **bearer(history["ana"])).json()
    pain = next(m for m in body["measures"] if m["measure"] == "pain-nrs")
    assert [r["score"] for r in pain["rows"]] == [7, 6, 4]
    assert pain["rows"][1]["pressure"] == 3 and pain["rows"][1]["session"] == 1
    assert (pain["baseline"], pain["latest"], pain["reached"]) == (7, 4, True)
    assert pain["threshold"] == 5.0 and pain["mcid"] == "2 points or 30%"
    assert "clinically important improvement" in pain["summary"]
    assert body["suggestions"][0]["kind"] == "maintenance"
    assert body["suggestions"][0]["for_therapist"] is None
    assert AuditEntry.objects.filter(
        subject=history["ana"], record_kind="progress", via="api"
    ).exists()


def test_the_practice_side_reads_a_client_and_decides(client, history):
    ben = history["ben"].user
    body = client.get(f"/api/v1/progress/clients/{history['ana'].uid}", **bearer(ben)).json()
    suggestion = body["suggestions"][0]
    assert suggestion["for_therapist"]
    desk = staff_at(history["practice"], "desk4@example.test")
    url = f"/api/v1/progress/suggestions/{suggestion['uid']}/decision"
    denied = client.post(
        url,
        data=json.dumps({"decision": "accept"}),
        content_type="application/json",
        **bearer(desk),
    )
    assert denied.status_code == 404
    bad = client.post(
        url, data=json.dumps({"decision": "maybe"}), content_type="application/json", **bearer(ben)
    )
    assert bad.status_code == 422
    ok = client.post(
        url,
        data=json.dumps({"decision": "accept", "note": "Monthly now."}),
        content_type="application/json",
        **bearer(ben),
    )
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"
    again = client.post(
        url, data=json.dumps({"decision": "accept"}), content_type="application/json", **bearer(ben)
    )
    assert again.status_code == 409 and again.json()["code"] == "already_decided"


def test_a_lower_pressure_decision_caps_the_next_booking(client, course, now):
    held = course["held"][-1]
    result = checkin_submit(
        client=course["ana"],
        booking=held,
        kind="after",
        now=held.ends_at + dt.timedelta(hours=25),
        soreness=8,
        relief="hours",
    )
    (s,) = result.suggestions
    url = f"/api/v1/progress/suggestions/{s.uid}/decision"
    response = client.post(
        url,
        data=json.dumps({"decision": "change", "pressure_cap": 2}),
        content_type="application/json",
        **bearer(course["ben"].user),
    )
    assert response.status_code == 200
    assert response.json()["applied"]["pressure_cap"] == 2
    assert Booking.objects.get(pk=course["next"].pk).safety["pressure_cap"] == 2


def test_outsiders_are_404(client, history, other_client_user, other_practice):
    uid = history["ana"].uid
    outsider = therapist_at(other_practice, "zed").user
    for user in (other_client_user, outsider):
        assert client.get(f"/api/v1/progress/clients/{uid}", **bearer(user)).status_code == 404
    s = ReviewSuggestion.objects.first()
    response = client.post(
        f"/api/v1/progress/suggestions/{s.uid}/decision",
        data=json.dumps({"decision": "accept"}),
        content_type="application/json",
        **bearer(outsider),
    )
    assert response.status_code == 404
    s.refresh_from_db()
    assert s.status == "open"
