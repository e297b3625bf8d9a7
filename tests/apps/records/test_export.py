"""The export holds every section the registry declares, with nothing secret in it; the page,
the JSON download and ``GET /api/v1/me/export`` are one export."""

from __future__ import annotations

import html
import json

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.apps.progress.builders import bearer
from tests.apps.records.story import IDENTIFIERS
from tests.apps.waitlist.conftest import NOW, at, clock, setup  # noqa: F401
from tests.factories import PASSWORD, reauthenticate
from unknot.apps.accounts.models import ApiToken
from unknot.apps.booking.models import Booking
from unknot.apps.booking.services import booking_cancel
from unknot.apps.notifications.models import CalendarFeed
from unknot.apps.practices.models import Technique
from unknot.apps.programs.services import ProgramRequest, program_book
from unknot.apps.records import registry
from unknot.apps.records.services import export_everything

pytestmark = pytest.mark.django_db

NEW_SECTIONS = {
    "bookings",
    "programs",
    "waitlist",
    "emails",
    "sign_in_history",
    "api_tokens",
    "calendar_feeds",
    "two_factor_devices",
    "signed_in_sessions",
    "account_changes",
}


def test_the_export_has_every_kind_of_data_and_no_secret(story, now):
    ana = story["ana"]
    Booking.objects.filter(pk=story["held"][0].pk).update(clearance_note="SENTINEL-CLEARANCE")
    booking_cancel(booking=story["next"], by=ana, now=now, reason="away")

    data = export_everything(user=ana, now=now)
    text = json.dumps(data)

    assert set(data) >= NEW_SECTIONS and set(data["sections"]) == {
        p.name for p in registry.exported()
    }
    by_uid = {b["uid"]: b for b in data["bookings"]}
    assert by_uid[story["held"][0].uid]["clearance_note"] == "SENTINEL-CLEARANCE"
    history = by_uid[story["next"].uid]["history"]
    assert [h["what"] for h in history] == ["cancelled"] and history[0]["details"]["reason"]
    assert len(data["waitlist"]) == 1 and data["waitlist"][0]["offers"] == []
    assert [e["to"] for e in data["emails"]] == [ana.email]
    sign_ins = [s for s in data["sign_in_history"] if s["succeeded"]]
    assert sign_ins and sign_ins[0]["from_address"] == IDENTIFIERS["ip"]
    assert sign_ins[0]["browser"] == IDENTIFIERS["browser"]
    (token,) = data["api_tokens"]
    assert token["starts_with"] == ApiToken.objects.get(user=ana).prefix
    (feed,) = data["calendar_feeds"]
    assert feed["active"] is True
    assert [d["name"] for d in data["two_factor_devices"]] == ["Ana's phone"]
    assert data["signed_in_sessions"]
    assert len(data["account_changes"]) == 1
    # Metadata only: no token hash, no feed address, no device key.
    assert ApiToken.objects.get(user=ana).key_hash not in text
    assert CalendarFeed.objects.get(user=ana).token not in text
    assert TOTPDevice.objects.get(user=ana).key not in text


def test_the_export_has_the_programmes_with_their_phases(setup, client_user, clock):  # noqa: F811
    program, _ = program_book(
        client=client_user,
        request=ProgramRequest(
            technique=Technique.objects.get(slug="swedish"),
            duration_minutes=60,
            therapist=setup["ben"],
            first_start=at(1, 10),
            every_days=7,
            count=2,
        ),
        now=NOW,
    )
    (shown,) = export_everything(user=client_user, now=NOW)["programs"]
    assert shown["uid"] == program.uid and shown["phases"] == program.phases
    assert [s["booking"] for s in shown["session_bookings"]] == [
        s.booking.uid for s in program.sessions.order_by("index")
    ]


def test_the_page_the_download_and_the_api_are_one_export(story, client):
    ana = story["ana"]
    api = client.post(
        "/api/v1/me/export", {"password": PASSWORD}, content_type="application/json", **bearer(ana)
    ).json()
    client.force_login(ana)
    reauthenticate(client)
    download = json.loads(client.get(reverse("records:export_json")).content)
    page = html.unescape(client.get(reverse("records:export")).content.decode())
    assert set(api) == set(download)
    assert api["sections"] == download["sections"]
    assert set(api["sections"]) >= NEW_SECTIONS
    for name, title in api["sections"].items():
        assert f'data-testid="export-{name}"' in page and title in page
    assert IDENTIFIERS["ip"] in page and api["api_tokens"][0]["starts_with"] in page
