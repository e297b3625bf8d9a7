"""schemathesis against our own OpenAPI document: every operation, a bounded number of
generated requests each, signed in as a client with a bearer token.

No answer may be a server error, and every answer must match what the document promises
(body schema, content type, headers). Undocumented error statuses (401/403/404/409/422/429)
are allowed: the document lists each operation's success answers, and every error has the one
JSON shape ``{"code", "message"}`` (checked here too).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)

from tests.security.world import build_world

pytestmark = pytest.mark.django_db

EXAMPLES = 25
"""Per operation; about 60 operations run in well under three minutes."""


@pytest.fixture(autouse=True)
def keep_the_test_connection_open():
    """Requests go through the real WSGI handler, which closes database connections after each
    request and so would end the test's transaction: like Django's test client, keep it open."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db) -> str:
    world = build_world()
    return world.tokens["client"]


def _load():
    from unknot.config.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


schema = _load()


def error_has_one_shape(ctx, response, case):
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body, dict) and "code" in body and "message" in body, body
    return True


KNOWN_SCHEMA_BUGS: dict[str, str] = {}
"""Operations whose documented response schema is known to be wrong (a bug in the operation's
own module): their bodies are not checked against it until the bug is fixed. Everything
else (no 5xx, content type, headers, the error shape) is still checked."""


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_keeps_its_promises(case, token):
    checks = [
        not_a_server_error,
        content_type_conformance,
        response_headers_conformance,
        error_has_one_shape,
    ]
    if f"{case.method.upper()} {case.path}" not in KNOWN_SCHEMA_BUGS:
        checks.append(response_schema_conformance)
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=checks)
