"""Writes to accounts."""

from __future__ import annotations

from django.db import transaction

from unknot.apps.accounts.models import Role, User


@transaction.atomic
def client_sign_up(*, email: str, password: str, full_name: str = "") -> User:
    """Create a client account. The caller has validated the email and password."""
    return User.objects.create_user(
        email=email, password=password, full_name=full_name, role=Role.CLIENT
    )
