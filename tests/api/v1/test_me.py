"""/api/v1/me: export, consents, who opened my records, and DELETE /me."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from tests.apps.progress.builders import bearer, make_course
from tests.factories import PASSWORD
from unknot.apps.accounts.models import User
from unknot.apps.records.consents import has_consent
from unknot.apps.records.models import AccountClosure, AuditEntry
from unknot.apps.records.services import note_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def course(practice, now):
    return make_course(practice, now)


def test_export_is_the_whole_record_and_is_audited(client, course):
    body = client.post(
        "/api/v1/me/export", {"password": PASSWORD}, "application/json", **bearer(course["ana"])
    ).json()
    assert body["account"]["email"] == "ana@example.test"
    assert body["assessments"] and {"checkins", "consents", "audit_trail"} <= set(body)
    assert AuditEntry.objects.filter(subject=course["ana"], action="export", via="api").exists()


def test_consents_list_and_change_at_once(client, course):
    headers = bearer(course["ana"])
    listed = client.get("/api/v1/me/consents", **headers).json()
    assert {c["kind"] for c in listed} == {"treatment", "health_data", "reminders", "faq_sharing"}
    response = client.put(
        "/api/v1/me/consents/reminders",
        data=json.dumps({"granted": False}),
        content_type="application/json",
        **headers,
    )
    row = next(c for c in response.json() if c["kind"] == "reminders")
    assert row["granted"] is False and row["decided_wording_version"]
    assert has_consent(course["ana"], "reminders") is False
    bad = client.put(
        "/api/v1/me/consents/marketing",
        data=json.dumps({"granted": True}),
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 422 and bad.json()["code"] == "unknown_consent"


def test_who_opened_my_records(client, course, now):
    booking = course["held"][-1]
    note = note_save(booking=booking, author=course["ben"].user, now=now, plan="More")
    client.get(f"/api/v1/notes/{booking.uid}", **bearer(course["ben"].user))
    body = client.get("/api/v1/me/audit", **bearer(course["ana"])).json()
    assert any(
        e["who"].startswith("Ben Carter (therapist")
        and e["record_uid"] == note.uid
        and e["action"] == "view"
        and e["via"] == "api"
        for e in body
    )
    assert all(e["who"] != "you" for e in body)


def test_practice_accounts_get_403(client, course):
    response = client.post(
        "/api/v1/me/export",
        {"password": PASSWORD},
        "application/json",
        **bearer(course["ben"].user),
    )
    assert response.status_code == 403 and response.json()["code"] == "clients_only"


def test_delete_me_needs_the_password_and_gives_the_reason(client, course, now):
    headers = bearer(course["ana"])
    wrong = client.delete(
        "/api/v1/me",
        data=json.dumps({"password": "nope"}),
        content_type="application/json",
        **headers,
    )
    assert wrong.status_code == 403 and not AccountClosure.objects.exists()
    done = client.delete(
        "/api/v1/me",
        data=json.dumps({"password": PASSWORD}),
        content_type="application/json",
        **headers,
    )
    assert done.status_code == 200
    body = done.json()
    assert body["kept_until"][0]["practice"] == "Test Practice"
    assert "2555 days" in body["summary"]
    # The token died with the account.
    assert client.get("/api/v1/me/consents", **headers).status_code == 401
    assert not User.objects.filter(email="ana@example.test").exists()
