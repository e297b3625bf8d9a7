from django.core.management.base import BaseCommand

from unknot.demo.build import build_demo
from unknot.demo.data import CLIENTS, DEMO_PASSWORD
from unknot.demo.signin import enrol_demo_accounts, print_sign_ins


class Command(BaseCommand):
    help = "Build or refresh the demo practice (idempotent)."

    def handle(self, *args, **options) -> None:
        counts = build_demo(progress=lambda line: self.stdout.write(line))
        sign_ins = enrol_demo_accounts()
        summary = ", ".join(f"{n} {k}" for k, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo practice ready: {summary}."))
        self.stdout.write(f"Every demo account's password is: {DEMO_PASSWORD}")
        print_sign_ins(self.stdout.write, sign_ins)
        for c in CLIENTS:
            self.stdout.write(f"  client (password only): {c['email']}")
