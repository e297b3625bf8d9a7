"""Dates and times in API input are range-checked: a far date is a 422 naming its field on
every operation that reads one, never an overflow or a database error."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.security.world import build_world

pytestmark = pytest.mark.django_db

FAR = ["9999-12-31T23:59:59", "9999-12-31", "0001-01-01T00:00:00+14:00", "1899-12-31"]


@pytest.fixture
def world():
    return build_world()


def call(client, world, method, url, body=None):
    headers = {"Authorization": f"Bearer {world.tokens['client']}"}
    if body is None:
        return client.generic(method, url, headers=headers)
    return client.generic(
        method, url, json.dumps(body), content_type="application/json", headers=headers
    )


@pytest.mark.parametrize("value", FAR)
@pytest.mark.parametrize(
    ("method", "url", "field"),
    [
        ("GET", "/api/v1/availability?technique=swedish&start={v}", "start"),
        ("GET", "/api/v1/availability?technique=swedish&end={v}", "end"),
        ("GET", "/api/v1/availability/soonest?technique=swedish&start={v}", "start"),
        ("GET", "/api/v1/bookings?start={v}", "start"),
        ("GET", "/api/v1/bookings?end={v}", "end"),
        ("POST", "/api/v1/bookings", "start"),
        ("POST", "/api/v1/programs", "first_start"),
    ],
)
def test_a_far_date_is_a_422_naming_its_field(world, value, method, url, field):
    client = Client(raise_request_exception=False)
    if method == "GET":
        response = call(client, world, method, url.format(v=value.replace("+", "%2B")))
    else:
        body = {"technique": "swedish", field: value}
        response = call(client, world, method, url, body)
    assert response.status_code == 422, response.content
    body = response.json()
    fields = {body.get("field")} | {e["field"] for e in body.get("errors", [])}
    assert field in fields, body
