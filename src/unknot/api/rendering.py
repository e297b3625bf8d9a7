"""Answers for the hot read endpoints, rendered without a second pass through pydantic.

django-ninja validates a returned object against the operation's response schema and then
renders it. For availability that validation cost more than finding the slots (a week of slots
is a few hundred small objects; see docs/benchmarks.md). Endpoints whose payload is built here
from already-typed values return ``json_response(payload)`` instead: the same renderer, the same
bytes, and the schema still documents the answer. tests/api/v1/test_availability.py and the
schemathesis run check every such answer against that schema.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from ninja.renderers import JSONRenderer

_renderer = JSONRenderer()


def json_response(payload: Any, status: int = 200) -> HttpResponse:
    body = _renderer.render(None, payload, response_status=status)
    return HttpResponse(
        body, status=status, content_type=f"{_renderer.media_type}; charset={_renderer.charset}"
    )
