"""The one door to session notes. Deny by default; "not found" rather than "forbidden".

Notes are read under the health-record rule (``health_access``: the client's treating
therapists, the practice owner, or a break-glass read; archived after closure) and written only
by the booking's own therapist. A client reaches only the plain summary their therapist shared.
Every opening of a note or a summary writes an audit entry with its reason.
"""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone

from unknot.apps.booking.models import Booking
from unknot.apps.records import audit
from unknot.apps.records.health_access import (
    access_client_record_for_read,
    decide_client_record_read,
)
from unknot.apps.records.models import SessionNote


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_practice_member(user, practice_id: int | None) -> bool:
    """A therapist or staff member of ``practice_id`` (superusers belong everywhere)."""
    if not _active(user) or practice_id is None:
        return False
    if user.is_superuser:
        return True
    return user.is_practice_member and user.practice_id == practice_id


def can_read_notes(user, booking: Booking, *, now=None) -> bool:
    """The health-record rule for the booking's client at its practice (never the client)."""
    if not _active(user) or booking.client_id == user.pk:
        return False
    decision = decide_client_record_read(
        user, booking.client, practice_id=booking.practice_id, now=now or timezone.now()
    )
    return decision.allowed


def can_write_note(user, booking: Booking) -> bool:
    return _active(user) and user.is_therapist and booking.therapist.user_id == user.pk


def _booking(uid: str) -> Booking:
    booking = (
        Booking.objects.select_related(
            "practice", "therapist", "therapist__user", "client", "technique", "service"
        )
        .filter(uid=uid)
        .first()
        if uid
        else None
    )
    if booking is None:
        raise Http404("No such session.")
    return booking


def _note(booking: Booking) -> SessionNote | None:
    return (
        SessionNote.objects.select_related("author")
        .prefetch_related("techniques", "versions")
        .filter(booking=booking)
        .first()
    )


def access_note(user, booking_uid: str, *, via: str = "web") -> tuple[Booking, SessionNote | None]:
    """The session and its note (None if not written yet) for the practice side; else 404."""
    booking = _booking(booking_uid)
    now = timezone.now()
    if not can_read_notes(user, booking, now=now):
        raise Http404("No such session.")
    note = _note(booking)
    if note is not None:
        access_client_record_for_read(
            user,
            booking.client,
            practice=booking.practice,
            kind="note",
            uid=note.uid,
            via=via,
            now=now,
        )
    return booking, note


def access_note_for_writing(user, booking_uid: str) -> tuple[Booking, SessionNote | None]:
    """The session and its note for the booking's own therapist; 404 for anyone else."""
    booking = _booking(booking_uid)
    if not can_write_note(user, booking):
        raise Http404("No such session.")
    return booking, _note(booking)


def access_shared_summary(user, booking_uid: str, *, via: str = "web") -> tuple[Booking, str]:
    """The client's own session and the summary their therapist shared ("" if none); else 404."""
    booking = _booking(booking_uid)
    if not _active(user) or booking.client_id != user.pk:
        raise Http404("No such session.")
    note = _note(booking)
    if note is None or not note.summary_is_shared:
        return booking, ""
    audit.health_read(
        actor=user,
        client=user,
        kind="note-summary",
        uid=note.uid,
        via=via,
        practice=booking.practice,
        reason="own record",
    )
    return booking, note.client_summary
