"""API tokens (issue 12, finding 4): a name, an expiry, last use; list and revoke your own;
all of them end on a password change or reset and when two-factor is turned on or off."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.apps.accounts.test_two_factor import set_up_app
from tests.factories import PASSWORD, reauthenticate
from unknot.apps.accounts.models import ApiToken, Role, User
from unknot.apps.accounts.services import api_token_create, api_token_issue

pytestmark = pytest.mark.django_db


def bearer(value: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {value}"}


def works(client, value: str) -> bool:
    status = client.get("/api/v1/auth/tokens", **bearer(value)).status_code
    assert status in (200, 401), status
    return status == 200


def ask_token(client, user, **extra):
    return client.post(
        "/api/v1/auth/token",
        {"email": user.email, "password": PASSWORD, **extra},
        content_type="application/json",
    )


def test_a_token_gets_its_name_and_the_default_lifetime(client, client_user, settings):
    response = ask_token(client, client_user, name="My script")
    assert response.status_code == 200
    body = response.json()
    token = ApiToken.objects.get(uid=body["uid"])
    assert token.name == body["name"] == "My script"
    lifetime = token.expires_at - token.created_at
    assert lifetime == dt.timedelta(days=settings.UNKNOT_API_TOKEN_DAYS)
    assert works(client, body["token"])


def test_a_shorter_lifetime_may_be_asked_for_a_longer_one_is_refused(client, client_user, settings):
    short = ask_token(client, client_user, expires_in_days=2).json()
    token = ApiToken.objects.get(uid=short["uid"])
    assert token.expires_at - token.created_at == dt.timedelta(days=2)
    too_long = ask_token(
        client, client_user, expires_in_days=settings.UNKNOT_API_TOKEN_MAX_DAYS + 1
    )
    assert too_long.status_code == 422
    assert ApiToken.objects.count() == 1


def test_an_expired_token_authenticates_nobody(client, client_user, time_machine):
    value = api_token_issue(user=client_user, days=1)
    assert works(client, value)
    time_machine.move_to(timezone.now() + dt.timedelta(days=1, seconds=1))
    assert not works(client, value)


def test_last_use_is_recorded(client, client_user):
    token, value = api_token_create(user=client_user, name="cli")
    assert token.last_used_at is None
    works(client, value)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_list_holds_only_your_own_tokens(client, client_user, other_client_user):
    mine, value = api_token_create(user=client_user, name="mine")
    api_token_create(user=other_client_user, name="theirs")
    listed = client.get("/api/v1/auth/tokens", **bearer(value)).json()
    assert [t["uid"] for t in listed] == [mine.uid]
    assert listed[0]["name"] == "mine" and listed[0]["active"] is True
    assert "key_hash" not in listed[0] and "token" not in listed[0]


def test_revoking_your_own_token_ends_it_and_another_persons_is_404(
    client, client_user, other_client_user
):
    _, mine = api_token_create(user=client_user, name="a")
    victim, theirs = api_token_create(user=other_client_user, name="b")
    refused = client.delete(f"/api/v1/auth/tokens/{victim.uid}", **bearer(mine))
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert works(client, theirs)
    second, other_value = api_token_create(user=client_user, name="second")
    done = client.delete(f"/api/v1/auth/tokens/{second.uid}", **bearer(mine))
    assert done.status_code == 200 and done.json()["active"] is False
    assert not works(client, other_value)
    assert works(client, mine)


def test_the_page_lists_makes_and_revokes_your_tokens(client, client_user, other_client_user):
    theirs, _ = api_token_create(user=other_client_user, name="Cleo's laptop")
    client.force_login(client_user)
    made = client.post(reverse("accounts:tokens"), {"name": "Calendar sync", "days": 7})
    assert made.status_code == 200
    value = re.search(r'data-testid="new-token">([^<]+)<', made.content.decode()).group(1)
    assert works(client, value)
    page = client.get(reverse("accounts:tokens")).content.decode()
    assert "Calendar sync" in page and "Cleo&#x27;s laptop" not in page and "Cleo's" not in page
    assert value not in page  # shown once only
    token = ApiToken.objects.get(user=client_user)
    assert token.expires_at - token.created_at == dt.timedelta(days=7)
    assert client.post(reverse("accounts:token_revoke", args=[theirs.uid])).status_code == 404
    assert client.post(reverse("accounts:token_revoke", args=[token.uid])).status_code == 302
    assert not works(client, value)


def test_the_page_refuses_a_lifetime_over_the_cap(client, client_user, settings):
    client.force_login(client_user)
    days = settings.UNKNOT_API_TOKEN_MAX_DAYS + 1
    response = client.post(reverse("accounts:tokens"), {"name": "x", "days": days})
    assert response.status_code == 400 and not ApiToken.objects.exists()


# --- every token ends when the credentials change ----------------------------------------------


def test_a_password_change_revokes_every_token(client, client_user):
    values = [api_token_issue(user=client_user) for _ in range(2)]
    client.force_login(client_user)
    reauthenticate(client)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-Calm-2027",
            "new_password2": "another-Calm-2027",
        },
    )
    assert response.status_code == 302
    assert not any(works(client, v) for v in values)
    # The session that changed it stays signed in.
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_a_password_reset_revokes_every_token(client, client_user):
    value = api_token_issue(user=client_user)
    client.post(reverse("accounts:password_reset"), {"email": client_user.email})
    link = re.search(r"/accounts/reset/\S+/", mail.outbox[-1].body).group(0)
    form = client.get(link, follow=True)
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "another-Calm-2027", "new_password2": "another-Calm-2027"},
    )
    assert response.status_code == 302
    assert not works(client, value)


@pytest.fixture
def desk(practice) -> User:
    return User.objects.create_user(
        email="frontdesk@example.test",
        password=PASSWORD,
        role=Role.STAFF,
        practice=practice,
        is_staff=True,
    )


@pytest.mark.password_only
def test_turning_two_factor_on_and_off_revokes_every_token(client, practice, therapist):
    # Voluntary two-factor exists only for therapists of a practice whose owner relaxed it.
    practice.require_two_factor = False
    practice.save()
    user = therapist.user
    before = api_token_issue(user=user)
    client.force_login(user)
    device, codes = set_up_app(client, user)
    assert not works(client, before)
    during = api_token_issue(user=user, second_factor_verified=True)
    assert reauthenticate(client, code=codes[0]).status_code == 302
    assert client.post(reverse("accounts:two_factor_disable")).status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not works(client, during)


# --- the admin shows tokens and can revoke, never bring one back ----------------------------


@pytest.fixture
def owner(practice) -> User:
    return User.objects.create_user(
        email="owner@example.test",
        password=PASSWORD,
        role=Role.OWNER,
        practice=practice,
        is_staff=True,
        is_superuser=False,
    )


@pytest.fixture
def admin_client(client, db):
    root = User.objects.create_superuser(email="root@example.test", password=PASSWORD)
    client.force_login(root)
    return client


def test_the_admin_cannot_unrevoke_or_extend_a_token(admin_client, client_user):
    token, value = api_token_create(user=client_user, name="old")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    before = ApiToken.objects.values().get(pk=token.pk)
    url = reverse("admin:accounts_apitoken_change", args=[token.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="revoked_at' not in page.content.decode()
    assert 'name="expires_at' not in page.content.decode()
    later = (timezone.now() + dt.timedelta(days=3650)).strftime("%Y-%m-%d")
    admin_client.post(
        url,
        {
            "revoked_at": "",
            "revoked_at_0": "",
            "revoked_at_1": "",
            "expires_at_0": later,
            "expires_at_1": "00:00:00",
            "name": "renamed",
        },
    )
    assert ApiToken.objects.values().get(pk=token.pk) == before
    assert not works(admin_client, value)


def test_the_admin_revokes_with_an_action(admin_client, client_user):
    _, value = api_token_create(user=client_user, name="x")
    token = ApiToken.objects.get(user=client_user)
    response = admin_client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not works(admin_client, value)
