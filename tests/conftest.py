"""Shared fixtures: personas, a practice, and a real Chromium driven by Playwright."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.factories import PASSWORD, make_therapist
from unknot.apps.accounts.models import Role, User
from unknot.apps.practices.models import Practice, Room, Service, Technique
from unknot.apps.therapists.models import Therapist

CHROMIUM = "/usr/bin/chromium"

pytest_plugins = ["tests.stripe_server"]


@pytest.fixture(autouse=True)
def _force_login_includes_the_second_factor(request, monkeypatch):
    """``force_login`` and ``login`` stand for a completed sign-in. For someone who owes a
    second factor (two-factor is required for every practice-side account by default) that
    includes it: a confirmed authenticator, verified in the session, as django-otp records one.

    Tests of the state between password and second factor mark themselves ``password_only``.
    """
    if request.node.get_closest_marker("password_only"):
        return
    from django.test.client import ClientMixin

    from tests.factories import verify_second_factor

    original = ClientMixin._login  # behind both force_login and login

    def _login(self, user, backend=None):
        original(self, user, backend)
        verify_second_factor(self, user)

    monkeypatch.setattr(ClientMixin, "_login", _login)


@pytest.fixture
def practice(db) -> Practice:
    return Practice.objects.create(
        name="Test Practice",
        slug="test-practice",
        address="1 Test Street",
        phone="+44 20 0000 0000",
        time_zone="Europe/London",
    )


@pytest.fixture
def other_practice(db) -> Practice:
    return Practice.objects.create(
        name="Other Practice",
        slug="other-practice",
        address="2 Other Street",
        phone="+44 20 1111 1111",
        time_zone="America/New_York",
    )


@pytest.fixture
def therapist(practice) -> Therapist:
    return make_therapist(practice, "ben-carter", techniques=("swedish", "deep-tissue"))


@pytest.fixture
def client_user(db) -> User:
    return User.objects.create_user(email="ana@example.test", password=PASSWORD, full_name="Ana")


@pytest.fixture
def other_client_user(db) -> User:
    return User.objects.create_user(email="cleo@example.test", password=PASSWORD, full_name="Cleo")


@pytest.fixture
def staff_user(practice) -> User:
    return User.objects.create_user(
        email="desk@example.test",
        password=PASSWORD,
        full_name="Desk",
        role=Role.STAFF,
        practice=practice,
        is_staff=True,
    )


@pytest.fixture
def service(practice) -> Service:
    return Service.objects.create(
        practice=practice,
        technique=Technique.objects.get(slug="swedish"),
        duration_minutes=60,
        price="60.00",
        buffer_after_minutes=15,
    )


@pytest.fixture
def room(practice) -> Room:
    room = Room.objects.create(practice=practice, name="Room 1", kind="table")
    room.techniques.set(Technique.objects.exclude(slug="thai-yoga"))
    return room


@pytest.fixture(autouse=True)
def _guide_techniques(request):
    """The seven techniques come from a data migration; transactional tests flush them away.

    Put them back for every database test so test order never matters.
    """
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or {"db", "transactional_db"} & set(request.fixturenames)
    if not uses_db:
        return
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from unknot.apps.practices.techniques import GUIDE_TECHNIQUES

    if Technique.objects.count() < len(GUIDE_TECHNIQUES):
        for position, (slug, name) in enumerate(GUIDE_TECHNIQUES, start=1):
            Technique.objects.update_or_create(
                slug=slug, defaults={"name": name, "position": position}
            )


# --- browser -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright. Never a downloaded browser."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: the test command installs Debian's chromium package.")
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
    # while one is active unless told the calls are knowingly synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def pytest_configure(config) -> None:
    """Uploaded files (demo photos) go to a throwaway folder, never into var/media."""
    import tempfile

    from django.conf import settings

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="unknot-test-media-")


def pytest_unconfigure(config) -> None:
    import shutil

    from django.conf import settings

    if "unknot-test-media-" in str(settings.MEDIA_ROOT):
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    # Django drops the test database file itself; SQLite's WAL side files stay behind.
    test_name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if test_name:
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{test_name}{suffix}").unlink(missing_ok=True)


def pytest_collection_modifyitems(config, items) -> None:
    """PostgreSQL-only tests run in the PostgreSQL leg; on SQLite they are deselected, not skipped.

    A deselected test is not reported as passed or skipped: it simply belongs to the other leg.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    kept = [item for item in items if item.get_closest_marker("postgres_only") is None]
    deselected = [item for item in items if item.get_closest_marker("postgres_only")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
