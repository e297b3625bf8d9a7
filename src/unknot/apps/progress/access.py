"""The doors to check-ins and progress. Deny by default; "not found" rather than "forbidden".

A client reaches their own; the practice side reaches a client's check-ins and progress at its
own practice under the health-record rule (``records.health_access``: treating therapists, the
owner, or a break-glass read; archived after closure). Every opening writes an audit entry with
its reason.
"""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone

from unknot.apps.accounts.models import User
from unknot.apps.booking.models import Booking
from unknot.apps.progress.models import CheckIn, CheckInKind, ReviewSuggestion
from unknot.apps.progress.selectors import checkins_of
from unknot.apps.progress.tokens import LinkError, read_token
from unknot.apps.records import audit
from unknot.apps.records.health_access import (
    access_client_record_for_read,
    decide_client_record_read,
)


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
    """The practice side may read ``client``'s records of ``practice_id`` now."""
    decision = decide_client_record_read(user, client, practice_id=practice_id, now=timezone.now())
    return decision.allowed and client.pk != user.pk


def access_checkin(user, uid: str, *, via: str = "web") -> CheckIn:
    """A check-in for its client, or the practice side the rule lets in; audited; else 404."""
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
    access_client_record_for_read(
        user,
        checkin.client,
        practice=checkin.practice,
        kind="checkin",
        uid=checkin.uid,
        via=via,
        now=timezone.now(),
    )
    return checkin


def practice_scope(user) -> int | None:
    """The practice whose clients ``user`` may see (None: not on the practice side)."""
    if not _active(user) or not user.is_practice_member:
        return None
    return user.practice_id


def _client_for_progress(user, client_uid: str, now) -> tuple[User, int | None, str]:
    """``(client, practice_id, reason)``: whose progress ``user`` may see, and why; else 404."""
    if not _active(user):
        raise Http404("No such client.")
    client = User.objects.filter(uid=client_uid, role="client").first() if client_uid else None
    if client is None:
        raise Http404("No such client.")
    if client.pk == user.pk:
        return client, None, "own record"
    practice_id = practice_scope(user)
    if practice_id is None:
        raise Http404("No such client.")
    decision = decide_client_record_read(user, client, practice_id=practice_id, now=now)
    if not decision.allowed:
        raise Http404("No such client.")
    return client, practice_id, decision.reason


def access_client_progress(user, client_uid: str, *, via: str = "web") -> tuple[User, int | None]:
    """``(client, practice_id)`` whose progress ``user`` may see; audited; else 404.

    A client sees their own at every practice (``practice_id`` None); the practice side sees a
    client of its practice under the health-record rule, limited to that practice.
    """
    now = timezone.now()
    client, practice_id, reason = _client_for_progress(user, client_uid, now)
    audit.health_read(
        actor=user,
        client=client,
        kind="progress",
        via=via,
        practice=user.practice if practice_id else None,
        now=now,
        reason=reason,
    )
    return client, practice_id


def access_client_checkins(user, client_uid: str, *, via: str = "web") -> list[CheckIn]:
    """The check-ins of ``client_uid`` that ``user`` may read, newest first; each audited."""
    now = timezone.now()
    client, practice_id, reason = _client_for_progress(user, client_uid, now)
    rows = list(checkins_of(client, practice_id=practice_id).order_by("-submitted_at"))
    for checkin in rows:
        audit.health_read(
            actor=user,
            client=client,
            kind="checkin",
            uid=checkin.uid,
            via=via,
            practice=checkin.practice,
            now=now,
            reason=reason,
        )
    return rows


def can_decide(user, suggestion: ReviewSuggestion) -> bool:
    """Therapists of the suggestion's practice who may read the client's records decide."""
    if not _active(user) or not user.is_therapist or user.practice_id != suggestion.practice_id:
        return False
    return can_see_client_at(user, suggestion.client, suggestion.practice_id)


def access_suggestion(
    user, uid: str, *, decide: bool = False, via: str = "web"
) -> ReviewSuggestion:
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
    access_client_record_for_read(
        user,
        suggestion.client,
        practice=suggestion.practice if suggestion.client_id != user.pk else None,
        kind="suggestion",
        uid=suggestion.uid,
        via=via,
        now=timezone.now(),
    )
    return suggestion
