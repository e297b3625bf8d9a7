"""Signing up by email link, the same answer for every address (issue 12, findings 11 and 14).

Every sign-up path (the sign-up page, the booking page's inline form, ``POST
/api/v1/auth/signup``) calls ``sign_up_start``, and nothing else creates client accounts:

- it counts the attempt against the ``signup`` rate limit (one count for every path);
- a new address gets a link; opening it creates the account, signs the person in and
  returns them to where they were (``next_url``, e.g. the booking page with their time);
- an address that already has an account gets a note saying so, with sign-in and reset
  links; nothing changes on that account;
- either way the caller shows the same "check your email" answer, so a sign-up form
  never tells anyone whether an address has an account.

Links are signed and expire after ``UNKNOT_EMAIL_LINK_HOURS``; each works once.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from unknot.apps.accounts.models import Role, SignUpRequest, User
from unknot.common import ratelimit

SALT = "unknot.accounts.signup"
CHECK_EMAIL = (
    "Check your email: we sent a link to {email}. Open it to finish signing up "
    "(if you already have an account, the message says how to sign in)."
)


class SignUpLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many sign-ups from this address.")
        self.retry_after = retry_after


class LinkInvalid(Exception):
    """The link is forged, expired or already used."""


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _mail(template: str, context: dict, to: str) -> None:
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    subject = " ".join(render_to_string(f"accounts/email/{template}_subject.txt", context).split())
    body = render_to_string(f"accounts/email/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def sign_up_start(request, *, email: str, password: str, full_name: str, next_url: str = "") -> str:
    """Start a sign-up for ``email`` (validated by the caller); return the message to show.

    Raises:
        SignUpLimited: this client address has used up its sign-ups for now.
    """
    verdict = ratelimit.count(request, "signup")
    if verdict is not None:
        raise SignUpLimited(verdict.retry_after)
    email = email.strip().lower()
    hours = settings.UNKNOT_EMAIL_LINK_HOURS
    if User.objects.filter(email__iexact=email).exists():
        _mail(
            "signup_existing",
            {
                "email": email,
                "login_url": _absolute(reverse("accounts:login")),
                "reset_url": _absolute(reverse("accounts:password_reset")),
            },
            email,
        )
    else:
        pending = SignUpRequest.objects.create(
            email=email,
            full_name=full_name,
            password=make_password(password),
            next_url=next_url or "",
        )
        token = signing.dumps(pending.uid, salt=SALT)
        _mail(
            "signup_confirm",
            {
                "email": email,
                "name": full_name,
                "url": _absolute(reverse("accounts:signup_confirm", args=[token])),
                "hours": hours,
            },
            email,
        )
    return CHECK_EMAIL.format(email=email)


def pending_for(token: str) -> SignUpRequest:
    """The unused sign-up a link stands for.

    Raises:
        LinkInvalid: forged, expired (``UNKNOT_EMAIL_LINK_HOURS``) or used.
    """
    max_age = dt.timedelta(hours=settings.UNKNOT_EMAIL_LINK_HOURS)
    try:
        uid = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:
        raise LinkInvalid("This link is not valid or has expired.") from None
    pending = SignUpRequest.objects.filter(uid=uid, used_at__isnull=True).first()
    if pending is None:
        raise LinkInvalid("This link was already used.")
    return pending


@transaction.atomic
def sign_up_finish(*, token: str, now: dt.datetime) -> tuple[User, str]:
    """Create the account a link stands for; return it and where to go next.

    Raises:
        LinkInvalid: the link is not valid, or the address got an account meanwhile.
    """
    pending = pending_for(token)
    pending = SignUpRequest.objects.select_for_update().get(pk=pending.pk)
    if pending.used_at is not None:
        raise LinkInvalid("This link was already used.")
    pending.used_at = now
    pending.save(update_fields=["used_at"])
    if User.objects.filter(email__iexact=pending.email).exists():
        raise LinkInvalid("This address already has an account: sign in instead.")
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=pending.email, full_name=pending.full_name, role=Role.CLIENT
            )
    except IntegrityError:
        raise LinkInvalid("This address already has an account: sign in instead.") from None
    user.password = pending.password  # already hashed on the form
    user.save(update_fields=["password"])
    # The address is proven now: other pending sign-ups for it are void.
    SignUpRequest.objects.filter(email=pending.email, used_at__isnull=True).update(used_at=now)
    return user, pending.next_url
