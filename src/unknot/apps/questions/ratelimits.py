"""Limits on asking: per client IP and per email address (django-ratelimit, the cache).

Both the page and the API count against the same limits. Each attempt is counted, accepted
or not, so a bot cannot probe for free.
"""

from __future__ import annotations

from django_ratelimit.core import is_ratelimited

ASK_RATE_PER_IP = "6/h"
ASK_RATE_PER_EMAIL = "4/d"


def ask_rate_limited(request, *, email: str) -> bool:
    """Count this attempt; True when the IP or the email address has asked too often."""
    by_ip = is_ratelimited(
        request, group="questions.ask.ip", key="ip", rate=ASK_RATE_PER_IP, increment=True
    )
    address = (email or "").strip().lower()
    by_email = bool(address) and is_ratelimited(
        request,
        group="questions.ask.email",
        key=lambda group, request: address,
        rate=ASK_RATE_PER_EMAIL,
        increment=True,
    )
    return by_ip or by_email
