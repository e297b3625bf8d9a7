"""Bodies no view could read are refused up front: 413 when too large (with the limit), 400
for an unknown charset, 415 under /api/ for anything but JSON. JSON under /api/, a short page
elsewhere; never Django's HTML 400 under /api/ and never a 500."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

METHODS = ["post", "put", "patch", "delete"]
API_PATHS = ["/api/v1/waitlist", "/api/v1/auth/token", "/api/v1/bookings", "/api/v1/nowhere"]
PAGES = ["/accounts/signin/", "/questions/ask/", "/nowhere/"]
CONTENT_TYPES = [
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "multipart/form-data",
    "text/plain",
    "",
]


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


def big_body() -> bytes:
    return b"a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)


def send(client: Client, method: str, path: str, body: bytes, content_type: str, **extra):
    return getattr(client, method)(path, data=body, content_type=content_type, **extra)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("content_type", CONTENT_TYPES)
@pytest.mark.parametrize("path", API_PATHS)
def test_an_oversized_api_body_is_a_json_413_with_the_limit(client, method, content_type, path):
    response = send(client, method, path, big_body(), content_type)
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "too_large"
    assert body["limit_bytes"] == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert "2.5 MB" in body["message"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("path", PAGES)
def test_an_oversized_page_body_is_a_413_page(client, method, path):
    response = send(client, method, path, big_body(), "application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert b"larger than the limit" in response.content


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/mixed",
        "application/x-www-form-urlencoded",
        "text/plain",
        "application/xml",
        "",
    ],
)
@pytest.mark.parametrize("path", API_PATHS)
def test_a_body_that_is_not_json_is_a_json_415(client, method, content_type, path):
    response = send(client, method, path, b'{"email": "a@example.test"}', content_type)
    assert response.status_code == 415, response.content
    assert response.json()["code"] == "unsupported_media_type"
    assert "application/json" in response.json()["message"]


@pytest.mark.parametrize("path", ["/api/v1/auth/token", *PAGES])
@pytest.mark.parametrize(
    "content_type",
    ["application/json; charset=bogus", "application/x-www-form-urlencoded; charset=x"],
)
def test_an_unknown_charset_is_a_400(client, path, content_type):
    response = client.generic("POST", path, b"email=a", content_type=content_type)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json()["code"] == "bad_request"
        assert "charset" in response.json()["message"]


def test_an_empty_form_is_no_body(client):
    # What a client sends for "no data" (e.g. Django's test client): the API reads no body.
    response = client.post("/api/v1/calendar/feed")
    assert response.status_code == 401  # signed out, not a 415


def test_json_with_a_utf8_charset_is_read(client):
    response = client.post(
        "/api/v1/auth/token",
        data=b'{"email": "nobody@example.test", "password": "x"}',
        content_type="application/json; charset=utf-8",
    )
    assert response.status_code == 401
