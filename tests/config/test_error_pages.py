"""Error pages are the practice site's own, with a way back: never a debug or bare page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.views import defaults

pytestmark = pytest.mark.django_db


def _assert_branded(response, status: int, heading: str) -> None:
    assert response.status_code == status
    body = response.content.decode()
    assert 'data-testid="error-page"' in body
    assert heading in body
    assert 'href="/"' in body  # the way back
    assert "Unknot" in body
    assert "Traceback" not in body and "DEBUG = True" not in body


def test_an_unknown_address_gets_the_branded_404(client):
    response = client.get("/no-such-page/")
    _assert_branded(response, 404, "We could not find that page")
    assert 'href="/book/"' in response.content.decode()


@pytest.mark.parametrize(
    ("view", "status", "heading"),
    [
        (lambda r: defaults.permission_denied(r, PermissionDenied()), 403, "You may not open"),
        (lambda r: defaults.bad_request(r, Exception()), 400, "We could not read"),
        (lambda r: defaults.server_error(r), 500, "Something went wrong on our side"),
    ],
)
def test_the_other_error_pages_are_branded(rf, view, status, heading):
    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    _assert_branded(view(request), status, heading)
