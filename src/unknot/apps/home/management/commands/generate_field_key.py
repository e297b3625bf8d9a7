"""``unknot generate_field_key``: print a new Fernet key for UNKNOT_FIELD_KEYS."""

from __future__ import annotations

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print a new key for UNKNOT_FIELD_KEYS or UNKNOT_BACKUP_KEYS (put it first to use it)."

    def handle(self, *args, **options):
        self.stdout.write(Fernet.generate_key().decode())
