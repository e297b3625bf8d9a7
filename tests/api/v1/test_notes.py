"""/api/v1/notes: written by the session's therapist, read by the practice, 404 elsewhere;
the client gets only the shared summary. Every read is audited."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from tests.apps.progress.builders import bearer, make_course, staff_at, therapist_at
from unknot.apps.records.models import AuditEntry, SessionNote

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def course(practice, now):
    return make_course(practice, now)


NOTE = {
    "subjective": "Sore after gardening.",
    "objective": "Tight left erectors.",
    "assessment": "Muscular.",
    "plan": "Same again.",
    "techniques": ["swedish"],
    "pressure_used": 3,
    "finding_regions": ["lower-back"],
    "findings": "Knot at L4 level, left.",
    "client_summary": "Good session; keep stretching.",
    "share_summary": False,
}


def put(client, uid, body, user):
    return client.put(
        f"/api/v1/notes/{uid}",
        data=json.dumps(body),
        content_type="application/json",
        **bearer(user),
    )


def test_the_therapist_writes_and_the_front_desk_reads_only_with_a_reason(client, course):
    uid = course["held"][-1].uid
    response = put(client, uid, NOTE, course["ben"].user)
    assert response.status_code == 200, response.content
    note_uid = response.json()["uid"]
    desk = staff_at(course["practice"], "desk5@example.test")
    assert client.get(f"/api/v1/notes/{uid}", **bearer(desk)).status_code == 404
    missing = client.post(
        "/api/v1/access/break-glass",
        {"client": course["ana"].uid},
        content_type="application/json",
        **bearer(desk),
    )
    assert missing.status_code == 422
    client.post(
        "/api/v1/access/break-glass",
        {"client": course["ana"].uid, "reason": "Billing dispute needs the note"},
        content_type="application/json",
        **bearer(desk),
    )
    body = client.get(f"/api/v1/notes/{uid}", **bearer(desk)).json()
    assert body["objective"] == "Tight left erectors." and body["pressure_used"] == 3
    assert AuditEntry.objects.filter(
        actor=desk, record_uid=note_uid, action="view", via="api"
    ).exists()
    assert AuditEntry.objects.filter(
        actor=course["ben"].user, record_uid=note_uid, action="create"
    ).exists()


def test_bad_notes_are_422(client, course):
    uid = course["held"][-1].uid
    response = put(
        client, uid, {**NOTE, "pressure_used": 7, "finding_regions": ["toe"]}, course["ben"].user
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"pressure_used", "finding_regions"}
    assert not SessionNote.objects.exists()


def test_only_the_sessions_therapist_writes(client, course):
    kim = therapist_at(course["practice"], "kim")
    assert put(client, course["held"][-1].uid, NOTE, kim.user).status_code == 404
    assert put(client, course["held"][-1].uid, NOTE, course["ana"]).status_code == 404
    assert not SessionNote.objects.exists()


def test_a_therapist_of_another_practice_never_reaches_notes(client, course, other_practice):
    uid = course["held"][-1].uid
    put(client, uid, NOTE, course["ben"].user)
    zed = therapist_at(other_practice, "zed")
    assert client.get(f"/api/v1/notes/{uid}", **bearer(zed.user)).status_code == 404
    assert not AuditEntry.objects.filter(actor=zed.user).exists()


def test_the_client_gets_the_shared_summary_only(client, course):
    uid = course["held"][-1].uid
    put(client, uid, NOTE, course["ben"].user)
    ana = course["ana"]
    assert client.get(f"/api/v1/notes/{uid}", **bearer(ana)).status_code == 404
    assert client.get(f"/api/v1/notes/{uid}/summary", **bearer(ana)).json() == {
        "booking": uid,
        "shared": False,
        "summary": "",
    }
    put(client, uid, {**NOTE, "share_summary": True}, course["ben"].user)
    body = client.get(f"/api/v1/notes/{uid}/summary", **bearer(ana)).json()
    assert body["summary"] == "Good session; keep stretching."
    assert AuditEntry.objects.filter(actor=ana, record_kind="note-summary", via="api").exists()


def test_a_client_cannot_read_another_clients_summary(client, course, other_client_user):
    uid = course["held"][-1].uid
    put(client, uid, {**NOTE, "share_summary": True}, course["ben"].user)
    assert (
        client.get(f"/api/v1/notes/{uid}/summary", **bearer(other_client_user)).status_code == 404
    )
