"""Credentials are reset by the person themself: the back office sends a reset link.

Nobody types a new password for somebody else. An account made in the back office starts
without a usable password, and its person receives a link to choose one (Django's reset token,
which stops working once the password changes or the link is a few days old).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from unknot.apps.accounts.models import User


def reset_link(user: User) -> str:
    """The absolute address where ``user`` chooses a new password."""
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    site = urlsplit(settings.SITE_URL)
    return f"{site.scheme}://{site.netloc}{path}"


def password_reset_link_send(*, user: User, by: User, new_account: bool = False) -> None:
    """Email ``user`` a link to choose their password (after the surrounding commit)."""
    context = {"user": user, "link": reset_link(user), "by": by, "new_account": new_account}
    subject = "Choose your Unknot password" if new_account else "Reset your Unknot password"
    body = render_to_string("accounts/email/password_link.txt", context)
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    )
