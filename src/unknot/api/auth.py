"""API authentication: a bearer token, or the browser's session (with CSRF) for htmx pages.

A request that carries an ``Authorization`` header is judged by that header alone: a header
that is not a valid bearer token is a 401 and never falls back to the session. A session
counts only once it has passed every sign-in step it owes (its second factor).
"""

from __future__ import annotations

from django.utils import timezone
from ninja import Schema
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth
from pydantic import Field

from unknot.api.errors import ApiError
from unknot.apps.accounts import reauth
from unknot.apps.accounts.services import api_token_user
from unknot.apps.accounts.two_factor import Step, pending_step


class BearerToken(HttpBearer):
    def __call__(self, request):
        header = request.headers.get(self.header)
        if header is None:
            return None  # no header: the session may answer
        user = super().__call__(request) if header.strip() else None
        if not user:
            raise AuthenticationError()
        return user

    def authenticate(self, request, token: str):
        user = getattr(request, "api_token_user", None)  # set by TwoFactorMiddleware
        if user is None:
            user = api_token_user(value=token.strip(), now=timezone.now())
        if user is not None:
            request.user = user
        return user


class Session(SessionAuth):
    """The signed-in browser session; django-ninja checks the CSRF token on unsafe methods."""

    def authenticate(self, request, key):
        if "Authorization" in request.headers:
            return None
        if request.user.is_authenticated and pending_step(request.user) is not Step.NONE:
            return None
        return super().authenticate(request, key)


signed_in = [BearerToken(), Session()]
"""Use as ``auth=signed_in`` on every endpoint that needs a person."""


class ReauthIn(Schema):
    """Credentials a sensitive operation needs again in its own body."""

    password: str = Field(default="", max_length=200, description="The caller's password.")
    otp_code: str = Field(
        default="", max_length=32, description="A two-factor code, where the caller has one."
    )


def require_reauth(request, *, password: str | None, otp_code: str | None = None) -> None:
    """A sensitive API operation: the body's ``password`` (and ``otp_code``) must be right.

    Raises:
        ApiError: 403 ``reauth_required`` (missing or wrong) or 429 ``rate_limited``.
    """
    if not password:
        raise ApiError(
            403,
            "reauth_required",
            "Confirm with your password (and two-factor code) in this request.",
            field="password",
        )
    try:
        reauth.check(request, request.user, password=password, otp_code=otp_code or "")
    except reauth.ReauthFailed as error:
        if error.throttled:
            raise ApiError(
                429,
                "rate_limited",
                str(error),
                retry_after=getattr(request, "unknot_retry_after", 60),
            ) from None
        raise ApiError(403, "reauth_required", str(error), field=error.field) from None
