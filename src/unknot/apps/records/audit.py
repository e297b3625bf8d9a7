"""The audit log: one entry for every view and change of a client's health data.

Access functions and services call :func:`record` as they open or write a record; pages and the
API pass ``via`` so the trail shows the door used. The log never holds the health data itself.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from unknot.apps.records.models import AuditAction, AuditEntry

ROLE_WORDS = {
    "client": "client",
    "therapist": "therapist",
    "staff": "front desk",
    "owner": "practice owner",
}


def actor_label(user) -> str:
    """ "Ben Carter (therapist, Riverside Practice)"; "System" without a person."""
    if user is None or not getattr(user, "pk", None):
        return "System"
    role = "administrator" if user.is_superuser else ROLE_WORDS.get(user.role, user.role)
    practice = getattr(user, "practice", None) if user.practice_id else None
    where = f", {practice.name}" if practice is not None else ""
    return f"{user.get_full_name()} ({role}{where})"


def record(
    *,
    actor,
    subject,
    action: str,
    kind: str,
    uid: str = "",
    via: str = "web",
    practice=None,
    now: dt.datetime | None = None,
) -> AuditEntry:
    """Write one entry. ``subject`` is the client whose data it is; ``actor`` who acted."""
    person = actor if actor is not None and getattr(actor, "pk", None) else None
    return AuditEntry.objects.create(
        at=now or timezone.now(),
        actor=person,
        actor_label=actor_label(person)[:200],
        actor_role=("admin" if person and person.is_superuser else getattr(person, "role", ""))
        or "",
        subject=subject if subject is not None and getattr(subject, "pk", None) else None,
        practice=practice,
        action=AuditAction(action).value,
        record_kind=kind,
        record_uid=uid or "",
        via=via,
    )


def viewed(actor, subject, kind: str, uid: str = "", *, via: str = "web", practice=None):
    return record(
        actor=actor,
        subject=subject,
        action=AuditAction.VIEW,
        kind=kind,
        uid=uid,
        via=via,
        practice=practice,
    )
