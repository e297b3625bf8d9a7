"""The machinery of the permission matrix: route discovery, probing and classification."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlparse

from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.world import PERSONAS, World

OK = "ok"
"""Reached the handler: 2xx, or 400/409/422 for a probe whose (empty) input is refused."""
REDIRECT = "redirect"
"""A redirect somewhere other than a sign-in page (e.g. signed-in people away from /login)."""
LOGIN = "login"
"""A redirect to the sign-in page (ours, or the admin's)."""
EXPECTABLE = {OK, REDIRECT, LOGIN, 401, 403, 404}


def row(*outcomes, **by_persona) -> dict[str, object]:
    """Outcomes in PERSONAS order, or one outcome for all plus overrides by persona name."""
    if len(outcomes) == 1 and not isinstance(outcomes[0], tuple):
        values = dict.fromkeys(PERSONAS, outcomes[0])
    else:
        assert len(outcomes) == len(PERSONAS), outcomes
        values = dict(zip(PERSONAS, outcomes, strict=True))
    for name, value in by_persona.items():
        assert name in values, name
        values[name] = value
    assert set(values.values()) <= EXPECTABLE, values
    return values


@dataclass
class Probe:
    method: str
    expect: dict[str, object]
    kwargs: Callable[[World], dict] = field(default=lambda w: {})
    data: dict | None = None


@dataclass(frozen=True)
class Route:
    key: str
    """``namespace:name`` (or the pattern, for an unnamed route)."""
    pattern: str
    converters: dict[str, str]


def _walk(resolver: URLResolver, prefix: str = "", namespace: str | None = None):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            converters = {k: type(v).__name__ for k, v in entry.pattern.converters.items()}
            regex = entry.pattern.regex.pattern if hasattr(entry.pattern, "regex") else ""
            for group in re.findall(r"\(\?P<(\w+)>\\d\+\)", regex):
                converters[group] = "IntConverter"
            yield Route(key=name or pattern, pattern=pattern, converters=converters)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver()))


def api_operations() -> list[tuple[str, dict]]:
    """Every operation of the OpenAPI document as ("METHOD /path", operation)."""
    from unknot.api.urls import api

    schema = api.get_openapi_schema()
    ops = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            ops.append((f"{method.upper()} {path}", operation))
    return ops


def login_paths() -> set[str]:
    return {reverse("accounts:login"), reverse("admin:login")}


def classify(response, *, admin: bool = False) -> object:
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if status in (401, 403, 404):
        return status
    if 300 <= status < 400:
        target = urlparse(response["Location"]).path
        if target in login_paths():
            return LOGIN
        if admin and target == reverse("admin:index"):
            # The admin's way of saying "no such object (for you)": back to its index.
            return 404
        return REDIRECT
    if status in (200, 201, 202, 204, 400, 409, 410, 422):
        if response.get("HX-Redirect") and urlparse(response["HX-Redirect"]).path in login_paths():
            return LOGIN
        return OK
    return f"unexpected {status}"


class Personas:
    """A signed-in session and a bearer token per persona."""

    def __init__(self, world: World):
        self.world = world
        self.cookies: dict[str, str | None] = {}
        for name, user in world.users.items():
            if user is None:
                self.cookies[name] = None
                continue
            client = Client()
            client.force_login(user)
            self.cookies[name] = client.cookies["sessionid"].value

    def web(self, persona: str) -> Client:
        client = Client()
        if self.cookies[persona]:
            client.cookies["sessionid"] = self.cookies[persona]
        return client

    def api(self, persona: str) -> Client:
        token = self.world.tokens[persona]
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return Client(headers=headers)


def in_savepoint(call: Callable[[], object]):
    """Run one probe and roll back whatever it wrote, so probes never affect each other.

    The cache is emptied first: rate limits counted by earlier probes (all from one test IP)
    must not answer 429 in place of the access rule under test.
    """
    cache.clear()
    with transaction.atomic():
        response = call()
        transaction.set_rollback(True)
    return response


def send(client: Client, method: str, url: str, data, *, json_body: bool):
    if method == "GET":
        return client.get(url, data or {})
    kwargs = {"content_type": "application/json"} if json_body else {}
    payload = data if data is not None else ({} if json_body else {})
    return getattr(client, method.lower())(url, payload, **kwargs)


def _resolve(schema: dict, components: dict) -> dict:
    if "$ref" in schema:
        return _resolve(components[schema["$ref"].rsplit("/", 1)[1]], components)
    return schema


def minimal_body(schema: dict, components: dict) -> object:
    """The smallest body the schema accepts: required fields with plain values.

    Enough to get past input validation, so the probe reaches the endpoint's access check.
    """
    schema = _resolve(schema, components)
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            options = [_resolve(s, components) for s in schema[combinator]]
            chosen = next((s for s in options if s.get("type") != "null"), options[0])
            return minimal_body(chosen, components)
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {k: minimal_body(props[k], components) for k in schema.get("required", [])}
    if kind == "array":
        return [minimal_body(schema.get("items", {}), components)] * schema.get("minItems", 0)
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return float(max(schema.get("minimum", 1), 1))
    if kind == "boolean":
        return False
    if kind == "string":
        if schema.get("format") == "date-time":
            return "2030-01-07T10:00:00+00:00"
        if schema.get("format") == "date":
            return "2030-01-07"
        return "x" * max(1, schema.get("minLength", 1))
    return {}
