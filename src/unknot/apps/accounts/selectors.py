"""Reads of accounts for pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from unknot.apps.accounts.models import ApiToken, User


def api_token_list(user: User) -> QuerySet[ApiToken]:
    """The person's own tokens, newest first, active or not (so they can see what ended)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
