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


TOKEN_PREFIX = "unk_"


def _hash_token(value: str) -> str:
    import hashlib

    return hashlib.sha256(value.encode()).hexdigest()


def api_token_issue(*, user: User, second_factor_verified: bool = False) -> str:
    """Create a bearer token for ``user`` and return its value (never stored in clear).

    Raises:
        TwoFactorRequired: ``user`` signs in with a second factor (their own choice or their
            practice's rule) and the caller has not verified one: a password alone must not
            buy a token that skips it.
    """
    import secrets

    from unknot.apps.accounts.models import ApiToken
    from unknot.apps.accounts.two_factor import TwoFactorRequired, needs_second_factor

    if not second_factor_verified and needs_second_factor(user):
        raise TwoFactorRequired(
            "This account signs in with a second factor: create API tokens from a verified session."
        )

    value = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=_hash_token(value), prefix=value[:12])
    return value


def api_token_user(*, value: str, now) -> User | None:
    """The active user a token value belongs to, or None (unknown, revoked, inactive user)."""
    from unknot.apps.accounts.models import ApiToken

    if not value.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash_token(value), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_token_revoke_all(*, user: User, now) -> int:
    from unknot.apps.accounts.models import ApiToken

    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
