"""Answers for the hot read endpoints, rendered without a second pass through pydantic.

django-ninja validates a returned object against the operation's response schema and then
renders it. For availability that validation cost more than finding the slots (a week of slots
is a few hundred small objects; see docs/benchmarks.md). Endpoints whose payload is built here
from already-typed values return ``json_response(payload)`` instead: the same renderer, the same
bytes, and the schema still documents the answer. tests/api/v1/test_availability.py and the
schemathesis run check every such answer against that schema.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpResponse
from ninja.renderers import JSONRenderer

_renderer = JSONRenderer()


def json_instant(value: dt.datetime) -> str:
    """An instant as the API renders it everywhere: Django's JSON encoder's rule (milliseconds,
    "Z" for UTC), written out because its ``default`` costs a chain of type checks per value."""
    text = value.isoformat()
    if value.microsecond:
        text = text[:23] + text[26:]
    if text.endswith("+00:00"):
        text = text[:-6] + "Z"
    return text


def json_response(payload: Any, status: int = 200) -> HttpResponse:
    """``payload`` rendered as ninja's renderer would; plain JSON values take the C encoder."""
    try:
        body = json.dumps(payload, **_renderer.json_dumps_params)
    except TypeError:  # a datetime, Decimal, ...: the renderer's encoder knows them
        body = _renderer.render(None, payload, response_status=status)
    return HttpResponse(
        body, status=status, content_type=f"{_renderer.media_type}; charset={_renderer.charset}"
    )
