"""The check-ins, scores and review suggestions of a client, for export and erasure."""

from __future__ import annotations

import datetime as dt

from unknot.apps.booking.models import Booking
from unknot.apps.booking.personal_data import took_place
from unknot.apps.progress.models import CheckIn, CheckInReminder, ReviewSuggestion
from unknot.apps.records.registry import PersonalData, register


def _iso(value):
    return value.isoformat() if value is not None else None


def export_checkins(user) -> list[dict]:
    qs = (
        CheckIn.objects.filter(client=user)
        .select_related("booking", "practice")
        .prefetch_related("scores")
        .order_by("submitted_at", "id")
    )
    return [
        {
            "uid": c.uid,
            "kind": c.kind,
            "session": c.booking.uid,
            "session_start": _iso(c.booking.starts_at),
            "practice": c.practice.name,
            "submitted_at": _iso(c.submitted_at),
            "scores": {s.measure: {"score": s.score, "answers": s.answers} for s in c.scores.all()},
            "where_it_hurts": c.regions,
            "new_warning_signs": c.new_red_flags,
            "new_conditions": c.new_conditions,
            "health_note": c.health_note,
            "soreness": c.soreness,
            "bruising": c.bruising,
            "headache": c.headache,
            "other_reactions": c.other_reactions,
            "relief": c.relief,
        }
        for c in qs
    ]


def export_suggestions(user) -> list[dict]:
    qs = ReviewSuggestion.objects.filter(client=user).select_related("practice")
    return [
        {
            "uid": s.uid,
            "practice": s.practice.name,
            "created_at": _iso(s.created_at),
            "kind": s.kind,
            "suggestion": s.for_client,
            "status": s.status,
            "decided_at": _iso(s.decided_at),
            "decision_note": s.decision_note,
            "pressure_cap": s.pressure_cap,
            "technique": s.technique,
        }
        for s in qs.order_by("created_at", "id")
    ]


def _of_sessions_held(user, now: dt.datetime):
    held = Booking.objects.filter(took_place(now), client=user)
    return CheckIn.objects.filter(client=user, booking__in=held)


def progress_practices(user, *, now: dt.datetime) -> set[int]:
    """Check-ins are clinical records only for a session that took place."""
    return set(_of_sessions_held(user, now).values_list("practice_id", flat=True))


def close_progress(user, *, email: str, now: dt.datetime) -> int:
    """Check-ins of sessions that never took place go at once, with what they led to."""
    kept = _of_sessions_held(user, now)
    gone = CheckIn.objects.filter(client=user).exclude(pk__in=kept.values("pk"))
    total = ReviewSuggestion.objects.filter(checkin__in=gone).delete()[0]
    return total + gone.delete()[0]


def erase_progress(user, *, practice_id, now) -> int:
    checkins = CheckIn.objects.filter(client=user)
    suggestions = ReviewSuggestion.objects.filter(client=user)
    reminders = CheckInReminder.objects.filter(booking__client=user)
    if practice_id is not None:
        checkins = checkins.filter(practice_id=practice_id)
        suggestions = suggestions.filter(practice_id=practice_id)
        reminders = reminders.filter(booking__practice_id=practice_id)
    total = suggestions.delete()[0]
    total += reminders.delete()[0]
    total += checkins.delete()[0]
    return total


def register_progress() -> None:
    register(
        PersonalData(
            "checkins",
            "Your check-ins",
            export_checkins,
            erase=erase_progress,
            practices=progress_practices,
            on_close=close_progress,
            models=("progress.CheckIn", "progress.MeasureScore", "progress.CheckInReminder"),
            retained="your check-ins and scores for the sessions that took place",
            erased="your check-ins for sessions that did not take place",
        )
    )
    register(
        PersonalData(
            "review_suggestions",
            "Suggestions from your reviews",
            export_suggestions,
            models=("progress.ReviewSuggestion",),
            retained="the suggestions your progress reviews made to your therapists",
        )
    )
