"""Rate limits on public forms, applied by route so new endpoints are covered by their name.

One table (``RULES``) says which requests count against which limit; the limits themselves
are settings (``UNKNOT_RATE_LIMITS``: group -> "count/period", e.g. "10/h") so a deployment or
a test can change them. Requests are counted per client address with django-ratelimit, in the
``default`` cache (memcached in production, so every app server shares one count). Rules with
``key="client"`` (creating bookings and programs) count per signed-in person instead, whether
signed in by session or by bearer token, and per address for anyone else.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from fnmatch import fnmatchcase

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit import ALL
from django_ratelimit.core import get_usage


@dataclass(frozen=True)
class Rule:
    """Requests with one of ``methods`` to a matching route count against ``group``.

    ``names`` are shell patterns over the resolved view name ("accounts:signup",
    "questions:*"); ``paths`` are shell patterns over the path, for the JSON API, whose
    operations share URL names per path.
    """

    group: str
    names: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    methods: tuple[str, ...] = ("POST",)
    key: str = "ip"

    def matches(self, request: HttpRequest) -> bool:
        if request.method not in self.methods:
            return False
        match = getattr(request, "resolver_match", None)
        name = match.view_name if match else ""
        return any(fnmatchcase(name, p) for p in self.names) or any(
            fnmatchcase(request.path_info, p) for p in self.paths
        )


RULES: tuple[Rule, ...] = (
    # Sign-ups are counted by the one function every sign-up path goes through
    # (``accounts.signup.sign_up_start``), not by route: the booking page signs people up too.
    Rule(
        "password-reset",
        names=("accounts:password_reset", "accounts:password_reset_confirm"),
        paths=("/api/v1/auth/password*",),
    ),
    Rule("assessment", names=("assessment:*",), paths=("/api/v1/assessments",)),
    Rule("questions", names=("questions:*",), paths=("/api/v1/questions*",)),
    Rule("two-factor", names=("accounts:two_factor_*",)),
    # Every way a client creates a booking or a program: the pages and the API.
    Rule(
        "booking",
        names=("booking:confirm", "waitlist:accept"),
        paths=("/api/v1/bookings", "/api/v1/waitlist/offers/*/accept"),
        key="client",
    ),
    Rule(
        "program",
        names=("programs:new", "programs:preview"),
        paths=("/api/v1/programs",),
        key="client",
    ),
)


def client_key(group: str, request: HttpRequest) -> str:
    """The signed-in person (session or bearer token), else the client address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        from django.utils import timezone

        from unknot.apps.accounts.services import api_token_user

        owner = api_token_user(value=value.strip(), now=timezone.now())
        if owner is not None:
            return f"user:{owner.pk}"
    return f"ip:{client_ip(request)}"


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind ``TRUSTED_PROXY_COUNT`` proxies the entry
    of X-Forwarded-For that the outermost trusted proxy added (addresses further left are
    whatever the client claimed, so they are never trusted)."""
    remote = request.META.get("REMOTE_ADDR") or "0.0.0.0"
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if hops <= 0:
        return remote
    chain = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [p for p in chain if p]
    if not chain:
        return remote
    candidate = chain[-hops] if len(chain) >= hops else chain[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


@dataclass(frozen=True)
class Verdict:
    group: str
    limit: int
    retry_after: int


def count(request: HttpRequest, group: str, *, increment: bool = True) -> Verdict | None:
    """Count ``request`` against limit ``group`` (per client address); a Verdict when over.

    With ``increment=False`` nothing is counted: the Verdict says whether the limit is already
    used up (for counting failures only, checked before the next attempt).
    """
    rate = getattr(settings, "UNKNOT_RATE_LIMITS", {}).get(group)
    if not rate:
        return None
    usage = get_usage(
        request, group=f"unknot.{group}", key="ip", rate=rate, method=ALL, increment=increment
    )
    if not usage:
        return None
    over = usage["should_limit"] if increment else usage["count"] >= usage["limit"]
    return Verdict(group, usage["limit"], max(1, int(usage["time_left"]))) if over else None


def check(request: HttpRequest) -> Verdict | None:
    """Count ``request`` against every rule it matches; a Verdict when one limit is exceeded."""
    rates: dict[str, str] = getattr(settings, "UNKNOT_RATE_LIMITS", {})
    for rule in RULES:
        rate = rates.get(rule.group)
        if not rate or not rule.matches(request):
            continue
        usage = get_usage(
            request,
            group=f"unknot.{rule.group}",
            key=client_key if rule.key == "client" else "ip",
            rate=rate,
            method=list(rule.methods),
            increment=True,
        )
        if usage and usage["should_limit"]:
            return Verdict(rule.group, usage["limit"], max(1, int(usage["time_left"])))
    return None
