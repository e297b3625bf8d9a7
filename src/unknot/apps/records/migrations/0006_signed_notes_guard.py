"""The database keeps signed notes locked, on SQLite and PostgreSQL.

- A version row's number, note, time and content hash never change (its texts may be
  re-encrypted by a key rotation, which keeps the same content and so the same hash).
- A signed note always carries the content of one of its versions: an update that signs it,
  or changes a signed note, must name a version number and hash already written. So a signed
  note changes only by first adding a new version (``records.services.note_amend``), and it is
  never unsigned.
"""

from django.db import migrations

SQLITE = [
    """
    CREATE TRIGGER records_note_version_locked
    BEFORE UPDATE ON records_sessionnoteversion
    WHEN NEW.number IS NOT OLD.number OR NEW.note_id IS NOT OLD.note_id
      OR NEW.recorded_at IS NOT OLD.recorded_at OR NEW.content_hash IS NOT OLD.content_hash
      OR NEW.kind IS NOT OLD.kind
    BEGIN SELECT RAISE(ABORT, 'a signed note version is never changed'); END;
    """,
    """
    CREATE TRIGGER records_note_signed_locked
    BEFORE UPDATE ON records_sessionnote
    WHEN (OLD.signed_at IS NOT NULL AND NEW.signed_at IS NULL)
      OR (NEW.signed_at IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM records_sessionnoteversion v
        WHERE v.note_id = NEW.id AND v.number = NEW.version
          AND v.content_hash = NEW.content_hash))
    BEGIN SELECT RAISE(ABORT, 'a signed note changes only by a new version'); END;
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS records_note_version_locked;",
    "DROP TRIGGER IF EXISTS records_note_signed_locked;",
]

POSTGRES = [
    """
    CREATE FUNCTION records_note_version_locked() RETURNS trigger AS $$
    BEGIN
      IF NEW.number IS DISTINCT FROM OLD.number OR NEW.note_id IS DISTINCT FROM OLD.note_id
         OR NEW.recorded_at IS DISTINCT FROM OLD.recorded_at
         OR NEW.content_hash IS DISTINCT FROM OLD.content_hash
         OR NEW.kind IS DISTINCT FROM OLD.kind THEN
        RAISE EXCEPTION 'a signed note version is never changed'
          USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER records_note_version_locked BEFORE UPDATE ON records_sessionnoteversion
    FOR EACH ROW EXECUTE FUNCTION records_note_version_locked();
    """,
    """
    CREATE FUNCTION records_note_signed_locked() RETURNS trigger AS $$
    BEGIN
      IF (OLD.signed_at IS NOT NULL AND NEW.signed_at IS NULL)
         OR (NEW.signed_at IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM records_sessionnoteversion v
           WHERE v.note_id = NEW.id AND v.number = NEW.version
             AND v.content_hash = NEW.content_hash)) THEN
        RAISE EXCEPTION 'a signed note changes only by a new version'
          USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER records_note_signed_locked BEFORE UPDATE ON records_sessionnote
    FOR EACH ROW EXECUTE FUNCTION records_note_signed_locked();
    """,
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS records_note_version_locked ON records_sessionnoteversion;",
    "DROP FUNCTION IF EXISTS records_note_version_locked();",
    "DROP TRIGGER IF EXISTS records_note_signed_locked ON records_sessionnote;",
    "DROP FUNCTION IF EXISTS records_note_signed_locked();",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        chosen = statements.get(vendor)
        if chosen is None:
            return
        with schema_editor.connection.cursor() as cursor:
            for sql in chosen:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("records", "0005_signed_notes")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
