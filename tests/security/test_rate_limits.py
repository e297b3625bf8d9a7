"""Rate limits on public forms: sign-up, password reset, the self-assessment (web and API)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from unknot.apps.accounts.models import User
from unknot.common import ratelimit

pytestmark = pytest.mark.django_db

LOW = {
    "signup": "2/h",
    "password-reset": "2/h",
    "assessment": "3/m",
    "questions": "2/h",
    "two-factor": "2/h",
    "sign-in": "3/h",
    "booking": "2/h",
    "program": "2/h",
}


@pytest.fixture(autouse=True)
def low_limits():
    cache.clear()
    with override_settings(UNKNOT_RATE_LIMITS=LOW):
        yield
    cache.clear()


def signup_form(n: int) -> dict:
    return {"full_name": f"Person {n}", "email": f"p{n}@example.test", "password": "calm-Back-2026"}


def test_web_sign_up_answers_429_with_a_clear_page_and_stores_nothing(client):
    for n in range(2):
        assert client.post(reverse("accounts:signup"), signup_form(n)).status_code == 200
        client.logout()
    response = client.post(reverse("accounts:signup"), signup_form(3))
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert "try again in" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert not User.objects.filter(email="p3@example.test").exists()
    assert len(mail.outbox) == 2  # no link for the refused one
    # Reading the form is not counted.
    assert client.get(reverse("accounts:signup")).status_code == 200


def test_api_sign_up_answers_429_json(client):
    def api_signup(n):
        return client.post(
            "/api/v1/auth/signup",
            {"email": f"a{n}@example.test", "password": "calm-Back-2026"},
            content_type="application/json",
        )

    assert api_signup(1).status_code == 202
    assert api_signup(2).status_code == 202
    response = api_signup(3)
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "rate_limited"
    assert "try again" in body["message"]
    assert body["retry_after"] == int(response["Retry-After"])
    assert not User.objects.filter(email="a3@example.test").exists()


def test_web_and_api_sign_up_share_one_count(client):
    client.post(reverse("accounts:signup"), signup_form(1))
    client.logout()
    client.post(
        "/api/v1/auth/signup",
        {"email": "b@example.test", "password": "calm-Back-2026"},
        content_type="application/json",
    )
    assert client.post(reverse("accounts:signup"), signup_form(2)).status_code == 429


def test_password_reset_is_limited(client, client_user):
    url = reverse("accounts:password_reset")
    for _ in range(2):
        assert client.post(url, {"email": client_user.email}).status_code == 302
    assert client.post(url, {"email": client_user.email}).status_code == 429


def test_assessment_steps_and_the_api_share_the_assessment_limit(client):
    from unknot.apps.guide.forms import STEPS

    step = reverse("assessment:step", args=[STEPS[0].slug])
    assert client.post(step, {}).status_code in (200, 302, 400)
    assert client.post(step, {}).status_code in (200, 302, 400)
    api = client.post("/api/v1/assessments", {}, content_type="application/json")
    assert api.status_code in (200, 201, 422)
    limited_api = client.post("/api/v1/assessments", {}, content_type="application/json")
    assert limited_api.status_code == 429 and limited_api.json()["code"] == "rate_limited"
    assert client.post(step, {}).status_code == 429
    # Walking through the steps with GET is never limited.
    assert client.get(step).status_code == 200


def test_limits_count_per_client_address(client):
    for n in range(2):
        client.post(reverse("accounts:signup"), signup_form(n), REMOTE_ADDR="192.0.2.1")
        client.logout()
    blocked = client.post(reverse("accounts:signup"), signup_form(5), REMOTE_ADDR="192.0.2.1")
    assert blocked.status_code == 429
    other = client.post(reverse("accounts:signup"), signup_form(6), REMOTE_ADDR="192.0.2.2")
    assert other.status_code == 200


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_load_balancer_the_forwarded_address_counts_and_spoofing_does_not_help(client):
    def post(n, forwarded):
        return client.post(
            reverse("accounts:signup"),
            signup_form(n),
            REMOTE_ADDR="10.0.0.5",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    post(1, "198.51.100.9")
    client.logout()
    post(2, "1.2.3.4, 198.51.100.9")  # a forged left-most entry is not believed
    client.logout()
    assert post(3, "5.6.7.8, 198.51.100.9").status_code == 429
    assert post(4, "198.51.100.10").status_code == 200  # another client behind the same LB


def test_every_rule_has_a_limit_in_settings():
    from django.conf import settings

    for rule in ratelimit.RULES:
        assert rule.group in settings.UNKNOT_RATE_LIMITS, rule.group
