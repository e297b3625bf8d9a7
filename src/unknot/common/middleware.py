"""Cross-cutting middleware: security headers, rate limits, JSON errors for the API, and a
503 (not a 500) while the database is unreachable."""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from unknot.common import ratelimit

log = logging.getLogger(__name__)

API_PREFIX = "/api/"

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _minutes(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set: Permissions-Policy and CORP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class RateLimitMiddleware:
    """Applies ``unknot.common.ratelimit.RULES`` before the view runs; 429 when over."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        verdict = ratelimit.check(request)
        if verdict is None:
            return None
        log.warning("rate limit %s reached by %s", verdict.group, ratelimit.client_ip(request))
        return too_many_requests(request, verdict.retry_after)


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    wait = _minutes(retry_after)
    if is_api(request):
        response: HttpResponse = JsonResponse(
            {
                "code": "rate_limited",
                "message": f"Too many requests from your network. Please try again in {wait}.",
                "retry_after": retry_after,
            },
            status=429,
        )
    else:
        response = render(request, "accounts/too_many_requests.html", {"wait": wait}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


_CODES = {
    400: ("bad_request", "The request could not be read."),
    401: ("unauthenticated", "Sign in or send a bearer token."),
    403: ("forbidden", "You may not do this."),
    404: ("not_found", "There is nothing at this address."),
    405: ("method_not_allowed", "This address does not accept that method."),
    406: ("not_acceptable", "This API answers in JSON only."),
    413: ("too_large", "The request body is too large."),
    415: ("unsupported_media_type", "Send the request body as application/json."),
    429: ("rate_limited", "Too many requests. Please try again later."),
    500: ("server_error", "Something went wrong on our side; it has been logged."),
    503: ("unavailable", "The service is briefly unavailable. Please try again shortly."),
}


class ApiErrorsAsJsonMiddleware:
    """Under /api/, every error answer is JSON ``{"code", "message"}``.

    Endpoints already answer so; this covers what happens around them: an unknown path, a
    method the path does not take, a CSRF failure, an unhandled error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_api(request) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        status = response.status_code
        code, message = _CODES.get(status, ("error", "The request failed."))
        body = {"code": code, "message": message}
        if status in (400, 422):
            body["errors"] = []  # the shape of the API's other input errors
        replacement = JsonResponse(body, status=status)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                replacement[header] = response[header]
        return replacement


class DatabaseUnavailableMiddleware:
    """The database is down or restarting: answer 503 with Retry-After, never a 500.

    Django drops a broken connection at the end of the request, and with
    ``CONN_HEALTH_CHECKS`` a persistent one is tested before reuse, so service resumes on its
    own once the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        log.error("database unavailable: %s", exception)
        code, message = _CODES[503]
        if is_api(request):
            response: HttpResponse = JsonResponse({"code": code, "message": message}, status=503)
        else:
            response = HttpResponse(
                "<!doctype html><title>Briefly unavailable</title>"
                f"<h1>Briefly unavailable</h1><p>{message}</p>",
                status=503,
            )
        response["Retry-After"] = "5"
        return response


class RejectNulCharactersMiddleware:
    """A NUL character in the query, the form or a JSON body is refused with 400 up front.

    PostgreSQL cannot store or compare text containing NUL, so such input would otherwise fail
    deep inside a query (a 500) wherever a parameter reaches the database unchecked.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            message = "The request contains a NUL character, which no field accepts."
            if is_api(request):
                return JsonResponse(
                    {"code": "bad_request", "message": message, "errors": []}, status=400
                )
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        raw_query = request.META.get("QUERY_STRING", "")
        if "%00" in raw_query or "\x00" in raw_query or "\x00" in request.path:
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and (
            content_type.startswith(("application/json", "application/x-www-form-urlencoded"))
        ):
            body = request.body
            return b"\x00" in body or b"%00" in body or b"\\u0000" in body.lower()
        return False
