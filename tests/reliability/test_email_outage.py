"""Email delivery failing loses no booking and sends no email twice.

The booking is committed before any email is attempted; a failed send is recorded with a
retry time; the retry sweep sends it once the mail server is back, and never again after.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from tests.security.world import build_world
from unknot.apps.booking.models import Booking, BookingEvent
from unknot.apps.notifications.models import SentNotification

pytestmark = pytest.mark.django_db


@override_settings(EMAIL_BACKEND="tests.reliability.failing_email.EmailBackend")
def test_a_mail_outage_keeps_the_booking_and_the_retry_sends_exactly_once(
    client, django_capture_on_commit_callbacks
):
    world = build_world()
    client_bookings_before = Booking.objects.filter(client=world.users["client"]).count()
    start = world.booking.starts_at.astimezone(ZoneInfo("Europe/London")) + dt.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/bookings",
            {"technique": "swedish", "therapist": world.ben.uid, "start": start.isoformat()},
            content_type="application/json",
            headers={"Authorization": f"Bearer {world.tokens['client']}", "Idempotency-Key": "m1"},
        )
    assert response.status_code == 201, response.content
    booking = Booking.objects.get(uid=response.json()["uid"])
    assert BookingEvent.objects.filter(booking=booking, kind="created").count() == 1
    failed = SentNotification.objects.get(object_uid=booking.uid)
    assert failed.status == "failed" and failed.attempts == 1
    assert failed.next_attempt_at is not None
    assert len(mail.outbox) == 0

    # The server is back and the retry time has come: the sweep sends it, once.
    SentNotification.objects.filter(pk=failed.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        call_command("notifications_sweep", stdout=open("/dev/null", "w"))  # noqa: SIM115
        call_command("notifications_sweep", stdout=open("/dev/null", "w"))  # noqa: SIM115
    sent = [m for m in mail.outbox if booking.client.email in m.to]
    assert len(sent) == 1
    failed.refresh_from_db()
    assert failed.status == "sent"
    # Retrying the booking request itself does not book twice either.
    again = client.post(
        "/api/v1/bookings",
        {"technique": "swedish", "therapist": world.ben.uid, "start": start.isoformat()},
        content_type="application/json",
        headers={"Authorization": f"Bearer {world.tokens['client']}", "Idempotency-Key": "m1"},
    )
    assert again.status_code == 200
    assert Booking.objects.filter(client=booking.client).count() == client_bookings_before + 1
