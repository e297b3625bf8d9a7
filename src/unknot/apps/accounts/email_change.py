"""Changing the sign-in email: a signed, expiring link to the new address, a notice to the old.

The account moves to the new address only when its owner opens the link, and only if the
account still has the address the link was made for (an old link cannot undo a later change).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse

from unknot.apps.accounts import services
from unknot.apps.accounts.models import User
from unknot.apps.accounts.signup import LinkInvalid, _absolute, _mail

SALT = "unknot.accounts.email-change"


def email_change_start(*, user: User, new_email: str) -> None:
    """Send the confirmation link to ``new_email`` and a notice to the current address."""
    token = signing.dumps({"u": user.uid, "old": user.email, "new": new_email}, salt=SALT)
    hours = settings.UNKNOT_EMAIL_LINK_HOURS
    _mail(
        "email_change_confirm",
        {"url": _absolute(reverse("accounts:email_confirm", args=[token])), "hours": hours},
        new_email,
    )
    _mail(
        "email_change_notice",
        {"new_email": new_email, "reset_url": _absolute(reverse("accounts:password_reset"))},
        user.email,
    )


def email_change_payload(token: str) -> dict:
    """Raises LinkInvalid for a forged or expired link."""
    try:
        return signing.loads(
            token, salt=SALT, max_age=dt.timedelta(hours=settings.UNKNOT_EMAIL_LINK_HOURS)
        )
    except signing.BadSignature:
        raise LinkInvalid("This link is not valid or has expired.") from None


def email_change_finish(*, token: str) -> User:
    """Apply the change a link stands for.

    Raises:
        LinkInvalid: forged, expired, stale, or the new address is taken now.
    """
    data = email_change_payload(token)
    user = User.objects.filter(uid=data.get("u"), is_active=True).first()
    if user is None:
        raise LinkInvalid("This link is not valid or has expired.")
    try:
        return services.email_change(user=user, old_email=data["old"], new_email=data["new"])
    except services.EmailTaken:
        raise LinkInvalid("That address cannot be used for your account.") from None
    except ValueError as error:
        raise LinkInvalid(str(error)) from None
