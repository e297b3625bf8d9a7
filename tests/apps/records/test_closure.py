"""Closing an account: no identifier is left anywhere, only clinical records start a hold,
future sessions and programmes are cancelled through the usual services (so the waitlist gets
the slots), and the page and the API do the same."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.apps.progress.builders import bearer, scores, session
from tests.apps.records.story import IDENTIFIERS, dump_everything
from tests.apps.waitlist.conftest import NOW, at, booked, clock, make_client, setup, wait_for  # noqa: F401
from tests.factories import PASSWORD, reauthenticate
from unknot.apps.booking.models import Booking, BookingEvent, BookingStatus
from unknot.apps.notifications.models import CalendarFeed, SentNotification
from unknot.apps.practices.models import Technique
from unknot.apps.programs.models import Program
from unknot.apps.programs.services import ProgramRequest, program_book
from unknot.apps.progress.services import checkin_submit
from unknot.apps.records.models import AccountClosure, AuditEntry, RetentionHold
from unknot.apps.records.services import account_close, note_save, pseudonym
from unknot.apps.waitlist.models import WaitlistOffer

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def close_through(way: str, user, *, now, web) -> None:
    """Close ``user``'s account through the service, the page or ``DELETE /api/v1/me``."""
    if way == "service":
        account_close(user=user, now=now)
    elif way == "page":
        web.force_login(user)
        reauthenticate(web)
        response = web.post(reverse("records:close"), {"password": PASSWORD})
        assert response.status_code == 200, response.content[:300]
    else:
        response = web.delete(
            "/api/v1/me",
            data=json.dumps({"password": PASSWORD}),
            content_type="application/json",
            **bearer(user),
        )
        assert response.status_code == 200, response.content[:300]
    assert AccountClosure.objects.filter(user=user).exists()


# --- nothing identifying is left ---------------------------------------------------------------


@pytest.mark.parametrize("way", ["service", "page", "api"])
def test_no_identifier_of_the_client_is_left_in_any_table(story, now, client, way):
    ana = story["ana"]
    story["practice"].health_record_retention_days = 30
    story["practice"].save()
    ana_pk = ana.pk
    assert AccessLog.objects.filter(ip_address=IDENTIFIERS["ip"]).exists()
    assert AccessLog.objects.filter(user_agent=IDENTIFIERS["browser"]).exists()
    signed_in = [s.pk for s in Session.objects.all() if s.get_decoded().get("_auth_user_id")]
    assert signed_in

    close_through(way, ana, now=now, web=client)

    text = dump_everything()
    for kind, value in IDENTIFIERS.items():
        assert value not in text, kind
        assert value.lower() not in text.lower(), kind
    # The audit trail still reads coherently: every entry of hers has the same pseudonym.
    ana.refresh_from_db()
    name = pseudonym(ana)
    assert name.startswith("closed client #")
    mine = AuditEntry.objects.filter(actor_id=ana_pk)
    assert mine.exists() and set(mine.values_list("actor_label", flat=True)) == {name}
    assert name != pseudonym(story["ben"].user)
    # The logs stay (counts, times, paths) without who, from where, with what.
    rows = AccessLog.objects.all()
    assert rows.exists()
    for row in rows:
        assert row.username == name and row.ip_address is None and row.user_agent == ""
    assert not AccessFailureLog.objects.exclude(username=name).exists()
    assert not AccessAttempt.objects.filter(username__icontains="ana").exists()
    sent = SentNotification.objects.all()
    assert sent.exists() and set(sent.values_list("recipient", flat=True)) == {""}
    assert not Session.objects.filter(pk__in=signed_in).exists()
    assert not TOTPDevice.objects.filter(user_id=ana_pk).exists()
    assert not CalendarFeed.objects.filter(user_id=ana_pk).exists()
    entry = LogEntry.objects.get(object_id=str(ana_pk))
    assert entry.object_repr == name and IDENTIFIERS["name"] not in entry.change_message


def test_the_pseudonym_is_stable_and_not_derived_from_the_email(story, now):
    ana = story["ana"]
    before = pseudonym(ana)
    account_close(user=ana, now=now)
    ana.refresh_from_db()
    assert pseudonym(ana) == before
    assert "ana" not in before.lower()


# --- which records start a hold ----------------------------------------------------------------

PAST = dt.timedelta(days=-3)
FUTURE = dt.timedelta(days=3)


@pytest.mark.parametrize(
    ("status", "when", "with_note", "with_checkin", "held"),
    [
        pytest.param(BookingStatus.CANCELLED, PAST, False, False, False, id="cancelled"),
        pytest.param(BookingStatus.CANCELLED, FUTURE, False, True, False, id="cancelled+checkin"),
        pytest.param(BookingStatus.NO_SHOW, PAST, False, False, False, id="no-show"),
        pytest.param(BookingStatus.NO_SHOW, PAST, True, False, True, id="no-show+note"),
        pytest.param(BookingStatus.PENDING, PAST, False, False, False, id="pending-past"),
        pytest.param(BookingStatus.PENDING, FUTURE, False, False, False, id="pending-future"),
        pytest.param(BookingStatus.CONFIRMED, FUTURE, False, True, False, id="confirmed-future"),
        pytest.param(BookingStatus.CONFIRMED, PAST, False, False, True, id="confirmed-held"),
        pytest.param(BookingStatus.COMPLETED, PAST, False, False, True, id="completed"),
    ],
)
def test_only_a_clinical_record_starts_a_retention_hold(
    practice, now, status, when, with_note, with_checkin, held
):
    from tests.apps.progress.builders import client_with_plan, therapist_at

    practice.health_record_retention_days = 2555
    practice.save()
    ben = therapist_at(practice, "ben-carter")
    ana = client_with_plan("ana@example.test", now)
    booking = session(ana, ben, start=now + when, status=BookingStatus.CONFIRMED)
    if with_checkin:
        checkin_submit(
            client=ana,
            booking=booking,
            kind="before",
            now=booking.starts_at - dt.timedelta(hours=2),
            scores=scores(6),
        )
    if with_note:
        note_save(booking=booking, author=ben.user, now=booking.ends_at, objective="tight")
    Booking.objects.filter(pk=booking.pk).update(status=status, client_note="my knee")

    closure = account_close(user=ana, now=now)

    assert RetentionHold.objects.filter(closure=closure).exists() is held
    booking.refresh_from_db()
    assert (booking.client_note == "my knee") is held  # the health details go at once otherwise
    assert (closure.health_records_erased_at is None) is held
    if not held:
        assert "keeps your health records" not in closure.summary


# --- future sessions and programmes ------------------------------------------------------------

SLOT = at(1, 10)  # Tuesday 1 December 2026, 10:00 London


@pytest.mark.parametrize("way", ["service", "page", "api"])
def test_closing_cancels_future_sessions_and_programmes_and_the_waitlist_gets_them(
    setup,  # noqa: F811
    client_user,
    clock,  # noqa: F811
    commit,
    client,
    way,
):
    single = booked(setup, client_user, SLOT)
    program, _ = program_book(
        client=client_user,
        request=ProgramRequest(
            technique=Technique.objects.get(slug="swedish"),
            duration_minutes=60,
            therapist=setup["kai"],
            first_start=at(2, 14),
            every_days=7,
            count=2,
        ),
        now=NOW,
    )
    wait_for(client_user)  # her own entry must not be offered her own slots
    cleo = make_client("cleo")
    wait_for(cleo)
    mail.outbox.clear()

    with commit(execute=True):
        close_through(way, client_user, now=NOW, web=client)

    future = Booking.objects.filter(client=client_user, starts_at__gt=NOW)
    assert future.count() == 3
    assert set(future.values_list("status", flat=True)) == {BookingStatus.CANCELLED}
    for booking in future:  # through booking_cancel: its event is written
        assert BookingEvent.objects.filter(booking=booking, kind="cancelled").exists()
    program.refresh_from_db()
    assert program.status == "cancelled" and program.cancelled_at == NOW
    offers = WaitlistOffer.objects.all()
    assert offers.exists()
    assert {o.entry.client for o in offers} == {cleo}
    assert single.starts_at in {o.slot_start for o in offers}
    assert not [m for m in mail.outbox if any("closed.invalid" in to for to in m.to)]
    assert not Program.objects.filter(client=client_user, status="active").exists()
