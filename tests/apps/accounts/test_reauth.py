"""Re-authentication before sensitive actions (issue 12, finding 9): every such action, on the
pages and in the API, x (none, stale, wrong password, wrong code, fresh)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from tests.apps.accounts.test_two_factor import set_up_app
from tests.factories import PASSWORD, reauthenticate
from unknot.apps.accounts.models import Role, User
from unknot.apps.accounts.services import api_token_issue
from unknot.apps.records.models import AccountClosure

# The front desk sets up its authenticator on the page here, as a person would: force_login
# must not have done it for them.
pytestmark = [pytest.mark.django_db, pytest.mark.password_only]

REAUTH = "/accounts/confirm-it-is-you/"


@pytest.fixture
def desk(practice) -> User:
    return User.objects.create_user(
        email="frontdesk@example.test",
        password=PASSWORD,
        role=Role.STAFF,
        practice=practice,
        is_staff=True,
    )


@pytest.fixture
def people(client, client_user, desk):
    """The client signed in; the front desk signed in (another client) with two-factor on."""
    from django.test import Client

    ana = Client()
    ana.force_login(client_user)
    desk_client = Client()
    desk_client.force_login(desk)
    _, codes = set_up_app(desk_client, desk)
    return {"client": (ana, client_user, []), "desk": (desk_client, desk, codes)}


# (person, method, url name): every sensitive page action.
PAGE_ACTIONS = [
    ("desk", "post", "accounts:two_factor_disable"),
    ("desk", "post", "accounts:two_factor_recovery_codes"),
    ("desk", "get", "accounts:email_change"),
    ("desk", "post", "accounts:email_change"),
    ("desk", "get", "accounts:password_change"),
    ("desk", "post", "accounts:password_change"),
    ("client", "get", "accounts:email_change"),
    ("client", "post", "accounts:email_change"),
    ("client", "get", "accounts:password_change"),
    ("client", "post", "accounts:password_change"),
    ("client", "get", "records:export"),
    ("client", "get", "records:export_json"),
    ("client", "get", "records:close"),
    ("client", "post", "records:close"),
]
IDS = [f"{who}-{method}-{name}" for who, method, name in PAGE_ACTIONS]


def _act(client, method, name):
    return getattr(client, method)(reverse(name), {})


def _sent_to_reauth(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(REAUTH)


def _served(response) -> bool:
    if response.status_code in (200, 400):
        return True
    return response.status_code == 302 and not response["Location"].startswith(REAUTH)


def _code(codes):
    return codes.pop() if codes else ""


@pytest.mark.parametrize(("who", "method", "name"), PAGE_ACTIONS, ids=IDS)
def test_without_reauthentication_the_action_sends_you_to_do_it(people, who, method, name):
    client, _, _ = people[who]
    response = _act(client, method, name)
    assert _sent_to_reauth(response)
    assert not AccountClosure.objects.exists()


@pytest.mark.parametrize(("who", "method", "name"), PAGE_ACTIONS, ids=IDS)
def test_a_stale_reauthentication_is_not_enough(people, who, method, name, settings, time_machine):
    client, _, codes = people[who]
    assert reauthenticate(client, code=_code(codes)).status_code == 302
    time_machine.move_to(timezone.now() + dt.timedelta(minutes=settings.UNKNOT_REAUTH_MINUTES + 1))
    assert _sent_to_reauth(_act(client, method, name))


@pytest.mark.parametrize(("who", "method", "name"), PAGE_ACTIONS, ids=IDS)
def test_a_wrong_password_does_not_count(people, who, method, name):
    client, _, codes = people[who]
    assert reauthenticate(client, password="wrong", code=_code(codes)).status_code == 400
    assert _sent_to_reauth(_act(client, method, name))


@pytest.mark.parametrize(("who", "method", "name"), [a for a in PAGE_ACTIONS if a[0] == "desk"])
def test_with_two_factor_the_password_alone_does_not_count(people, who, method, name):
    client, _, _ = people[who]
    assert reauthenticate(client).status_code == 400  # no code
    assert reauthenticate(client, code="00000000").status_code == 400  # a wrong one
    assert _sent_to_reauth(_act(client, method, name))


@pytest.mark.parametrize(("who", "method", "name"), PAGE_ACTIONS, ids=IDS)
def test_a_fresh_reauthentication_lets_the_action_run(people, who, method, name):
    client, _, codes = people[who]
    done = reauthenticate(client, code=_code(codes))
    assert done.status_code == 302
    assert _served(_act(client, method, name))


def test_after_reauthenticating_you_return_to_the_page(people):
    client, _, _ = people["client"]
    page = reverse("records:export")
    first = client.get(page)
    assert first["Location"] == f"{REAUTH}?{urlencode({'next': page})}"
    back = client.post(first["Location"], {"password": PASSWORD})
    assert back["Location"] == page


def test_the_next_address_must_be_ours(people):
    client, _, _ = people["client"]
    response = client.post(f"{REAUTH}?next=https://evil.example/", {"password": PASSWORD})
    assert response["Location"] == reverse("accounts:profile")


# --- the API: the credentials come in the body of the call itself -----------------------------


def _api(client, method, url, token, body):
    return getattr(client, method)(
        url,
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


API_ACTIONS = [("post", "/api/v1/me/export"), ("delete", "/api/v1/me")]


@pytest.mark.parametrize(("method", "url"), API_ACTIONS)
@pytest.mark.parametrize("body", [{}, {"password": ""}, {"password": "wrong"}])
def test_the_api_refuses_without_the_right_password(client, client_user, method, url, body):
    token = api_token_issue(user=client_user)
    response = _api(client, method, url, token, body)
    assert response.status_code == 403
    assert response.json()["code"] == "reauth_required"
    assert not AccountClosure.objects.exists()
    assert User.objects.filter(pk=client_user.pk, is_active=True).exists()


@pytest.mark.parametrize(("method", "url"), API_ACTIONS)
def test_the_api_runs_with_the_password(client, client_user, method, url):
    token = api_token_issue(user=client_user)
    response = _api(client, method, url, token, {"password": PASSWORD})
    assert response.status_code == 200


def test_a_fresh_page_reauthentication_does_not_stand_in_for_the_api_password(people):
    client, user, _ = people["client"]
    reauthenticate(client)
    token = api_token_issue(user=user)
    assert _api(client, "post", "/api/v1/me/export", token, {}).status_code == 403
