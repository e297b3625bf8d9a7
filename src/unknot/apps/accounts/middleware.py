"""Sends a therapist or staff member to confirm (or set up) their second factor first."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from unknot.apps.accounts.two_factor import Step, pending_step

ALWAYS_OPEN = ("accounts:logout", "admin:logout", "healthz")
OPEN_FOR = {
    Step.VERIFY: ("accounts:two_factor_verify",),
    Step.SET_UP: ("accounts:two_factor_setup",),
}


class TwoFactorMiddleware:
    """After ``django_otp.middleware.OTPMiddleware``: everything but the step owed (and signing
    out) answers with a redirect to it, or 403 JSON on the API for a session-authenticated call.

    Bearer-token API calls are not affected: tokens are only issued after the same check.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
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
            if request.headers.get("Authorization"):
                return None
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
