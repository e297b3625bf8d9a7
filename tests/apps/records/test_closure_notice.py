"""The closure page (before) and the notice (after) say what is kept, until when and why, what
is erased at once and what is pseudonymised, written from the registry's entries."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, reauthenticate
from unknot.apps.records import registry
from unknot.apps.records.models import AccountClosure
from unknot.apps.records.services import RETENTION_WHY, account_close_plan

pytestmark = pytest.mark.django_db


def _pages(client, ana):
    client.force_login(ana)
    reauthenticate(client)
    before = html.unescape(client.get(reverse("records:close")).content.decode())
    after = client.post(reverse("records:close"), {"password": PASSWORD})
    assert after.status_code == 200
    closure = AccountClosure.objects.get(user=ana)
    return before, html.unescape(after.content.decode()), closure.summary


def test_with_a_hold_every_entry_is_said_to_be_kept_erased_or_pseudonymised(story, client, now):
    story["practice"].health_record_retention_days = 2555
    story["practice"].save()
    ana = story["ana"]
    until = (now + dt.timedelta(days=2555)).strftime("%d %B %Y")
    plan = account_close_plan(user=ana, now=now)
    (keep,) = plan.keeps
    before, after, summary = _pages(client, ana)
    for text in (before, after, summary):
        assert keep.reason in text and until in text and RETENTION_WHY in text
        assert "2555 days" in text
        for entry in registry.registered():
            for sentence in (entry.retained, entry.erased, entry.pseudonymised):
                assert sentence in text, (entry.name, sentence)
        # Self-assessments are kept, and the notice says so and until when.
        kept_line = next(line for line in summary.splitlines() if "self-assessments" in line)
        assert kept_line.startswith("Kept until the last of these dates")
    assert "Erased at once: " in summary and "pseudonym" in summary


def test_without_a_hold_the_retained_records_are_said_to_be_erased_at_once(story, client, now):
    story["practice"].health_record_retention_days = 0
    story["practice"].save()
    before, after, summary = _pages(client, story["ana"])
    erased_line = next(line for line in summary.splitlines() if line.startswith("Erased at once"))
    for entry in registry.registered():
        if entry.retained:
            assert entry.retained in erased_line
    for text in (before, after):
        assert "keeps your health records" not in text and erased_line in text


def test_a_new_registry_entry_is_in_the_notice_without_touching_a_template(
    story, client, monkeypatch
):
    extra = registry.PersonalData(
        "extra",
        "Extra",
        None,
        erased="SENTINEL-ERASED-SENTENCE",
        pseudonymised="SENTINEL-PSEUDONYMISED-SENTENCE",
    )
    monkeypatch.setitem(registry._REGISTRY, "extra", extra)
    before, after, summary = _pages(client, story["ana"])
    for text in (before, after, summary):
        assert "SENTINEL-ERASED-SENTENCE" in text and "SENTINEL-PSEUDONYMISED-SENTENCE" in text
