"""GET /api/v1/techniques, /api/v1/evidence and /api/v1/evidence/{id}."""

from __future__ import annotations

import pytest

from unknot.domain.guide import load_catalogue

pytestmark = pytest.mark.django_db


def test_techniques_are_the_seven_with_what_to_expect(client):
    response = client.get("/api/v1/techniques")
    assert response.status_code == 200
    body = response.json()
    assert [t["slug"] for t in body] == list(load_catalogue().techniques)
    assert len(body) == 7
    trigger = next(t for t in body if t["slug"] == "trigger-point")
    assert trigger["purpose"] == "therapeutic"
    assert trigger["pressure_range"] == [3, 5]
    assert "hurts so good" in trigger["possible_discomfort"]
    thai = next(t for t in body if t["slug"] == "thai-yoga")
    assert thai["clothing"] == "clothed"
    for technique in body:
        assert technique["what_to_expect"] and technique["what_to_wear"]
        for evidence_id in technique["evidence"]:
            assert client.get(f"/api/v1/evidence/{evidence_id}").status_code == 200


def test_evidence_lists_every_reference_with_its_confidence(client):
    body = client.get("/api/v1/evidence").json()
    catalogue = load_catalogue()
    assert [e["id"] for e in body] == list(catalogue.evidence)
    footnotes = sorted(e["guide_footnote"] for e in body if e["guide_footnote"])
    assert footnotes == list(range(1, 18))
    labels = {"V": "Verified", "P": "Partly verified", "U": "Not verified"}
    for item in body:
        assert item["confidence_label"] == labels[item["confidence"]]
        assert item["page_url"] == f"/evidence/#{item['id']}"


def test_unverified_items_carry_a_clear_marker(client):
    body = client.get("/api/v1/evidence").json()
    unverified = [e for e in body if e["confidence"] == "U"]
    assert unverified, "the evidence file has unverified items"
    for item in unverified:
        assert item["not_verified"] is True and item["verified"] is False
        assert item["caution"].startswith("Not verified")
    for item in body:
        if item["confidence"] != "U":
            assert item["not_verified"] is False and item["caution"] is None


def test_one_study_in_full(client):
    response = client.get("/api/v1/evidence/cherkin-2011")
    assert response.status_code == 200
    item = response.json()
    assert item["n"] == 401
    assert item["confidence"] == "V" and item["verified"] is True
    assert "10 weekly" in item["protocol"]
    assert item["studied"] and item["result"] and item["durability"]


def test_a_guide_footnote_says_how_it_was_identified(client):
    item = client.get("/api/v1/evidence/guide-2").json()
    assert item["guide_footnote"] == 2
    assert item["not_verified"] is True
    assert item["identification"]


def test_unknown_evidence_is_404(client):
    response = client.get("/api/v1/evidence/no-such-study")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
