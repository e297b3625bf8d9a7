"""The migrations that encrypt clinical text: existing plaintext rows are encrypted on the way
forward and decrypted again on the way back, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests.apps.progress.builders import session
from tests.factories import make_assessment, make_therapist
from unknot.apps.guide.models import SavedAssessment
from unknot.apps.records.models import SessionNote
from unknot.common import crypto

pytestmark = pytest.mark.django_db(transaction=True)

BACK = [("records", "0001"), ("guide", "0001"), ("progress", "0001"), ("booking", "0002")]


def raw(table: str, column: str, pk: int):
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {q(column)} FROM {q(table)} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_rows_are_decrypted_on_rollback_and_encrypted_again_going_forward(practice, client_user):
    therapist = make_therapist(practice, "ben-carter")
    booking = session(client_user, therapist, start=timezone.now())
    booking.client_note = "knee replacement in May"
    booking.save(update_fields=["client_note"])
    note = SessionNote.objects.create(
        booking=booking, practice=practice, client=client_user, subjective="migraines weekly"
    )
    assessment = make_assessment(client_user)
    intake = assessment.intake

    try:
        for app, target in BACK:
            call_command("migrate", app, target, verbosity=0)
        assert raw("records_sessionnote", "subjective", note.pk) == "migraines weekly"
        assert raw("booking_booking", "client_note", booking.pk) == "knee replacement in May"
        stored = raw("guide_savedassessment", "intake", assessment.pk)
        assert "tight-back" in str(stored)  # JSON again (jsonb on PostgreSQL)
    finally:
        call_command("migrate", verbosity=0)

    for table, column, pk in [
        ("records_sessionnote", "subjective", note.pk),
        ("booking_booking", "client_note", booking.pk),
        ("guide_savedassessment", "intake", assessment.pk),
        ("guide_savedassessment", "result", assessment.pk),
    ]:
        value = raw(table, column, pk)
        assert value.startswith(crypto.TOKEN_PREFIX), (table, column)
        assert "migraines" not in value and "tight-back" not in value
    assert SessionNote.objects.get(pk=note.pk).subjective == "migraines weekly"
    assert SavedAssessment.objects.get(pk=assessment.pk).intake == intake


def test_encrypting_is_idempotent():
    from unknot.common.fields import _encrypt_value

    token = crypto.encrypt_text("already encrypted")
    assert _encrypt_value(token) == token
    assert crypto.decrypt_text(_encrypt_value("plain")) == "plain"
    assert _encrypt_value("") == ""
