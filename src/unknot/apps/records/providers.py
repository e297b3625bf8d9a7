"""The personal data of the core apps, registered with :mod:`unknot.apps.records.registry`.

Account, consents, bookings (with the health details they carry), self-assessments, session
notes and the audit trail. Other apps register their own in their ``AppConfig.ready``.
"""

from __future__ import annotations

from django.apps import apps

from unknot.apps.booking.models import Booking, BookingEvent
from unknot.apps.guide.models import SavedAssessment
from unknot.apps.records.models import AuditEntry, Consent, SessionNote
from unknot.apps.records.registry import PersonalData, register


def _iso(value):
    return value.isoformat() if value is not None else None


def export_account(user) -> dict:
    return {
        "uid": user.uid,
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
    }


def export_consents(user) -> list[dict]:
    return [
        {
            "kind": c.kind,
            "granted": c.granted,
            "wording_version": c.wording_version,
            "recorded_at": _iso(c.recorded_at),
            "via": c.via,
        }
        for c in Consent.objects.filter(user=user).order_by("recorded_at", "id")
    ]


def erase_consents(user, *, practice_id, now) -> int:
    if practice_id is not None:
        return 0
    return Consent.objects.filter(user=user).delete()[0]


def export_bookings(user) -> list[dict]:
    qs = (
        Booking.objects.filter(client=user)
        .select_related("practice", "therapist", "technique", "service", "room")
        .order_by("starts_at")
    )
    return [
        {
            "uid": b.uid,
            "practice": b.practice.name,
            "therapist": b.therapist.display_name,
            "technique": b.technique.name,
            "duration_minutes": b.service.duration_minutes,
            "starts_at": _iso(b.starts_at),
            "ends_at": _iso(b.ends_at),
            "status": b.status,
            "price": str(b.price),
            "client_note": b.client_note,
            "health_flags_for_therapist": b.safety,
            "cancelled_at": _iso(b.cancelled_at),
            "cancellation_reason": b.cancellation_reason,
        }
        for b in qs
    ]


def booking_practices(user) -> set[int]:
    return set(Booking.objects.filter(client=user).values_list("practice_id", flat=True))


def erase_booking_health_details(user, *, practice_id, now) -> int:
    """Bookings stay (they are the practice's accounts), without their health details."""
    if practice_id is None:
        return 0
    from unknot.apps.records.services import scrub_booking_health_details

    bookings = Booking.objects.filter(client=user, practice_id=practice_id)
    for event in BookingEvent.objects.filter(booking__in=bookings):
        if any(k in event.data for k in ("reason", "note")):
            event.data = {k: v for k, v in event.data.items() if k not in ("reason", "note")}
            event.save(update_fields=["data"])
    return scrub_booking_health_details(bookings)


def export_assessments(user) -> list[dict]:
    return [
        {
            "uid": a.uid,
            "created_at": _iso(a.created_at),
            "status": a.status,
            "catalogue_version": a.catalogue_version,
            "answers": a.intake,
            "result": a.result,
        }
        for a in SavedAssessment.objects.filter(client=user).order_by("created_at", "id")
    ]


def erase_assessments(user, *, practice_id, now) -> int:
    """Self-assessments belong to no one practice: they go when nothing else is kept."""
    if practice_id is not None:
        return 0
    return SavedAssessment.objects.filter(client=user).delete()[0]


def export_note_summaries(user) -> dict:
    notes = SessionNote.objects.filter(client=user).select_related("booking", "practice")
    shared = [
        {
            "session": n.booking.uid,
            "session_start": _iso(n.booking.starts_at),
            "practice": n.practice.name,
            "summary": n.client_summary,
            "shared_at": _iso(n.summary_shared_at),
        }
        for n in notes.order_by("booking__starts_at")
        if n.summary_is_shared
    ]
    return {
        "shared_summaries": shared,
        "clinical_notes_held": notes.count(),
        "about_clinical_notes": (
            "Your therapists' full clinical notes are part of each practice's records. Ask the "
            "practice for a copy; it answers within the time the law allows."
        ),
    }


def note_practices(user) -> set[int]:
    return set(SessionNote.objects.filter(client=user).values_list("practice_id", flat=True))


def erase_notes(user, *, practice_id, now) -> int:
    if practice_id is None:
        return SessionNote.objects.filter(client=user).delete()[0]
    return SessionNote.objects.filter(client=user, practice_id=practice_id).delete()[0]


def export_audit(user) -> list[dict]:
    return [
        {
            "at": _iso(e.at),
            "who": "you" if e.actor_id == user.pk else e.actor_label,
            "action": e.action,
            "record": e.record_kind,
            "record_uid": e.record_uid,
            "via": e.via,
        }
        for e in AuditEntry.objects.filter(subject=user).order_by("at", "id")
    ]


# --- apps built alongside: read defensively, so a missing app is simply an empty section ------


def _model(label: str, name: str):
    try:
        return apps.get_model(label, name)
    except LookupError:
        return None


def export_programs(user) -> list[dict]:
    model = _model("programs", "Program")
    if model is None:
        return []
    return [
        {
            "uid": p.uid,
            "practice": p.practice.name,
            "technique": p.technique.name,
            "sessions": p.sessions_count,
            "every_days": p.every_days,
            "status": p.status,
            "created_at": _iso(p.created_at),
        }
        for p in model.objects.filter(client=user).select_related("practice", "technique")
    ]


def export_waitlist(user) -> list[dict]:
    model = _model("waitlist", "WaitlistEntry")
    if model is None:
        return []
    return [
        {
            "uid": e.uid,
            "technique": e.technique.name,
            "status": e.status,
            "weekdays": e.weekdays,
            "created_at": _iso(e.created_at),
        }
        for e in model.objects.filter(client=user).select_related("technique")
    ]


def close_waitlist(user, *, now) -> int:
    """A closed account waits for nothing: its entries (and their offers) go."""
    model = _model("waitlist", "WaitlistEntry")
    return model.objects.filter(client=user).delete()[0] if model is not None else 0


def export_questions(user) -> list[dict]:
    model = _model("questions", "Question")
    if model is None:
        return []
    return [
        {
            "uid": q.uid,
            "asked_at": _iso(q.created_at),
            "topic": q.topic,
            "question": q.body,
            "answer": q.answer,
            "may_be_published": q.consent_to_publish,
            "published_at": _iso(q.published_at),
        }
        for q in model.objects.filter(asker=user).order_by("created_at")
    ]


def close_questions(user, *, now) -> int:
    """Private questions go; published ones (shared with consent) stay, with no name or email."""
    model = _model("questions", "Question")
    if model is None:
        return 0
    from unknot.apps.records.services import closed_email

    asked = model.objects.filter(asker=user)
    gone = asked.filter(published_at__isnull=True).delete()[0]
    kept = asked.update(asker=None, asker_name="", asker_email=closed_email(user))
    return gone + kept


def register_core() -> None:
    register(PersonalData("account", "Your account", export_account))
    register(PersonalData("consents", "Your consents", export_consents, erase=erase_consents))
    register(
        PersonalData(
            "bookings",
            "Your sessions",
            export_bookings,
            erase=erase_booking_health_details,
            practices=booking_practices,
        )
    )
    register(
        PersonalData(
            "assessments", "Your self-assessments", export_assessments, erase=erase_assessments
        )
    )
    register(
        PersonalData(
            "session_notes",
            "Notes from your therapists",
            export_note_summaries,
            erase=erase_notes,
            practices=note_practices,
        )
    )
    register(PersonalData("programs", "Your programmes", export_programs))
    register(
        PersonalData("waitlist", "Your waitlist entries", export_waitlist, on_close=close_waitlist)
    )
    register(
        PersonalData("questions", "Your questions", export_questions, on_close=close_questions)
    )
    register(PersonalData("audit_trail", "Who opened your records", export_audit))
