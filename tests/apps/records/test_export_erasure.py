"""Export everything about me; delete my account, with health records erased at once or kept
for the practice's retention and purged when it ends. A database-wide scan checks that
nothing is left that should not be."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.apps.progress.builders import session, therapist_at
from tests.apps.records.story import SECRETS, dump_everything
from tests.factories import PASSWORD, reauthenticate
from unknot.apps.accounts.models import ApiToken, User
from unknot.apps.booking.models import Booking
from unknot.apps.guide.models import SavedAssessment
from unknot.apps.progress.models import CheckIn, MeasureScore, ReviewSuggestion
from unknot.apps.progress.services import checkin_submit
from unknot.apps.records import registry
from unknot.apps.records.models import (
    AccountClosure,
    AuditEntry,
    Consent,
    RetentionHold,
    SessionNote,
)
from unknot.apps.records.services import (
    account_close,
    export_everything,
    health_records_purge,
)

pytestmark = pytest.mark.django_db


def test_the_export_holds_everything_about_me(story, now):
    ana = story["ana"]
    data = export_everything(user=ana, now=now)
    assert set(data["sections"]) == {p.name for p in registry.registered()}
    assert {
        "account",
        "consents",
        "bookings",
        "assessments",
        "checkins",
        "review_suggestions",
        "session_notes",
        "audit_trail",
    } <= set(data)
    assert data["account"]["email"] == ana.email
    assert len(data["checkins"]) == CheckIn.objects.filter(client=ana).count() == 3
    befores = [c for c in data["checkins"] if c["kind"] == "before"]
    assert befores[0]["scores"]["pain-nrs"]["score"] == 7
    assert any(c["other_reactions"] == SECRETS["other"] for c in data["checkins"])
    assert data["assessments"][0]["answers"]["pain"]["intensity"] == 4
    assert any(b["client_note"] == SECRETS["client_note"] for b in data["bookings"])
    assert [s["summary"] for s in data["session_notes"]["shared_summaries"]] == [SECRETS["summary"]]
    assert data["session_notes"]["clinical_notes_held"] == 1
    assert SECRETS["objective"] not in json.dumps(data)  # clinical notes stay with the practice
    assert {s["kind"] for s in data["review_suggestions"]} >= {"maintenance", "lower-pressure"}
    assert {c["kind"] for c in data["consents"]} == {"treatment", "health_data", "reminders"}
    assert any(e["who"].startswith("Ben Carter") for e in data["audit_trail"])
    assert AuditEntry.objects.filter(subject=ana, action="export").exists()
    assert {q["question"] for q in data["questions"]} == {SECRETS["question"], "Oils?"}
    assert len(data["waitlist"]) == 1 and data["programs"] == []


def test_the_export_pages(client, story):
    client.force_login(story["ana"])
    reauthenticate(client)  # exporting needs a fresh re-authentication (issue 12)
    html = client.get(reverse("records:export")).content.decode()
    for title in ("Your check-ins", "Your self-assessments", "Notes from your therapists"):
        assert title in html
    assert SECRETS["summary"] in html
    response = client.get(reverse("records:export_json"))
    assert response["Content-Disposition"].startswith("attachment")
    assert json.loads(response.content)["account"]["uid"] == story["ana"].uid


def test_closing_with_no_retention_erases_every_health_record_at_once(story, now):
    ana = story["ana"]
    story["practice"].health_record_retention_days = 0
    story["practice"].save()
    closure = account_close(user=ana, now=now)
    assert "Erased at once: " in closure.summary and "your self-assessments" in closure.summary
    assert "keeps your health records" not in closure.summary
    assert closure.health_records_erased_at == now
    ana.refresh_from_db()
    assert not ana.is_active and not ana.has_usable_password() and ana.full_name == ""
    assert ana.email.endswith("@closed.invalid")
    for model in (CheckIn, ReviewSuggestion, SessionNote, SavedAssessment, Consent):
        assert not model.objects.filter(
            **{"client" if model is not Consent else "user": ana}
        ).exists(), model
    assert not MeasureScore.objects.exists() and not ApiToken.objects.filter(user=ana).exists()
    # The bookings stay in the practice's accounts, without health details.
    for booking in Booking.objects.filter(client=ana):
        assert booking.safety == {} and booking.client_note == ""
    text = dump_everything()
    for secret in SECRETS.values():
        assert secret not in text, secret
    assert "ana@example.test" not in text
    from unknot.apps.questions.models import Question
    from unknot.apps.waitlist.models import WaitlistEntry

    (published,) = Question.objects.all()  # the shared FAQ stays, anonymous
    assert published.body == "Oils?" and published.asker is None and published.asker_name == ""
    assert not WaitlistEntry.objects.exists()
    # The audit trail stays (who opened what) and holds no health data.
    assert AuditEntry.objects.filter(subject=ana).exists()


def test_retention_keeps_records_with_the_reason_until_the_purge(story, now):
    ana = story["ana"]
    practice = story["practice"]
    practice.health_record_retention_days = 30
    practice.save()
    closure = account_close(user=ana, now=now)
    hold = RetentionHold.objects.get(closure=closure)
    assert hold.keep_until == now + dt.timedelta(days=30)
    assert "Test Practice keeps your health records" in closure.summary
    assert (now + dt.timedelta(days=30)).strftime("%d %B %Y") in closure.summary
    assert CheckIn.objects.filter(client=ana).count() == 3
    assert SavedAssessment.objects.filter(client=ana).exists()
    assert "ana@example.test" not in dump_everything()  # identity goes at once

    assert health_records_purge(now=now + dt.timedelta(days=29)) == 0
    assert CheckIn.objects.filter(client=ana).exists()
    assert health_records_purge(now=now + dt.timedelta(days=30, seconds=1)) == 1
    closure.refresh_from_db()
    assert closure.health_records_erased_at is not None
    hold.refresh_from_db()
    assert hold.purged_at is not None
    text = dump_everything()
    for secret in SECRETS.values():
        assert secret not in text, secret
    assert not SavedAssessment.objects.filter(client=ana).exists()
    assert not Consent.objects.filter(user=ana).exists()
    assert health_records_purge(now=now + dt.timedelta(days=60)) == 0


def test_each_practice_keeps_only_its_own_records(story, now, other_practice):
    ana = story["ana"]
    story["practice"].health_record_retention_days = 0
    story["practice"].save()
    other_practice.health_record_retention_days = 10
    other_practice.save()
    zed = therapist_at(other_practice, "zed")
    elsewhere = session(ana, zed, start=now - dt.timedelta(days=2))
    checkin_submit(
        client=ana,
        booking=elsewhere,
        kind="after",
        now=elsewhere.ends_at + dt.timedelta(hours=25),
        soreness=1,
        relief="hours",
    )
    closure = account_close(user=ana, now=now)
    assert list(closure.holds.values_list("practice__name", flat=True)) == ["Other Practice"]
    assert "the health records held by Test Practice." in closure.summary
    assert list(CheckIn.objects.filter(client=ana).values_list("practice", flat=True)) == [
        other_practice.pk
    ]
    assert SavedAssessment.objects.filter(
        client=ana
    ).exists()  # kept while a practice keeps records
    call_command("purge_health_records")  # not due yet: nothing happens
    assert CheckIn.objects.filter(client=ana).exists()
    health_records_purge(now=now + dt.timedelta(days=11))
    assert not CheckIn.objects.filter(client=ana).exists()
    assert not SavedAssessment.objects.filter(client=ana).exists()


def test_deleting_from_the_page_shows_the_reason_then_signs_out(client, story):
    ana = story["ana"]
    story["practice"].health_record_retention_days = 2555
    story["practice"].save()
    client.login(email=ana.email, password=PASSWORD)
    reauthenticate(client)  # closing needs a fresh re-authentication (issue 12)
    page = client.get(reverse("records:close")).content.decode()
    assert "Test Practice keeps your health records" in page and "2555 days" in page
    wrong = client.post(reverse("records:close"), {"password": "nope"})
    assert wrong.status_code == 400 and not AccountClosure.objects.exists()
    done = client.post(reverse("records:close"), {"password": PASSWORD})
    assert done.status_code == 200
    assert "Test Practice keeps your health records" in done.content.decode()
    assert client.get(reverse("progress:mine")).status_code == 302  # signed out
    assert not client.login(email="ana@example.test", password=PASSWORD)
    assert not User.objects.filter(email="ana@example.test").exists()
