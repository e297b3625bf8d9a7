"""Password spraying and every sign-up path (issue 12, findings 11-13).

Failed credential checks are counted per client address across every account, at every
place that checks a password or a second-factor code; sign-ups are counted in one place that
every sign-up path goes through.
"""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, add_weekday_hours
from unknot.apps.accounts.models import Role, User
from unknot.apps.accounts.services import api_token_issue

# Signing in here stops at the password: the second factor is one of the checks counted.
pytestmark = [pytest.mark.django_db, pytest.mark.password_only]

IP = "203.0.113.50"
FAILURES_ALLOWED = 3
LIMITS = {
    "signup": "2/h",
    "password-reset": "100/h",
    "assessment": "100/h",
    "questions": "100/h",
    "two-factor": "100/h",
    "sign-in": f"{FAILURES_ALLOWED}/h",
}


@pytest.fixture(autouse=True)
def low_limits():
    cache.clear()
    # The per-account lock-out stays far away, so only the per-address count can bite.
    with override_settings(UNKNOT_RATE_LIMITS=LIMITS, AXES_FAILURE_LIMIT=100):
        yield
    cache.clear()


@pytest.fixture
def slot(therapist, service):
    add_weekday_hours(therapist)
    day = timezone.now().astimezone(ZoneInfo("Europe/London")).date() + dt.timedelta(days=3)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    start = dt.datetime.combine(day, dt.time(10), tzinfo=ZoneInfo("Europe/London"))
    return {"duration": 60, "therapist": therapist.uid, "start": start.isoformat()}


def _victims(n: int) -> list[User]:
    return [
        User.objects.create_user(email=f"v{i}@example.test", password=PASSWORD) for i in range(n)
    ]


# --- every place a credential is checked: (client, user, right?) -> response ------------------


def html_login(client, user, right, **_):
    return client.post(
        reverse("accounts:login"),
        {"username": user.email, "password": PASSWORD if right else "wrong"},
        REMOTE_ADDR=IP,
    )


def booking_sign_in(client, user, right, slot=None, **_):
    return client.post(
        reverse("booking:confirm", args=["swedish"]),
        {
            "step": "signin",
            **slot,
            "signin-username": user.email,
            "signin-password": PASSWORD if right else "wrong",
        },
        REMOTE_ADDR=IP,
    )


def api_token(client, user, right, **_):
    return client.post(
        "/api/v1/auth/token",
        {"email": user.email, "password": PASSWORD if right else "wrong"},
        content_type="application/json",
        REMOTE_ADDR=IP,
    )


def api_delete_me(client, user, right, **_):
    token = api_token_issue(user=user)
    return client.delete(
        "/api/v1/me",
        data=json.dumps({"password": PASSWORD if right else "wrong"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        REMOTE_ADDR=IP,
    )


def reauth_page(client, user, right, **_):
    client.force_login(user)
    return client.post(
        reverse("accounts:reauth"), {"password": PASSWORD if right else "wrong"}, REMOTE_ADDR=IP
    )


def two_factor_verify(client, user, right, **_):
    user.role, user.practice = Role.THERAPIST, _practice()
    user.save()
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    if right:
        from tests.apps.accounts.test_two_factor import code_for

        code = code_for(device)
    else:
        code = "000000"
    return client.post(reverse("accounts:two_factor_verify"), {"code": code}, REMOTE_ADDR=IP)


def _practice():
    from unknot.apps.practices.models import Practice

    return Practice.objects.get(slug="test-practice")


CHECKS = [html_login, booking_sign_in, api_token, api_delete_me, reauth_page, two_factor_verify]


def _refused(response) -> bool:
    return response.status_code == 429


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_failures_here_count_against_the_address_across_accounts(client, slot, check):
    victims = _victims(FAILURES_ALLOWED + 1)
    for victim in victims[:FAILURES_ALLOWED]:
        response = check(client, victim, False, slot=slot)
        assert not _refused(response), response.status_code
        client.logout()
    # A different account, the right password, the ordinary sign-in page: paused.
    blocked = html_login(client, victims[-1], True)
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    other = client.post(
        reverse("accounts:login"),
        {"username": victims[-1].email, "password": PASSWORD},
        REMOTE_ADDR="198.51.100.77",
    )
    assert other.status_code == 302


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_once_the_address_is_paused_this_check_refuses_even_the_right_credential(
    client, slot, check, practice
):
    victims = _victims(FAILURES_ALLOWED + 1)
    for victim in victims[:FAILURES_ALLOWED]:
        html_login(client, victim, False)
    response = check(client, victims[-1], True, slot=slot)
    assert response.status_code == 429, response.status_code
    if check is api_delete_me:
        assert User.objects.filter(pk=victims[-1].pk, is_active=True).exists()


def test_a_success_does_not_count(client):
    (ana,) = _victims(1)
    for _ in range(FAILURES_ALLOWED + 2):
        assert html_login(client, ana, True).status_code == 302
        client.logout()


# --- finding 11: every sign-up path shares one count ---------------------------------------------


def _web_sign_up(client, n, slot):
    return client.post(
        reverse("accounts:signup"),
        {"full_name": "P", "email": f"web{n}@example.test", "password": "calm-Back-2026"},
        REMOTE_ADDR=IP,
    )


def _booking_sign_up(client, n, slot):
    return client.post(
        reverse("booking:confirm", args=["swedish"]),
        {
            "step": "signup",
            **slot,
            "signup-full_name": "P",
            "signup-email": f"book{n}@example.test",
            "signup-password": "calm-Back-2026",
        },
        REMOTE_ADDR=IP,
    )


def _api_sign_up(client, n, slot):
    return client.post(
        "/api/v1/auth/signup",
        {"email": f"api{n}@example.test", "password": "calm-Back-2026"},
        content_type="application/json",
        REMOTE_ADDR=IP,
    )


SIGN_UPS = [_web_sign_up, _booking_sign_up, _api_sign_up]


@pytest.mark.parametrize("sign_up", SIGN_UPS, ids=lambda f: f.__name__.strip("_"))
def test_every_sign_up_path_goes_through_the_one_limit(client, slot, sign_up):
    others = [s for s in SIGN_UPS if s is not sign_up]
    for n, other in enumerate(others):
        assert other(client, n, slot).status_code in (200, 202)
    refused = sign_up(client, 9, slot)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert len(mail.outbox) == 2  # nothing sent for the refused one
