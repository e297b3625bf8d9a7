"""Emails for check-ins, sent by django-tasks: reminders with a private link, therapist alerts.

Tasks take uids only and re-read the database, so a consent withdrawn after the reminder was
queued still stops it. Emails never carry health details: the alert only says a client's
check-in needs attention and links to the page behind sign-in.
"""

from __future__ import annotations

import logging

from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from unknot.apps.booking.models import Booking
from unknot.apps.notifications.emails import absolute, render_email, session_view
from unknot.apps.progress.models import CheckInKind, ReviewSuggestion
from unknot.apps.progress.services import reminder_wanted
from unknot.apps.progress.tokens import make_token

log = logging.getLogger(__name__)


def checkin_link(booking: Booking, kind: str) -> str:
    token = make_token(booking_uid=booking.uid, kind=kind, client_uid=booking.client.uid)
    return absolute(reverse("progress:link", args=[token]))


@task()
def send_checkin_reminder(*, booking_uid: str, kind: str) -> str:
    """The reminder with a private check-in link; skipped if no longer wanted."""
    booking = (
        Booking.objects.select_related(
            "client", "practice", "therapist", "technique", "service", "room"
        )
        .filter(uid=booking_uid)
        .first()
    )
    if booking is None or kind not in CheckInKind.values:
        return "gone"
    if not reminder_wanted(booking, kind):
        return "not wanted"
    template = "checkin_before" if kind == CheckInKind.BEFORE else "checkin_after"
    email = render_email(
        template,
        {
            "name": booking.client.get_short_name(),
            "session": session_view(booking),
            "practice_name": booking.practice.name,
            "link": checkin_link(booking, kind),
            "consents_url": absolute(reverse("records:my_data")),
        },
        to=booking.client.email,
        reply_to=[booking.practice.email] if booking.practice.email else [],
    )
    email.to_message().send()
    return "sent"


@task()
def send_therapist_alert(*, suggestion_uid: str) -> str:
    """Tell the client's therapist a check-in needs attention (no health details in it)."""
    suggestion = (
        ReviewSuggestion.objects.select_related(
            "client", "practice", "checkin__booking__therapist__user"
        )
        .filter(uid=suggestion_uid)
        .first()
    )
    if suggestion is None or suggestion.checkin is None:
        return "gone"
    therapist = suggestion.checkin.booking.therapist
    to = therapist.user.email
    if not therapist.user.is_active or not to:
        return "no therapist"
    email = render_email(
        "checkin_alert",
        {
            "therapist": therapist.display_name,
            "client": suggestion.client.get_full_name(),
            "practice_name": suggestion.practice.name,
            "url": absolute(reverse("progress:client", args=[suggestion.client.uid])),
            "sent_on": timezone.now(),
        },
        to=to,
        reply_to=[],
    )
    email.to_message().send()
    return "sent"
