"""PostgreSQL refuses two live bookings that overlap for one therapist or one room.

The ranges are half-open ``[busy_from, busy_until)``, so back-to-back bookings (one's buffer ends
as the next one's begins) are allowed. Cancelled bookings hold no time. SQLite has no exclusion
constraints; there the booking services serialise writers instead (see booking/models.py).
"""

from django.db import migrations

CONSTRAINTS = {
    "booking_no_therapist_overlap": "therapist_id",
    "booking_no_room_overlap": "room_id",
}


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for name, column in CONSTRAINTS.items():
        schema_editor.execute(
            f"ALTER TABLE booking_booking ADD CONSTRAINT {name} EXCLUDE USING gist "
            f"({column} WITH =, tstzrange(busy_from, busy_until, '[)') WITH &&) "
            "WHERE (status <> 'cancelled')"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE booking_booking DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("booking", "0001_initial")]
    operations = [migrations.RunPython(add, remove, elidable=False)]
