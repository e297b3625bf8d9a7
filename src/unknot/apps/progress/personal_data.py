"""The check-ins, scores and review suggestions of a client, for export and erasure."""

from __future__ import annotations

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


def progress_practices(user) -> set[int]:
    ids = set(CheckIn.objects.filter(client=user).values_list("practice_id", flat=True))
    return ids | set(
        ReviewSuggestion.objects.filter(client=user).values_list("practice_id", flat=True)
    )


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
        )
    )
    register(
        PersonalData("review_suggestions", "Suggestions from your reviews", export_suggestions)
    )
