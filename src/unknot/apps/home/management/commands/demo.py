from django.core.management.base import BaseCommand

from unknot.demo.build import build_demo
from unknot.demo.data import CLIENTS, DEMO_PASSWORD, STAFF, SUPERUSER, THERAPISTS


class Command(BaseCommand):
    help = "Build or refresh the demo practice (idempotent)."

    def handle(self, *args, **options) -> None:
        counts = build_demo(progress=lambda line: self.stdout.write(line))
        summary = ", ".join(f"{n} {k}" for k, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo practice ready: {summary}."))
        self.stdout.write(f"Every demo account's password is: {DEMO_PASSWORD}")
        self.stdout.write(f"  administrator: {SUPERUSER['email']}")
        for s in STAFF:
            self.stdout.write(f"  staff:         {s['email']}")
        self.stdout.write(
            f"  therapist:     {THERAPISTS[0]['slug']}@demo.unknot.test (and the others)"
        )
        for c in CLIENTS:
            self.stdout.write(f"  client:        {c['email']}")
