"""Reads for the program pages and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from unknot.apps.booking.models import BookingStatus
from unknot.apps.guide.models import SavedAssessment
from unknot.apps.guide.selectors import assessments_of
from unknot.apps.programs.models import Program, ProgramSession

_SESSIONS = Prefetch(
    "sessions",
    queryset=ProgramSession.objects.select_related(
        "booking__therapist", "booking__room", "booking__service", "booking__technique"
    ).order_by("index"),
)


def programs_visible_to(*, user) -> QuerySet[Program]:
    """A client's own programs, a therapist's clients' programs, or a staff member's practice."""
    qs = Program.objects.all()
    if user.is_superuser:
        pass
    elif user.is_therapist:
        qs = qs.filter(sessions__booking__therapist__user=user).distinct()
    elif user.is_practice_staff:
        qs = qs.filter(practice_id=user.practice_id)
    else:
        qs = qs.filter(client=user)
    return (
        qs.select_related("client", "practice", "technique", "service", "therapist")
        .prefetch_related(_SESSIONS)
        .order_by("-created_at", "-id")
    )


def program_with_sessions(program: Program) -> Program:
    return (
        Program.objects.select_related("client", "practice", "technique", "service", "therapist")
        .prefetch_related(_SESSIONS)
        .get(pk=program.pk)
    )


@dataclass(frozen=True)
class SessionRow:
    index: int
    number: int
    booking: object
    phase: str
    upcoming: bool
    done: bool
    cancelled: bool


def phase_of(phases: list, index: int) -> str:
    """The name of the plan phase session ``index`` (0-based) falls in, or ""."""
    total = 0
    for phase in phases or []:
        total += int(phase.get("sessions", 0) or 0)
        if index < total:
            return str(phase.get("name", ""))
    return ""


def session_rows(program: Program, now: dt.datetime) -> list[SessionRow]:
    rows = []
    for ps in program.sessions.all():
        booking = ps.booking
        cancelled = booking.status == BookingStatus.CANCELLED
        rows.append(
            SessionRow(
                index=ps.index,
                number=ps.index + 1,
                booking=booking,
                phase=phase_of(program.phases, ps.index),
                upcoming=not cancelled
                and booking.starts_at > now
                and booking.status in (BookingStatus.PENDING, BookingStatus.CONFIRMED),
                done=booking.status == BookingStatus.COMPLETED
                or (not cancelled and booking.ends_at <= now),
                cancelled=cancelled,
            )
        )
    return rows


def latest_plan_for(client) -> tuple[SavedAssessment | None, dict]:
    """The client's latest saved assessment and its program plan (``{}`` when none)."""
    saved = assessments_of(client=client).first()
    if saved is None:
        return None, {}
    plan = (saved.result or {}).get("program") or {}
    return saved, plan if isinstance(plan, dict) else {}


def recommended_techniques(saved: SavedAssessment | None) -> list[str]:
    if saved is None:
        return []
    return [
        r.get("technique")
        for r in (saved.result or {}).get("recommendations", [])
        if isinstance(r, dict) and r.get("technique")
    ]
