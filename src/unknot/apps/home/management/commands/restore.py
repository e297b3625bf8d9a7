"""``unknot restore PATH``: replace the whole database with a backup made by ``unknot backup``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from unknot.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace every table of the database with the contents of a backup from "
        "'unknot backup'. Stop the app servers and the task worker first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A file written by 'unknot backup'.")
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, path: str, database: str, interactive: bool, **options):
        if interactive:
            answer = input(
                f"This replaces everything in the '{database}' database with {path}. "
                "Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            restore(path, alias=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Database restored from {path}."))
