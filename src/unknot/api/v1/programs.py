"""Programs: preview a series (every occurrence, conflicts, alternatives), book it all or nothing,
read, cancel one session or the rest, reschedule one, adjust the future sessions."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Header, Router, Schema, Status
from pydantic import Field

from unknot.api.auth import signed_in
from unknot.api.errors import ApiError
from unknot.api.fields import InstantText, PlainText, Slug
from unknot.api.v1.availability import parse_instant, technique_or_422, therapist_or_422
from unknot.api.v1.bookings import BookingOut, TherapistRef, booking_out
from unknot.apps.booking.mappers import tz_for
from unknot.apps.guide.access import access_own_assessment
from unknot.apps.programs import selectors, services
from unknot.apps.programs.access import access_program_by_uid, is_practice_side
from unknot.apps.programs.models import MAX_EVERY_DAYS, MAX_SESSIONS, Program
from unknot.apps.programs.planning import Accepted, plan_to_dict

router = Router(tags=["programs"], auth=signed_in)


class ProgramPhaseIn(Schema):
    name: PlainText = Field(max_length=80)
    sessions: int = Field(ge=1, le=52)
    every_days: int = Field(ge=1, le=365)
    session_minutes: int = Field(ge=10, le=240)
    rationale: str = Field(default="", max_length=2000)
    evidence: list[Slug] = Field(default_factory=list, max_length=20)


class ProgramAcceptIn(Schema):
    start: str = Field(max_length=40)
    therapist: str | None = Field(default=None, max_length=32)


class ProgramSeriesIn(Schema):
    technique: str = Field(max_length=40)
    duration: int = Field(default=60, ge=10, le=240)
    therapist: str = Field(
        default="any", max_length=32, description="A therapist uid, or 'any' for anyone."
    )
    first_start: str = Field(
        max_length=40, description="ISO 8601 with offset, e.g. 2026-12-01T10:00+00:00"
    )
    every_days: int = Field(default=7, ge=1, le=MAX_EVERY_DAYS)
    sessions: int = Field(default=10, ge=1, le=MAX_SESSIONS)
    phases: list[ProgramPhaseIn] | None = Field(default=None, max_length=10)
    assessment: str | None = Field(
        default=None, max_length=32, description="Uid of the saved assessment the plan came from."
    )
    accept: dict[Annotated[str, Field(max_length=3)], InstantText | ProgramAcceptIn] = Field(
        default_factory=dict,
        max_length=MAX_SESSIONS,
        description="Chosen alternatives: {session index: start} or {index: {start, therapist}}.",
    )
    confirm: bool = Field(default=False, description="false: preview only; true: book it all.")


class ProgramAlternativeOut(Schema):
    start: dt.datetime
    end: dt.datetime
    therapist: str
    therapist_name: str


class ProgramOccurrenceOut(Schema):
    index: int
    start: dt.datetime
    end: dt.datetime
    therapist: TherapistRef
    status: str = Field(description="ok or conflict")
    reason: str = Field(description="For a conflict: unavailable or outside_booking_window.")
    accepted: bool = Field(description="True when this is an alternative the client accepted.")
    alternatives: list[ProgramAlternativeOut]


class ProgramPreviewOut(Schema):
    technique: str
    technique_name: str
    duration: int
    therapist: TherapistRef
    therapist_requested: str
    practice: str
    time_zone: str
    every_days: int
    sessions: int
    bookable: bool
    conflicts: int
    occurrences: list[ProgramOccurrenceOut]


class ProgramSessionItemOut(Schema):
    index: int
    phase: str
    done: bool
    upcoming: bool
    booking: BookingOut


class ProgramSeriesOut(Schema):
    uid: str
    status: str
    technique: str
    technique_name: str
    duration_minutes: int
    therapist: str | None = Field(description="The therapist asked for; null for any.")
    practice: str
    time_zone: str
    weekday: int
    local_time: str
    every_days: int
    sessions_count: int
    phases: list[dict]
    sessions_done: int
    sessions_to_come: int
    created_at: dt.datetime
    sessions: list[ProgramSessionItemOut]


def program_out(program: Program, viewer) -> ProgramSeriesOut:
    program = selectors.program_with_sessions(program)
    rows = selectors.session_rows(program, timezone.now())
    return ProgramSeriesOut(
        uid=program.uid,
        status=program.status,
        technique=program.technique.slug,
        technique_name=program.technique.name,
        duration_minutes=program.service.duration_minutes,
        therapist=program.therapist.uid if program.therapist else None,
        practice=program.practice.name,
        time_zone=program.practice.time_zone,
        weekday=program.weekday,
        local_time=program.local_time.strftime("%H:%M"),
        every_days=program.every_days,
        sessions_count=program.sessions_count,
        phases=program.phases or [],
        sessions_done=sum(1 for r in rows if r.done),
        sessions_to_come=sum(1 for r in rows if r.upcoming),
        created_at=program.created_at,
        sessions=[
            ProgramSessionItemOut(
                index=r.index,
                phase=r.phase,
                done=r.done,
                upcoming=r.upcoming,
                booking=booking_out(r.booking, viewer),
            )
            for r in rows
        ],
    )


def _accept(raw: dict, tz) -> tuple[tuple[int, Accepted], ...]:
    chosen = []
    for key, value in raw.items():
        try:
            index = int(key)
        except ValueError:
            raise ApiError(
                422, "invalid", f"'{key}' is not a session index.", field=f"accept.{key}"
            ) from None
        if isinstance(value, str):
            value = ProgramAcceptIn(start=value)
        therapist = therapist_or_422(value.therapist) if value.therapist else None
        start = parse_instant(value.start, f"accept.{key}", tz)
        chosen.append((index, Accepted(start=start, therapist=therapist)))
    return tuple(sorted(chosen, key=lambda pair: pair[0]))


def _request(request: HttpRequest, payload: ProgramSeriesIn) -> services.ProgramRequest:
    technique = technique_or_422(payload.technique)
    therapist = None
    if payload.therapist and payload.therapist != "any":
        therapist = therapist_or_422(payload.therapist)
    tz = tz_for(therapist.practice) if therapist else timezone.get_default_timezone()
    first_start = parse_instant(payload.first_start, "first_start", tz)
    assessment = (
        access_own_assessment(request.user, payload.assessment, via="api")
        if payload.assessment
        else None
    )
    if payload.phases is not None:
        phases = tuple(phase.model_dump() for phase in payload.phases)
    elif assessment is not None:
        phases = tuple((assessment.result.get("program") or {}).get("phases") or ())
    else:
        phases = ()
    return services.ProgramRequest(
        technique=technique,
        duration_minutes=payload.duration,
        therapist=therapist,
        first_start=first_start,
        every_days=payload.every_days,
        count=payload.sessions,
        phases=phases,
        accept=_accept(payload.accept, tz),
        assessment_id=assessment.pk if assessment else None,
    )


@router.post(
    "/programs", response={200: ProgramPreviewOut | ProgramSeriesOut, 201: ProgramSeriesOut}
)
def create_program(
    request: HttpRequest,
    payload: ProgramSeriesIn,
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key", max_length=80),
):
    """Preview a program (``confirm: false``) or book every session of it (``confirm: true``).

    The preview lists every occurrence with ``ok`` or ``conflict`` and, for conflicts, the
    nearest alternatives; accept them with ``accept: {index: start}``. Confirming books all the
    sessions in one transaction or none: 201 with the program, 200 for a repeated
    Idempotency-Key, 409 ``series_conflict`` with the fresh preview when any session does not
    fit, 403 when the safety check refuses, 422 for bad input.
    """
    if not request.user.is_client:
        raise ApiError(403, "clients_only", "Only client accounts book programs online.")
    program_request = _request(request, payload)
    now = timezone.now()
    if not payload.confirm:
        return Status(200, plan_to_dict(services.program_preview(request=program_request, now=now)))
    program, created = services.program_book(
        client=request.user, request=program_request, now=now, idempotency_key=idempotency_key
    )
    return Status(201 if created else 200, program_out(program, request.user))


@router.get("/programs", response=list[ProgramSeriesOut])
def list_programs(request: HttpRequest):
    """A client's own programs, a therapist's clients' programs, staff's whole practice."""
    return [program_out(p, request.user) for p in selectors.programs_visible_to(user=request.user)]


@router.get("/programs/{uid}", response=ProgramSeriesOut)
def get_program(request: HttpRequest, uid: str):
    return program_out(access_program_by_uid(request.user, uid), request.user)


class ProgramReasonIn(Schema):
    reason: PlainText = Field(default="", max_length=300)


class ProgramSessionMoveIn(Schema):
    start: str = Field(max_length=40)


class ProgramAdjustIn(Schema):
    every_days: int | None = Field(default=None, ge=1, le=MAX_EVERY_DAYS)
    technique: str | None = Field(default=None, max_length=40)
    duration: int | None = Field(default=None, ge=10, le=240)
    confirm: bool = Field(default=True, description="false: only show where sessions would go.")


class ProgramAdjustOut(Schema):
    applied: bool
    ok: bool
    moves: list[dict]
    conflicts: list[dict]
    program: ProgramSeriesOut


@router.post("/programs/{uid}/cancel", response=ProgramSeriesOut)
def cancel_program(request: HttpRequest, uid: str, payload: ProgramReasonIn):
    """Cancel the rest of the series: every session still to come."""
    program = access_program_by_uid(request.user, uid)
    services.program_cancel(
        program=program, by=request.user, now=timezone.now(), reason=payload.reason
    )
    return program_out(program, request.user)


@router.post("/programs/{uid}/sessions/{index}/cancel", response=ProgramSeriesOut)
def cancel_program_session(request: HttpRequest, uid: str, index: int, payload: ProgramReasonIn):
    """Cancel one session (``index`` as in the program's ``sessions``, from 0)."""
    program = access_program_by_uid(request.user, uid)
    services.program_session_cancel(
        program=program, index=index, by=request.user, now=timezone.now(), reason=payload.reason
    )
    return program_out(program, request.user)


@router.post("/programs/{uid}/sessions/{index}/reschedule", response=ProgramSeriesOut)
def reschedule_program_session(
    request: HttpRequest, uid: str, index: int, payload: ProgramSessionMoveIn
):
    """Move one session to another start with the same therapist."""
    program = access_program_by_uid(request.user, uid)
    start = parse_instant(payload.start, "start", tz_for(program.practice))
    services.program_session_reschedule(
        program=program,
        index=index,
        by=request.user,
        new_start=start,
        now=timezone.now(),
        staff_override=request.user.is_superuser or request.user.is_practice_staff,
    )
    return program_out(program, request.user)


class ProgramMoveRestIn(Schema):
    first_start: str = Field(
        max_length=40, description="New start of the next session; the later ones follow."
    )
    confirm: bool = Field(default=True, description="false: only show where sessions would go.")


@router.post("/programs/{uid}/reschedule", response=ProgramAdjustOut)
def reschedule_program(request: HttpRequest, uid: str, payload: ProgramMoveRestIn):
    """Move the rest of the series: the next session to ``first_start`` and every later one
    the same number of days apart as before, at the same local time. All or nothing (409
    ``series_conflict``). Clients move the sessions beyond the cancellation cut-off."""
    program = access_program_by_uid(request.user, uid)
    first_start = parse_instant(payload.first_start, "first_start", tz_for(program.practice))
    result = services.program_adjust(
        program=program,
        by=request.user,
        now=timezone.now(),
        first_start=first_start,
        staff_override=is_practice_side(request.user, program),
        confirm=payload.confirm,
    )
    return ProgramAdjustOut(
        applied=result.applied and result.ok,
        ok=result.ok,
        moves=result.moves,
        conflicts=result.conflicts,
        program=program_out(result.program, request.user),
    )


@router.post("/programs/{uid}/adjust", response=ProgramAdjustOut)
def adjust_program(request: HttpRequest, uid: str, payload: ProgramAdjustIn):
    """Therapist or staff: change the interval, technique or length; future sessions follow.

    All or nothing: 409 ``series_conflict`` lists the sessions that would not fit, with
    alternatives. ``confirm: false`` shows the new places without changing anything.
    """
    program = access_program_by_uid(request.user, uid)
    if not is_practice_side(request.user, program):
        raise ApiError(403, "practice_only", "Only the therapist or practice staff can adjust.")
    technique = technique_or_422(payload.technique) if payload.technique else None
    result = services.program_adjust(
        program=program,
        by=request.user,
        now=timezone.now(),
        every_days=payload.every_days,
        technique=technique,
        duration_minutes=payload.duration,
        confirm=payload.confirm,
    )
    return ProgramAdjustOut(
        applied=result.applied and result.ok,
        ok=result.ok,
        moves=result.moves,
        conflicts=result.conflicts,
        program=program_out(result.program, request.user),
    )
