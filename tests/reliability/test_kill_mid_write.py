"""A server process killed with SIGKILL in the middle of creating a booking leaves nothing
half-written, and the service (gunicorn starts a new worker) carries on without repair.

The app runs in gunicorn, in its own process, on the test database (a SQLite file, or the
test PostgreSQL in that leg). A test-only hook (tests/reliability/fault_urls.py) pauses the
worker right after the booking row is inserted and before its event row, inside the
transaction; the test kills that worker there.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import threading
import time
import urllib.request
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from tests.reliability import servers
from tests.security.world import build_world
from unknot.apps.booking.models import Booking, BookingEvent

pytestmark = pytest.mark.django_db(transaction=True)


def all_rows() -> dict[str, list]:
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if model._meta.proxy or label in ("accounts.apitoken", "sessions.session"):
            continue  # a token's last-used time is written before the booking starts
        rows[label] = list(model._base_manager.order_by("pk").values())
    return rows


def post_json(url: str, body: dict, token: str, key: str, timeout: float = 30.0):
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": key,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_sigkill_between_the_booking_row_and_its_event_leaves_no_trace(tmp_path):
    world = build_world()
    bookings_before = Booking.objects.count()
    # 15:30 on the day of the world's booking: free whichever weekday the world's program and
    # bookings fall on (at 14:00 they can share a Monday with the program).
    start = world.booking.starts_at.astimezone(ZoneInfo("Europe/London")) + dt.timedelta(
        hours=5, minutes=30
    )
    body = {"technique": "swedish", "therapist": world.ben.uid, "start": start.isoformat()}
    token = world.tokens["client"]
    before = all_rows()
    pause = tmp_path / "paused.json"

    with servers.gunicorn(
        servers.database_url_of_tests(), extra_env={"UNKNOT_FAULT_PAUSE_FILE": str(pause)}
    ) as (base, _master):
        outcome = {}

        def book():
            try:
                outcome["answer"] = post_json(base + "/api/v1/bookings", body, token, "k-1", 120)
            except OSError as error:  # the connection dies with the worker
                outcome["error"] = error

        caller = threading.Thread(target=book, daemon=True)
        caller.start()
        deadline = time.monotonic() + 60
        while not pause.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pause.exists(), f"the server never reached the pause inside the booking: {outcome}"
        note = json.loads(pause.read_text())
        assert note["in_transaction"] and note["row_written"]

        os.kill(note["pid"], signal.SIGKILL)
        caller.join(timeout=60)
        assert "answer" not in outcome or outcome["answer"][0] >= 500

        connection.close()
        assert all_rows() == before, "the killed request left rows behind"
        assert not Booking.objects.filter(pk=note["pk"]).exists()

        # gunicorn replaces the worker; the same request, retried, books once with its event.
        servers.wait_healthy(base)
        status, booked = post_json(base + "/api/v1/bookings", body, token, "k-1")
        assert status == 201, booked
        again_status, again = post_json(base + "/api/v1/bookings", body, token, "k-1")
        assert again_status == 200 and again["uid"] == booked["uid"]

    created = Booking.objects.get(uid=booked["uid"])
    assert created.starts_at == start.astimezone(dt.UTC)
    assert list(BookingEvent.objects.filter(booking=created).values_list("kind", flat=True)) == [
        "created"
    ]
    assert Booking.objects.count() == bookings_before + 1
    assert created.created_at <= timezone.now()


def test_sigkill_in_the_middle_of_booking_a_program_leaves_no_trace(tmp_path):
    """Killed after the program's bookings are written, before its sessions: nothing stays."""
    from unknot.apps.programs.models import Program, ProgramSession

    world = build_world()
    programs_before = list(Program.objects.values_list("pk", flat=True))
    start = world.booking.starts_at.astimezone(ZoneInfo("Europe/London")) + dt.timedelta(
        hours=5, minutes=30
    )
    body = {
        "technique": "swedish",
        "therapist": world.ben.uid,
        "first_start": start.isoformat(),
        "every_days": 7,
        "sessions": 3,
        "confirm": True,
    }
    url_path = "/api/v1/programs"
    token = world.tokens["client"]
    before = all_rows()
    pause = tmp_path / "paused.json"

    with servers.gunicorn(
        servers.database_url_of_tests(),
        extra_env={
            "UNKNOT_FAULT_PAUSE_FILE": str(pause),
            "UNKNOT_FAULT_PAUSE_MODEL": "programs.programsession",
        },
    ) as (base, _master):
        outcome = {}

        def book():
            try:
                outcome["answer"] = post_json(base + url_path, body, token, "p-1", 120)
            except OSError as error:
                outcome["error"] = error

        caller = threading.Thread(target=book, daemon=True)
        caller.start()
        deadline = time.monotonic() + 60
        while not pause.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pause.exists(), f"the server never reached the pause: {outcome}"
        note = json.loads(pause.read_text())
        assert note["in_transaction"] and note["row_written"]

        os.kill(note["pid"], signal.SIGKILL)
        caller.join(timeout=60)
        assert "answer" not in outcome or outcome["answer"][0] >= 500

        connection.close()
        assert all_rows() == before, "the killed program request left rows behind"

        servers.wait_healthy(base)
        status, booked = post_json(base + url_path, body, token, "p-1")
        assert status == 201, booked

    program = Program.objects.exclude(pk__in=programs_before).get()
    assert ProgramSession.objects.filter(program=program).count() == 3
    assert Booking.objects.filter(program_session__program=program).count() == 3
