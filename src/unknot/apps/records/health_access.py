"""Who may read a client's health records, and why: the rule every door to health data asks.

Health data: self-assessments, session notes, check-ins and progress, review suggestions, and a
booking's client note, safety snapshot and clearance note. The rule, per record of a practice:

- the client reads their own;
- a **treating therapist** of the practice reads them: a therapist with a booking with the
  client at that practice that is not cancelled and started at most
  ``TREATING_DAYS_AFTER_LAST_SESSION`` days ago (upcoming bookings count). A cancelled booking
  never makes a treating relationship;
- the practice's **owner** reads those of a client the practice treats (the same bookings, any
  therapist);
- anyone else of the practice (the front desk, other therapists) and administrators read only
  through a **break-glass** grant: a reason typed, audited, for ``GRANT_MINUTES`` and that
  client only. Offered only for a client who has booked at the practice;
- a closed account's records are **archived**: nobody reads them through the ordinary doors;
  an owner of a practice that holds them opens a **records request** with a reason (audited,
  ``GRANT_MINUTES``).

:func:`access_client_record_for_read` applies the rule and writes the audit entry through
``audit.health_read`` with the decision's reason; 404 for everyone it refuses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import Http404

from unknot.apps.booking.models import Booking, BookingStatus
from unknot.apps.records import audit
from unknot.apps.records.models import AccessGrant, GrantKind

TREATING_DAYS_AFTER_LAST_SESSION = 365
"""How long after the last session a treating relationship lasts (a year: a client who comes
back within it is still "my client"; after it the therapist uses break-glass)."""
GRANT_MINUTES = 30
"""How long a break-glass read or a records request stays open."""


@dataclass(frozen=True)
class ReadDecision:
    """Whether ``user`` may read the client's records, the reason written to the audit log,
    whether a break-glass read (or, archived, a records request) could open them."""

    allowed: bool
    reason: str = ""
    may_break_glass: bool = False
    archived: bool = False


DENY = ReadDecision(False)


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_archived(client) -> bool:
    """A closed (or deactivated) client account: its records are archived."""
    return not client.is_active


def _treating_bookings(client, practice_id: int, now: dt.datetime):
    since = now - dt.timedelta(days=TREATING_DAYS_AFTER_LAST_SESSION)
    return Booking.objects.filter(
        client=client, practice_id=practice_id, starts_at__gte=since
    ).exclude(status=BookingStatus.CANCELLED)


def is_treating_therapist(user, client, practice_id: int, now: dt.datetime) -> bool:
    return _treating_bookings(client, practice_id, now).filter(therapist__user=user).exists()


def practice_treats(client, practice_id: int, now: dt.datetime) -> bool:
    return _treating_bookings(client, practice_id, now).exists()


def has_booked_at(client, practice_id: int | None) -> bool:
    """Any booking at all (cancelled too): enough to ask for a break-glass read, never to read."""
    if practice_id is None:
        return Booking.objects.filter(client=client).exists()
    return Booking.objects.filter(client=client, practice_id=practice_id).exists()


def open_grant(user, client, *, kind: str, practice_id: int | None, now: dt.datetime):
    """The grant in force for ``user`` on ``client`` (None if none)."""
    qs = AccessGrant.objects.filter(
        actor=user, client=client, kind=kind, granted_at__lte=now, expires_at__gt=now
    )
    if not user.is_superuser:
        qs = qs.filter(practice_id=practice_id)
    return qs.order_by("-expires_at").first()


def _works_at(user, practice_id: int | None) -> bool:
    return practice_id is not None and user.is_practice_member and user.practice_id == practice_id


def decide_client_record_read(
    user, client, *, practice_id: int | None, now: dt.datetime
) -> ReadDecision:
    """May ``user`` read ``client``'s health records of ``practice_id`` now, and why."""
    if not _active(user) or client is None:
        return DENY
    if client.pk == user.pk:
        return ReadDecision(True, "own record")
    if not (user.is_superuser or _works_at(user, practice_id)):
        return DENY
    if is_archived(client):
        return _archived_decision(user, client, practice_id=practice_id, now=now)
    if user.is_owner and practice_treats(client, practice_id, now):
        return ReadDecision(True, "practice owner")
    if user.is_therapist and is_treating_therapist(user, client, practice_id, now):
        return ReadDecision(True, "treating therapist")
    grant = open_grant(user, client, kind=GrantKind.BREAK_GLASS, practice_id=practice_id, now=now)
    if grant is not None:
        return ReadDecision(True, f"break-glass: {grant.reason}")
    return ReadDecision(False, may_break_glass=has_booked_at(client, practice_id))


def _archived_decision(user, client, *, practice_id, now) -> ReadDecision:
    if not user.is_owner:
        return ReadDecision(False, archived=True)
    grant = open_grant(
        user, client, kind=GrantKind.RECORDS_REQUEST, practice_id=practice_id, now=now
    )
    if grant is not None:
        return ReadDecision(True, f"records request: {grant.reason}", archived=True)
    return ReadDecision(False, may_break_glass=has_booked_at(client, practice_id), archived=True)


def access_client_record_for_read(
    user,
    client,
    *,
    practice,
    kind: str,
    now: dt.datetime,
    uid: str = "",
    via: str = "web",
) -> ReadDecision:
    """Read ``client``'s ``kind`` record at ``practice``: audited with its reason; else 404."""
    practice_id = practice.pk if practice is not None else None
    decision = decide_client_record_read(user, client, practice_id=practice_id, now=now)
    if not decision.allowed:
        raise Http404("No such record.")
    audit.health_read(
        actor=user,
        client=client,
        kind=kind,
        uid=uid,
        via=via,
        practice=practice,
        now=now,
        reason=decision.reason,
    )
    return decision


class Decisions:
    """Decisions for many records in one request (a schedule, a list): one per client and
    practice, so a page of twenty sessions asks the database a few times, not sixty."""

    def __init__(self, user, now: dt.datetime):
        self.user = user
        self.now = now
        self._seen: dict[tuple[int, int | None], ReadDecision] = {}

    def decide(self, client, practice_id: int | None) -> ReadDecision:
        key = (client.pk, practice_id)
        if key not in self._seen:
            self._seen[key] = decide_client_record_read(
                self.user, client, practice_id=practice_id, now=self.now
            )
        return self._seen[key]


def _has_health_details(booking) -> bool:
    return bool(booking.client_note or booking.safety or booking.clearance_note)


def booking_health_readable(user, bookings, *, now: dt.datetime, via: str = "web") -> set[str]:
    """The uids of ``bookings`` whose health details (the client's note, the safety snapshot,
    the clearance note) ``user`` may see. Each one shown to someone other than its client is
    audited; the rest show only their time, service and status."""
    decisions = Decisions(user, now)
    shown: set[str] = set()
    for booking in bookings:
        decision = decisions.decide(booking.client, booking.practice_id)
        if not decision.allowed:
            continue
        shown.add(booking.uid)
        if booking.client_id != user.pk and _has_health_details(booking):
            audit.health_read(
                actor=user,
                client=booking.client,
                kind="booking-health",
                uid=booking.uid,
                via=via,
                practice=booking.practice,
                now=now,
                reason=decision.reason,
            )
    return shown
