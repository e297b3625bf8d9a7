"""Key rotation: every key reads; after ``unknot rotate_keys`` only the current one is needed."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests.apps.progress.builders import session
from tests.factories import make_assessment, make_therapist
from unknot.apps.booking.models import Booking
from unknot.apps.guide.models import SavedAssessment
from unknot.apps.records.models import SessionNote

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def raw(model, pk, column):
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {q(column)} FROM {q(model._meta.db_table)} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def rotate(batch=2) -> str:
    out = io.StringIO()
    call_command("rotate_keys", "--batch", str(batch), stdout=out)
    return out.getvalue()


@pytest.fixture
def written_with_old_key(settings, practice, client_user):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    therapist = make_therapist(practice, "ben-carter")
    notes = []
    for day in range(5):  # more rows than one batch
        booking = session(
            client_user, therapist, start=timezone.now() - timezone.timedelta(days=day + 1)
        )
        booking.client_note = f"note {day}: sciatica on the left"
        booking.save(update_fields=["client_note"])
        notes.append(
            SessionNote.objects.create(
                booking=booking,
                practice=practice,
                client=client_user,
                subjective=f"day {day}: sleeping badly",
            )
        )
    assessment = make_assessment(client_user)
    return notes, assessment


def test_old_key_still_reads_after_a_new_key_is_put_first(settings, written_with_old_key):
    notes, assessment = written_with_old_key
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    assert SessionNote.objects.get(pk=notes[0].pk).subjective == "day 0: sleeping badly"
    assert SavedAssessment.objects.get(pk=assessment.pk).intake == assessment.intake
    # New writes use the new key at once.
    note = SessionNote.objects.get(pk=notes[1].pk)
    note.plan = "stretch daily"
    note.save()
    Fernet(NEW).decrypt(raw(SessionNote, note.pk, "plan").encode())


def test_after_rotate_keys_only_the_new_key_is_needed(settings, written_with_old_key):
    notes, assessment = written_with_old_key
    before = raw(SessionNote, notes[0].pk, "subjective")
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]

    output = rotate()
    # 5 notes (subjective), 5 bookings (client_note), 1 assessment (intake and result).
    assert "Done: 12 value(s) re-encrypted" in output
    assert raw(SessionNote, notes[0].pk, "subjective") != before

    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    for day, note in enumerate(notes):
        fresh = SessionNote.objects.select_related("booking").get(pk=note.pk)
        assert fresh.subjective == f"day {day}: sleeping badly"
        assert fresh.booking.client_note == f"note {day}: sciatica on the left"
    assert SavedAssessment.objects.get(pk=assessment.pk).result == assessment.result
    # Idempotent: a second run has nothing left to do and changes no row.
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    again = raw(Booking, notes[3].booking_id, "client_note")
    assert "Done: 0 value(s) re-encrypted" in rotate()
    assert raw(Booking, notes[3].booking_id, "client_note") == again


def test_rotate_keys_without_the_key_that_wrote_a_row_fails_clearly(settings, written_with_old_key):
    from django.core.management import CommandError

    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(CommandError, match="none of the field keys"):
        rotate()


def test_check_and_migrate_stop_when_the_keys_do_not_open_stored_rows(
    settings, written_with_old_key
):
    from django.core.management.base import SystemCheckError

    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    call_command("check", "--database", "default")  # every key it needs is there

    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(SystemCheckError, match=r"unknot.E100.*records_sessionnote.subjective"):
        call_command("check", "--database", "default")
