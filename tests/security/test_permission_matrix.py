"""One permission matrix over every page and API operation, for nine personas.

Each route of the URLconf (and each operation of the OpenAPI document) has an entry here that
says, per persona, what must happen: it is allowed (``ok``, or a ``redirect`` elsewhere), or it
is refused with 401/403/404 or a redirect to sign in. Nothing in between, never a 5xx. A route
without an entry fails the test: add it to the matrix when you add the route.

The admin is covered by rules for every registered model (``test_admin_matrix``).
Run ``UNKNOT_MATRIX_DRAFT=1 pytest tests/security/test_permission_matrix.py`` to print what
each persona gets today, as a draft for a new entry (then judge it: the table states intent).
"""

from __future__ import annotations

import os
import re

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import PASSWORD
from tests.security import matrix as m
from tests.security.matrix import LOGIN, OK, REDIRECT, Probe, row
from tests.security.world import PERSONAS, World, build_world

pytestmark = pytest.mark.django_db

NO_SUCH = "no-such-record-uid"
"""For routes whose record is looked up by something no persona holds (e.g. an evidence id)."""

# --- rows used again and again: (anonymous, client, other_client, therapist, colleague,
#     therapist_elsewhere, staff, staff_elsewhere, owner) ------------------------------------
# The owner (practice A's administrator) does everything practice A's front desk does.
PUBLIC = row(OK)
SIGNED_IN = row(OK, anonymous=LOGIN)
SIGNED_IN_REDIRECT = row(REDIRECT, anonymous=LOGIN)
CLIENTS = row(LOGIN, OK, OK, 404, 404, 404, 404, 404, 404)
THERAPISTS = row(LOGIN, 404, 404, OK, OK, OK, 404, 404, 404)
STAFF = row(LOGIN, 404, 404, 404, 404, 404, OK, OK, OK)
PRACTICE_SIDE = row(LOGIN, 404, 404, OK, OK, OK, OK, OK, OK)
BOOKING_PARTIES = row(LOGIN, OK, 404, OK, 404, 404, OK, 404, OK)
CLIENTS_REAUTH = row(LOGIN, REDIRECT, REDIRECT, 404, 404, 404, 404, 404, 404)
"""For clients, after re-authenticating (until then, a redirect to do so)."""
"""The booking's client, its therapist and staff of its practice."""
NOBODY = row(LOGIN, 404, 404, 404, 404, 404, 404, 404, 404)
ANON_LOGIN_ELSE_404 = NOBODY
OWNER = row(LOGIN, OK, 404, 404, 404, 404, 404, 404, 404)
"""The client whose record it is, and nobody else."""
OWNER_REDIRECT = row(LOGIN, REDIRECT, 404, 404, 404, 404, 404, 404, 404)
QUESTION_THERAPIST = row(LOGIN, 404, 404, OK, 404, 404, 404, 404, 404)
"""The therapist a question was asked of."""
QUESTION_THERAPIST_REDIRECT = row(LOGIN, 404, 404, REDIRECT, 404, 404, 404, 404, 404)
PROGRAM_PRACTICE_SIDE = row(LOGIN, 404, 404, OK, 404, 404, OK, 404, OK)
"""The program's therapist and staff of its practice (adjusting is not for the client)."""
PARTIES_REDIRECT = row(LOGIN, REDIRECT, 404, REDIRECT, 404, 404, REDIRECT, 404, REDIRECT)
"""The booking's (or program's) parties, sent on after the change."""
SUGGESTION_DECIDERS = row(LOGIN, 404, 404, REDIRECT, 404, 404, 404, 404, 404)
"""The client's treating therapists at the suggestion's practice (not a colleague who never
treated them)."""
HEALTH_READERS = row(LOGIN, 404, 404, OK, 404, 404, 404, 404, OK)
"""A client's health records at the practice side: their treating therapist (and the owner);
colleagues and the front desk only after a break-glass read (see test_health_reads.py)."""
BREAK_GLASS_ASKERS = row(LOGIN, 404, 404, OK, OK, 404, OK, 404, OK)
"""Who may ask to open a client's records with a reason: anyone of a practice the client booked
at (the treating therapist too, though they need not)."""

API_PUBLIC = row(OK)
API_SIGNED_IN = row(OK, anonymous=401)
API_CLIENTS = row(401, OK, OK, 403, 403, 403, 403, 403, 403)
API_BOOKING_PARTIES = row(401, OK, 404, OK, 404, 404, OK, 404, OK)
API_PRACTICE_SIDE_OF_BOOKING = row(401, 403, 404, OK, 404, 404, OK, 404, OK)
API_NOBODY = row(401, 404, 404, 404, 404, 404, 404, 404, 404)
API_ALL_404 = row(404)
API_OWNER = row(401, OK, 404, 404, 404, 404, 404, 404, 404)
API_QUESTION_THERAPIST = row(401, 404, 404, OK, 404, 404, 404, 404, 404)
API_PROGRAM_PRACTICE_SIDE = row(401, 403, 404, OK, 404, 404, OK, 404, OK)
"""Adjusting a program: its therapist and staff; its client sees it but may not (403)."""
API_CLIENT_AND_TREATING = row(401, OK, 404, OK, 404, 404, 404, 404, OK)
"""The client, and their treating therapist (the owner too; others after break-glass)."""


def kw(**values):
    """URL kwargs from the world: values are attribute paths ("booking.uid") or literals."""

    def build(world: World) -> dict:
        out = {}
        for key, value in values.items():
            if isinstance(value, str) and "." in value:
                obj = world
                for part in value.split("."):
                    obj = obj[part] if isinstance(obj, dict) else getattr(obj, part)
                out[key] = obj
            else:
                out[key] = value
        return out

    return build


def step_slug(world: World) -> dict:
    from unknot.apps.guide.forms import STEPS

    return {"slug": STEPS[0].slug}


WEB: dict[str, list[Probe]] = {
    "home:index": [Probe("GET", PUBLIC)],
    "healthz": [Probe("GET", PUBLIC)],
    # Stripe's webhook has no session door: its signature is its door (refused unsigned with
    # 400, tests/apps/payments/test_webhooks.py), so every persona reaches the view.
    "payments:stripe-webhook": [Probe("POST", PUBLIC, kw(practice_slug="practice.slug"))],
    "media/<path:path>": [Probe("GET", PUBLIC, kw(path="ben.photo.name"))],
    "guide:technique_list": [Probe("GET", PUBLIC)],
    "guide:technique_detail": [Probe("GET", PUBLIC, kw(slug="swedish"))],
    "evidence:index": [Probe("GET", PUBLIC)],
    "assessment:start": [Probe("GET", PUBLIC)],
    "assessment:step": [
        Probe("GET", PUBLIC, step_slug),
        Probe("POST", row(REDIRECT), step_slug),  # the first step may be left empty: on to the next
    ],
    "assessment:result": [Probe("GET", row(REDIRECT))],  # no answers yet: back to the start
    "assessment:save": [Probe("POST", SIGNED_IN_REDIRECT)],
    "assessment:clear": [Probe("POST", row(REDIRECT))],
    "assessment:mine": [Probe("GET", SIGNED_IN)],
    "assessment:saved": [
        Probe("GET", row(LOGIN, OK, 404, 404, 404, 404, 404, 404, 404), kw(uid="assessment.uid"))
    ],
    "therapists:directory": [Probe("GET", PUBLIC)],
    "therapists:profile": [Probe("GET", PUBLIC, kw(slug="ben.slug"))],
    "therapists:edit_profile": [Probe("GET", THERAPISTS), Probe("POST", THERAPISTS)],
    "accounts:signup": [Probe("GET", PUBLIC), Probe("POST", PUBLIC)],
    "accounts:login": [Probe("GET", row(REDIRECT, anonymous=OK))],
    "accounts:logout": [Probe("POST", row(REDIRECT))],
    "accounts:password_reset": [Probe("GET", PUBLIC), Probe("POST", PUBLIC)],
    "accounts:password_reset_done": [Probe("GET", PUBLIC)],
    "accounts:password_reset_confirm": [Probe("GET", PUBLIC, kw(uidb64="MQ", token="bad-token"))],
    "accounts:password_reset_complete": [Probe("GET", PUBLIC)],
    "accounts:signup_confirm": [Probe("GET", PUBLIC, kw(token="not-a-signed-token"))],
    "accounts:profile": [Probe("GET", SIGNED_IN), Probe("POST", SIGNED_IN)],
    "accounts:reauth": [Probe("GET", SIGNED_IN), Probe("POST", SIGNED_IN)],
    "accounts:email_change": [Probe("GET", SIGNED_IN_REDIRECT), Probe("POST", SIGNED_IN_REDIRECT)],
    "accounts:email_confirm": [
        Probe("GET", PUBLIC, kw(token="not-a-signed-token")),
        Probe("POST", PUBLIC, kw(token="not-a-signed-token")),
    ],
    "accounts:password_change": [
        Probe("GET", SIGNED_IN_REDIRECT),
        Probe("POST", SIGNED_IN_REDIRECT),
    ],
    "accounts:tokens": [Probe("GET", SIGNED_IN), Probe("POST", SIGNED_IN)],
    "accounts:token_revoke": [Probe("POST", NOBODY, kw(uid=NO_SUCH))],
    "accounts:two_factor": [Probe("GET", PRACTICE_SIDE)],
    # Practice-side sessions have set up and confirmed their (required) second factor: the
    # setup page sends them on, and renewing recovery codes shows the new ones.
    "accounts:two_factor_setup": [
        Probe(
            "GET", row(LOGIN, 404, 404, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT)
        )
    ],
    "accounts:two_factor_verify": [Probe("GET", SIGNED_IN_REDIRECT)],  # nothing owed: move on
    # New recovery codes ask to confirm it is you first (issue 12): sent to do so.
    "accounts:two_factor_recovery_codes": [
        Probe(
            "POST", row(LOGIN, 404, 404, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT)
        )
    ],
    "accounts:two_factor_disable": [
        Probe(
            "POST", row(LOGIN, 404, 404, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT)
        )
    ],
    # Booking pages: browsing is public, the appointment belongs to its parties.
    "booking:index": [Probe("GET", PUBLIC)],
    "booking:resume": [Probe("GET", row(REDIRECT))],
    "booking:choose": [Probe("GET", PUBLIC, kw(technique="swedish"))],
    "booking:times": [Probe("GET", PUBLIC, kw(technique="swedish"))],
    "booking:confirm": [Probe("GET", PUBLIC, kw(technique="swedish"))],
    "booking:appointments": [Probe("GET", SIGNED_IN)],
    "booking:appointment": [Probe("GET", BOOKING_PARTIES, kw(uid="booking.uid"))],
    "booking:cancel": [
        Probe("GET", BOOKING_PARTIES, kw(uid="booking.uid")),
        Probe(
            "POST",
            row(LOGIN, REDIRECT, 404, REDIRECT, 404, 404, REDIRECT, 404, REDIRECT),
            kw(uid="booking.uid"),
        ),
    ],
    "booking:reschedule": [
        Probe("GET", BOOKING_PARTIES, kw(uid="booking.uid")),
        Probe("POST", BOOKING_PARTIES, kw(uid="booking.uid")),
    ],
    "booking:schedule": [Probe("GET", THERAPISTS)],
    "booking:outcome": [
        Probe("POST", row(LOGIN, 404, 404, OK, 404, 404, 404, 404, 404), kw(uid="booking.uid"))
    ],
    "booking:calendar": [Probe("GET", STAFF)],
    "booking:clearance": [
        Probe("POST", row(LOGIN, 404, 404, 404, 404, 404, OK, 404, OK), kw(uid="booking.uid"))
    ],
    # Calendar feeds.
    "notifications:subscription": [Probe("GET", row(LOGIN, OK, OK, OK, OK, OK, 404, 404, 404))],
    # The feed's address is its own secret: whoever holds it reads the calendar (anonymous too).
    "notifications:feed": [Probe("GET", PUBLIC, kw(token="feed.token"))],
    # Questions to therapists.
    "questions:mine": [Probe("GET", SIGNED_IN)],
    "questions:ask": [Probe("POST", PUBLIC, kw(therapist_uid="ben.uid"))],
    # The private link (uid and its secret token) is the asker's key: whoever holds it reads.
    "questions:private": [
        Probe("GET", PUBLIC, kw(uid="question.uid", token="objects.question_token")),
        Probe("GET", row(404), kw(uid="question.uid", token=NO_SUCH)),
    ],
    "questions:portal_inbox": [Probe("GET", THERAPISTS)],
    # Only the therapist the question was asked of: not a colleague, not the desk.
    "questions:portal_detail": [Probe("GET", QUESTION_THERAPIST, kw(uid="question.uid"))],
    "questions:portal_publish": [
        Probe("POST", QUESTION_THERAPIST_REDIRECT, kw(uid="question.uid"))
    ],
    "questions:portal_dismiss": [
        Probe("POST", QUESTION_THERAPIST_REDIRECT, kw(uid="question.uid"))
    ],
    # Programs.
    "programs:mine": [Probe("GET", SIGNED_IN)],
    "programs:new": [Probe("GET", CLIENTS)],
    "programs:preview": [Probe("POST", CLIENTS)],
    # A program: its client, the therapist of its sessions and staff of its practice.
    "programs:detail": [Probe("GET", BOOKING_PARTIES, kw(uid="program.uid"))],
    "programs:cancel": [
        Probe("GET", BOOKING_PARTIES, kw(uid="program.uid")),
        Probe("POST", PARTIES_REDIRECT, kw(uid="program.uid")),
    ],
    "programs:adjust": [Probe("GET", PROGRAM_PRACTICE_SIDE, kw(uid="program.uid"))],
    "programs:move_rest": [Probe("GET", BOOKING_PARTIES, kw(uid="program.uid"))],
    "programs:session_cancel": [
        Probe("GET", BOOKING_PARTIES, kw(uid="program.uid", index=1)),
        Probe("POST", PARTIES_REDIRECT, kw(uid="program.uid", index=1)),
    ],
    "programs:session_reschedule": [Probe("POST", BOOKING_PARTIES, kw(uid="program.uid", index=1))],
    # Waitlist.
    "waitlist:mine": [Probe("GET", CLIENTS)],
    "waitlist:join": [Probe("GET", CLIENTS)],
    # Entries and offers: their own client only (the emailed offer link needs sign-in too).
    "waitlist:leave": [Probe("POST", OWNER_REDIRECT, kw(uid="waitlist_entry.uid"))],
    "waitlist:offer": [Probe("GET", OWNER, kw(token="offer.token"))],
    "waitlist:accept": [Probe("POST", OWNER, kw(token="offer.token"))],
    "waitlist:decline": [Probe("POST", OWNER_REDIRECT, kw(token="offer.token"))],
    # Progress.
    "progress:mine": [
        Probe("GET", row(LOGIN, OK, OK, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT))
    ],
    "progress:checkin": [Probe("GET", OWNER, kw(booking_uid="booking.uid", kind="before"))],
    # The signed check-in link is its own key (it shows nothing stored, takes one answer).
    "progress:link": [
        Probe("GET", PUBLIC, kw(token="objects.checkin_link")),
        Probe("GET", row(404), kw(token=NO_SUCH)),
    ],
    "progress:clients": [Probe("GET", PRACTICE_SIDE)],
    # The client's treating therapist (and the owner); the client reads their own progress at
    # progress:mine.
    "progress:client": [Probe("GET", HEALTH_READERS, kw(client_uid="users.client.uid"))],
    # Deciding is for the client's treating therapists at the suggestion's practice.
    "progress:decide": [Probe("POST", SUGGESTION_DECIDERS, kw(uid="suggestion.uid"))],
    # Records (a client's own data, the therapist's notes).
    "records:my_data": [Probe("GET", CLIENTS)],
    "records:consent": [
        Probe("POST", row(LOGIN, REDIRECT, REDIRECT, 404, 404, 404, 404, 404, 404))
    ],
    # Export and closing ask for the password again first (issue 12): clients go to do so.
    "records:export": [Probe("GET", CLIENTS_REAUTH)],
    "records:export_json": [Probe("GET", CLIENTS_REAUTH)],
    "records:close": [Probe("GET", CLIENTS_REAUTH)],
    "records:notes": [Probe("GET", THERAPISTS)],
    "records:note": [Probe("GET", NOBODY, kw(booking_uid=NO_SUCH))],
    # Opening records with a reason; archived records are for owners (none among these eight).
    "records:break_glass": [Probe("GET", BREAK_GLASS_ASKERS, kw(client_uid="users.client.uid"))],
    # The archive of closed clients' records is the owner's (each opening audited, with a reason).
    "records:archive": [Probe("GET", row(LOGIN, 404, 404, 404, 404, 404, 404, 404, OK))],
    "records:archived_client": [Probe("GET", NOBODY, kw(client_uid="users.client.uid"))],
    # The API's own pages.
    "api-v1:openapi-json": [Probe("GET", PUBLIC)],
    "api-v1:openapi-view": [Probe("GET", PUBLIC)],
    "api-v1:api-root": [Probe("GET", row(404))],
}
"""Every non-admin page. API operations are in API; their URL patterns are covered there."""

API: dict[str, Probe | list[Probe]] = {
    "POST /api/v1/auth/signup": Probe("POST", API_PUBLIC),
    "POST /api/v1/auth/token": Probe("POST", row(401)),  # reached: the (empty) password is wrong
    "GET /api/v1/therapists": Probe("GET", API_PUBLIC),
    "GET /api/v1/availability/soonest": Probe("GET", API_PUBLIC),
    "GET /api/v1/availability": Probe("GET", API_PUBLIC),
    "GET /api/v1/techniques": Probe("GET", API_PUBLIC),
    "GET /api/v1/evidence": Probe("GET", API_PUBLIC),
    "GET /api/v1/evidence/{evidence_id}": Probe("GET", API_ALL_404, kw(evidence_id=NO_SUCH)),
    "POST /api/v1/bookings": Probe("POST", API_CLIENTS),
    "GET /api/v1/bookings": Probe("GET", API_SIGNED_IN),
    "GET /api/v1/bookings/{uid}": Probe("GET", API_BOOKING_PARTIES, kw(uid="booking.uid")),
    "POST /api/v1/bookings/{uid}/cancel": Probe("POST", API_BOOKING_PARTIES, kw(uid="booking.uid")),
    "POST /api/v1/bookings/{uid}/reschedule": Probe(
        "POST", API_BOOKING_PARTIES, kw(uid="booking.uid")
    ),
    "POST /api/v1/bookings/{uid}/complete": Probe(
        "POST", API_PRACTICE_SIDE_OF_BOOKING, kw(uid="booking.uid")
    ),
    "POST /api/v1/bookings/{uid}/no-show": Probe(
        "POST", API_PRACTICE_SIDE_OF_BOOKING, kw(uid="booking.uid")
    ),
    "POST /api/v1/bookings/{uid}/clearance": Probe(
        "POST", row(401, 403, 404, 403, 404, 404, OK, 404, OK), kw(uid="booking.uid")
    ),
    "POST /api/v1/assessments": Probe("POST", API_PUBLIC),
    "GET /api/v1/assessments": Probe("GET", API_SIGNED_IN),
    "GET /api/v1/assessments/{uid}": Probe(
        "GET", row(401, OK, 404, 404, 404, 404, 404, 404, 404), kw(uid="assessment.uid")
    ),
    # Only the client has a feed in the world: the others have none to show (404).
    "GET /api/v1/calendar/feed": Probe("GET", row(401, OK, 404, 404, 404, 404, 403, 403, 403)),
    "POST /api/v1/calendar/feed": Probe("POST", row(401, OK, OK, OK, OK, OK, 403, 403, 403)),
    "DELETE /api/v1/calendar/feed": Probe("DELETE", row(401, OK, OK, OK, OK, OK, 403, 403, 403)),
    "POST /api/v1/therapists/{uid}/questions": Probe("POST", API_PUBLIC, kw(uid="ben.uid")),
    "GET /api/v1/questions": Probe("GET", API_SIGNED_IN),
    # The asker and the therapist asked; answering and publishing are the therapist's alone.
    "GET /api/v1/questions/{uid}": Probe(
        "GET", row(401, OK, 404, OK, 404, 404, 404, 404, 404), kw(uid="question.uid")
    ),
    "POST /api/v1/questions/{uid}/answer": Probe(
        "POST", API_QUESTION_THERAPIST, kw(uid="question.uid")
    ),
    "POST /api/v1/questions/{uid}/publish": Probe(
        "POST", API_QUESTION_THERAPIST, kw(uid="question.uid")
    ),
    "GET /api/v1/therapists/{uid}/faq": Probe("GET", API_PUBLIC, kw(uid="ben.uid")),
    "POST /api/v1/programs": Probe("POST", API_CLIENTS),
    "GET /api/v1/programs": Probe("GET", API_SIGNED_IN),
    "GET /api/v1/programs/{uid}": Probe("GET", API_BOOKING_PARTIES, kw(uid="program.uid")),
    "POST /api/v1/programs/{uid}/cancel": Probe("POST", API_BOOKING_PARTIES, kw(uid="program.uid")),
    "POST /api/v1/programs/{uid}/sessions/{index}/cancel": Probe(
        "POST", API_BOOKING_PARTIES, kw(uid="program.uid", index=1)
    ),
    "POST /api/v1/programs/{uid}/sessions/{index}/reschedule": Probe(
        "POST", API_BOOKING_PARTIES, kw(uid="program.uid", index=1)
    ),
    "POST /api/v1/programs/{uid}/adjust": Probe(
        "POST", API_PROGRAM_PRACTICE_SIDE, kw(uid="program.uid")
    ),
    "POST /api/v1/programs/{uid}/reschedule": Probe(
        "POST", API_BOOKING_PARTIES, kw(uid="program.uid")
    ),
    "POST /api/v1/waitlist": Probe("POST", API_CLIENTS),
    "GET /api/v1/waitlist": Probe("GET", API_SIGNED_IN),
    "DELETE /api/v1/waitlist": Probe("DELETE", API_SIGNED_IN),
    "DELETE /api/v1/waitlist/{uid}": Probe("DELETE", API_OWNER, kw(uid="waitlist_entry.uid")),
    "GET /api/v1/waitlist/offers/{token}": Probe("GET", API_OWNER, kw(token="offer.token")),
    "POST /api/v1/waitlist/offers/{token}/accept": Probe(
        "POST", API_OWNER, kw(token="offer.token")
    ),
    "POST /api/v1/waitlist/offers/{token}/decline": Probe(
        "POST", API_OWNER, kw(token="offer.token")
    ),
    "GET /api/v1/checkins/form": Probe("GET", API_SIGNED_IN),
    "POST /api/v1/checkins": Probe("POST", API_SIGNED_IN),
    "GET /api/v1/checkins": Probe("GET", row(401, OK, OK, 404, 404, 404, 404, 404, 404)),
    # The client, and the practice side of the check-in's practice.
    "GET /api/v1/checkins/{uid}": Probe("GET", API_CLIENT_AND_TREATING, kw(uid="checkin.uid")),
    "GET /api/v1/progress": Probe("GET", row(401, OK, OK, 404, 404, 404, 404, 404, 404)),
    "GET /api/v1/progress/clients/{uid}": Probe(
        # The client themself, and their treating therapist (the owner; others break glass).
        "GET",
        API_CLIENT_AND_TREATING,
        kw(uid="users.client.uid"),
    ),
    # The minimal body is refused (422) before the lookup: nothing about the uid is revealed.
    "POST /api/v1/progress/suggestions/{uid}/decision": [
        Probe("POST", API_SIGNED_IN, kw(uid="suggestion.uid")),
        # A valid decision reaches the door: the client's treating therapists only.
        Probe(
            "POST",
            row(401, 404, 404, OK, 404, 404, 404, 404, 404),
            kw(uid="suggestion.uid"),
            data={"decision": "decline"},
        ),
    ],
    "GET /api/v1/notes/{booking}": Probe(  # no note written yet: 404 for everyone
        "GET", API_NOBODY, kw(booking="booking.uid")
    ),
    "PUT /api/v1/notes/{booking}": Probe(
        "PUT", row(401, 404, 404, OK, 404, 404, 404, 404, 404), kw(booking="booking.uid")
    ),
    # Only the booking's therapist reaches signing and amending (with no note written yet they
    # get a clear refusal; signed and amended notes: tests/apps/records/test_signed_notes.py).
    "POST /api/v1/notes/{booking}/sign": Probe(
        "POST", row(401, 404, 404, OK, 404, 404, 404, 404, 404), kw(booking="booking.uid")
    ),
    "POST /api/v1/notes/{booking}/amend": Probe(
        "POST",
        row(401, 404, 404, OK, 404, 404, 404, 404, 404),
        kw(booking="booking.uid"),
        data={"reason": "A correction."},
    ),
    "GET /api/v1/notes/{booking}/summary": Probe(
        "GET", row(401, OK, 404, 404, 404, 404, 404, 404, 404), kw(booking="booking.uid")
    ),
    "POST /api/v1/me/export": Probe("POST", API_CLIENTS, data={"password": PASSWORD}),
    "GET /api/v1/auth/tokens": Probe("GET", API_SIGNED_IN),
    "DELETE /api/v1/auth/tokens/{uid}": Probe("DELETE", API_NOBODY, kw(uid=NO_SUCH)),
    # The minimal body names no real client: 404 for everyone signed in (what each persona may
    # open is in tests/security/test_health_reads.py).
    "POST /api/v1/access/break-glass": Probe("POST", API_NOBODY),
    "POST /api/v1/access/records-requests": Probe("POST", API_NOBODY),
    "GET /api/v1/me/consents": Probe("GET", API_CLIENTS),
    "PUT /api/v1/me/consents/{kind}": Probe("PUT", API_CLIENTS, kw(kind="research")),
    "GET /api/v1/me/audit": Probe("GET", API_CLIENTS),
    "DELETE /api/v1/me": Probe("DELETE", API_CLIENTS, data={"password": PASSWORD}),
}

INTEGER_PARAMETERS_ALLOWED = {
    ("programs:session_cancel", "index"): "a session's position within its program",
    ("programs:session_reschedule", "index"): "a session's position within its program",
    ("/api/v1/programs/{uid}/sessions/{index}/cancel", "index"): "a position, not an id",
    ("/api/v1/programs/{uid}/sessions/{index}/reschedule", "index"): "a position, not an id",
}
"""Integer path parameters that are not identifiers of records. People's records: uids only."""


# --- the world ---------------------------------------------------------------------------------


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def personas(world) -> m.Personas:
    return m.Personas(world)


def _draft(observed: dict) -> str:
    return "\n".join(f"{key}: {values}" for key, values in sorted(observed.items()))


# --- completeness --------------------------------------------------------------------------------


def _api_view_names() -> set[str]:
    names = set()
    for route in m.all_routes():
        if route.pattern.startswith("api/v1/") and route.key.startswith("api-v1:"):
            names.add(route.key)
    return names - {"api-v1:openapi-json", "api-v1:openapi-view", "api-v1:api-root"}


def test_every_page_route_is_in_the_matrix():
    api_views = _api_view_names()
    missing = [
        f"{r.key}  ({r.pattern})"
        for r in m.all_routes()
        if not r.pattern.startswith("admin/") and r.key not in api_views and r.key not in WEB
    ]
    assert not missing, (
        "New routes: add them to WEB in tests/security/test_permission_matrix.py:\n"
        + "\n".join(missing)
    )
    stale = set(WEB) - {r.key for r in m.all_routes()}
    assert not stale, f"Entries for routes that no longer exist: {sorted(stale)}"


def test_every_api_operation_is_in_the_matrix():
    operations = {key for key, _ in m.api_operations()}
    missing = sorted(operations - set(API))
    assert not missing, (
        "New API operations: add them to API in tests/security/test_permission_matrix.py:\n"
        + "\n".join(missing)
    )
    assert not set(API) - operations, f"Stale entries: {sorted(set(API) - operations)}"


def test_no_route_takes_an_integer_id():
    found = []
    for route in m.all_routes():
        if route.pattern.startswith("admin/"):
            continue  # the back office addresses rows by primary key, behind staff sign-in
        for name, converter in route.converters.items():
            if converter == "IntConverter" and (route.key, name) not in INTEGER_PARAMETERS_ALLOWED:
                found.append(f"{route.key}: <int:{name}>")
    for key, operation in m.api_operations():
        path = key.split(" ", 1)[1]
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "path":
                continue
            kind = parameter.get("schema", {}).get("type")
            if kind == "integer" and (path, parameter["name"]) not in INTEGER_PARAMETERS_ALLOWED:
                found.append(f"{key}: {{{parameter['name']}}} is an integer")
    assert not found, (
        "People's records are addressed by uid, never by sequential id:\n" + "\n".join(found)
    )


def test_the_api_never_shows_integer_ids():
    from unknot.api.urls import api

    schema = api.get_openapi_schema()
    found = []
    for name, component in schema.get("components", {}).get("schemas", {}).items():
        for prop, spec in component.get("properties", {}).items():
            if (prop == "id" or prop.endswith("_id")) and spec.get("type") == "integer":
                found.append(f"{name}.{prop}")
    assert not found, f"Integer ids in API schemas (use uids): {found}"


# --- the matrix --------------------------------------------------------------------------------


def _url_for(route_key: str, world: World, probe: Probe) -> str:
    route = next(r for r in m.all_routes() if r.key == route_key)
    kwargs = probe.kwargs(world)
    if route.key != route.pattern:
        return reverse(route_key, kwargs=kwargs)
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda x: str(kwargs[x.group(1)]), route.pattern)


def test_pages_answer_each_persona_as_the_matrix_says(world, personas):
    failures, observed = [], {}
    for key, probes in WEB.items():
        for probe in probes:
            url = _url_for(key, world, probe)
            got = {}
            for persona in PERSONAS:
                response = m.in_savepoint(
                    lambda persona=persona, url=url, probe=probe: m.send(
                        personas.web(persona), probe.method, url, probe.data, json_body=False
                    )
                )
                got[persona] = m.classify(response)
            observed[f"{key} {probe.method}"] = list(got.values())
            for persona in PERSONAS:
                if got[persona] != probe.expect[persona]:
                    failures.append(
                        f"{probe.method} {url} as {persona}: expected "
                        f"{probe.expect[persona]}, got {got[persona]}"
                    )
    if os.environ.get("UNKNOT_MATRIX_DRAFT"):
        print(_draft(observed))
    assert not failures, "\n".join(failures)


def _probe_api(label, key, operation, probe, world, personas, components):
    """One API probe as every persona: ``(failures, what each persona got)``."""
    method, path = key.split(" ", 1)
    url = path.format(**probe.kwargs(world))
    body = probe.data
    request_body = operation.get("requestBody", {}).get("content", {})
    if body is None and "application/json" in request_body:
        body = m.minimal_body(request_body["application/json"]["schema"], components)
    got = {}
    for persona in PERSONAS:
        response = m.in_savepoint(
            lambda persona=persona: m.send(
                personas.api(persona), method, url, body or {}, json_body=method != "GET"
            )
        )
        got[persona] = m.classify(response)
        if persona != "anonymous" and response.status_code >= 400:
            assert response["Content-Type"].startswith("application/json"), (key, persona)
    return [
        f"{label} as {persona}: expected {probe.expect[persona]}, got {got[persona]}"
        for persona in PERSONAS
        if got[persona] != probe.expect[persona]
    ], list(got.values())


def test_api_operations_answer_each_persona_as_the_matrix_says(world, personas):
    from unknot.api.urls import api

    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    failures, observed = [], {}
    for key, operation in m.api_operations():
        entry = API.get(key)
        if entry is None:
            continue  # reported by test_every_api_operation_is_in_the_matrix
        for n, probe in enumerate(entry if isinstance(entry, list) else [entry]):
            label = key if n == 0 else f"{key} (probe {n + 1})"
            found, observed[label] = _probe_api(
                label, key, operation, probe, world, personas, components
            )
            failures += found
    if os.environ.get("UNKNOT_MATRIX_DRAFT"):
        print(_draft(observed))
    assert not failures, "\n".join(failures)


# --- the admin -------------------------------------------------------------------------------

ADMIN_OUTSIDERS = (
    "anonymous",
    "client",
    "other_client",
    "therapist",
    "colleague",
    "therapist_elsewhere",
)


SHARED_ADMIN_MODELS = {
    "auth.group",
    "practices.technique",
    "therapists.language",
    "django_tasks_database.dbtaskresult",
}
"""Models that belong to no practice: every back-office user may see the same rows."""


def _admin_object(model_admin, world: World):
    """A row that staff of practice A see in this model's admin (None if the world has none)."""
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = world.users["staff"]
    return model_admin.get_queryset(request).order_by("pk").first()


def _health_record_admin(model_admin) -> bool:
    """An admin whose rows are health records as a whole (not one with some health fields)."""
    from unknot.apps.records.admin import AuditedAdminMixin

    return isinstance(model_admin, AuditedAdminMixin) and not model_admin.health_fields


def test_admin_matrix(world, personas):
    """Every registered model's admin pages: outsiders are sent to sign in, staff of another
    practice never reach a row of practice A, nothing ever fails with a 5xx."""
    failures = []
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        label = f"{info[0]}.{info[1]}"
        obj = _admin_object(model_admin, world)
        urls = {
            "changelist": reverse("admin:{}_{}_changelist".format(*info)),
            "add": reverse("admin:{}_{}_add".format(*info)),
        }
        if obj is not None:
            for kind in ("change", "history", "delete"):
                urls[kind] = reverse(f"admin:{info[0]}_{info[1]}_{kind}", args=[obj.pk])
        for kind, url in urls.items():
            for persona in PERSONAS:
                response = m.in_savepoint(
                    lambda persona=persona, url=url: personas.web(persona).get(url)
                )
                got = m.classify(response, admin=True)
                if persona in ADMIN_OUTSIDERS:
                    allowed = {LOGIN}
                elif (
                    persona == "staff_elsewhere"
                    and label not in SHARED_ADMIN_MODELS
                    and kind in ("change", "history", "delete")
                ):
                    allowed = {404, 403}
                elif persona == "staff" and kind == "change" and _health_record_admin(model_admin):
                    allowed = {404}  # the front desk opens health records only by break-glass
                else:
                    allowed = {OK, 403}
                if got not in allowed:
                    failures.append(f"{url} ({label}) as {persona}: got {got}, allowed {allowed}")
    assert not failures, "\n".join(failures)


def test_admin_site_pages_are_for_the_back_office_only(world, personas):
    for name in ("admin:index", "admin:password_change"):
        url = reverse(name)
        for persona in PERSONAS:
            got = m.classify(
                m.in_savepoint(lambda p=persona, u=url: personas.web(p).get(u)), admin=True
            )
            expected = OK if persona in ("staff", "staff_elsewhere", "owner") else LOGIN
            assert got == expected, (url, persona, got)


def test_accounts_in_the_admin_are_the_owners_to_manage(world, personas):
    """People's accounts: the owner manages practice A's front desk; the desk manages none."""
    desk = world.users["staff"]
    expected = {
        reverse("admin:accounts_user_changelist"): row(
            LOGIN, staff=403, staff_elsewhere=403, owner=OK
        ),
        reverse("admin:accounts_user_change", args=[desk.pk]): row(
            LOGIN, staff=403, staff_elsewhere=403, owner=OK
        ),
        reverse("admin:auth_user_password_change", args=[desk.pk]): row(
            LOGIN, staff=404, staff_elsewhere=404, owner=404
        ),
    }
    for url, cells in expected.items():
        for persona in PERSONAS:
            got = m.classify(
                m.in_savepoint(lambda p=persona, u=url: personas.web(p).get(u)), admin=True
            )
            assert got == cells[persona], (url, persona, got)
