"""A client's programmes, for export and closure (registered with ``records.registry``).

Closing the account cancels every active programme through :func:`program_cancel`, so its
sessions are freed and offered to the waitlist as one change, as when the client cancels.
"""

from __future__ import annotations

import datetime as dt

from unknot.apps.booking.errors import PolicyRefusal
from unknot.apps.programs.models import Program, ProgramStatus
from unknot.apps.records.registry import PersonalData, register


def _iso(value):
    return value.isoformat() if value is not None else None


def export_programs(user) -> list[dict]:
    qs = (
        Program.objects.filter(client=user)
        .select_related("practice", "technique", "service", "therapist")
        .prefetch_related("sessions__booking")
        .order_by("created_at", "id")
    )
    return [
        {
            "uid": p.uid,
            "practice": p.practice.name,
            "technique": p.technique.name,
            "therapist": p.therapist.display_name if p.therapist_id else None,
            "duration_minutes": p.service.duration_minutes,
            "weekday": p.get_weekday_display(),
            "local_time": p.local_time.isoformat(),
            "sessions": p.sessions_count,
            "every_days": p.every_days,
            "phases": p.phases,
            "status": p.status,
            "created_at": _iso(p.created_at),
            "cancelled_at": _iso(p.cancelled_at),
            "session_bookings": [
                {"index": s.index, "booking": s.booking.uid, "starts_at": _iso(s.booking.starts_at)}
                for s in sorted(p.sessions.all(), key=lambda s: s.index)
            ],
        }
        for p in qs
    ]


def close_programs(user, *, email: str, now: dt.datetime) -> int:
    from unknot.apps.programs.services import program_cancel

    cancelled = 0
    for program in Program.objects.filter(client=user, status=ProgramStatus.ACTIVE):
        try:
            program_cancel(program=program, by=user, now=now, reason="Account closed.")
        except PolicyRefusal:
            continue  # nothing left to come
        cancelled += 1
    return cancelled


def register_programs() -> None:
    register(
        PersonalData(
            "programs",
            "Your programmes",
            export_programs,
            on_close=close_programs,
            order=10,
            models=("programs.Program",),
            erased="your programmes' upcoming sessions (cancelled, so that others can book them)",
            pseudonymised=(
                "your programmes' schedules and phases, which stay with the practices' booking "
                "records with no name or email address"
            ),
        )
    )
