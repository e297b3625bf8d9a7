from django.core.management.base import BaseCommand
from django.utils import timezone

from unknot.apps.waitlist.services import waitlist_expire_due


class Command(BaseCommand):
    help = "Expire overdue waitlist offers and offer their slots to the next client waiting."

    def handle(self, *args, **options) -> None:
        expired = waitlist_expire_due(now=timezone.now())
        self.stdout.write(f"{expired} offer(s) expired and passed on.")
