"""Every number a caller puts in a query string is bounded in the OpenAPI document and
refused with a 422 past its bound: pagination is one shared schema, so a huge offset never
reaches the database (it was a 500)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.security.world import build_world
from unknot.api.pagination import MAX_OFFSET

pytestmark = pytest.mark.django_db


def _document() -> dict:
    from unknot.api.urls import api

    return api.get_openapi_schema()


def _query_parameters():
    for path, operations in _document()["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    yield method.upper(), path, parameter


def _paginated():
    return sorted(
        {(m, p) for m, p, parameter in _query_parameters() if parameter["name"] == "offset"}
    )


def test_the_list_endpoints_paginate():
    assert ("GET", "/api/v1/assessments") in _paginated()
    assert ("GET", "/api/v1/bookings") in _paginated()


@pytest.mark.parametrize(
    ("method", "path", "name"),
    sorted(
        (m, p, parameter["name"])
        for m, p, parameter in _query_parameters()
        if parameter["schema"].get("type") == "integer"
    ),
)
def test_every_integer_query_parameter_has_both_bounds(method, path, name):
    parameter = next(
        q for m, p, q in _query_parameters() if (m, p, q["name"]) == (method, path, name)
    )
    assert "minimum" in parameter["schema"] and "maximum" in parameter["schema"], parameter


@pytest.mark.parametrize(("method", "path"), _paginated())
@pytest.mark.parametrize("offset", ["94564961681676083134464", str(2**63), str(MAX_OFFSET + 1)])
def test_an_offset_past_the_bound_is_a_422(method, path, offset):
    world = build_world()
    client = Client(raise_request_exception=False)
    response = client.generic(
        method,
        f"{path}?offset={offset}",
        headers={"Authorization": f"Bearer {world.tokens['client']}"},
    )
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == "offset"


@pytest.mark.parametrize(("method", "path"), _paginated())
def test_an_offset_at_the_bound_is_an_empty_page(method, path):
    world = build_world()
    response = Client().generic(
        method,
        f"{path}?offset={MAX_OFFSET}",
        headers={"Authorization": f"Bearer {world.tokens['client']}"},
    )
    assert response.status_code == 200
    assert response.json()["items"] == []
