"""Cross-cutting middleware: security headers, rate limits, JSON errors for the API, and a
503 (not a 500) while the database is unreachable."""

from __future__ import annotations

import codecs
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import parse_header_parameters

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


BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
API_CONTENT_TYPES = ("application/json",)
"""What the API reads: JSON only (no operation takes a form or a file)."""


def _body_limit() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def request_refused(request: HttpRequest, status: int, message: str, **extra) -> HttpResponse:
    """A request refused before any view: JSON under /api/, a short page elsewhere."""
    if is_api(request):
        code = _CODES.get(status, ("bad_request", ""))[0]
        body = {"code": code, "message": message, **extra}
        if status in (400, 422):
            body.setdefault("errors", [])
        return JsonResponse(body, status=status)
    return render(
        request,
        "request_refused.html",
        {"status": status, "message": message},
        status=status,
    )


class RequestBodyMiddleware:
    """Refuses bodies that no view could read, up front and in the caller's language.

    Runs before anything reads ``request.body`` (the NUL check below, CSRF, the API):

    - larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE``: 413, with the limit;
    - a charset Python does not know: 400 (decoding it would be a server error);
    - under /api/, a body that is not JSON (a form, multipart without a boundary, text): 415.

    Reading the body here also settles a client that announces less than it sends, or sends
    more than the limit without a Content-Length: Django raises ``RequestDataTooBig``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self._refusal(request)
        return refusal if refusal is not None else self.get_response(request)

    @staticmethod
    def _refusal(request: HttpRequest) -> HttpResponse | None:
        limit = _body_limit()
        too_large = f"The request body is larger than the limit of {_megabytes(limit)}."
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return request_refused(request, 400, "The Content-Length header is not a number.")
        if limit and length > limit:
            return request_refused(request, 413, too_large, limit_bytes=limit)
        raw_type = request.META.get("CONTENT_TYPE", "")
        content_type, params = parse_header_parameters(raw_type)
        charset = params.get("charset")
        if charset:
            try:
                codecs.lookup(charset)
            except LookupError:
                return request_refused(
                    request, 400, f"The charset {charset[:40]!r} is not one we can read."
                )
        if request.method not in BODY_METHODS:
            return None
        try:
            body = request.body
        except RequestDataTooBig:
            return request_refused(request, 413, too_large, limit_bytes=limit)
        if (
            is_api(request)
            and content_type.lower() not in API_CONTENT_TYPES
            and not _is_empty(body, content_type, params)
        ):
            return request_refused(
                request,
                415,
                "Send the request body as application/json"
                + (f", not {content_type[:60]}." if content_type else "."),
            )
        return None


def _is_empty(body: bytes, content_type: str, params: dict) -> bool:
    """No body, or a multipart form with no parts (what a client sends for "no data")."""
    if not body.strip():
        return True
    boundary = params.get("boundary", "")
    return (
        content_type.lower() == "multipart/form-data"
        and bool(boundary)
        and body.strip() == f"--{boundary}--".encode("latin-1", "replace")
    )


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
        content_type = request.META.get("CONTENT_TYPE", "").lower()
        if request.method in BODY_METHODS and (
            content_type.startswith(("application/json", "application/x-www-form-urlencoded"))
        ):
            try:
                body = request.body
            except RequestDataTooBig:  # RequestBodyMiddleware answers these first
                return False
            return b"\x00" in body or b"%00" in body or b"\\u0000" in body.lower()
        return False
