"""Errors as JSON with a stable ``code`` and a human ``message``: the API's one error shape."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

MAX_ERRORS = 20
"""Problems listed in one error answer; ``errors_total`` says how many there were."""
MAX_ERROR_TEXT = 300
"""Characters of one problem's field or message (a caller's input may be echoed there)."""


def _text(value: object, limit: int = MAX_ERROR_TEXT) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def capped_errors(problems: list[dict]) -> dict:
    """``{"errors": the first MAX_ERRORS problems, "errors_total": how many}``, each problem's
    strings cut to MAX_ERROR_TEXT and its lists (e.g. valid values) to MAX_ERRORS items."""
    listed = []
    for problem in problems[:MAX_ERRORS]:
        item = {}
        for key, value in problem.items():
            if isinstance(value, list | tuple):
                item[key] = [_text(v) for v in value[:MAX_ERRORS]]
            elif isinstance(value, str):
                item[key] = _text(value)
            else:
                item[key] = value
        listed.append(item)
    return {"errors": listed, "errors_total": len(problems)}


class ApiError(Exception):
    """Raise from an endpoint to answer ``status`` with ``{"code", "message", **extra}``."""

    def __init__(self, status: int, code: str, message: str, **extra) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


def _field_path(loc: list) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "payload")]
    out = ""
    for part in parts:
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out or "request"


def _booking_status(error) -> int:
    from unknot.apps.booking import errors as b

    if isinstance(error, b.SlotTaken):
        return 409
    if isinstance(error, b.SafetyRefusal):
        return 403
    if isinstance(error, b.PolicyRefusal):
        return 409
    return 422


def install(api: NinjaAPI) -> None:
    from unknot.apps.booking.errors import BookingError

    @api.exception_handler(BookingError)
    def booking_error(request: HttpRequest, exc: BookingError):
        return api.create_response(
            request,
            {"code": exc.code, "message": exc.message, **exc.extra},
            status=_booking_status(exc),
        )

    from unknot.apps.accounts.two_factor import TwoFactorRequired

    @api.exception_handler(TwoFactorRequired)
    def two_factor_required(request: HttpRequest, exc: TwoFactorRequired):
        return api.create_response(
            request, {"code": "two_factor_required", "message": str(exc)}, status=403
        )

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError):
        extra = dict(exc.extra)
        if isinstance(extra.get("errors"), list):
            extra.update(capped_errors(extra["errors"]))
        return api.create_response(
            request,
            {"code": exc.code, "message": _text(exc.message, 1000), **extra},
            status=exc.status,
        )

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError):
        problems = [
            {"field": _field_path(list(err.get("loc", []))), "message": err.get("msg", "invalid")}
            for err in exc.errors[: MAX_ERRORS + 1]
        ]
        return api.create_response(
            request,
            {
                "code": "invalid",
                "message": "The request is not valid.",
                **capped_errors(problems),
                "errors_total": len(exc.errors),
            },
            status=422,
        )

    @api.exception_handler(OverflowError)
    def out_of_range(request: HttpRequest, exc: OverflowError):
        # A number too large for the database (e.g. ?offset=10**30): the input is at fault.
        return api.create_response(
            request,
            {"code": "out_of_range", "message": "A number in the request is too large."},
            status=422,
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404):
        return api.create_response(
            request, {"code": "not_found", "message": str(exc) or "Not found."}, status=404
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError):
        return api.create_response(
            request,
            {"code": "unauthenticated", "message": "Sign in or send a bearer token."},
            status=401,
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError):
        return api.create_response(
            request, {"code": "error", "message": str(exc)}, status=exc.status_code
        )
