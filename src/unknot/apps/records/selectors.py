"""Reads for the records pages: consents in force, who opened a record, notes to write."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from unknot.apps.booking.models import Booking, BookingStatus
from unknot.apps.records.consents import WORDINGS, has_consent, latest
from unknot.apps.records.models import AuditEntry, NoteTemplate


def consent_rows(user) -> list[dict]:
    """Each consent with its wording, whether it is in force, and the decision behind it."""
    rows = []
    for kind, wording in WORDINGS.items():
        decision = latest(user, kind)
        rows.append(
            {
                "kind": kind,
                "wording": wording,
                "granted": has_consent(user, kind),
                "decision": decision,
                "is_default": decision is None,
            }
        )
    return rows


def record_openings(user, *, others_only: bool = True, limit: int = 100) -> QuerySet[AuditEntry]:
    """Audit entries about ``user``'s health data, newest first; by default only by others."""
    qs = AuditEntry.objects.filter(subject=user)
    if others_only:
        qs = qs.exclude(actor=user)
    return qs.order_by("-at", "-id")[:limit]


def sessions_for_notes(user, *, now: dt.datetime, days: int = 28) -> QuerySet[Booking]:
    """Recent sessions a therapist could write notes for (their own), newest first."""
    return (
        Booking.objects.filter(
            therapist__user=user,
            starts_at__lte=now,
            starts_at__gte=now - dt.timedelta(days=days),
        )
        .filter(Q(status=BookingStatus.COMPLETED) | Q(status=BookingStatus.CONFIRMED))
        .select_related("client", "technique", "practice")
        .prefetch_related("session_note")
        .order_by("-starts_at")
    )


def note_template_for(booking: Booking) -> NoteTemplate | None:
    """The practice's starting text for a note of the booking's technique, if it keeps one."""
    return NoteTemplate.objects.filter(
        practice_id=booking.practice_id, technique_id=booking.technique_id
    ).first()
