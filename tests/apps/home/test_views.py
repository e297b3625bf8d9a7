from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import make_therapist

pytestmark = pytest.mark.django_db


def test_home_shows_the_seven_techniques_and_the_practice(client, practice, service):
    make_therapist(practice, "ben-carter", techniques=("swedish",))
    response = client.get(reverse("home:index"))
    assert response.status_code == 200
    body = response.content.decode()
    for name in ["Swedish massage", "Trigger point therapy", "Thai yoga massage", "Shiatsu"]:
        assert name in body
    assert "Test Practice" in body
    swedish = next(t for t in response.context["techniques"] if t.slug == "swedish")
    assert swedish.therapist_count == 1
    assert Decimal(swedish.from_price) == Decimal("60.00")


def test_pages_have_landmarks_and_a_skip_link(client, db):
    body = client.get(reverse("home:index")).content.decode()
    assert '<main id="main"' in body
    assert 'href="#main"' in body
    assert "<header>" in body and "<footer" in body
    assert '<html lang="en">' in body


def test_assets_are_served_locally(client, db):
    body = client.get(reverse("home:index")).content.decode()
    assert "/static/vendor/bootstrap-5.3.9/bootstrap.min.css" in body
    assert "/static/vendor/htmx-2.0.11/htmx.min.js" in body
    assert "cdn" not in body.lower()
    assert "https://" not in body.split("<body")[0]


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_fails(client, db, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("server closed the connection")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
