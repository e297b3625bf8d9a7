"""The doors to check-ins and progress. Deny by default; "not found" rather than "forbidden".

A client reaches their own; the practice side (therapists and staff) reaches a client's
check-ins and progress at their own practice, and only for clients who booked there. Every
opening writes an audit entry.
"""

from __future__ import annotations

from django.http import Http404

from unknot.apps.accounts.models import User
from unknot.apps.booking.models import Booking
from unknot.apps.progress.models import CheckIn, CheckInKind, ReviewSuggestion
from unknot.apps.progress.tokens import LinkError, read_token
from unknot.apps.records import audit
from unknot.apps.records.access import is_practice_member


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _booking(uid: str) -> Booking | None:
    if not uid:
        return None
    return (
        Booking.objects.select_related("practice", "therapist", "client", "technique", "service")
        .filter(uid=uid)
        .first()
    )


def access_own_booking_for_checkin(user, booking_uid: str, kind: str) -> Booking:
    """The client's own booking to check in for; 404 for anyone else or an unknown kind."""
    booking = _booking(booking_uid)
    if booking is None or kind not in CheckInKind.values:
        raise Http404("No such session.")
    if not _active(user) or not user.is_client or booking.client_id != user.pk:
        raise Http404("No such session.")
    return booking


def access_booking_by_link(token: str) -> tuple[Booking, str]:
    """The booking and kind a private check-in link names.

    Raises:
        LinkError: a bad or expired link, or the booking no longer belongs to that client.
    """
    data = read_token(token)
    booking = _booking(data["b"])
    if booking is None or data["k"] not in CheckInKind.values:
        raise LinkError("This check-in link is not valid.")
    if booking.client.uid != data["c"] or not booking.client.is_active:
        raise LinkError("This check-in link is not valid.")
    return booking, data["k"]


def can_see_client_at(user, client: User, practice_id: int | None) -> bool:
    """The practice side sees a client who has booked at its practice."""
    if not is_practice_member(user, practice_id):
        return False
    return Booking.objects.filter(client=client, practice_id=practice_id).exists()


def access_checkin(user, uid: str, *, via: str = "web") -> CheckIn:
    """A check-in for its client, or the practice side of its practice; audited; else 404."""
    checkin = (
        CheckIn.objects.select_related("client", "practice", "booking", "booking__technique")
        .prefetch_related("scores")
        .filter(uid=uid)
        .first()
        if uid
        else None
    )
    if checkin is None or not _active(user):
        raise Http404("No such check-in.")
    if checkin.client_id != user.pk and not is_practice_member(user, checkin.practice_id):
        raise Http404("No such check-in.")
    audit.viewed(user, checkin.client, "checkin", checkin.uid, via=via, practice=checkin.practice)
    return checkin


def practice_scope(user) -> int | None:
    """The practice whose clients ``user`` may see (None: not on the practice side)."""
    if not _active(user) or not user.is_practice_member:
        return None
    return user.practice_id


def access_client_progress(user, client_uid: str, *, via: str = "web") -> tuple[User, int | None]:
    """``(client, practice_id)`` whose progress ``user`` may see; audited; else 404.

    A client sees their own at every practice (``practice_id`` None); the practice side sees a
    client of its practice, limited to that practice.
    """
    if not _active(user):
        raise Http404("No such client.")
    client = User.objects.filter(uid=client_uid, role="client").first() if client_uid else None
    if client is None:
        raise Http404("No such client.")
    if client.pk == user.pk:
        audit.viewed(user, client, "progress", via=via)
        return client, None
    practice_id = practice_scope(user)
    if practice_id is None or not can_see_client_at(user, client, practice_id):
        raise Http404("No such client.")
    audit.viewed(user, client, "progress", via=via, practice=user.practice)
    return client, practice_id


def can_decide(user, suggestion: ReviewSuggestion) -> bool:
    """Therapists of the suggestion's practice (and superusers) decide on it."""
    if not is_practice_member(user, suggestion.practice_id):
        return False
    return user.is_superuser or user.is_therapist


def access_suggestion(user, uid: str, *, decide: bool = False) -> ReviewSuggestion:
    """A suggestion for its client or the practice side; with ``decide``, a deciding therapist."""
    suggestion = (
        ReviewSuggestion.objects.select_related("client", "practice", "checkin")
        .filter(uid=uid)
        .first()
        if uid
        else None
    )
    if suggestion is None or not _active(user):
        raise Http404("No such suggestion.")
    if decide:
        if not can_decide(user, suggestion):
            raise Http404("No such suggestion.")
        return suggestion
    if suggestion.client_id != user.pk and not is_practice_member(user, suggestion.practice_id):
        raise Http404("No such suggestion.")
    return suggestion
