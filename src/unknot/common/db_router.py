"""Reads that may lag go to a PostgreSQL replica; everything that decides or writes stays primary.

The replica is optional: with no ``replica`` alias configured every query uses ``default`` and this
module changes nothing. With one, the rule is opt-in and narrow (see the read-replica
decision record):

- Writes always go to the primary (``db_for_write``), and so does every read made inside a
  transaction on the primary: a service that locks, checks and writes never reads a stale row.
- A read goes to the replica only while a request for a *lagging-tolerant* page is being served:
  the directory, the technique and evidence pages, and the same reads in the API
  (``settings.REPLICA_READ_VIEWS``, by URL name) — and only for GET/HEAD.
- Read-your-writes: a browser that has just written (any unsafe method answered below 400) is
  pinned to the primary for ``settings.REPLICA_PIN_SECONDS`` by a signed cookie, so a client never
  misses their own booking on the next page.

The per-request decision lives in a context variable set by ``ReplicaRoutingMiddleware``; code
outside a request (tasks, commands) reads the primary unless it opts in with ``reads_may_lag()``.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

from django.conf import settings
from django.core import signing
from django.db import connections

PRIMARY = "default"
REPLICA = "replica"

_may_lag: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "unknot_reads_may_lag", default=False
)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextlib.contextmanager
def reads_may_lag(enabled: bool = True) -> Iterator[None]:
    """Within the block, reads outside a transaction may be served by the replica."""
    token = _may_lag.set(enabled)
    try:
        yield
    finally:
        _may_lag.reset(token)


def read_alias() -> str:
    """Where a read made now goes: the one rule, used by the router and by raw SQL readers."""
    if not replica_configured() or not _may_lag.get():
        return PRIMARY
    if connections[PRIMARY].in_atomic_block:
        return PRIMARY
    return REPLICA


class ReplicaRouter:
    """Django's database router for the rule above."""

    def db_for_read(self, model, **hints) -> str:
        instance = hints.get("instance")
        if instance is not None and instance._state.db == PRIMARY:
            # Following a relation from a row read on the primary stays on the primary.
            return PRIMARY
        return read_alias()

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Both aliases hold the same data (the replica is a streaming copy).
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        # The replica replays the primary's WAL; migrating it directly is never right.
        return db == PRIMARY


PIN_COOKIE = "unknot_primary"
_PIN_SALT = "unknot.replica.pin"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ReplicaRoutingMiddleware:
    """Decides, per request, whether its reads may lag (see the module's rule)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _may_lag.set(False)
        try:
            response = self.get_response(request)
        finally:
            _may_lag.reset(token)
        if (
            replica_configured()
            and request.method not in _SAFE_METHODS
            and response.status_code < 400
        ):
            response.set_cookie(
                PIN_COOKIE,
                signing.TimestampSigner(salt=_PIN_SALT).sign("1"),
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not replica_configured() or request.method not in ("GET", "HEAD"):
            return None
        match = request.resolver_match
        if match is None or match.view_name not in settings.REPLICA_READ_VIEWS:
            return None
        if _pinned(request):
            return None
        _may_lag.set(True)
        return None


def _pinned(request) -> bool:
    value = request.COOKIES.get(PIN_COOKIE)
    if not value:
        return False
    try:
        signing.TimestampSigner(salt=_PIN_SALT).unsign(value, max_age=settings.REPLICA_PIN_SECONDS)
    except signing.BadSignature:
        return False
    return True
