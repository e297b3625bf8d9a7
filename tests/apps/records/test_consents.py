"""Consents: recorded with time and wording version, in force at once, shown on My data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import escape

from unknot.apps.records.consents import WORDINGS, has_consent, latest, withdrawn_at
from unknot.apps.records.models import Consent
from unknot.apps.records.services import RecordsError, consent_set

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "default"),
    [("treatment", False), ("health_data", False), ("reminders", True), ("faq_sharing", False)],
)
def test_defaults_before_any_decision(client_user, kind, default):
    assert has_consent(client_user, kind) is default
    assert latest(client_user, kind) is None


def test_the_latest_decision_counts_and_the_history_stays(client_user):
    t0 = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
    consent_set(user=client_user, kind="faq_sharing", granted=True, now=t0)
    consent_set(user=client_user, kind="faq_sharing", granted=False, now=t0 + dt.timedelta(days=1))
    assert has_consent(client_user, "faq_sharing") is False
    assert withdrawn_at(client_user, "faq_sharing") == t0 + dt.timedelta(days=1)
    history = list(Consent.objects.filter(user=client_user).order_by("recorded_at"))
    assert [c.granted for c in history] == [True, False]
    assert all(c.wording_version == WORDINGS["faq_sharing"].version for c in history)


def test_only_known_kinds_and_only_clients(client_user, staff_user):
    with pytest.raises(RecordsError):
        consent_set(user=client_user, kind="marketing", granted=True, now=dt.datetime.now(dt.UTC))
    with pytest.raises(RecordsError):
        consent_set(user=staff_user, kind="reminders", granted=True, now=dt.datetime.now(dt.UTC))
    assert not Consent.objects.exists()


def test_my_data_withdraws_a_consent_in_place(client, client_user):
    client.force_login(client_user)
    page = client.get(reverse("records:my_data")).content.decode()
    for wording in WORDINGS.values():
        assert escape(wording.text) in page
    response = client.post(
        reverse("records:consent"), {"kind": "reminders", "granted": "no"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="consents"' in html
    assert "No check-in reminder emails are sent." in html
    assert has_consent(client_user, "reminders") is False
    bad = client.post(reverse("records:consent"), {"kind": "reminders", "granted": "maybe"})
    assert bad.status_code == 302
    assert Consent.objects.count() == 1


def test_practice_accounts_have_no_my_data_page(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("records:my_data")).status_code == 404
