"""``unknot rotate_keys``: re-encrypt every encrypted field with the current field key."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from unknot.common.crypto import DecryptionError
from unknot.ops.rotation import encrypted_columns, rotate_table


class Command(BaseCommand):
    help = (
        "Re-encrypt the encrypted clinical fields with the first key of UNKNOT_FIELD_KEYS, in "
        "batches, while the app runs. Safe to run again; afterwards retired keys can go."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="Rows per transaction.")
        parser.add_argument("--database", default="default")

    def handle(self, *args, batch: int, database: str, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        total = 0
        for spec in encrypted_columns():
            try:
                count = rotate_table(spec, batch=batch, alias=database)
            except DecryptionError as error:
                raise CommandError(f"{spec.label}: {error}") from error
            total += count
            self.stdout.write(f"{spec.label}: {count} value(s) re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"Done: {total} value(s) re-encrypted."))
