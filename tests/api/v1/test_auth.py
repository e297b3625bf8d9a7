"""POST /api/v1/auth/signup answers the same for every address (issue 12, finding 14)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from tests.factories import finish_sign_up
from unknot.apps.accounts.models import ApiToken, User

pytestmark = pytest.mark.django_db


def signup(client, email):
    return client.post(
        "/api/v1/auth/signup",
        {"email": email, "password": "calm-Back-2026", "full_name": "Robin"},
        content_type="application/json",
    )


def test_the_answer_is_the_same_for_a_new_and_an_existing_address(client, client_user):
    existing = signup(client, "ANA@example.test")
    new = signup(client, "robin@example.test")
    assert existing.status_code == new.status_code == 202
    assert existing.json() == {
        **new.json(),
        "message": new.json()["message"].replace("robin@example.test", "ana@example.test"),
    }
    assert "token" not in new.json()
    assert not ApiToken.objects.exists()
    assert [m.to for m in mail.outbox] == [["ana@example.test"], ["robin@example.test"]]
    assert "already has one" in mail.outbox[0].body


def test_the_link_creates_the_account_which_then_gets_a_token(client):
    signup(client, "robin@example.test")
    assert not User.objects.filter(email="robin@example.test").exists()
    assert finish_sign_up(Client()).status_code == 302
    token = client.post(
        "/api/v1/auth/token",
        {"email": "robin@example.test", "password": "calm-Back-2026", "name": "phone"},
        content_type="application/json",
    )
    assert token.status_code == 200 and token.json()["name"] == "phone"


def test_bad_input_is_still_a_422_saying_what_is_wrong(client):
    response = client.post(
        "/api/v1/auth/signup",
        {"email": "not-an-email", "password": "123"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"email", "password"}
    assert not mail.outbox
