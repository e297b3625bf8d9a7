"""Every list, map and string an API caller sends is bounded in the OpenAPI document (and so
refused past its bound by the schema), and error answers stay small however many problems a
request has: at most ``MAX_ERRORS`` listed, with the total."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from unknot.api.errors import MAX_ERRORS

pytestmark = pytest.mark.django_db


def _document() -> dict:
    from unknot.api.urls import api

    return api.get_openapi_schema()


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _walk(schema: dict, components: dict, path: str, seen: frozenset = frozenset()):
    """Every (path, schema) below ``schema``: arrays, objects, strings."""
    ref = schema.get("$ref")
    if ref in seen:
        return
    seen = seen | {ref} if ref else seen
    schema = _resolve(schema, components)
    yield path, schema
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            yield from _walk(option, components, path, seen)
    if schema.get("type") == "array" and "items" in schema:
        yield from _walk(schema["items"], components, f"{path}[]", seen)
    for name, sub in schema.get("properties", {}).items():
        yield from _walk(sub, components, f"{path}.{name}", seen)
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        yield from _walk(extra, components, f"{path}{{}}", seen)


def _request_fields():
    document = _document()
    components = document.get("components", {}).get("schemas", {})
    for route, operations in document["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                for path, schema in _walk(body["schema"], components, "body"):
                    yield f"{method.upper()} {route} {path}", schema
            for parameter in operation.get("parameters", []):
                for path, schema in _walk(parameter["schema"], components, parameter["name"]):
                    yield f"{method.upper()} {route} {path}", schema


FIELDS = sorted(_request_fields(), key=lambda item: item[0])


@pytest.mark.parametrize(
    ("where", "schema"), [f for f in FIELDS if f[1].get("type") == "array"], ids=lambda v: v
)
def test_every_input_list_has_a_maximum_length(where, schema):
    assert "maxItems" in schema, where


@pytest.mark.parametrize(
    ("where", "schema"),
    [
        f
        for f in FIELDS
        if f[1].get("type") == "object" and f[1].get("additionalProperties") not in (None, False)
    ],
    ids=lambda v: v,
)
def test_every_input_map_has_a_maximum_size(where, schema):
    assert "maxProperties" in schema, where


@pytest.mark.parametrize(
    ("where", "schema"),
    [f for f in FIELDS if " body" in f[0] and f[1].get("type") == "string" and "enum" not in f[1]],
    ids=lambda v: v,
)
def test_every_body_string_has_a_maximum_length(where, schema):
    assert "maxLength" in schema or "format" in schema, where


def test_twenty_thousand_unknown_values_get_a_small_answer():
    intake = {"regions": [f"nowhere-{i}" for i in range(20_000)]}
    response = Client().post(
        "/api/v1/assessments", json.dumps(intake), content_type="application/json"
    )
    assert response.status_code == 422
    assert len(response.content) < 32_000, len(response.content)
    body = response.json()
    assert len(body["errors"]) <= MAX_ERRORS
    assert body["errors_total"] >= 1


def test_a_schema_error_list_is_capped_with_its_total():
    # 10 phases, each with every field wrong: 40 problems, more than are listed.
    phases = [{"name": 1, "sessions": "x", "every_days": "x", "session_minutes": "x"}] * 10
    from tests.security.world import build_world

    token = build_world().tokens["client"]
    response = Client().post(
        "/api/v1/programs",
        json.dumps({"technique": "swedish", "first_start": "x", "phases": phases}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422
    body = response.json()
    assert len(body["errors"]) <= MAX_ERRORS
    assert body["errors_total"] >= len(body["errors"])
    assert all(len(e["message"]) <= 300 for e in body["errors"])


def test_a_sites_map_larger_than_the_catalogue_is_refused_briefly(client):
    sites = {f"c{n}": ["left-leg"] for n in range(5000)}
    response = client.post(
        "/api/v1/assessments",
        {"health": {"sites": sites}},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert len(response.content) < 5000
    assert "health.sites" in response.content.decode()
