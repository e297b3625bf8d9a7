"""Opening health records with a reason: break-glass reads and records requests.

``POST /access/break-glass`` opens one client's records to the caller for a short window (the
front desk, a therapist who is not treating the client, an administrator);
``POST /access/records-requests`` opens a closed client's archived records to a practice owner.
Both need a ``reason``, written to the client's audit log; reads under them carry it too.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from unknot.api.auth import signed_in
from unknot.api.errors import ApiError
from unknot.apps.records import grants

router = Router(tags=["access"], auth=signed_in)


class GrantIn(Schema):
    client: str = Field(max_length=32, description="The client's uid.")
    reason: str = Field(
        min_length=grants.REASON_MIN,
        max_length=grants.REASON_MAX,
        description="Why you need the records now; the client reads it in their audit log.",
    )


class GrantOut(Schema):
    client: str
    kind: str
    reason: str
    expires_at: dt.datetime


def _out(grant) -> GrantOut:
    return GrantOut(
        client=grant.client.uid, kind=grant.kind, reason=grant.reason, expires_at=grant.expires_at
    )


def _refused(error: grants.GrantRefused) -> ApiError:
    return ApiError(422, error.code, error.message, field=error.field)


@router.post("/access/break-glass", response={201: GrantOut})
def break_glass(request: HttpRequest, payload: GrantIn):
    """Open a client of your practice's records for 30 minutes, with a reason (404 for a client
    who never booked at your practice)."""
    try:
        client = grants.access_client_for_break_glass(request.user, payload.client)
    except Http404 as error:
        raise ApiError(404, "not_found", "No such client.") from error
    try:
        grant = grants.break_glass_open(
            actor=request.user, client=client, reason=payload.reason, now=timezone.now(), via="api"
        )
    except grants.GrantRefused as error:
        raise _refused(error) from error
    return Status(201, _out(grant))


@router.post("/access/records-requests", response={201: GrantOut})
def records_request(request: HttpRequest, payload: GrantIn):
    """A practice owner opens a closed client's archived records, read-only, with a reason."""
    try:
        client = grants.access_archived_client(request.user, payload.client)
    except Http404 as error:
        raise ApiError(404, "not_found", "No such archived record.") from error
    try:
        grant = grants.records_request_open(
            owner=request.user, client=client, reason=payload.reason, now=timezone.now(), via="api"
        )
    except grants.GrantRefused as error:
        raise _refused(error) from error
    return Status(201, _out(grant))
