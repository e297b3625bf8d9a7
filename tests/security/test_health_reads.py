"""Every route that shows health data, as every practice persona: who sees it, and the audit.

The matrix world (tests/security/world.py) plus an owner of practice A, with marked health data:
the booking's client note and safety flags, a session note, the check-in's health note, the
review suggestion's note for the therapist. For each route and persona:

- a reader the rule lets in (the treating therapist, the owner) sees the marker, and an audit
  entry about the client is written with the reason;
- everyone else sees no marker (404, or the page without its health details) and no entry;
- after a break-glass read with a reason the colleague and the front desk see it, audited with
  the reason; the other practice cannot even ask;
- once the client has closed their account nobody sees it through these routes, the treating
  therapist and the owner included; the owner's records request shows it, audited;
- every response carries ``Cache-Control: no-store``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.security import matrix as m
from tests.security.world import World, build_world
from unknot.apps.booking.models import Booking
from unknot.apps.progress.models import CheckIn, ReviewSuggestion
from unknot.apps.records.grants import break_glass_open
from unknot.apps.records.models import AuditEntry, SessionNote

pytestmark = pytest.mark.django_db

CLIENT_NOTE = "MARKER-CLIENT-NOTE"
FLAG = "MARKER-FLAG-DETAIL"
SOAP = "MARKER-SOAP-NOTE"
CHECKIN_NOTE = "MARKER-CHECKIN-NOTE"
FOR_THERAPIST = "MARKER-FOR-THERAPIST"
CLEARANCE = "MARKER-CLEARANCE-NOTE"
READERS = {"therapist", "owner"}
PRACTICE_SIDE = (
    "therapist",
    "colleague",
    "staff",
    "owner",
    "therapist_elsewhere",
    "staff_elsewhere",
)


@dataclass(frozen=True)
class HealthRoute:
    name: str
    door: str  # web, api or admin
    url: Callable[[World], str]
    marker: str
    personas: tuple[str, ...] = PRACTICE_SIDE
    """The personas this route is for (the therapist's own schedule is his alone)."""
    glass: tuple[str, ...] = ("colleague", "staff")
    """Who break-glass opens it to: a booking stays its parties' (a colleague never reaches
    another therapist's booking), so there only the front desk."""


def _admin(model: str, obj: Callable[[World], object]) -> Callable[[World], str]:
    return lambda w: reverse(f"admin:{model}_change", args=[obj(w).pk])


ROUTES = [
    HealthRoute(
        "appointment page",
        "web",
        lambda w: reverse("booking:appointment", args=[w.booking.uid]),
        FLAG,
        glass=("staff",),
    ),
    HealthRoute(
        "therapist's schedule",
        "web",
        lambda w: (
            reverse("booking:schedule")
            + f"?date={w.booking.starts_at.astimezone(w.tz).date():%Y-%m-%d}"
        ),
        CLIENT_NOTE,
        personas=("therapist",),
    ),
    HealthRoute(
        "staff calendar",
        "web",
        lambda w: reverse("booking:calendar"),
        FLAG,
        personas=("staff", "owner", "staff_elsewhere"),
    ),
    HealthRoute(
        "session note page", "web", lambda w: reverse("records:note", args=[w.booking.uid]), SOAP
    ),
    HealthRoute(
        "client progress page",
        "web",
        lambda w: reverse("progress:client", args=[w.users["client"].uid]),
        CHECKIN_NOTE,
    ),
    HealthRoute(
        "booking detail (API)",
        "api",
        lambda w: f"/api/v1/bookings/{w.booking.uid}",
        CLIENT_NOTE,
        glass=("staff",),
    ),
    HealthRoute(
        "booking list (API)",
        "api",
        lambda w: "/api/v1/bookings?limit=100",
        CLIENT_NOTE,
        glass=("staff",),
    ),
    HealthRoute("session note (API)", "api", lambda w: f"/api/v1/notes/{w.booking.uid}", SOAP),
    HealthRoute(
        "check-in (API)", "api", lambda w: f"/api/v1/checkins/{w.checkin.uid}", CHECKIN_NOTE
    ),
    HealthRoute(
        "check-in list (API)",
        "api",
        lambda w: f"/api/v1/checkins?client={w.users['client'].uid}",
        CHECKIN_NOTE,
    ),
    HealthRoute(
        "client progress (API)",
        "api",
        lambda w: f"/api/v1/progress/clients/{w.users['client'].uid}",
        FOR_THERAPIST,
    ),
    HealthRoute(
        "program with its bookings (API)",
        "api",
        lambda w: f"/api/v1/programs/{w.program.uid}",
        CLIENT_NOTE,
        glass=("staff",),
    ),
    HealthRoute(
        "booking (admin)", "admin", _admin("booking_booking", lambda w: w.booking), CLIENT_NOTE
    ),
    HealthRoute(
        "booking clearance note (admin)",
        "admin",
        _admin("booking_booking", lambda w: w.booking),
        CLEARANCE,
    ),
    HealthRoute(
        "session note (admin)", "admin", _admin("records_sessionnote", lambda w: w.note), SOAP
    ),
    HealthRoute(
        "check-in (admin)", "admin", _admin("progress_checkin", lambda w: w.checkin), CHECKIN_NOTE
    ),
    HealthRoute(
        "review suggestion (admin)",
        "admin",
        _admin("progress_reviewsuggestion", lambda w: w.suggestion),
        FOR_THERAPIST,
    ),
    HealthRoute(
        "self-assessment (admin)",
        "admin",
        _admin("guide_savedassessment", lambda w: w.assessment),
        "catalogue_version",  # the read-only answers and result are shown with this field
    ),
]
ADMIN_PERSONAS = {"staff", "owner", "staff_elsewhere"}


def _health_world() -> World:
    world = build_world()  # practice A's owner is one of its personas
    booking = world.booking
    Booking.objects.filter(pk=booking.pk).update(
        client_note=CLIENT_NOTE,
        safety={
            "flags": [{"code": "marker", "action": "modify", "detail": FLAG}],
            "pressure_cap": 2,
        },
        status="pending",
        needs_clearance=True,
        clearance_recorded_at=None,
    )
    booking.refresh_from_db()
    Booking.objects.filter(program_session__program=world.program).update(client_note=CLIENT_NOTE)
    Booking.objects.filter(pk=booking.pk).update(clearance_note=CLEARANCE)
    CheckIn.objects.filter(pk=world.checkin.pk).update(health_note=CHECKIN_NOTE)
    ReviewSuggestion.objects.filter(pk=world.suggestion.pk).update(for_therapist=FOR_THERAPIST)
    world.objects["note"] = SessionNote.objects.create(
        booking=booking,
        practice=booking.practice,
        client=booking.client,
        author=world.ben.user,
        subjective=SOAP,
    )
    AuditEntry.objects.all().delete()
    return world


@pytest.fixture
def world(db) -> World:
    from zoneinfo import ZoneInfo

    w = _health_world()
    w.objects["tz"] = ZoneInfo(w.practice.time_zone)
    return w


def _client_for(world: World, persona: str, door: str) -> Client:
    if door == "api":
        return Client(headers={"Authorization": f"Bearer {world.tokens[persona]}"})
    client = Client()
    client.force_login(world.users[persona])
    return client


def _personas(route: HealthRoute) -> list[str]:
    if route.door == "admin":
        return [p for p in route.personas if p in ADMIN_PERSONAS]
    return list(route.personas)


def _visit(world: World, route: HealthRoute, persona: str):
    """One visit, rolled back: returns (response, audit entries it wrote about the client)."""
    client = _client_for(world, persona, route.door)
    url = route.url(world)
    subject = world.users["client"]
    before = set(AuditEntry.objects.filter(subject=subject).values_list("pk", flat=True))
    response = client.get(url)
    written = list(AuditEntry.objects.filter(subject=subject).exclude(pk__in=before))
    return response, written


def _shows(response, marker: str) -> bool:
    return response.status_code == 200 and marker in response.content.decode()


def _assert_no_store(route, persona, response):
    assert "no-store" in response.get("Cache-Control", ""), (route.name, persona)
    assert response.get("Pragma") == "no-cache", (route.name, persona)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_health_data_shows_only_to_its_readers_and_every_showing_is_audited(world, route):
    failures = []
    for persona in _personas(route):
        response, written = _visit(world, route, persona)
        _assert_no_store(route, persona, response)
        shown = _shows(response, route.marker)
        actor = world.users[persona]
        if persona in READERS:
            if not shown:
                failures.append(f"{persona}: content not shown ({response.status_code})")
            if not any(e.actor_id == actor.pk and e.action == "view" and e.reason for e in written):
                failures.append(f"{persona}: no audit entry with a reason")
        else:
            if shown:
                failures.append(f"{persona}: sees health data without a reason")
            if written:
                failures.append(f"{persona}: audit entries for content not shown: {written}")
    assert not failures, f"{route.name}: " + "; ".join(failures)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_break_glass_opens_the_record_for_its_reader_only_with_the_reason_audited(world, route):
    client = world.users["client"]
    now = timezone.now()
    for persona in route.glass:
        if persona not in _personas(route):
            continue
        reason = f"{persona} covering an urgent call"
        break_glass_open(actor=world.users[persona], client=client, reason=reason, now=now)
        response, written = _visit(world, route, persona)
        assert _shows(response, route.marker), (route.name, persona, response.status_code)
        assert any(e.reason == f"break-glass: {reason}" for e in written), (route.name, persona)
    # The grant is for that reader: the other practice still sees nothing.
    for persona in ("therapist_elsewhere", "staff_elsewhere"):
        if persona in _personas(route):
            response, written = _visit(world, route, persona)
            assert not _shows(response, route.marker) and not written, (route.name, persona)


def test_break_glass_expires_and_is_only_for_a_client_who_booked_at_the_practice(world):
    from django.http import Http404

    from unknot.apps.records.grants import access_client_for_break_glass
    from unknot.apps.records.health_access import GRANT_MINUTES

    desk, client = world.users["staff"], world.users["client"]
    route = next(r for r in ROUTES if r.name == "session note (API)")
    past = timezone.now() - dt.timedelta(minutes=GRANT_MINUTES + 1)
    break_glass_open(actor=desk, client=client, reason="An old reason, long expired", now=past)
    response, written = _visit(world, route, "staff")
    assert response.status_code == 404 and not written
    with pytest.raises(Http404):
        access_client_for_break_glass(world.users["staff_elsewhere"], client.uid)
    glass = Client()
    glass.force_login(world.users["staff_elsewhere"])
    assert glass.get(reverse("records:break_glass", args=[client.uid])).status_code == 404
    # The grant and its reason are in the client's own audit log page.
    break_glass_open(
        actor=desk, client=client, reason="Checking a reaction report", now=timezone.now()
    )
    own = Client()
    own.force_login(client)
    page = own.get(reverse("records:my_data")).content.decode()
    assert "Checking a reaction report" in page


def test_a_cancelled_booking_makes_no_treating_relationship(world):
    """Booked then cancelled: the practice's therapist and owner get no lasting access."""
    from unknot.apps.booking.models import BookingStatus

    Booking.objects.filter(client=world.users["client"]).update(status=BookingStatus.CANCELLED)
    for route in ROUTES:
        for persona in ("therapist", "owner"):
            if persona not in _personas(route) or route.name == "therapist's schedule":
                continue
            response, written = _visit(world, route, persona)
            assert not _shows(response, route.marker), (route.name, persona)
            assert not written, (route.name, persona)


def test_a_treating_relationship_ends_a_year_after_the_last_session(world):
    from unknot.apps.records.health_access import (
        TREATING_DAYS_AFTER_LAST_SESSION,
        decide_client_record_read,
    )

    ben, client = world.users["therapist"], world.users["client"]
    last = Booking.objects.filter(client=client).order_by("-starts_at").first().starts_at
    within = last + dt.timedelta(days=TREATING_DAYS_AFTER_LAST_SESSION - 1)
    after = last + dt.timedelta(days=TREATING_DAYS_AFTER_LAST_SESSION + 1)
    practice_id = world.practice.pk
    assert decide_client_record_read(ben, client, practice_id=practice_id, now=within).allowed
    late = decide_client_record_read(ben, client, practice_id=practice_id, now=after)
    assert not late.allowed and late.may_break_glass


def _close(world: World) -> None:
    from unknot.apps.records.services import account_close

    client = world.users["client"]
    world.practice.health_record_retention_days = 3650
    world.practice.save(update_fields=["health_record_retention_days"])
    account_close(user=client, now=timezone.now())
    client.refresh_from_db()


def test_a_closed_clients_records_are_archived_out_of_every_ordinary_route(world):
    _close(world)
    failures = []
    for route in ROUTES:
        for persona in _personas(route):
            response, written = _visit(world, route, persona)
            _assert_no_store(route, persona, response)
            if _shows(response, route.marker):
                failures.append(f"{route.name} as {persona}: archived data shown")
            if written:
                failures.append(f"{route.name} as {persona}: audit written")
    assert not failures, "; ".join(failures)


def test_only_the_owners_records_request_with_a_reason_opens_the_archive(world):
    _close(world)
    client = world.users["client"]
    url = reverse("records:archived_client", args=[client.uid])
    for persona in ("therapist", "colleague", "staff", "staff_elsewhere"):
        visitor = _client_for(world, persona, "web")
        assert visitor.get(reverse("records:archive")).status_code == 404, persona
        assert visitor.get(url).status_code == 404, persona
    owner = _client_for(world, "owner", "web")
    listing = owner.get(reverse("records:archive"))
    assert client.uid in listing.content.decode()
    form = owner.get(url)
    assert form.status_code == 200 and SOAP not in form.content.decode()
    assert owner.post(url, {"reason": "short"}).status_code == 400
    assert owner.post(url, {"reason": "Insurer's claim 4411 asks for the notes"}).status_code == 302
    page = owner.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and SOAP in html and CLIENT_NOTE in html
    assert CHECKIN_NOTE in html
    assert "no-store" in page["Cache-Control"]
    reasons = set(
        AuditEntry.objects.filter(actor=world.users["owner"]).values_list("reason", flat=True)
    )
    assert "Insurer's claim 4411 asks for the notes" in reasons  # the request itself
    assert "records request: Insurer's claim 4411 asks for the notes" in reasons  # the viewing


def test_the_api_records_request_is_for_owners_with_a_reason(world):
    _close(world)
    body = {"client": world.users["client"].uid, "reason": "A court order for the notes"}
    for persona in ("therapist", "staff"):
        api = _client_for(world, persona, "api")
        got = api.post("/api/v1/access/records-requests", body, content_type="application/json")
        assert got.status_code == 404, persona
    api = _client_for(world, "owner", "api")
    missing = api.post(
        "/api/v1/access/records-requests",
        {"client": body["client"]},
        content_type="application/json",
    )
    assert missing.status_code == 422
    made = api.post("/api/v1/access/records-requests", body, content_type="application/json")
    assert made.status_code == 201 and made.json()["kind"] == "records_request"
    note = api.get(f"/api/v1/notes/{world.booking.uid}")
    assert note.status_code == 200 and SOAP in note.content.decode()


def test_no_store_covers_every_page_and_operation_the_matrix_knows(world):
    """Every route family that may carry health data answers no-store, for every caller."""
    from tests.security.test_permission_matrix import API, WEB, _url_for

    personas = m.Personas(world)
    for key, probes in WEB.items():
        probe = probes[0]
        url = _url_for(key, world, probe)
        from unknot.apps.records.no_store import serves_health_data

        if not serves_health_data(url):
            continue
        for persona in ("anonymous", "client", "staff"):
            response = m.in_savepoint(lambda p=persona, u=url: personas.web(p).get(u))
            assert "no-store" in response.get("Cache-Control", ""), (key, persona)
    for key, probe in API.items():
        probe = probe[0] if isinstance(probe, list) else probe
        if probe.method != "GET":
            continue
        path = key.split(" ", 1)[1].format(**probe.kwargs(world))
        for persona in ("anonymous", "client", "staff"):
            response = m.in_savepoint(lambda p=persona, u=path: personas.api(p).get(u))
            assert "no-store" in response.get("Cache-Control", ""), (key, persona)
            assert response.get("Pragma") == "no-cache", (key, persona)
