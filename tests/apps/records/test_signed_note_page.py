"""The note page: the therapist saves a draft, signs it, then amends it with a reason; the
page shows every version (who, when, reason, what changed) and marks late notes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from unknot.apps.practices.models import Technique
from unknot.apps.records.models import NoteTemplate, SessionNote, SessionNoteVersion

pytestmark = pytest.mark.django_db

DRAFT = {"subjective": "Better", "objective": "Tight neck", "techniques": ["swedish"]}


def test_draft_sign_amend_and_both_versions_on_the_page(course, client):
    uid = course["held"][-1].uid
    client.force_login(course["ben"].user)
    url = reverse("records:note", args=[uid])
    assert client.post(url, {"action": "save", **DRAFT}).status_code == 302
    page = client.get(url).content.decode()
    assert "Draft" in page and "Sign the note" in page
    assert client.post(url, {"action": "sign"}).status_code == 302
    note = SessionNote.objects.get()
    assert note.is_signed and note.version == 1

    # a signed note is not rewritten by a plain save, and an amendment needs a reason
    refused = client.post(url, {"action": "save", **DRAFT, "objective": "Quiet change"})
    assert refused.status_code == 400 and "Say why the signed note is amended." in (
        refused.content.decode()
    )
    note.refresh_from_db()
    assert note.objective == "Tight neck"
    amend = {"action": "amend", **DRAFT, "objective": "Tight left neck", "reason": "Side"}
    assert client.post(url, amend).status_code == 302
    note.refresh_from_db()
    assert note.version == 2 and note.objective == "Tight left neck"

    page = client.get(url).content.decode()
    assert "Version 1" in page and "Version 2" in page
    assert "Reason: Side" in page and "Changed: objective" in page
    assert "Tight neck" in page and "Tight left neck" in page  # both versions shown
    assert "Sign the note" not in page and "Amend the signed note" in page


def test_a_late_note_is_marked_on_the_page(course, client, now):
    booking = course["held"][0]
    client.force_login(course["ben"].user)
    url = reverse("records:note", args=[booking.uid])
    client.post(url, {"action": "save", **DRAFT})
    assert booking.ends_at + dt.timedelta(hours=24) < now  # the first session was days ago
    client.post(url, {"action": "sign"})
    assert SessionNote.objects.get().late
    assert 'data-testid="late"' in client.get(url).content.decode()


def test_signing_twice_is_refused_and_nothing_changes(course, client):
    uid = course["held"][-1].uid
    client.force_login(course["ben"].user)
    url = reverse("records:note", args=[uid])
    client.post(url, {"action": "save", **DRAFT})
    client.post(url, {"action": "sign"})
    assert client.post(url, {"action": "sign"}).status_code == 409
    assert SessionNoteVersion.objects.count() == 1


def test_only_the_sessions_therapist_signs(course, client):
    uid = course["held"][-1].uid
    client.force_login(course["ben"].user)
    url = reverse("records:note", args=[uid])
    client.post(url, {"action": "save", **DRAFT})
    client.force_login(course["ana"])
    assert client.post(url, {"action": "sign"}).status_code == 404
    assert not SessionNote.objects.get().is_signed


def test_the_practices_template_for_the_technique_prefills_a_new_note(course, client):
    booking = course["held"][-1]
    NoteTemplate.objects.create(
        practice=booking.practice,
        technique=booking.technique,
        name="Standard",
        subjective="Pain now (0-10) and where.",
        plan="Home care given.",
    )
    client.force_login(course["ben"].user)
    page = client.get(reverse("records:note", args=[booking.uid])).content.decode()
    assert "Pain now (0-10) and where." in page and "Home care given." in page


def test_a_template_of_another_technique_or_practice_is_not_used(course, client, other_practice):
    booking = course["held"][-1]
    other = Technique.objects.exclude(pk=booking.technique_id).first()
    NoteTemplate.objects.create(
        practice=booking.practice, technique=other, name="Other", subjective="Wrong technique"
    )
    NoteTemplate.objects.create(
        practice=other_practice,
        technique=booking.technique,
        name="Elsewhere",
        subjective="Wrong practice",
    )
    client.force_login(course["ben"].user)
    page = client.get(reverse("records:note", args=[booking.uid])).content.decode()
    assert "Wrong technique" not in page and "Wrong practice" not in page


def test_the_demo_keeps_one_template_per_technique(db):
    from unknot.demo.note_templates import NOTE_TEMPLATES

    assert set(NOTE_TEMPLATES) == {t.slug for t in Technique.objects.all()}
