"""POST /api/v1/auth/signup and /api/v1/auth/token: bearer tokens for API clients."""

from __future__ import annotations

from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from ninja import Router, Schema, Status
from pydantic import Field

from unknot.api.errors import ApiError
from unknot.api.fields import PlainText
from unknot.apps.accounts.models import User
from unknot.apps.accounts.services import api_token_issue, client_sign_up

router = Router(tags=["auth"])


class SignupIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(min_length=1, max_length=128)
    full_name: PlainText = Field(default="", max_length=150)


class TokenIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=128)


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    user: str
    role: str


@router.post("/auth/signup", response={201: TokenOut}, auth=None)
def signup(request, payload: SignupIn):
    """Create a client account and return a bearer token for it."""
    email = payload.email.strip().lower()
    errors = []
    try:
        validate_email(email)
    except DjangoValidationError:
        errors.append({"field": "email", "message": "Enter a valid email address."})
    if not errors and User.objects.filter(email__iexact=email).exists():
        errors.append({"field": "email", "message": "An account with this email already exists."})
    try:
        password_validation.validate_password(
            payload.password, User(email=email, full_name=payload.full_name)
        )
    except DjangoValidationError as error:
        errors.append({"field": "password", "message": " ".join(error.messages)})
    if errors:
        raise ApiError(422, "invalid", "The sign-up details are not valid.", errors=errors)
    user = client_sign_up(email=email, password=payload.password, full_name=payload.full_name)
    return Status(201, TokenOut(token=api_token_issue(user=user), user=user.uid, role=user.role))


@router.post("/auth/token", response=TokenOut, auth=None)
def token(request, payload: TokenIn):
    """Exchange email and password for a bearer token."""
    user = authenticate(request, username=payload.email.strip().lower(), password=payload.password)
    if user is None:
        raise ApiError(401, "invalid_credentials", "Email or password is not right.")
    return TokenOut(token=api_token_issue(user=user), user=user.uid, role=user.role)
