from django.core.management.base import BaseCommand
from django.utils import timezone

from unknot.apps.progress.services import reminders_send


class Command(BaseCommand):
    help = (
        "Send due check-in reminders: before sessions in the next 24 hours and follow-ups "
        "24-48 hours after. Run it every few minutes (cron or a scheduler); it never sends twice."
    )

    def handle(self, *args, **options) -> None:
        count = reminders_send(now=timezone.now())
        self.stdout.write(f"{count} check-in reminder(s) queued.")
