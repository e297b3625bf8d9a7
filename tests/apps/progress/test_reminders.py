"""Reminder emails with a private, expiring link that works without signing in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from tests.apps.progress.builders import session
from unknot.apps.progress.models import CheckIn, CheckInReminder
from unknot.apps.progress.services import reminders_send
from unknot.apps.progress.tokens import make_token
from unknot.apps.records.models import AuditEntry, ConsentKind
from unknot.apps.records.services import consent_set

pytestmark = pytest.mark.django_db


def link_in(body: str) -> str:
    return re.search(r"https?://\S+/progress/c/\S+/", body).group(0)


def test_the_day_before_a_session_the_client_gets_a_link(course, now, client):
    mail.outbox.clear()
    assert reminders_send(now=now) == 1
    (email,) = mail.outbox
    assert email.to == [course["ana"].email]
    assert "check-in before your session" in email.subject
    link = link_in(email.body)
    assert link in email.alternatives[0][0]
    # Never twice.
    assert reminders_send(now=now + dt.timedelta(minutes=5)) == 0
    assert len(mail.outbox) == 1
    # The link opens the form without signing in, and takes the answers.
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200 and 'class="btn-check"' in page.content.decode()
    assert page["Referrer-Policy"] == "no-referrer"
    posted = client.post(
        "/" + path,
        {"pain-nrs__pain": "6", "stiffness-nrs__stiffness": "5", "stress-nrs__stress": "5"},
    )
    assert posted.status_code == 200
    checkin = CheckIn.objects.get()
    assert checkin.via == "link" and checkin.client == course["ana"]
    assert AuditEntry.objects.get(record_uid=checkin.uid).via == "link"
    # Done: the link now says so, and shows none of the answers.
    again = client.get("/" + path).content.decode()
    assert "already done" in again and ">6<" not in again


def test_a_follow_up_a_day_after(course, now):
    held = course["held"][-1]
    mail.outbox.clear()
    reminders_send(now=held.ends_at + dt.timedelta(hours=30))
    subjects = [m.subject for m in mail.outbox]
    assert any("How did you feel after your session" in s for s in subjects)
    assert CheckInReminder.objects.filter(booking=held, kind="after").exists()


def test_no_reminder_once_reminders_are_withdrawn(course, now):
    consent_set(user=course["ana"], kind=ConsentKind.REMINDERS, granted=False, now=now)
    mail.outbox.clear()
    assert reminders_send(now=now) == 0
    assert mail.outbox == []


def test_withdrawal_after_queueing_still_stops_the_email(course, now):
    from unknot.apps.progress.tasks import send_checkin_reminder

    consent_set(user=course["ana"], kind=ConsentKind.REMINDERS, granted=False, now=now)
    mail.outbox.clear()
    result = send_checkin_reminder.enqueue(booking_uid=course["next"].uid, kind="before")
    assert result.return_value == "not wanted"
    assert mail.outbox == []


def test_a_tampered_or_expired_link_does_not_open(course, client, now):
    token = make_token(booking_uid=course["next"].uid, kind="before", client_uid=course["ana"].uid)
    assert client.get(f"/progress/c/{token[:-2]}xx/").status_code == 404
    with time_machine.travel(now + dt.timedelta(days=9)):
        response = client.get(f"/progress/c/{token}/")
    assert response.status_code == 404 and "expired" in response.content.decode()


def test_a_link_for_someone_elses_booking_is_refused(course, client, other_client_user, practice):
    token = make_token(
        booking_uid=course["next"].uid, kind="before", client_uid=other_client_user.uid
    )
    assert client.get(f"/progress/c/{token}/").status_code == 404


def test_a_link_outside_the_window_explains_when_it_opens(course, client, now):
    later = session(
        course["ana"], course["ben"], start=now + dt.timedelta(days=10), status="confirmed"
    )
    token = make_token(booking_uid=later.uid, kind="before", client_uid=course["ana"].uid)
    html = client.get(f"/progress/c/{token}/").content.decode()
    assert "opens three days before" in html
    assert client.post(f"/progress/c/{token}/", {"pain-nrs__pain": "5"}).status_code == 409
    assert not CheckIn.objects.exists()


def test_the_command_queues_due_reminders(course, now, capsys):
    mail.outbox.clear()
    with time_machine.travel(now):
        call_command("checkin_reminders")
    assert "1 check-in reminder(s) queued" in capsys.readouterr().out
    assert len(mail.outbox) == 1
