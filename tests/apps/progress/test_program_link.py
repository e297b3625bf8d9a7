"""Accepting a suggestion adjusts the client's program through the programs app."""

from __future__ import annotations

import pytest

from tests.apps.booking.conftest import NOW, at, setup  # noqa: F401
from unknot.apps.booking.models import BookingStatus
from unknot.apps.practices.models import Technique
from unknot.apps.programs.services import ProgramRequest, program_book
from unknot.apps.progress import program_link
from unknot.apps.progress.models import ReviewSuggestion
from unknot.apps.progress.services import suggestion_decide

pytestmark = pytest.mark.django_db

PHASES = (
    {"name": "Treatment course", "sessions": 4, "every_days": 7},
    {"name": "Maintenance", "sessions": 2, "every_days": 14},
)


@pytest.fixture
def program(setup, client_user):  # noqa: F811
    request = ProgramRequest(
        technique=Technique.objects.get(slug="swedish"),
        duration_minutes=60,
        therapist=setup["ben"],
        first_start=at(1, 10),
        every_days=7,
        count=6,
        phases=PHASES,
    )
    program, _ = program_book(client=client_user, request=request, now=NOW)
    return program


def suggest(program, kind, **extra):
    return ReviewSuggestion.objects.create(
        client=program.client,
        practice=program.practice,
        kind=kind,
        for_client="…",
        for_therapist="…",
        **extra,
    )


def test_accepting_maintenance_spaces_the_remaining_sessions_out(program, setup):  # noqa: F811
    assert not program_link.in_maintenance(program, NOW)
    s = suggest(program, "maintenance")
    suggestion_decide(suggestion=s, by=setup["ben"].user, decision="accept", now=NOW)
    s.refresh_from_db()
    assert s.applied == {"program": program.uid, "changed": True, "every_days": 14}
    program.refresh_from_db()
    assert program.every_days == 14
    starts = [b.starts_at for b in program.bookings.exclude(status=BookingStatus.CANCELLED)]
    assert starts[1] - starts[0] == starts[2] - starts[1] == at(15, 10) - at(1, 10)


def test_the_maintenance_phase_is_read_from_the_plan(program):
    later = at(22, 11)  # sessions 1-4 are over: the next one is in the maintenance phase
    assert program_link.in_maintenance(program, later)


def test_a_change_the_program_cannot_take_is_reported_not_lost(program, setup):  # noqa: F811
    s = suggest(program, "change-technique", technique="thai-yoga")
    suggestion_decide(suggestion=s, by=setup["ben"].user, decision="accept", now=NOW)
    s.refresh_from_db()
    assert s.status == "accepted"
    assert s.applied["changed"] is False and s.applied["not_changed_because"]
    program.refresh_from_db()
    assert program.technique.slug == "swedish"
