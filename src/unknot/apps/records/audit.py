"""The audit log: one entry for every view and change of a client's health data.

Every read of health data goes through :func:`health_read`, called by the access functions
(``apps/records/health_access.py`` decides who may read and why); services call :func:`record`
as they write. Pages and the API pass ``via`` so the trail shows the door used. The log never
holds the health data itself.
"""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar

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
    reason: str = "",
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
        reason=(reason or "")[:300],
    )


_HEALTH_READ: ContextVar[bool] = ContextVar("unknot_health_read", default=False)


def health_read(
    *,
    actor,
    client,
    kind: str,
    reason: str,
    uid: str = "",
    via: str = "web",
    practice=None,
    now: dt.datetime | None = None,
) -> AuditEntry:
    """The one audited path for showing health data: write the entry, mark the response.

    ``reason`` says why ``actor`` may see it (from the access decision). The mark makes the
    response ``Cache-Control: no-store`` (``common/no_store.py``).
    """
    _HEALTH_READ.set(True)
    return record(
        actor=actor,
        subject=client,
        action=AuditAction.VIEW,
        kind=kind,
        uid=uid,
        via=via,
        practice=practice,
        now=now,
        reason=reason,
    )


def health_read_happened() -> bool:
    """True once :func:`health_read` ran in this request's context."""
    return _HEALTH_READ.get()


def reset_health_read() -> None:
    _HEALTH_READ.set(False)


def viewed(actor, subject, kind: str, uid: str = "", *, via: str = "web", practice=None, reason=""):
    """A read of ``subject``'s health data: :func:`health_read` under its older name."""
    return health_read(
        actor=actor,
        client=subject,
        kind=kind,
        uid=uid,
        via=via,
        practice=practice,
        reason=reason or ("own record" if actor is not None and actor == subject else ""),
    )
