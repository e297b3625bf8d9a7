"""API authentication: a bearer token, or the browser's session (with CSRF) for htmx pages."""

from __future__ import annotations

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from unknot.apps.accounts.services import api_token_user


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        user = api_token_user(value=token, now=timezone.now())
        if user is not None:
            request.user = user
        return user


class Session(SessionAuth):
    """The signed-in browser session; django-ninja checks the CSRF token on unsafe methods."""


signed_in = [BearerToken(), Session()]
"""Use as ``auth=signed_in`` on every endpoint that needs a person."""
