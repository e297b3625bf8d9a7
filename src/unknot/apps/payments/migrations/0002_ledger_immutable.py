"""The database refuses to change or delete a ledger row (PostgreSQL and SQLite triggers).

The one change allowed: ``client_id`` set to NULL, as a deleted or erased account does
(``on_delete=SET_NULL`` and the erasure step issue ``UPDATE ... SET client_id = NULL`` only).

Emptying the whole database (``flush``, which the tests run between transactional tests) is
the one exception: PostgreSQL's ``TRUNCATE`` fires no row triggers, and on SQLite, which
empties tables with ``DELETE``, the triggers stand aside while ``payments_ledger_unlock`` holds
a row. Only the test plugin (``tests/stripe_server.py``) writes that row, inside the flush's
own transaction.
"""

from django.db import migrations

TABLE = "payments_ledgerentry"
MESSAGE = "ledger rows are immutable"
COLUMNS = (
    "practice_id", "booking_id", "kind", "method", "amount_minor", "currency", "account",
    "stripe_id", "idempotency_key", "created_at", "created_by_id", "note", "id",
)

LOCKED = "NOT EXISTS (SELECT 1 FROM payments_ledger_unlock)"
SQLITE = [
    "CREATE TABLE payments_ledger_unlock (id INTEGER PRIMARY KEY);",
    f"""CREATE TRIGGER ledger_no_update BEFORE UPDATE OF {", ".join(COLUMNS)} ON {TABLE}
    WHEN {LOCKED} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER ledger_client_only_cleared BEFORE UPDATE OF client_id ON {TABLE}
    WHEN NEW.client_id IS NOT NULL AND {LOCKED} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER ledger_no_delete BEFORE DELETE ON {TABLE}
    WHEN {LOCKED} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS ledger_no_update;",
    "DROP TRIGGER IF EXISTS ledger_client_only_cleared;",
    "DROP TRIGGER IF EXISTS ledger_no_delete;",
    "DROP TABLE IF EXISTS payments_ledger_unlock;",
]

POSTGRES = [
    f"""CREATE FUNCTION ledger_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$;""",
    f"""CREATE TRIGGER ledger_no_update BEFORE UPDATE OF {", ".join(COLUMNS)} ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse();""",
    f"""CREATE TRIGGER ledger_client_only_cleared BEFORE UPDATE OF client_id ON {TABLE}
    FOR EACH ROW WHEN (NEW.client_id IS NOT NULL) EXECUTE FUNCTION ledger_refuse();""",
    f"""CREATE TRIGGER ledger_no_delete BEFORE DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse();""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS ledger_no_delete ON {TABLE};",
    f"DROP TRIGGER IF EXISTS ledger_client_only_cleared ON {TABLE};",
    f"DROP TRIGGER IF EXISTS ledger_no_update ON {TABLE};",
    "DROP FUNCTION IF EXISTS ledger_refuse();",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        chosen = statements.get(vendor)
        if chosen is None:
            return
        for sql in chosen:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
            elidable=False,
        )
    ]
