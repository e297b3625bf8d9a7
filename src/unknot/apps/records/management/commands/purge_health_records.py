from django.core.management.base import BaseCommand
from django.utils import timezone

from unknot.apps.records.services import health_records_purge


class Command(BaseCommand):
    help = (
        "Erase the health records of closed accounts whose practice retention has run out. "
        "Run it daily; it is safe to run any number of times."
    )

    def handle(self, *args, **options) -> None:
        ended = health_records_purge(now=timezone.now())
        self.stdout.write(f"{ended} retention period(s) ended; their health records are erased.")
