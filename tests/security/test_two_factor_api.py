"""A session that still owes its second factor acts nowhere, whatever the headers say (issue 12,
finding 2): every API operation and every page, with junk or absent Authorization headers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from tests.security import matrix as m
from tests.security.test_permission_matrix import API, WEB, _url_for
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

JUNK_HEADERS = ["x", "Bearer", "Bearer not-a-token", "Bearer unk_forged", "Basic YTpi", "Token x"]


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def half_signed_in(world) -> Client:
    """Ben (the booking's therapist, the note's author) signed in with his password only."""
    ben = world.users["therapist"]
    TOTPDevice.objects.create(user=ben, name="Authenticator app", confirmed=True)
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": ben.email, "password": PASSWORD})
    assert response.status_code == 302 and "two-factor/verify" in response["Location"]
    return client


def _probes():
    for key, entry in API.items():
        for probe in entry if isinstance(entry, list) else [entry]:
            yield key, probe


def _call(client, key, probe, world, components, operations, **headers):
    method, path = key.split(" ", 1)
    url = path.format(**probe.kwargs(world))
    body = probe.data
    request_body = operations[key].get("requestBody", {}).get("content", {})
    if body is None and "application/json" in request_body:
        body = m.minimal_body(request_body["application/json"]["schema"], components)
    if headers:
        session = client.cookies
        client = Client(headers=headers)
        client.cookies = session
    return m.in_savepoint(
        lambda: m.send(
            client,
            method,
            url,
            body or {},
            json_body=method != "GET",
        )
    )


@pytest.fixture
def schema_parts():
    from unknot.api.urls import api

    schema = api.get_openapi_schema()
    return schema.get("components", {}).get("schemas", {}), dict(m.api_operations())


def test_no_api_operation_serves_a_half_signed_in_session_with_a_junk_header(
    world, half_signed_in, schema_parts
):
    components, operations = schema_parts
    served = []
    for key, probe in _probes():
        for header in JUNK_HEADERS:
            response = _call(
                half_signed_in, key, probe, world, components, operations, Authorization=header
            )
            if response.status_code < 300 or response.status_code >= 500:
                served.append(f"{key} with Authorization: {header!r} -> {response.status_code}")
            assert response["Content-Type"].startswith("application/json"), key
    assert not served, "\n".join(served)


def test_no_api_operation_serves_a_half_signed_in_session_without_a_header(
    world, half_signed_in, schema_parts
):
    components, operations = schema_parts
    served = []
    for key, probe in _probes():
        response = _call(half_signed_in, key, probe, world, components, operations)
        if response.status_code < 300 or response.status_code >= 500:
            served.append(f"{key} -> {response.status_code}")
    assert not served, "\n".join(served)


def test_the_soap_note_is_not_read_with_a_password_only_session(world, half_signed_in):
    booking = world.booking
    for header in JUNK_HEADERS:
        response = half_signed_in.get(f"/api/v1/notes/{booking.uid}", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
        assert response.json()["code"] == "unauthenticated"


def test_a_junk_header_never_falls_back_to_a_complete_session(world):
    """Even a fully signed-in client's session is not used when a bad header is sent: 401."""
    client = Client()
    client.force_login(world.users["client"])
    assert client.get("/api/v1/bookings").status_code == 200
    for header in JUNK_HEADERS:
        response = client.get("/api/v1/bookings", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
        assert response.json()["code"] == "unauthenticated"


def test_a_valid_token_still_works_beside_a_half_signed_in_session(world, half_signed_in):
    token = world.tokens["client"]
    response = half_signed_in.get("/api/v1/bookings", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    # ... and acts as the token's owner (the client), never as the session's therapist.
    as_client = Client().get("/api/v1/bookings", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.json() == as_client.json()
    note = half_signed_in.get(
        f"/api/v1/notes/{world.booking.uid}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert note.status_code in (403, 404)


def test_no_page_serves_a_half_signed_in_session_whatever_the_headers(world, half_signed_in):
    served = []
    for key, probes in WEB.items():
        if key.startswith(("accounts:two_factor_verify", "accounts:logout", "healthz")):
            continue
        for probe in probes:
            if probe.method != "GET":
                continue
            url = _url_for(key, world, probe)
            for header in (None, "x"):
                extra = {"HTTP_AUTHORIZATION": header} if header else {}
                response = m.in_savepoint(
                    lambda url=url, extra=extra: half_signed_in.get(url, **extra)
                )
                outcome = m.classify(response)
                location = response.get("Location", "")
                if outcome == m.OK or (outcome == m.REDIRECT and "two-factor" not in location):
                    served.append(f"GET {url} ({header}) -> {response.status_code} {location}")
    assert not served, "\n".join(served)
