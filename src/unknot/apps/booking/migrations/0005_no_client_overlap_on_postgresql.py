"""PostgreSQL refuses two active sessions of one client that overlap, whoever the therapists.

Active means pending or confirmed: a cancelled session holds nothing, and completed or no-show
ones are history. The range is the session itself (``[starts_at, ends_at)``), not the busy
range: buffers are the therapist's and the room's time, not the client's, so back-to-back
sessions with two therapists are allowed. SQLite has no exclusion constraints; there the
booking services serialise writers and check first (see booking/limits.py).
"""

from django.db import migrations

NAME = "booking_no_client_overlap"


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE booking_booking ADD CONSTRAINT {NAME} EXCLUDE USING gist "
        "(client_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        "WHERE (status IN ('pending', 'confirmed'))"
    )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE booking_booking DROP CONSTRAINT IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("booking", "0004_plain_text_names")]
    operations = [migrations.RunPython(add, remove, elidable=False)]
