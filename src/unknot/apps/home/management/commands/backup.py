"""``unknot backup PATH``: one consistent file with the whole database, taken while running."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from unknot.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write an encrypted backup of the database to PATH (Fernet, UNKNOT_BACKUP_KEYS or else "
        "UNKNOT_FIELD_KEYS): SQLite through its online backup API, "
        "PostgreSQL with pg_dump's custom format. Uploaded files are not included."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file to write (replaced if it exists).")
        parser.add_argument("--database", default="default")

    def handle(self, *args, path: str, database: str, **options):
        try:
            written = backup(path, alias=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = written.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backup written to {written} ({size} bytes)."))
