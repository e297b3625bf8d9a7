"""``unknot notifications_sweep``: resend due retries and lost reminders. Run it from cron.

The worker retries a failed email by itself (the task enqueues its own retry). This sweep
is the backstop for what a worker cannot see: a task lost before it was stored, a worker
that died mid-send, a reminder on a backend that cannot defer tasks. Running it twice, or
next to the worker, is safe: every send is claimed in the notification log first.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from unknot.apps.notifications import selectors, services, tasks

LONGEST_LEAD = dt.timedelta(hours=168)


class Command(BaseCommand):
    help = "Re-enqueue failed notifications whose retry time has come, and due reminders."

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        retried = 0
        for record in selectors.notifications_to_retry(
            now=now, stale_before=now - services.STALE_CLAIM
        ):
            retried += int(tasks.enqueue_from_record(record))
        reminded = 0
        for booking in selectors.reminders_due(now=now, horizon=LONGEST_LEAD):
            tasks.send_booking_reminder.enqueue(booking_uid=booking.uid, sequence=booking.sequence)
            reminded += 1
        self.stdout.write(f"{retried} retried, {reminded} reminders queued")
