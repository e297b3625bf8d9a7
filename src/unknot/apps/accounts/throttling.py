"""Sign-in throttling: who is counted, and what a locked-out person sees.

Two counts stop a guesser (issue 12, finding 12):

- django-axes counts failures per (email, client address) pair in the database, so one
  account is not guessed at from one network;
- ``credential_failed`` counts failed credential checks per client address across every
  account (rate group ``sign-in``), so one network cannot spray one password over many
  accounts.

Every password check goes through ``django.contrib.auth.authenticate``, where the backend
below stands first and applies both: the sign-in page, the booking page's inline sign-in, the
admin, ``POST /api/v1/auth/token``, re-authentication (``reauth.py``) and ``DELETE /api/v1/me``.
Second-factor codes (sign-in and re-authentication) call ``credential_gate`` and
``credential_failed`` themselves.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from unknot.common import ratelimit


class SignInThrottle(AxesStandaloneBackend):
    """django-axes for sign-ins made over HTTP.

    A sign-in without a request (a management command, the test client's ``login``) has no
    client address to throttle, so it is left to the next backend instead of being refused.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        if credential_gate(request) is not None:
            request.axes_locked_out = True  # AxesMiddleware answers with lockout_response
            raise AxesBackendPermissionDenied("Too many failed sign-ins from this address.")
        return super().authenticate(request, username=username, password=password, **kwargs)


def credential_gate(request: HttpRequest) -> ratelimit.Verdict | None:
    """A Verdict when this client address has used up its failed credential checks."""
    verdict = ratelimit.count(request, "sign-in", increment=False)
    if verdict is not None:
        request.unknot_retry_after = verdict.retry_after
    return verdict


def credential_failed(request: HttpRequest | None) -> None:
    """Count one failed password or code from this client address (any account)."""
    if request is not None:
        ratelimit.count(request, "sign-in")


@receiver(user_login_failed)
def _count_failed_sign_in(sender, credentials, request=None, **kwargs):
    # Django sends this for every failed authenticate(), including the ones refused above.
    if request is not None and not getattr(request, "axes_locked_out", False):
        credential_failed(request)


def username_of(request: HttpRequest, credentials: dict | None) -> str:
    """The email tried, normalised, so "Ana@X" and "ana@x " count as one account."""
    credentials = credentials or {}
    value = (
        credentials.get("username")
        or credentials.get("email")
        or (request.POST.get("username") if request is not None else "")
        or ""
    )
    return str(value).strip().lower()


def cooloff_seconds() -> int:
    return int(float(settings.AXES_COOLOFF_TIME) * 3600)


def lockout_response(
    request: HttpRequest, original_response=None, credentials: dict | None = None
) -> HttpResponse:
    seconds = getattr(request, "unknot_retry_after", None) or cooloff_seconds()
    minutes = max(1, (seconds + 59) // 60)
    message = (
        f"Too many failed sign-ins from your network. Sign-in is paused "
        f"for {minutes} minutes; you can also reset your password by email."
    )
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"code": "locked_out", "message": message, "retry_after": seconds}, status=429
        )
    else:
        response = render(
            request,
            "accounts/locked_out.html",
            {"minutes": minutes, "message": message},
            status=429,
        )
    response["Retry-After"] = str(seconds)
    return response
