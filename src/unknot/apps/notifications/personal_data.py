"""The emails sent to a person and their calendar feeds (registered with ``records.registry``).

The sent-email log is kept (it proves what was sent when) with the address removed; a calendar
feed's secret address is never exported, only when it was made, used and revoked.
"""

from __future__ import annotations

import datetime as dt

from django_tasks_db.models import DBTaskResult

from unknot.apps.notifications.models import CalendarFeed, SentNotification
from unknot.apps.records.registry import PersonalData, register, replace_ignoring_case

REMOVED = "[address removed]"


def _iso(value):
    return value.isoformat() if value is not None else None


def _sent_to(email: str):
    return SentNotification.objects.filter(recipient__iexact=email) if email else None


def export_emails(user) -> list[dict]:
    sent = _sent_to(user.email)
    if sent is None:
        return []
    return [
        {
            "what": n.get_kind_display(),
            "about": n.object_uid,
            "to": n.recipient,
            "status": n.status,
            "created_at": _iso(n.created_at),
            "sent_at": _iso(n.sent_at),
            "session_start": _iso(n.session_start),
        }
        for n in sent.order_by("created_at", "id")
    ]


def close_emails(user, *, email: str, now: dt.datetime) -> int:
    """The rows stay (what was sent when); the address goes, also from delivery errors.

    A failed send can leave the address in the error text (a mail server's refusal quotes
    it), both in the log and in the task result's traceback.
    """
    sent = _sent_to(email)
    if sent is None:
        return 0
    count = 0
    for row in sent:
        row.recipient = ""
        row.last_error = replace_ignoring_case(row.last_error, email, REMOVED)
        row.save(update_fields=["recipient", "last_error"])
        count += 1
    for result in DBTaskResult.objects.filter(traceback__icontains=email):
        result.traceback = replace_ignoring_case(result.traceback, email, REMOVED)
        result.save(update_fields=["traceback"])
        count += 1
    return count


def export_feeds(user) -> list[dict]:
    return [
        {
            "created_at": _iso(f.created_at),
            "last_fetched_at": _iso(f.last_fetched_at),
            "revoked_at": _iso(f.revoked_at),
            "active": f.revoked_at is None,
        }
        for f in CalendarFeed.objects.filter(user=user).order_by("created_at", "id")
    ]


def close_feeds(user, *, email: str, now: dt.datetime) -> int:
    return CalendarFeed.objects.filter(user=user).delete()[0]


def register_notifications() -> None:
    register(
        PersonalData(
            "emails",
            "Emails we sent you",
            export_emails,
            on_close=close_emails,
            models=("notifications.SentNotification", "django_tasks_database.DBTaskResult"),
            pseudonymised="the log of emails sent to you, with your email address removed",
        )
    )
    register(
        PersonalData(
            "calendar_feeds",
            "Your calendar feed (the secret address itself is not shown)",
            export_feeds,
            on_close=close_feeds,
            models=("notifications.CalendarFeed",),
            erased="your calendar feed addresses",
        )
    )
