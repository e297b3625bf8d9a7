"""Every routing rule of the read-replica router, one test each.

The replica alias is configured here with ``override_settings`` only; no query is sent to it, so
these tests need no second server (the cluster tests run a real streaming replica).
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import resolve

from unknot.apps.accounts.models import User
from unknot.common import db_router
from unknot.common.db_router import (
    PIN_COOKIE,
    PRIMARY,
    REPLICA,
    ReplicaRouter,
    ReplicaRoutingMiddleware,
    read_alias,
    reads_may_lag,
)

pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


def _with_replica():
    return override_settings(
        DATABASES={**settings.DATABASES, "replica": {**settings.DATABASES["default"]}}
    )


def test_without_a_replica_every_read_is_primary_even_when_it_may_lag():
    with reads_may_lag():
        assert read_alias() == PRIMARY
        assert ReplicaRouter().db_for_read(User) == PRIMARY


def test_a_read_that_may_lag_goes_to_the_replica():
    with _with_replica(), reads_may_lag():
        assert read_alias() == REPLICA
        assert ReplicaRouter().db_for_read(User) == REPLICA


def test_a_read_that_may_not_lag_stays_primary():
    with _with_replica():
        assert read_alias() == PRIMARY
        with reads_may_lag(False):
            assert read_alias() == PRIMARY


@pytest.mark.django_db(transaction=True)
def test_a_read_inside_a_transaction_stays_primary():
    with _with_replica(), reads_may_lag():
        with transaction.atomic():
            assert read_alias() == PRIMARY
        assert read_alias() == REPLICA


def test_a_relation_followed_from_a_primary_row_stays_primary():
    row = User(email="x@example.test")
    row._state.db = PRIMARY
    with _with_replica(), reads_may_lag():
        assert ReplicaRouter().db_for_read(User, instance=row) == PRIMARY
        assert ReplicaRouter().db_for_read(User) == REPLICA


def test_writes_always_go_to_the_primary():
    with _with_replica(), reads_may_lag():
        assert ReplicaRouter().db_for_write(User) == PRIMARY


def test_only_the_primary_is_migrated():
    router = ReplicaRouter()
    assert router.allow_migrate(PRIMARY, "booking") is True
    assert router.allow_migrate(REPLICA, "booking") is False


def test_relations_between_aliases_are_allowed():
    assert ReplicaRouter().allow_relation(User(), User()) is True


# The middleware: which requests may lag, and read-your-writes pinning.


def _serve(path: str, method: str = "GET", cookies: dict | None = None, status: int = 200):
    """Run ``path`` through the middleware; the view records where its reads would go."""
    seen = {}

    def view(request):
        seen["alias"] = read_alias()
        return HttpResponse(status=status)

    request = getattr(RequestFactory(), method.lower())(path)
    request.COOKIES.update(cookies or {})
    request.resolver_match = resolve(path)
    middleware = ReplicaRoutingMiddleware(
        lambda req: middleware.process_view(req, view, (), {}) or view(req)
    )
    response = middleware(request)
    return seen["alias"], response


@pytest.mark.parametrize(
    "path", ["/therapists/", "/techniques/", "/evidence/", "/api/v1/therapists"]
)
def test_reference_pages_read_from_the_replica(path):
    with _with_replica():
        alias, _ = _serve(path)
    assert alias == REPLICA


@pytest.mark.parametrize("path", ["/book/", "/api/v1/availability", "/accounts/login/"])
def test_pages_that_decide_read_the_primary(path):
    with _with_replica():
        alias, _ = _serve(path)
    assert alias == PRIMARY


def test_an_unsafe_method_never_reads_the_replica_even_on_a_reference_page():
    with _with_replica():
        alias, _ = _serve("/therapists/", method="POST", status=405)
    assert alias == PRIMARY


def test_the_request_state_does_not_leak_into_the_next_code():
    with _with_replica():
        _serve("/therapists/")
        assert read_alias() == PRIMARY


def test_a_successful_write_pins_the_browser_to_the_primary():
    with _with_replica():
        _, response = _serve("/accounts/login/", method="POST", status=302)
        pin = response.cookies[PIN_COOKIE]
        assert pin["max-age"] == settings.REPLICA_PIN_SECONDS
        assert pin["httponly"]
        alias, _ = _serve("/therapists/", cookies={PIN_COOKIE: pin.value})
    assert alias == PRIMARY


def test_a_refused_write_does_not_pin():
    with _with_replica():
        _, response = _serve("/accounts/login/", method="POST", status=400)
    assert PIN_COOKIE not in response.cookies


def test_without_a_replica_nothing_is_pinned():
    _, response = _serve("/accounts/login/", method="POST", status=302)
    assert PIN_COOKIE not in response.cookies


def test_a_forged_pin_is_ignored():
    with _with_replica():
        alias, _ = _serve("/therapists/", cookies={PIN_COOKIE: "1:forged:signature"})
    assert alias == REPLICA


def test_an_expired_pin_is_ignored():
    signer = signing.TimestampSigner(salt=db_router._PIN_SALT)
    old = signer.sign("1")
    with _with_replica(), override_settings(REPLICA_PIN_SECONDS=-1):
        alias, _ = _serve("/therapists/", cookies={PIN_COOKIE: old})
    assert alias == REPLICA
