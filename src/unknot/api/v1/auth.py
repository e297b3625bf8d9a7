"""POST /api/v1/auth/signup (by email link) and /api/v1/auth/token: bearer tokens."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from ninja import Router, Schema, Status
from pydantic import Field

from unknot.api.errors import ApiError
from unknot.api.fields import PlainText
from unknot.apps.accounts.models import User
from unknot.apps.accounts.services import TokenLifetimeInvalid, api_token_create
from unknot.apps.accounts.signup import SignUpLimited, sign_up_start
from unknot.common.middleware import too_many_requests

router = Router(tags=["auth"])


class SignupIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(min_length=1, max_length=128)
    full_name: PlainText = Field(default="", max_length=150)


class TokenIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=128)
    name: str = Field(
        default="API client", min_length=1, max_length=100, description="To tell tokens apart."
    )
    expires_in_days: int | None = Field(
        default=None,
        ge=1,
        le=3650,
        description="Shorter than the default lifetime if you like; capped by the server.",
    )


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    user: str
    role: str
    uid: str | None = Field(default=None, description="The token's id, to revoke it.")
    name: str | None = None
    expires_at: dt.datetime | None = None


def _token_out(user, **options) -> TokenOut:
    try:
        token, value = api_token_create(user=user, **options)
    except TokenLifetimeInvalid as error:
        raise ApiError(422, "invalid", str(error), field="expires_in_days") from None
    return TokenOut(
        token=value,
        user=user.uid,
        role=user.role,
        uid=token.uid,
        name=token.name,
        expires_at=token.expires_at,
    )


class SignupStartedOut(Schema):
    status: str = "check_email"
    message: str


@router.post("/auth/signup", response={202: SignupStartedOut}, auth=None)
def signup(request, payload: SignupIn):
    """Start a client sign-up: a link goes to the address, which finishes it (then ask for a
    token with ``POST /auth/token``). The answer is the same whether or not the address
    already has an account; its owner gets an email saying so instead."""
    email = payload.email.strip().lower()
    errors = []
    try:
        validate_email(email)
    except DjangoValidationError:
        errors.append({"field": "email", "message": "Enter a valid email address."})
    try:
        password_validation.validate_password(
            payload.password, User(email=email, full_name=payload.full_name)
        )
    except DjangoValidationError as error:
        errors.append({"field": "password", "message": " ".join(error.messages)})
    if errors:
        raise ApiError(422, "invalid", "The sign-up details are not valid.", errors=errors)
    try:
        message = sign_up_start(
            request, email=email, password=payload.password, full_name=payload.full_name
        )
    except SignUpLimited as limited:
        return too_many_requests(request, limited.retry_after)
    return Status(202, SignupStartedOut(message=message))


@router.post("/auth/token", response=TokenOut, auth=None)
def token(request, payload: TokenIn):
    """Exchange email and password for a bearer token."""
    user = authenticate(request, username=payload.email.strip().lower(), password=payload.password)
    if user is None:
        raise ApiError(401, "invalid_credentials", "Email or password is not right.")
    return _token_out(user, name=payload.name, days=payload.expires_in_days)
