"""Ana's whole footprint in Unknot, for the export and closure tests, and a scan of every table.

``build_story`` leaves her data in every kind of table that can hold it: health records, a
private and a published question, a waitlist entry, an email sent, sign-ins (one failed) from
a known address and browser, a sign-in session, an API token, a calendar feed, a two-factor
device, a back-office change to her account, and audit entries she is the actor of.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.test import Client
from django.urls import reverse

from tests.apps.progress.builders import scores, staff_at
from tests.factories import PASSWORD
from unknot.apps.accounts.services import api_token_issue
from unknot.apps.booking.models import Booking
from unknot.apps.notifications.services import booking_email_deliver, calendar_feed_issue
from unknot.apps.progress.services import checkin_submit
from unknot.apps.records.services import note_save

SECRETS = {
    "client_note": "SENTINEL-BOOKING-NOTE knee twinges",
    "health_note": "SENTINEL-HEALTH-NOTE new tablets",
    "other": "SENTINEL-REACTION dizzy spell",
    "objective": "SENTINEL-OBJECTIVE tight QL",
    "summary": "SENTINEL-SUMMARY keep walking",
    "question": "SENTINEL-PRIVATE-QUESTION my disc",
}
IDENTIFIERS = {
    "email": "ana@example.test",
    "name": "Ana Sentinelova",
    "ip": "203.0.113.77",
    "browser": "SENTINEL-BROWSER/1.0",
}


def sign_in_from_known_place(email: str, *, password: str) -> Client:
    browser = Client(HTTP_USER_AGENT=IDENTIFIERS["browser"], REMOTE_ADDR=IDENTIFIERS["ip"])
    browser.post(reverse("accounts:login"), {"username": email, "password": "not-it"})
    browser.post(reverse("accounts:login"), {"username": email, "password": password})
    return browser


def build_story(course, now: dt.datetime) -> dict:
    ana, ben = course["ana"], course["ben"]
    ana.full_name = IDENTIFIERS["name"]
    ana.save(update_fields=["full_name"])
    held = course["held"]
    Booking.objects.filter(pk=held[-1].pk).update(client_note=SECRETS["client_note"])
    for booking, pain in zip(held, (7, 5), strict=True):
        checkin_submit(
            client=ana,
            booking=booking,
            kind="before",
            now=booking.starts_at - dt.timedelta(hours=2),
            scores=scores(pain),
            health_note=SECRETS["health_note"] if pain == 5 else "",
            regions=["lower-back"],
        )
    note_save(
        booking=held[-1],
        author=ben.user,
        now=held[-1].ends_at,
        objective=SECRETS["objective"],
        client_summary=SECRETS["summary"],
        share_summary=True,
        pressure_used=4,
    )
    checkin_submit(
        client=ana,
        booking=held[-1],
        kind="after",
        now=held[-1].ends_at + dt.timedelta(hours=25),
        soreness=8,
        other_reactions=SECRETS["other"],
        relief="hours",
    )
    api_token_issue(user=ana)
    from unknot.apps.practices.models import Technique
    from unknot.apps.questions.models import Question
    from unknot.apps.waitlist.models import WaitlistEntry

    for body, published in ((SECRETS["question"], None), ("Oils?", now)):
        Question.objects.create(
            therapist=ben,
            asker=ana,
            asker_email=ana.email,
            asker_name="Ana",
            body=body,
            consent_to_publish=bool(published),
            published_at=published,
            status="answered",
            answer="Yes.",
            answered_at=now,
        )
    WaitlistEntry.objects.create(
        client=ana, technique=Technique.objects.get(slug="swedish"), created_at=now
    )
    upcoming = course["next"]
    booking_email_deliver(
        booking_uid=upcoming.uid, kind="created", sequence=upcoming.sequence, now=now
    )
    calendar_feed_issue(user=ana, now=now)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=ana, name="Ana's phone", confirmed=True)
    desk = staff_at(course["practice"], "desk@example.test")
    LogEntry.objects.create(
        user=desk,
        content_type=ContentType.objects.get_for_model(ana),
        object_id=str(ana.pk),
        object_repr=str(ana),
        action_flag=CHANGE,
        change_message=f"Changed full name of {ana.full_name}.",
    )
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.create(  # what a send refused by the mail server leaves behind
        status="FAILED",
        args_kwargs={"args": [], "kwargs": {"booking_uid": upcoming.uid}},
        task_path="unknot.apps.notifications.tasks.send_booking_email",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="smtplib.SMTPRecipientsRefused",
        traceback=f"SMTPRecipientsRefused: {{'{ana.email.upper()}': (550, b'No such user')}}",
    )
    course["browser"] = sign_in_from_known_place(ana.email, password=PASSWORD)
    return course


def dump_everything() -> str:
    """Every row of every installed model (ours and the libraries'), as JSON text."""
    return "\n".join(
        serializers.serialize("json", model._base_manager.all()) for model in apps.get_models()
    )
