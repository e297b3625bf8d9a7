"""``unknot backup`` / ``unknot restore``: every row of every model survives a round trip.

Runs on SQLite (online backup API) and, in the PostgreSQL leg, with pg_dump/pg_restore.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import CommandError, call_command
from django.db import connection

from tests.security.world import build_world
from unknot.apps.accounts import two_factor
from unknot.apps.accounts.models import User
from unknot.apps.booking.models import Booking
from unknot.apps.practices.models import Practice
from unknot.apps.programs.models import ProgramSession

pytestmark = pytest.mark.django_db(transaction=True)

MUST_HOLD_ROWS = {
    "accounts.user",
    "accounts.apitoken",
    "practices.practice",
    "practices.room",
    "practices.service",
    "practices.technique",
    "therapists.therapist",
    "therapists.certification",
    "guide.savedassessment",
    "booking.booking",
    "booking.bookingevent",
    "booking.workinghours",
    "otp_totp.totpdevice",
    "otp_static.statictoken",
    "sessions.session",
}


def snapshot() -> dict[str, list[dict]]:
    """Every row of every installed model (many-to-many tables included), in key order."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        rows[model._meta.label_lower] = list(
            model._base_manager.order_by("pk").values(
                *[f.attname for f in model._meta.concrete_fields]
            )
        )
    return rows


@pytest.fixture
def rich_database():
    from unknot.demo.build import build_demo

    build_demo(progress=lambda message: None)
    world = build_world()
    staff = world.users["staff"]
    device = two_factor.pending_app_device(staff)
    device.confirmed = True
    device.save()
    two_factor.recovery_codes_renew(user=staff)
    session = SessionStore()
    session["_auth_user_id"] = str(staff.pk)
    session.save()
    return world


def test_round_trip_keeps_every_record_of_every_model(rich_database, tmp_path):
    before = snapshot()
    empty = {label for label, rows in before.items() if not rows}
    assert not (MUST_HOLD_ROWS & empty), f"the test data lacks {sorted(MUST_HOLD_ROWS & empty)}"
    photos = [r["photo"] for r in before["therapists.therapist"] if r["photo"]]
    assert photos, "file fields (photos) must be part of the round trip"

    target = tmp_path / "unknot.backup"
    call_command("backup", str(target))
    assert target.stat().st_size > 0

    # Damage after the backup: rows deleted, changed and added.
    ProgramSession.objects.all().delete()  # sessions protect their bookings
    Booking.objects.all().delete()
    User.objects.filter(email="ana@example.test").update(full_name="Changed")
    Practice.objects.create(
        name="Later", slug="later", address="x", phone="1", time_zone="Europe/London"
    )
    assert snapshot() != before

    call_command("restore", str(target), "--no-input")
    connection.close()
    after = snapshot()
    for label in before:
        assert after[label] == before[label], f"{label} differs after the restore"
    assert set(after) == set(before)


def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(db, tmp_path):
    Practice.objects.create(name="Kept", slug="kept", address="x", phone="1", time_zone="UTC")
    bogus = tmp_path / "not-a-backup"
    bogus.write_bytes(b"hello, this is not a database")
    with pytest.raises(CommandError, match="not"):
        call_command("restore", str(bogus), "--no-input")
    assert Practice.objects.filter(slug="kept").exists()


def test_backup_refuses_a_folder(tmp_path):
    with pytest.raises(CommandError, match="folder"):
        call_command("backup", str(tmp_path))


def test_backup_file_is_encrypted_and_holds_no_plaintext(db, tmp_path, settings):
    from cryptography.fernet import Fernet

    from unknot.ops.backup import MAGIC

    User.objects.create_user(email="plain-sight@example.test", full_name="Visible Name")
    Practice.objects.create(
        name="Findable Practice", slug="findable", address="x", phone="1", time_zone="UTC"
    )
    target = tmp_path / "unknot.backup"
    call_command("backup", str(target))
    data = target.read_bytes()
    assert data.startswith(MAGIC)
    for plaintext in (b"plain-sight", b"Visible Name", b"Findable", b"SQLite format", b"PGDMP"):
        assert plaintext not in data
    assert oct(target.stat().st_mode & 0o777) == "0o600"

    # Another key cannot restore it, and the database is left as it was.
    settings.BACKUP_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(CommandError, match="could not be decrypted"):
        call_command("restore", str(target), "--no-input")
    assert Practice.objects.filter(slug="findable").exists()
