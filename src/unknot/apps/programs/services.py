"""Every write to a program: book the series, cancel one session or the rest, move, adjust.

A program's sessions are ordinary bookings made by the booking services with ``notify=False``;
the program announces itself once, through ``program_changed``, after the transaction commits.
Booking is all or nothing: the whole series is booked in ONE transaction, and any session that
no longer fits rolls every session back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from unknot.apps.booking import mappers
from unknot.apps.booking.errors import (
    IdempotencyKeyReused,
    NotBookable,
    OutsideBookingWindow,
    PolicyRefusal,
    SlotTaken,
)
from unknot.apps.booking.limits import program_booking
from unknot.apps.booking.models import Booking, BookingStatus
from unknot.apps.booking.safety import screen_for_booking
from unknot.apps.booking.services import (
    alternatives_near,
    booking_cancel,
    booking_create,
    booking_reschedule,
    booking_series_move,
    booking_series_preview,
    locking,
)
from unknot.apps.practices.models import Service, Technique
from unknot.apps.programs.errors import SeriesConflict
from unknot.apps.programs.models import MAX_EVERY_DAYS, MAX_SESSIONS, Program, ProgramSession
from unknot.apps.programs.models import ProgramStatus as Status
from unknot.apps.programs.planning import Accepted, plan_series, plan_to_dict, series_starts
from unknot.apps.programs.signals import FreedTime, program_changed
from unknot.apps.therapists.models import Therapist

ACTIVE = (BookingStatus.PENDING, BookingStatus.CONFIRMED)


def _fingerprint(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _freed(bookings) -> list[FreedTime]:
    return [FreedTime(b.therapist_id, b.service_id, b.starts_at, b.client_id) for b in bookings]


def _announce(kind: str, program: Program, bookings=(), freed=()) -> None:
    bookings, freed = list(bookings), list(freed)
    transaction.on_commit(
        lambda: program_changed.send(
            sender=Program, kind=kind, program=program, bookings=bookings, freed=freed
        )
    )


def check_series_shape(*, every_days: int, count: int) -> None:
    """Raises NotBookable unless the interval and count are within the program limits."""
    if not 1 <= every_days <= MAX_EVERY_DAYS:
        raise NotBookable(
            f"Sessions can repeat every 1 to {MAX_EVERY_DAYS} days.", field="every_days"
        )
    if not 1 <= count <= MAX_SESSIONS:
        raise NotBookable(f"A program has 1 to {MAX_SESSIONS} sessions.", field="sessions")


@dataclass(frozen=True)
class ProgramRequest:
    """What a client asks for: the series and the alternatives they accepted."""

    technique: Technique
    duration_minutes: int
    therapist: Therapist | None
    first_start: dt.datetime
    every_days: int
    count: int
    phases: tuple = ()
    accept: tuple[tuple[int, Accepted], ...] = ()
    assessment_id: int | None = None

    def plan(self, now: dt.datetime):
        check_series_shape(every_days=self.every_days, count=self.count)
        return plan_series(
            technique=self.technique,
            duration_minutes=self.duration_minutes,
            therapist=self.therapist,
            first_start=self.first_start,
            every_days=self.every_days,
            count=self.count,
            now=now,
            accept=dict(self.accept),
        )

    def fingerprint(self) -> str:
        return _fingerprint(
            {
                "technique": self.technique.slug,
                "duration": self.duration_minutes,
                "therapist": self.therapist.uid if self.therapist else "any",
                "first_start": self.first_start.astimezone(dt.UTC).isoformat(),
                "every_days": self.every_days,
                "count": self.count,
                "accept": {
                    str(i): [
                        a.start.astimezone(dt.UTC).isoformat(),
                        a.therapist and a.therapist.uid,
                    ]
                    for i, a in self.accept
                },
            }
        )


def program_preview(*, request: ProgramRequest, now: dt.datetime):
    """The plan of every occurrence, with conflicts and alternatives. Reads only."""
    return request.plan(now)


def program_book(
    *,
    client,
    request: ProgramRequest,
    now: dt.datetime,
    idempotency_key: str | None = None,
) -> tuple[Program, bool]:
    """Book every session of the series for ``client`` in one transaction; ``(program, created)``.

    The safety gate runs first, once for the whole series (as for a single booking: the
    sessions wait as pending when a medical clearance is needed). A repeated
    ``idempotency_key`` with the same request returns the first program and ``created=False``.

    Raises:
        SeriesConflict: some occurrence does not fit (``extra["occurrences"]`` is the fresh
            preview with alternatives); nothing is booked.
        SafetyRefusal, NotBookable, IdempotencyKeyReused.
    """
    fingerprint = request.fingerprint()
    if idempotency_key:
        existing = Program.objects.filter(client=client, idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.request_fingerprint != fingerprint:
                raise IdempotencyKeyReused(
                    "This Idempotency-Key was already used for a different program request."
                )
            return existing, False
    try:
        with transaction.atomic(), locking.lock_scope():
            # Screened once for the whole series (the holds of ``booking.hooks`` included); every
            # session is booked with this screening rather than screened again.
            screening = screen_for_booking(
                client=client, technique_slug=request.technique.slug, now=now
            )
            assessment_id = request.assessment_id or (
                screening.assessment and screening.assessment.pk
            )
            plan = request.plan(now)
            if not plan.ok:
                raise _Conflict
            local_first = plan.sessions[0].start.astimezone(plan.tz)
            program = Program.objects.create(
                client=client,
                practice_id=plan.service.practice_id,
                technique=request.technique,
                service=plan.service,
                therapist=request.therapist,
                weekday=local_first.weekday(),
                local_time=local_first.time(),
                every_days=request.every_days,
                sessions_count=request.count,
                phases=list(request.phases),
                assessment_id=assessment_id,
                idempotency_key=idempotency_key or None,
                request_fingerprint=fingerprint,
            )
            # One policy, once for the series: the client, every session's therapist and every
            # room that suits the service, sorted; the sessions' bookings find them held.
            locking.lock_for_booking(
                client_id=client.pk,
                therapist_ids=[session.therapist.pk for session in plan.sessions],
                rooms_for=[plan.service],
            )
            bookings = []
            with program_booking(
                client_id=client.pk,
                practice=plan.service.practice,
                sessions=len(plan.sessions),
                now=now,
            ):
                for session in plan.sessions:
                    booking, _ = booking_create(
                        client=client,
                        service=plan.service,
                        start=session.start,
                        now=now,
                        therapist=session.therapist,
                        created_by=client,
                        notify=False,
                        screening=screening,
                    )
                    ProgramSession.objects.create(
                        program=program, booking=booking, index=session.index
                    )
                    bookings.append(booking)
            _announce("booked", program, bookings)
            return program, True
    except (_Conflict, SlotTaken, OutsideBookingWindow):
        fresh = request.plan(now)
        raise SeriesConflict(
            f"{len(fresh.conflicts) or 'Some'} of the {request.count} sessions cannot be booked "
            "as asked; nothing was booked. Choose alternatives for them and confirm again.",
            **plan_to_dict(fresh),
        ) from None
    except IntegrityError:
        if not idempotency_key:
            raise
        existing = Program.objects.filter(client=client, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        if existing.request_fingerprint != fingerprint:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was already used for a different program request."
            ) from None
        return existing, False


class _Conflict(Exception):
    pass


def upcoming_sessions(program: Program, now: dt.datetime) -> list[ProgramSession]:
    """Sessions still to come and still on (pending or confirmed), in order."""
    return list(
        ProgramSession.objects.select_related(
            "booking__therapist", "booking__service", "booking__practice"
        )
        .filter(program=program, booking__status__in=ACTIVE, booking__starts_at__gt=now)
        .order_by("index")
    )


def _settle(program: Program, now: dt.datetime) -> None:
    """An active program with nothing left to come is completed, or cancelled if none was held."""
    if program.status != Status.ACTIVE or upcoming_sessions(program, now):
        return
    held = program.sessions.exclude(booking__status=BookingStatus.CANCELLED).exists()
    program.status = Status.COMPLETED if held else Status.CANCELLED
    if program.status == Status.CANCELLED:
        program.cancelled_at = now
    program.save(update_fields=["status", "cancelled_at", "updated_at"])


def program_cancel(*, program: Program, by, now: dt.datetime, reason: str = "") -> list[Booking]:
    """Cancel every session still to come; the sessions already held stay on record.

    Raises:
        PolicyRefusal: the program is already cancelled or has nothing left to cancel.
    """
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program.pk)
        if program.status == Status.CANCELLED:
            raise PolicyRefusal("This program is already cancelled.", code="not_cancellable")
        sessions = upcoming_sessions(program, now)
        if not sessions:
            raise PolicyRefusal(
                "No session of this program is left to cancel.", code="not_cancellable"
            )
        cancelled = [
            booking_cancel(booking=ps.booking, by=by, now=now, reason=reason, notify=False)
            for ps in sessions
        ]
        program.status = Status.CANCELLED
        program.cancelled_at = now
        program.save(update_fields=["status", "cancelled_at", "updated_at"])
        _announce("cancelled", program, cancelled, _freed(cancelled))
    return cancelled


def _session(program: Program, index: int) -> ProgramSession:
    session = (
        ProgramSession.objects.select_related("booking__therapist__practice", "booking__practice")
        .filter(program=program, index=index)
        .first()
    )
    if session is None:
        raise NotBookable(f"This program has no session {index + 1}.", field="index")
    return session


def program_session_cancel(
    *, program: Program, index: int, by, now: dt.datetime, reason: str = ""
) -> Booking:
    """Cancel one session; the rest of the series stays as it is."""
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program.pk)
        booking = booking_cancel(
            booking=_session(program, index).booking, by=by, now=now, reason=reason, notify=False
        )
        _settle(program, now)
        _announce("session_cancelled", program, [booking], _freed([booking]))
    return booking


def program_session_reschedule(
    *,
    program: Program,
    index: int,
    by,
    new_start: dt.datetime,
    now: dt.datetime,
    staff_override: bool = False,
) -> Booking:
    """Move one session to ``new_start`` with the same therapist; the others stay."""
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program.pk)
        booking = _session(program, index).booking
        freed = _freed([booking])
        booking = booking_reschedule(
            booking=booking,
            by=by,
            new_start=new_start,
            now=now,
            staff_override=staff_override,
            notify=False,
        )
        _announce("session_rescheduled", program, [booking], freed)
    return booking


@dataclass
class Adjustment:
    """The outcome of an adjustment or its preview: each future session's new place."""

    program: Program
    moves: list[dict]
    conflicts: list[dict]
    applied: bool

    @property
    def ok(self) -> bool:
        return not self.conflicts


def program_adjust(
    *,
    program: Program,
    by,
    now: dt.datetime,
    every_days: int | None = None,
    technique: Technique | None = None,
    duration_minutes: int | None = None,
    first_start: dt.datetime | None = None,
    staff_override: bool = True,
    confirm: bool = True,
) -> Adjustment:
    """Change the interval, technique, length or time; every future session follows, all or
    nothing.

    The sessions that follow are those still to come at least the practice's minimum notice
    ahead; without ``staff_override`` (the client moving the rest of their series) only those
    beyond the cancellation cut-off. The first of them keeps its start, or moves to
    ``first_start``, and the later ones repeat the interval from it at the same local time.
    Every moved session is checked again like a new booking, and screened again against the
    client's latest assessment (by ``booking_series_move``). With ``confirm=False`` nothing is
    saved: the result says where each session would go and which would not fit.

    Raises:
        SeriesConflict (``extra["conflicts"]`` with alternatives) when confirming and some
        session does not fit; PolicyRefusal when nothing is left to adjust; NotBookable for a
        technique or length the practice does not offer; SafetyRefusal for a technique the
        client's assessment rules out.
    """
    every_days = every_days or program.every_days
    technique = technique or program.technique
    duration_minutes = duration_minutes or program.service.duration_minutes
    check_series_shape(every_days=every_days, count=1)
    practice = program.practice
    earliest = now + dt.timedelta(minutes=practice.min_notice_minutes)
    if not staff_override:
        earliest = max(earliest, now + dt.timedelta(hours=practice.cancellation_cutoff_hours))
    sessions = [ps for ps in upcoming_sessions(program, now) if ps.booking.starts_at >= earliest]
    if program.status != Status.ACTIVE or not sessions:
        raise PolicyRefusal("No session of this program is left to adjust.", code="not_adjustable")
    service = program.service
    if technique.pk != program.technique_id or duration_minutes != service.duration_minutes:
        service = (
            Service.objects.select_related("technique", "practice")
            .filter(
                practice=practice,
                technique=technique,
                duration_minutes=duration_minutes,
                is_active=True,
            )
            .first()
        )
        if service is None:
            raise NotBookable(
                f"{practice.name} does not offer {technique.name} for {duration_minutes} minutes.",
                field="duration",
            )
    tz = mappers.tz_for(practice)
    anchor = first_start or sessions[0].booking.starts_at
    starts = series_starts(anchor, tz, every_days, len(sessions))
    moves = [
        {
            "index": ps.index,
            "booking": ps.booking.uid,
            "from": ps.booking.starts_at.astimezone(tz).isoformat(),
            "to": start.astimezone(tz).isoformat(),
            "therapist": ps.booking.therapist.uid,
        }
        for ps, start in zip(sessions, starts, strict=True)
    ]
    pairs = [(ps.booking, start) for ps, start in zip(sessions, starts, strict=True)]
    target = service if service.pk != program.service_id else None
    if not confirm:
        # Computed, not tried: no lock is taken and nothing is written (issue 13).
        found = booking_series_preview(moves=pairs, now=now, service=target)
        conflicts = _explained(found, sessions, service=service, tz=tz, now=now)
        return Adjustment(program=program, moves=moves, conflicts=conflicts, applied=False)
    try:
        with transaction.atomic():
            locked = Program.objects.select_for_update().get(pk=program.pk)
            freed = _freed(ps.booking for ps in sessions)
            changed = booking_series_move(moves=pairs, by=by, now=now, service=target, notify=False)
            locked.every_days = every_days
            locked.technique = technique
            locked.service = service
            locked.weekday = starts[0].astimezone(tz).weekday()
            locked.local_time = starts[0].astimezone(tz).time()
            locked.save()
            moved = {b.pk for b in changed}
            _announce(
                "adjusted",
                locked,
                changed,
                [f for f, ps in zip(freed, sessions, strict=True) if ps.booking.pk in moved],
            )
    except SlotTaken as error:
        conflicts = _explained(
            error.extra.get("conflicts", []), sessions, service=service, tz=tz, now=now
        )
        raise SeriesConflict(
            f"{len(conflicts)} of the {len(sessions)} future sessions would not fit the new "
            "schedule; nothing was changed.",
            moves=moves,
            conflicts=conflicts,
        ) from None
    return Adjustment(program=locked, moves=moves, conflicts=[], applied=True)


def _explained(found: list[dict], sessions, *, service: Service, tz, now: dt.datetime):
    """The series' conflicts by session index, in local time, with nearby alternatives."""
    conflicts = []
    for conflict in found:
        session = sessions[conflict["index"]]
        wanted = dt.datetime.fromisoformat(conflict["start"])
        conflicts.append(
            {
                "index": session.index,
                "start": wanted.astimezone(tz).isoformat(),
                "code": conflict["code"],
                "message": conflict["message"],
                "alternatives": alternatives_near(
                    service=service, therapist=session.booking.therapist, wanted=wanted, now=now
                ),
            }
        )
    return conflicts
