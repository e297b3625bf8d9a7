"""/evidence/: every reference, spelled out, with unverified items never shown as fact."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from unknot.domain.guide import Confidence, load_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def html(client) -> str:
    response = client.get(reverse("evidence:index"))
    assert response.status_code == 200
    return response.content.decode()


def article(html: str, evidence_id: str) -> str:
    match = re.search(rf'<article id="{re.escape(evidence_id)}".*?</article>', html, re.S)
    assert match, evidence_id
    return match.group(0)


def test_every_reference_has_an_anchor_for_links(html):
    for evidence_id in load_catalogue().evidence:
        article(html, evidence_id)


def test_a_study_is_spelled_out(html):
    text = article(html, "cherkin-2011")
    for label in ("What it studied", "Participants", "Protocol", "Result", "How long it lasted"):
        assert label in text
    assert "401" in text
    assert ">Verified<" in text


def test_unverified_items_say_so_and_how_they_were_identified(html):
    catalogue = load_catalogue()
    unverified = [e for e in catalogue.evidence.values() if e.confidence is Confidence.UNVERIFIED]
    assert unverified
    for item in unverified:
        text = article(html, item.id)
        assert ">Not verified<" in text
        assert "<strong>Not verified.</strong>" in text
        assert "How it was identified" in text
        if item.result:
            assert f"<strong>Not verified:</strong> {item.result}" in text.replace("&#x27;", "'")


def test_partly_verified_items_are_labelled(html):
    text = article(html, "crawford-2016")
    assert ">Partly verified<" in text


def test_the_guides_footnotes_point_to_their_studies(html):
    text = article(html, "guide-9")
    assert 'href="#cherkin-2011"' in text
    assert "How it was identified" in text
