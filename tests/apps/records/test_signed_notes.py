"""Signed notes: locked once signed, amended only with a reason, every version kept; the
database refuses any other change of a signed note; late signatures are marked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from unknot.apps.records.models import SessionNote, SessionNoteVersion
from unknot.apps.records.note_services import content_hash, note_content
from unknot.apps.records.services import RecordsError, note_amend, note_save, note_sign

pytestmark = pytest.mark.django_db

FULL = {
    "subjective": "Stiff after the weekend.",
    "objective": "Tight right QL.",
    "assessment": "Muscular, improving.",
    "plan": "Same again.",
    "techniques": ["swedish"],
    "pressure_used": 3,
    "finding_regions": ["lower-back"],
    "findings": "Knot near the right hip.",
}
REFUSED = IntegrityError  # a trigger's refusal, on SQLite and on PostgreSQL


def signed(course, now):
    booking = course["held"][-1]
    at = booking.ends_at + dt.timedelta(hours=1)
    note_save(booking=booking, author=course["ben"].user, now=at, **FULL)
    return booking, note_sign(booking=booking, author=course["ben"].user, now=at)


def test_a_signed_note_is_locked_and_kept_as_version_one(course, now):
    booking, note = signed(course, now)
    assert note.is_signed and note.version == 1 and not note.late
    v1 = SessionNoteVersion.objects.get(note=note)
    assert (v1.number, v1.kind, v1.objective, v1.techniques) == (
        1,
        "signed",
        "Tight right QL.",
        ["swedish"],
    )
    assert v1.author == course["ben"].user
    assert v1.recorded_at == booking.ends_at + dt.timedelta(hours=1)
    with pytest.raises(RecordsError) as caught:
        note_save(booking=booking, author=course["ben"].user, now=now, **{**FULL, "plan": "x"})
    assert caught.value.code == "signed"
    note.refresh_from_db()
    assert note.plan == "Same again."
    with pytest.raises(RecordsError) as caught:
        note_sign(booking=booking, author=course["ben"].user, now=now)
    assert caught.value.code == "signed"


def test_an_amendment_needs_a_reason_and_keeps_both_versions(course, now):
    booking, note = signed(course, now)
    ben = course["ben"].user
    with pytest.raises(RecordsError) as caught:
        note_amend(booking=booking, author=ben, now=now, reason=" ", **{**FULL, "plan": "Rest"})
    assert "reason" in caught.value.problems
    with pytest.raises(RecordsError) as caught:
        note_amend(booking=booking, author=ben, now=now, reason="typo", **FULL)
    assert caught.value.code == "unchanged"
    later = now + dt.timedelta(hours=2)
    note = note_amend(
        booking=booking,
        author=ben,
        now=later,
        reason="Wrong side recorded",
        **{**FULL, "objective": "Tight left QL.", "pressure_used": 2},
    )
    assert note.version == 2 and note.objective == "Tight left QL."
    v1, v2 = SessionNoteVersion.objects.filter(note=note).order_by("number")
    assert v1.objective == "Tight right QL." and v2.objective == "Tight left QL."
    assert (v2.kind, v2.reason, v2.changed, v2.recorded_at) == (
        "amended",
        "Wrong side recorded",
        ["objective", "pressure_used"],
        later,
    )
    assert v2.content_hash == content_hash(note_content(SessionNote.objects.get(pk=note.pk)))


def test_only_a_signed_note_is_amended_and_only_by_its_therapist(course, now):
    booking = course["held"][-1]
    note_save(booking=booking, author=course["ben"].user, now=now, **FULL)
    with pytest.raises(RecordsError) as caught:
        note_amend(booking=booking, author=course["ben"].user, now=now, reason="x", **FULL)
    assert caught.value.code == "not_signed"


def test_a_note_signed_after_the_practices_limit_is_late(course, now):
    booking = course["held"][-1]
    hours = booking.practice.note_late_after_hours
    note_save(booking=booking, author=course["ben"].user, now=now, **FULL)
    at = booking.ends_at + dt.timedelta(hours=hours, minutes=1)
    note = note_sign(booking=booking, author=course["ben"].user, now=at)
    assert note.late and SessionNoteVersion.objects.get(note=note).late


def test_a_note_signed_within_the_limit_is_not_late(course, now):
    booking = course["held"][-1]
    hours = booking.practice.note_late_after_hours
    note_save(booking=booking, author=course["ben"].user, now=now, **FULL)
    at = booking.ends_at + dt.timedelta(hours=hours)
    assert not note_sign(booking=booking, author=course["ben"].user, now=at).late


def test_the_database_refuses_to_change_a_signed_note_outside_a_new_version(course, now):
    _, note = signed(course, now)
    with pytest.raises(REFUSED), transaction.atomic():
        SessionNote.objects.filter(pk=note.pk).update(content_hash="0" * 64)
    with pytest.raises(REFUSED), transaction.atomic():
        SessionNote.objects.filter(pk=note.pk).update(signed_at=None, version=0)
    with pytest.raises(REFUSED), transaction.atomic():
        SessionNote.objects.filter(pk=note.pk).update(version=2)
    # a plain column of a version is never changed
    with pytest.raises(REFUSED), transaction.atomic():
        SessionNoteVersion.objects.filter(note=note).update(content_hash="0" * 64)
    with pytest.raises(REFUSED), transaction.atomic():
        SessionNoteVersion.objects.filter(note=note).update(recorded_at=now - dt.timedelta(days=1))
    # re-encrypting the same content (key rotation) keeps the hash, so it goes through
    SessionNoteVersion.objects.filter(note=note).update(objective="re-encrypted text")
    assert connection.vendor in {"sqlite", "postgresql"}


def test_a_signed_note_and_its_versions_are_erased_together(course, now):
    _, note = signed(course, now)
    note.delete()
    assert not SessionNoteVersion.objects.exists()


def test_versions_are_stored_encrypted(course, now):
    _, note = signed(course, now)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objective, subjective FROM records_sessionnoteversion WHERE note_id = %s",
            [note.pk],
        )
        row = cursor.fetchone()
    assert all(value and "Tight" not in value and "Stiff" not in value for value in row)
