"""Sign-in throttling with django-axes: who is counted, and what a locked-out person sees.

Failures are counted per (email, client address) pair in the database, so every app server
sees the same count. The sign-in page, the admin's sign-in and ``POST /api/v1/auth/token`` all
authenticate through ``django.contrib.auth.authenticate``, where the backend below stands first.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


class SignInThrottle(AxesStandaloneBackend):
    """django-axes for sign-ins made over HTTP.

    A sign-in without a request (a management command, the test client's ``login``) has no
    client address to throttle, so it is left to the next backend instead of being refused.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


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
    seconds = cooloff_seconds()
    minutes = max(1, seconds // 60)
    message = (
        f"Too many failed sign-ins for this account from your network. Sign-in is paused "
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
