"""A token the database changes whenever the schedule's reference data changes.

Availability reads the same slow-changing rows on every request: techniques, services, rooms,
therapists and their hours. ``reference.py`` keeps them in memory and reloads them when this
token differs from the one it loaded them under. The token is kept by database triggers, not by
Django signals, so nothing can change those tables without changing it: the admin, a service, a
``QuerySet.update()``, a restore or raw SQL in a shell.

Every change writes a new random token (never a counter): a transaction that is rolled back
takes its token with it, and no later change can reuse that value.

The triggers are (re)installed after every ``migrate`` (``post_migrate``), because SQLite drops
a table's triggers when a migration rebuilds the table. tests/apps/booking/test_versioning.py
checks every tracked table, on both databases.
"""

from __future__ import annotations

from django.db import connections

TABLE = "unknot_schedule_version"
TRIGGER = "unknot_schedule_version_bump"


def tracked_tables() -> list[str]:
    """The tables whose rows shape availability, apart from the bookings themselves."""
    from unknot.apps.booking.models import DateOverride, TimeOff, WorkingHours
    from unknot.apps.practices.models import Practice, Room, Service, Technique
    from unknot.apps.therapists.models import Therapist

    models = [
        Practice,
        Technique,
        Service,
        Room,
        Room.techniques.through,
        Therapist,
        Therapist.techniques.through,
        WorkingHours,
        DateOverride,
        TimeOff,
    ]
    return [model._meta.db_table for model in models]


def _postgres_sql(tables: list[str]) -> list[str]:
    statements = [
        f"CREATE TABLE IF NOT EXISTS {TABLE} (id integer PRIMARY KEY, token text NOT NULL)",
        f"""CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {TABLE} (id, token) VALUES (1, gen_random_uuid()::text)
            ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
            RETURN NULL;
        END $$""",
    ]
    for table in tables:
        statements += [
            f'DROP TRIGGER IF EXISTS {TRIGGER} ON "{table}"',
            f'CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()",
        ]
    statements.append(
        f"INSERT INTO {TABLE} (id, token) VALUES (1, gen_random_uuid()::text) "
        "ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token"
    )
    return statements


def _sqlite_sql(tables: list[str]) -> list[str]:
    # Two statements, not one INSERT OR REPLACE: SQLite applies the outer statement's conflict
    # policy to a trigger's statements, so under Django's INSERT OR IGNORE (ManyToMany add) an
    # upsert would be ignored. An UPDATE has no conflict to resolve.
    bump = (
        f"INSERT OR IGNORE INTO {TABLE} (id, token) VALUES (1, ''); "
        f"UPDATE {TABLE} SET token = lower(hex(randomblob(16))) WHERE id = 1"
    )
    statements = [
        f"CREATE TABLE IF NOT EXISTS {TABLE} (id integer PRIMARY KEY, token text NOT NULL)"
    ]
    for table in tables:
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = f"{TRIGGER}_{table}_{event.lower()}"
            statements += [
                f'DROP TRIGGER IF EXISTS "{name}"',
                f'CREATE TRIGGER "{name}" AFTER {event} ON "{table}" BEGIN {bump}; END',
            ]
    statements += bump.split("; ")
    return statements


def install(using: str = "default") -> None:
    """Create the token table and the triggers on every tracked table that exists. Idempotent."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    tables = [table for table in tracked_tables() if table in existing]
    if connection.vendor == "postgresql":
        statements = _postgres_sql(tables)
    elif connection.vendor == "sqlite":
        statements = _sqlite_sql(tables)
    else:  # pragma: no cover - only the two supported databases
        raise RuntimeError(f"No schedule-version triggers for {connection.vendor}.")
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def current_token(using: str = "default") -> str | None:
    """The token now, or None where the table is still empty."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT token FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def install_after_migrate(sender, using: str = "default", **kwargs) -> None:
    install(using)
