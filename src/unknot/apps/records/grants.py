"""Break-glass reads and records requests: opening a client's health records with a reason.

- **Break-glass**: someone of a practice who is not treating the client (the front desk, another
  therapist) or an administrator types why they must read them now. The grant opens that
  client's records for ``GRANT_MINUTES``, to that person only.
- **Records request**: a closed client's records are archived; an owner of a practice that still
  holds them (a retention hold not yet purged) opens them read-only with a reason.

Both are written to the client's audit log with the reason (action ``grant``), and every read
made under them carries the reason too (``health_access``).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import Http404

from unknot.apps.accounts.models import Role, User
from unknot.apps.booking.models import Booking
from unknot.apps.records import audit
from unknot.apps.records.health_access import GRANT_MINUTES, has_booked_at, is_archived
from unknot.apps.records.models import (
    AccessGrant,
    AccountClosure,
    AuditAction,
    GrantKind,
    RetentionHold,
    SessionNote,
)

REASON_MIN = 10
REASON_MAX = 300


class GrantRefused(Exception):
    """The reason is missing or too short or long; ``field`` names what is wrong."""

    def __init__(self, message: str, *, code: str = "invalid", field: str = "reason") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


def clean_reason(reason: str) -> str:
    text = " ".join((reason or "").split())
    if len(text) < REASON_MIN:
        raise GrantRefused(
            f"Say why you need these records now, in at least {REASON_MIN} characters."
        )
    if len(text) > REASON_MAX:
        raise GrantRefused(f"Keep the reason to {REASON_MAX} characters.")
    return text


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _client(uid: str) -> User | None:
    return User.objects.filter(uid=uid, role=Role.CLIENT).first() if uid else None


def access_client_for_break_glass(user, client_uid: str) -> User:
    """A client ``user`` may open with a reason: an active client who booked at ``user``'s
    practice (any practice, for an administrator); 404 for anyone else."""
    client = _client(client_uid)
    if client is None or not _active(user) or client.pk == user.pk or is_archived(client):
        raise Http404("No such client.")
    if user.is_superuser:
        practice_id = None
    elif user.is_practice_member and user.practice_id:
        practice_id = user.practice_id
    else:
        raise Http404("No such client.")
    if not has_booked_at(client, practice_id):
        raise Http404("No such client.")
    return client


def holds_archived_record(practice_id: int, client) -> bool:
    """The practice still keeps ``client``'s records after closure (a hold not yet purged)."""
    if not AccountClosure.objects.filter(user=client).exists():
        return has_booked_at(client, practice_id)  # deactivated, not closed: nothing erased
    return RetentionHold.objects.filter(
        closure__user=client, practice_id=practice_id, purged_at__isnull=True
    ).exists()


def access_archived_client(user, client_uid: str) -> User:
    """A closed client whose archived records ``user``'s practice holds; owners only; else 404."""
    client = _client(client_uid)
    if client is None or not _active(user) or not user.is_owner or not user.practice_id:
        raise Http404("No such archived record.")
    if not is_archived(client) or not holds_archived_record(user.practice_id, client):
        raise Http404("No such archived record.")
    return client


def archived_clients(owner) -> list[User]:
    """The closed clients whose records the owner's practice keeps, most recently closed first."""
    if not _active(owner) or not owner.is_owner or not owner.practice_id:
        return []
    held = RetentionHold.objects.filter(
        practice_id=owner.practice_id, purged_at__isnull=True
    ).values_list("closure__user_id", flat=True)
    return list(
        User.objects.filter(pk__in=held, is_active=False)
        .select_related("closure")
        .order_by("-closure__closed_at")
    )


def _open(*, kind: str, actor, client, practice, reason: str, now: dt.datetime, via: str):
    reason = clean_reason(reason)
    with transaction.atomic():
        grant = AccessGrant.objects.create(
            kind=kind,
            actor=actor,
            client=client,
            practice=practice,
            reason=reason,
            granted_at=now,
            expires_at=now + dt.timedelta(minutes=GRANT_MINUTES),
        )
        audit.record(
            actor=actor,
            subject=client,
            action=AuditAction.GRANT,
            kind="break-glass" if kind == GrantKind.BREAK_GLASS else "records-request",
            via=via,
            practice=practice,
            now=now,
            reason=reason,
        )
    return grant


def break_glass_open(*, actor, client, reason: str, now: dt.datetime, via: str = "web"):
    """Open ``client``'s records to ``actor`` for ``GRANT_MINUTES``, with the reason audited.

    ``client`` must come from :func:`access_client_for_break_glass`.

    Raises:
        GrantRefused: the reason is missing, too short or too long.
    """
    practice = None if actor.is_superuser else actor.practice
    return _open(
        kind=GrantKind.BREAK_GLASS,
        actor=actor,
        client=client,
        practice=practice,
        reason=reason,
        now=now,
        via=via,
    )


def records_request_open(*, owner, client, reason: str, now: dt.datetime, via: str = "web"):
    """Open a closed client's archived records to ``owner``, read-only, with the reason audited.

    ``client`` must come from :func:`access_archived_client`.

    Raises:
        GrantRefused: the reason is missing, too short or too long.
    """
    return _open(
        kind=GrantKind.RECORDS_REQUEST,
        actor=owner,
        client=client,
        practice=owner.practice,
        reason=reason,
        now=now,
        via=via,
    )


def archived_record(client, *, practice_id: int) -> dict:
    """What the practice keeps of a closed client: bookings, session notes and check-ins."""
    from unknot.apps.progress.selectors import checkins_of

    return {
        "bookings": list(
            Booking.objects.filter(client=client, practice_id=practice_id)
            .select_related("practice", "therapist", "technique", "service", "client")
            .order_by("-starts_at")
        ),
        "notes": list(
            SessionNote.objects.filter(client=client, practice_id=practice_id)
            .select_related("booking", "author")
            .order_by("-created_at")
        ),
        "checkins": list(checkins_of(client, practice_id=practice_id).order_by("-submitted_at")),
    }
