"""Re-authentication before sensitive actions (issue 12, finding 9).

Turning two-factor off, making new recovery codes, changing the email or the password, and
exporting or closing the account need the password again (and the second factor, where the
person has one), within the last ``UNKNOT_REAUTH_MINUTES``.

- Pages: ``@reauth_required`` sends the person to ``accounts:reauth`` first; a successful
  re-authentication is remembered in the session for those minutes.
- API: ``unknot.api.auth.require_reauth(request, password, otp_code)`` checks, with ``check``
  below, the credentials sent in the body of that very call (bearer-token callers have no
  session to remember anything in).

Both check the password through ``authenticate()`` (so the sign-in throttles apply) and the
code through the same verification as sign-in, counted per client address as well.
"""

from __future__ import annotations

import datetime as dt
import functools

from django.conf import settings
from django.contrib.auth import authenticate
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from unknot.apps.accounts import throttling, two_factor

SESSION_KEY = "unknot_reauth_at"


class ReauthFailed(Exception):
    """The password or the code is not right, or missing; ``field`` says which."""

    def __init__(self, message: str, *, field: str, throttled: bool = False) -> None:
        super().__init__(message)
        self.field = field
        self.throttled = throttled


def window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.UNKNOT_REAUTH_MINUTES)


def is_fresh(request, now: dt.datetime) -> bool:
    """True when this session re-authenticated within the window."""
    raw = request.session.get(SESSION_KEY)
    if not raw:
        return False
    try:
        at = dt.datetime.fromisoformat(raw)
    except (TypeError, ValueError):
        return False
    return at <= now < at + window()


def needs_code(user) -> bool:
    return two_factor.has_second_factor(user)


def check(request, user, *, password: str, otp_code: str = "") -> None:
    """Check ``user``'s password (and code, when they have a second factor).

    Raises:
        ReauthFailed: something is wrong or missing; a throttled check says so.
    """
    if throttling.credential_gate(request) is not None:
        raise ReauthFailed(
            "Too many failed attempts from your network. Wait a while, then try again.",
            field="password",
            throttled=True,
        )
    found = authenticate(request, username=user.email, password=password or "")
    if getattr(request, "axes_locked_out", False):
        raise ReauthFailed(
            "Too many failed attempts. Wait a while, then try again.",
            field="password",
            throttled=True,
        )
    if found is None or found.pk != user.pk:
        raise ReauthFailed("That is not your password.", field="password")
    if needs_code(user):
        outcome, _ = two_factor.verify_code(user=user, code=otp_code or "")
        if outcome is two_factor.Outcome.THROTTLED:
            raise ReauthFailed(
                "Too many wrong codes. Wait a minute, then try again.",
                field="otp_code",
                throttled=True,
            )
        if outcome is not two_factor.Outcome.OK:
            throttling.credential_failed(request)
            raise ReauthFailed("That code is not right.", field="otp_code")


def remember(request, now: dt.datetime) -> None:
    request.session[SESSION_KEY] = now.isoformat()


def forget(request) -> None:
    request.session.pop(SESSION_KEY, None)


def _safe(request, target: str | None) -> str | None:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def reauth_required(view=None, *, back: str | None = None):
    """Decorate a page: without a fresh re-authentication, go and do one first.

    After it the person returns to the page itself (GET), or for a POST-only action to
    ``back`` (a URL name), where they press the button again.
    """

    def decorate(func):
        @functools.wraps(func)
        def wrapper(request, *args, **kwargs):
            if request.user.is_authenticated and not is_fresh(request, timezone.now()):
                if request.method == "GET":
                    target = request.get_full_path()
                else:
                    target = reverse(back) if back else _safe(request, request.POST.get("next"))
                    target = target or reverse("accounts:profile")
                url = f"{reverse('accounts:reauth')}?{urlencode({'next': target})}"
                if getattr(request, "htmx", False):
                    from django_htmx.http import HttpResponseClientRedirect

                    return HttpResponseClientRedirect(url)
                return redirect(url)
            return func(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
