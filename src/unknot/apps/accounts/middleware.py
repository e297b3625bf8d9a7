"""Sends a therapist or staff member to confirm (or set up) their second factor first, and
decides who an API call with an ``Authorization`` header acts as: the token's owner, or nobody."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from unknot.apps.accounts.services import api_token_user
from unknot.apps.accounts.two_factor import Step, pending_step

ALWAYS_OPEN = ("accounts:logout", "admin:logout", "healthz")
OPEN_FOR = {
    Step.VERIFY: ("accounts:two_factor_verify",),
    Step.SET_UP: ("accounts:two_factor_setup",),
}


class TwoFactorMiddleware:
    """After ``django_otp.middleware.OTPMiddleware``: everything but the step owed (and signing
    out) answers with a redirect to it, or 403 JSON on the API.

    An API call that carries an ``Authorization`` header acts as the owner of that bearer token
    and never as the browser's session: a header that is not a valid, unexpired, unrevoked token
    is a 401 at once, whatever the session (so a password-only session cannot slip past its
    second factor by adding a header). Tokens are issued only after the second factor and all
    of a person's tokens are revoked when they enrol, so a token's owner counts as verified.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/") and "Authorization" in request.headers:
            refusal = _act_as_token_owner(request)
            if refusal is not None:
                return refusal
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        path = request.path_info
        if path.startswith((f"/{settings.STATIC_URL.strip('/')}/", "/favicon")):
            return None
        step = pending_step(user)
        if step is Step.NONE:
            return None
        name = request.resolver_match.view_name if request.resolver_match else ""
        if name in ALWAYS_OPEN or name in OPEN_FOR[step]:
            return None
        if path.startswith("/api/"):
            return JsonResponse(
                {
                    "code": "two_factor_required",
                    "message": "Confirm your sign-in with your second factor first.",
                },
                status=403,
            )
        target = reverse(OPEN_FOR[step][0])
        if request.method == "GET":
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return redirect(target)


def _verified() -> bool:
    return True


def _act_as_token_owner(request: HttpRequest) -> HttpResponse | None:
    """Replace the session's user by the bearer token's owner, or answer 401."""
    scheme, _, value = request.headers.get("Authorization", "").strip().partition(" ")
    user = None
    if scheme.lower() == "bearer" and value.strip():
        user = api_token_user(value=value.strip(), now=timezone.now())
    if user is None:
        return JsonResponse(
            {
                "code": "unauthenticated",
                "message": "The Authorization header is not a valid bearer token.",
            },
            status=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    user.is_verified = _verified
    request.user = user
    request.api_token_user = user
    return None
