"""Sign-in throttling (django-axes): the sign-in page, the admin and the token endpoint."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("limit_of_three")]


@pytest.fixture
def limit_of_three():
    with override_settings(AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=0.25):
        yield


def web_sign_in(client, email, password, ip="203.0.113.7"):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ip
    )


def test_three_wrong_passwords_pause_sign_in_even_with_the_right_one(client, client_user):
    for _ in range(2):
        assert web_sign_in(client, client_user.email, "wrong").status_code == 400
    locked = web_sign_in(client, client_user.email, "wrong")
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()
    assert locked["Retry-After"] == "900"
    right = web_sign_in(client, client_user.email, PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_count_is_per_account_and_address_and_ignores_case(client, client_user, staff_user):
    for email in ("ANA@example.test", " ana@example.test", "Ana@Example.Test"):
        web_sign_in(client, email, "wrong")
    assert web_sign_in(client, client_user.email, PASSWORD).status_code == 429
    # Another address may still sign in to the same account; another account is unaffected.
    assert web_sign_in(client, client_user.email, PASSWORD, ip="198.51.100.2").status_code == 302
    client.logout()
    assert web_sign_in(client, staff_user.email, PASSWORD).status_code == 302


def test_a_successful_sign_in_resets_the_count(client, client_user):
    web_sign_in(client, client_user.email, "wrong")
    web_sign_in(client, client_user.email, "wrong")
    assert web_sign_in(client, client_user.email, PASSWORD).status_code == 302
    client.logout()
    web_sign_in(client, client_user.email, "wrong")
    web_sign_in(client, client_user.email, "wrong")
    assert web_sign_in(client, client_user.email, PASSWORD).status_code == 302


def test_the_admin_sign_in_is_throttled_too(client, staff_user):
    url = reverse("admin:login")
    for _ in range(2):
        response = client.post(url, {"username": staff_user.email, "password": "wrong"})
        assert response.status_code == 200
    assert client.post(url, {"username": staff_user.email, "password": "x"}).status_code == 429
    locked = client.post(url, {"username": staff_user.email, "password": PASSWORD})
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()


def test_the_token_endpoint_answers_429_json_when_locked(client, client_user):
    def token(password):
        return client.post(
            "/api/v1/auth/token",
            {"email": client_user.email, "password": password},
            content_type="application/json",
        )

    for _ in range(2):
        assert token("wrong").status_code == 401
    assert token("wrong").status_code == 429
    locked = token(PASSWORD)
    assert locked.status_code == 429
    body = locked.json()
    assert body["code"] == "locked_out"
    assert "paused" in body["message"]
    assert locked["Retry-After"] == "900"
    assert AccessAttempt.objects.filter(username=client_user.email).exists()


def test_programmatic_sign_in_without_a_request_is_not_refused(client, client_user):
    assert client.login(email=client_user.email, password=PASSWORD)
