"""Creating bookings and programs is rate-limited per client on every entry point (pages and
API, session or bearer token); the count follows the person, not the network address."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import PASSWORD
from unknot.apps.accounts.models import User
from unknot.apps.accounts.services import api_token_issue

pytestmark = pytest.mark.django_db

LIMIT = 2

PAGES = [
    ("booking", lambda: reverse("booking:confirm", args=["swedish"])),
    ("booking", lambda: reverse("waitlist:accept", args=["no-such-offer"])),
    ("program", lambda: reverse("programs:new")),
    ("program", lambda: reverse("programs:preview")),
]
API = [
    ("booking", "/api/v1/bookings"),
    ("booking", "/api/v1/waitlist/offers/no-such-offer/accept"),
    ("program", "/api/v1/programs"),
]


@pytest.fixture(autouse=True)
def low_limits():
    cache.clear()
    with override_settings(UNKNOT_RATE_LIMITS={"booking": f"{LIMIT}/h", "program": f"{LIMIT}/h"}):
        yield
    cache.clear()


def person(n: int) -> User:
    return User.objects.create_user(email=f"c{n}@example.test", password=PASSWORD)


@pytest.mark.parametrize(("group", "url"), PAGES)
def test_every_page_that_books_is_limited_per_client(group, url):
    client = Client(raise_request_exception=False)
    client.force_login(person(1))
    for _ in range(LIMIT):
        assert client.post(url(), {}).status_code != 429
    response = client.post(url(), {})
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    # Another client on the same network has a count of their own.
    other = Client(raise_request_exception=False)
    other.force_login(person(2))
    assert other.post(url(), {}).status_code != 429


@pytest.mark.parametrize(("group", "path"), API)
def test_every_api_operation_that_books_is_limited_per_token_owner(group, path):
    user = person(1)
    tokens = [api_token_issue(user=user), api_token_issue(user=user)]
    client = Client(raise_request_exception=False)

    def call(token, ip):
        return client.post(
            path,
            "{}",
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
            REMOTE_ADDR=ip,
        )

    # Two tokens of one person from two addresses share one count.
    assert call(tokens[0], "203.0.113.1").status_code != 429
    assert call(tokens[1], "203.0.113.2").status_code != 429
    response = call(tokens[0], "203.0.113.3")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    # Someone else from the first address is not limited by it.
    assert call(api_token_issue(user=person(2)), "203.0.113.1").status_code != 429


def test_reading_and_cancelling_are_not_counted():
    user = person(1)
    token = api_token_issue(user=user)
    client = Client()
    for _ in range(LIMIT + 2):
        response = client.get("/api/v1/bookings", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
