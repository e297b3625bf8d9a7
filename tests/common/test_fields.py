"""Clinical free text is encrypted at rest: the database holds Fernet ciphertext only."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.db import connection
from django.utils import timezone

from tests.apps.progress.builders import session
from tests.factories import make_assessment, make_therapist
from unknot.apps.booking.models import Booking
from unknot.apps.guide.models import SavedAssessment
from unknot.apps.progress.models import CheckIn
from unknot.apps.records.models import SessionNote, SessionNoteVersion
from unknot.common import crypto
from unknot.ops.rotation import encrypted_columns

SECRET = "Disclosed: on warfarin since March, lump under left scapula"

ENCRYPTED = {
    "booking.Booking": {"client_note", "clearance_note"},
    "guide.SavedAssessment": {"intake", "result"},
    "progress.CheckIn": {"health_note", "other_reactions"},
    "records.SessionNote": {
        "subjective",
        "objective",
        "assessment",
        "plan",
        "findings",
        "client_summary",
    },
    "records.SessionNoteVersion": {
        "subjective",
        "objective",
        "assessment",
        "plan",
        "findings",
        "client_summary",
        "reason",
    },
}
CREDENTIALS = {
    # Secrets, not clinical text: encrypted the same way (their round trip is tested with the
    # payments app, tests/apps/payments).
    "payments.Payment": {"client_secret"},
    "payments.StripeAccount": {"secret_key", "webhook_secret"},
}
FIELDS = [(label, name) for label, names in sorted(ENCRYPTED.items()) for name in sorted(names)]


def test_every_clinical_free_text_field_is_encrypted():
    found = {spec.label: set(spec.columns) for spec in encrypted_columns()}
    assert found == ENCRYPTED | CREDENTIALS


@pytest.fixture
def rows(practice, client_user):
    """One row of each model with an encrypted field, every encrypted field holding SECRET."""
    therapist = make_therapist(practice, "ben-carter")
    booking = session(client_user, therapist, start=timezone.now())
    booking.client_note = booking.clearance_note = SECRET
    booking.save(update_fields=["client_note", "clearance_note"])
    note = SessionNote.objects.create(
        booking=booking,
        practice=practice,
        client=client_user,
        author=therapist.user,
        **dict.fromkeys(ENCRYPTED["records.SessionNote"], SECRET),
    )
    version = SessionNoteVersion.objects.create(
        note=note,
        practice=practice,
        number=1,
        kind="signed",
        recorded_at=timezone.now(),
        content_hash="0" * 64,
        **dict.fromkeys(ENCRYPTED["records.SessionNoteVersion"], SECRET),
    )
    checkin = CheckIn.objects.create(
        client=client_user,
        booking=booking,
        practice=practice,
        kind="before",
        submitted_at=timezone.now(),
        health_note=SECRET,
        other_reactions=SECRET,
    )
    assessment = make_assessment(client_user)
    return {
        "booking.Booking": booking,
        "records.SessionNote": note,
        "records.SessionNoteVersion": version,
        "progress.CheckIn": checkin,
        "guide.SavedAssessment": assessment,
    }


def raw(obj, name: str):
    field = obj._meta.get_field(name)
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {q(field.column)} FROM {q(obj._meta.db_table)} WHERE id = %s", [obj.pk]
        )
        return cursor.fetchone()[0]


@pytest.mark.parametrize(("label", "name"), FIELDS)
def test_database_holds_ciphertext_and_the_model_reads_plaintext(rows, label, name):
    obj = rows[label]
    stored = raw(obj, name)
    assert isinstance(stored, str)
    assert stored.startswith(crypto.TOKEN_PREFIX)
    for plaintext in ("warfarin", "tight-back", "swedish", "status"):
        assert plaintext not in stored.lower()
    value = getattr(type(obj).objects.get(pk=obj.pk), name)
    assert value == getattr(obj, name)
    assert value == SECRET or (isinstance(value, dict) and value)


@pytest.mark.parametrize(("label", "name"), FIELDS)
def test_sql_lookups_on_encrypted_fields_are_refused(rows, label, name):
    model = type(rows[label])
    with pytest.raises(FieldError):
        list(model.objects.filter(**{name: SECRET}))
    with pytest.raises(FieldError):
        list(model.objects.filter(**{f"{name}__icontains": "warfarin"}))
    assert model.objects.filter(**{f"{name}__isnull": False}).exists()


def test_two_writes_of_the_same_text_differ_in_the_database(rows):
    first, second = crypto.encrypt_text(SECRET), crypto.encrypt_text(SECRET)
    assert first != second
    assert crypto.decrypt_text(first) == crypto.decrypt_text(second) == SECRET


def test_empty_text_stays_empty(practice, client_user):
    therapist = make_therapist(practice, "ben-carter")
    booking = session(client_user, therapist, start=timezone.now())
    assert raw(booking, "client_note") == ""
    assert Booking.objects.get(pk=booking.pk).client_note == ""


def test_a_key_that_did_not_write_the_row_raises_a_clear_error(rows, settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.DecryptionError, match="UNKNOT_FIELD_KEYS"):
        SessionNote.objects.get(pk=rows["records.SessionNote"].pk)


def test_no_keys_at_all_is_a_clear_error(rows, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.FIELD_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="UNKNOT_FIELD_KEYS"):
        SavedAssessment.objects.get(pk=rows["guide.SavedAssessment"].pk)
