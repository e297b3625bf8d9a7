"""A real Stripe-API server for the tests: localstripe, started from the venv on 127.0.0.1.

``localstripe`` (session) starts one server on a free port, waits until it answers and yields its
base URL; it is stopped when the session ends. ``stripe_practice`` gives the test practice test
keys and points the SDK (and the Elements shim) at that server. ``start_localstripe`` starts a
private one, for tests that stop it mid-way (Stripe unreachable).
"""

from __future__ import annotations

import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

LOCALSTRIPE = Path(sys.executable).with_name("localstripe")
TEST_WEBHOOK_SECRET = "whsec_unknot_tests"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LocalStripe:
    process: subprocess.Popen
    url: str

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_localstripe(timeout: float = 20.0) -> LocalStripe:
    """Start localstripe on a free 127.0.0.1 port; return once it answers."""
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - our own venv's script
        [str(LOCALSTRIPE), "--port", str(port), "--from-scratch"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = LocalStripe(process, f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("localstripe exited before it answered")
        try:
            urllib.request.urlopen(f"{server.url}/js.stripe.com/v3/", timeout=1).close()  # noqa: S310
            return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError("localstripe did not answer in time")


@pytest.fixture(scope="session")
def localstripe():
    server = start_localstripe()
    try:
        yield server.url
    finally:
        server.stop()


def point_at(settings, url: str) -> None:
    settings.UNKNOT_STRIPE_API_BASE = url
    settings.UNKNOT_STRIPE_JS_URL = f"{url}/js.stripe.com/v3/"


@pytest.fixture
def stripe_practice(practice, localstripe, settings):
    """The test practice with its own test keys, talking to localstripe."""
    from unknot.apps.payments.models import StripeAccount

    point_at(settings, localstripe)
    # localstripe keeps every object for the session; tests tell theirs apart by id.
    suffix = secrets.token_hex(8)
    StripeAccount.objects.create(
        practice=practice,
        publishable_key=f"pk_test_{suffix}",
        secret_key=f"sk_test_{suffix}",
        webhook_secret=TEST_WEBHOOK_SECRET,
    )
    return practice


@pytest.fixture(scope="session", autouse=True)
def _flush_may_empty_the_ledger():
    """Transactional tests empty the database between tests. SQLite empties a table with
    DELETE, which the ledger's triggers refuse; the flush unlocks them in its own transaction
    (migration payments 0002). PostgreSQL's TRUNCATE fires no row trigger."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    DatabaseOperations = type(connection.ops)  # noqa: N806
    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, tables, **kwargs)
        if not statements:
            return statements
        return [
            "INSERT OR IGNORE INTO payments_ledger_unlock (id) VALUES (1);",
            *statements,
            "DELETE FROM payments_ledger_unlock;",
        ]

    DatabaseOperations.sql_flush = sql_flush
    try:
        yield
    finally:
        DatabaseOperations.sql_flush = original
