"""Writes to accounts: sign-up, API tokens, and the person's own email and password."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from unknot.apps.accounts.models import ApiToken, User

# Client accounts are created only by ``accounts.signup.sign_up_finish``, once the address
# is proven (issue 12, finding 14).


# --- API tokens ------------------------------------------------------------------------------

TOKEN_PREFIX = "unk_"


class TokenLifetimeInvalid(ValueError):
    """A token lifetime outside 1 day .. UNKNOT_API_TOKEN_MAX_DAYS."""


def _hash_token(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def token_lifetime(days: int | None) -> dt.timedelta:
    """The lifetime asked for (default ``UNKNOT_API_TOKEN_DAYS``), checked against the cap."""
    ceiling = settings.UNKNOT_API_TOKEN_MAX_DAYS
    days = settings.UNKNOT_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= ceiling:
        raise TokenLifetimeInvalid(f"A token lasts from 1 to {ceiling} days.")
    return dt.timedelta(days=days)


def api_token_create(
    *,
    user: User,
    name: str = "API token",
    days: int | None = None,
    now: dt.datetime | None = None,
    second_factor_verified: bool = False,
) -> tuple[ApiToken, str]:
    """Create a named bearer token for ``user``; return it and its value (shown once).

    Raises:
        TwoFactorRequired: ``user`` signs in with a second factor (their own choice or their
            practice's rule) and the caller has not verified one: a password alone must not
            buy a token that skips it.
        TokenLifetimeInvalid: ``days`` is outside 1 .. UNKNOT_API_TOKEN_MAX_DAYS.
    """
    from unknot.apps.accounts.two_factor import TwoFactorRequired, needs_second_factor

    if not second_factor_verified and needs_second_factor(user):
        raise TwoFactorRequired(
            "This account signs in with a second factor: create API tokens from a verified session."
        )
    now = now or timezone.now()
    lifetime = token_lifetime(days)
    value = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=(name or "").strip()[:100] or "API token",
        key_hash=_hash_token(value),
        prefix=value[:12],
        created_at=now,
        expires_at=now + lifetime,
    )
    return token, value


def api_token_issue(*, user: User, second_factor_verified: bool = False, **options) -> str:
    """The value of a new token for ``user`` (see ``api_token_create``)."""
    _, value = api_token_create(user=user, second_factor_verified=second_factor_verified, **options)
    return value


def api_token_user(*, value: str, now) -> User | None:
    """The active user a token value belongs to, or None (unknown, expired, revoked token;
    inactive user)."""
    if not value.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(
            key_hash=_hash_token(value),
            revoked_at__isnull=True,
            expires_at__gt=now,
            user__is_active=True,
        )
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_token_revoke(*, user: User, uid: str, now) -> ApiToken:
    """Revoke one of ``user``'s own tokens (idempotent).

    Raises:
        ApiToken.DoesNotExist: no token ``uid`` of this user (someone else's counts as none).
    """
    token = ApiToken.objects.get(user=user, uid=uid)
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
        token.refresh_from_db(fields=["revoked_at"])
    return token


def api_tokens_revoke(*, tokens, now) -> int:
    """Revoke the active tokens among ``tokens`` (a queryset); revoked ones stay as they were."""
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=now)


def api_token_revoke_all(*, user: User, now) -> int:
    """Revoke every token of ``user``: on a password change or reset, and when two-factor
    is turned on or off (a token must never outlive the credentials it was bought with)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)


# --- the person's own credentials -------------------------------------------------------------


@transaction.atomic
def password_changed(*, user: User, now) -> None:
    """After ``user``'s password was set (change form or reset link): end their API tokens.

    The caller has already saved the new password (Django's forms do); sessions other than
    the caller's end by themselves, as Django ties sessions to the password hash.
    """
    api_token_revoke_all(user=user, now=now)


class EmailTaken(ValueError):
    """The new address belongs to another account."""


@transaction.atomic
def email_change(*, user: User, old_email: str, new_email: str) -> User:
    """Move ``user`` to ``new_email`` once its owner confirmed it (the link's signed payload).

    Raises:
        EmailTaken: another account uses ``new_email`` now.
        ValueError: the account's address is no longer ``old_email`` (a stale link).
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email.lower() != old_email.lower():
        raise ValueError("This link is out of date: the address was changed since.")
    new_email = new_email.strip().lower()
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        raise EmailTaken("That address cannot be used.")
    user.email = new_email
    user.save(update_fields=["email"])
    return user
