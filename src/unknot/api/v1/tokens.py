"""GET /api/v1/auth/tokens and DELETE /api/v1/auth/tokens/{uid}: the caller's own API tokens."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from unknot.api.auth import signed_in
from unknot.api.errors import ApiError
from unknot.apps.accounts import selectors, services
from unknot.apps.accounts.models import ApiToken

router = Router(tags=["auth"], auth=signed_in)


class ApiTokenOut(Schema):
    uid: str
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    active: bool


def token_out(token: ApiToken, now: dt.datetime) -> ApiTokenOut:
    return ApiTokenOut(
        uid=token.uid,
        name=token.name,
        prefix=token.prefix,
        created_at=token.created_at,
        expires_at=token.expires_at,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
        active=token.is_active(now),
    )


@router.get("/auth/tokens", response=list[ApiTokenOut])
def list_tokens(request: HttpRequest):
    """The caller's own tokens, newest first, with the ones that ended (expired or revoked)."""
    now = timezone.now()
    return [token_out(t, now) for t in selectors.api_token_list(request.user)]


@router.delete("/auth/tokens/{uid}", response=ApiTokenOut)
def revoke_token(request: HttpRequest, uid: str):
    """Revoke one of the caller's tokens at once (another person's token is a 404)."""
    now = timezone.now()
    try:
        token = services.api_token_revoke(user=request.user, uid=uid, now=now)
    except ApiToken.DoesNotExist:
        raise ApiError(404, "not_found", "No such token.") from None
    return token_out(token, now)
