"""The personal data of the records app, registered with :mod:`unknot.apps.records.registry`.

Account, consents, self-assessments, session notes and the audit trail, and the tables that
hold no one's personal data. Other apps register their own in their ``AppConfig.ready``
(``apps/<app>/personal_data.py``).
"""

from __future__ import annotations

import datetime as dt

from unknot.apps.guide.models import SavedAssessment
from unknot.apps.records.models import AuditEntry, Consent, SessionNote
from unknot.apps.records.registry import PersonalData, not_personal, register


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


def note_practices(user, *, now: dt.datetime) -> set[int]:
    """Every note is a clinical record, whatever became of the session."""
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


def close_audit(user, *, email: str, now: dt.datetime) -> int:
    """The trail stays whole; where the client acted, their name gives way to the pseudonym."""
    from unknot.apps.records.services import pseudonym

    return AuditEntry.objects.filter(actor=user).update(actor_label=pseudonym(user))


def export_access_grants(user) -> list[dict]:
    """Who asked to open this client's records outside treatment, when, and why."""
    from unknot.apps.records.models import AccessGrant

    return [
        {
            "kind": g.kind,
            "who": g.actor.get_full_name() if g.actor_id != user.pk else "you",
            "reason": g.reason,
            "granted_at": _iso(g.granted_at),
            "expires_at": _iso(g.expires_at),
        }
        for g in AccessGrant.objects.filter(client=user)
        .select_related("actor")
        .order_by("granted_at", "id")
    ]


def close_access_grants(user, *, email: str, now: dt.datetime) -> int:
    """The grants stay as part of the audit trail; the client's name leaves their reasons."""
    from unknot.apps.records.models import AccessGrant
    from unknot.apps.records.registry import replace_ignoring_case
    from unknot.apps.records.services import pseudonym

    name, count = pseudonym(user), 0
    words = [w for w in (email, user.full_name.strip()) if w]
    for grant in AccessGrant.objects.filter(client=user):
        reason = grant.reason
        for word in words:
            reason = replace_ignoring_case(reason, word, name)
        if reason != grant.reason:
            grant.reason = reason[:300]
            grant.save(update_fields=["reason"])
            count += 1
    return count


def register_core() -> None:
    register(
        PersonalData(
            "account",
            "Your account",
            export_account,
            models=("accounts.User",),
            erased="your name, email address and password; you can no longer sign in",
            pseudonymised=(
                "the account itself, as a pseudonym (“closed client #…”), so that "
                "the records kept stay consistent"
            ),
        )
    )
    register(
        PersonalData(
            "consents",
            "Your consents",
            export_consents,
            erase=erase_consents,
            models=("records.Consent",),
            retained="your consent decisions, the evidence that you agreed to treatment",
        )
    )
    register(
        PersonalData(
            "assessments",
            "Your self-assessments",
            export_assessments,
            erase=erase_assessments,
            models=("guide.SavedAssessment",),
            retained="your self-assessments (your answers and their results)",
        )
    )
    register(
        PersonalData(
            "session_notes",
            "Notes from your therapists",
            export_note_summaries,
            erase=erase_notes,
            practices=note_practices,
            models=("records.SessionNote", "records.SessionNoteVersion"),
            retained="your therapists' session notes",
        )
    )
    register(
        PersonalData(
            "audit_trail",
            "Who opened your records",
            export_audit,
            on_close=close_audit,
            models=("records.AuditEntry",),
            pseudonymised=(
                "the audit log of who opened your records, with your own actions in it shown "
                "under your pseudonym"
            ),
        )
    )
    register(
        PersonalData(
            "access_grants",
            "Who asked to open your records outside your treatment, and why",
            export_access_grants,
            on_close=close_access_grants,
            models=("records.AccessGrant",),
            pseudonymised=(
                "the requests to open your records (break-glass and records requests), kept "
                "with the audit log, with your name taken out of their reasons"
            ),
        )
    )
    for label, reason in NOT_PERSONAL.items():
        not_personal(label, reason)


NOT_PERSONAL = {
    "practices.Practice": "a practice's own business address, phone and email, not a person's",
    "practices.Technique": "the names of the seven techniques of the guide (reference data)",
    "practices.Room": "the names of a practice's treatment rooms",
    "therapists.Language": "the names of languages (reference data)",
    "therapists.Therapist": (
        "a practice member's public professional profile, managed by the practice; client "
        "closure and export cover client accounts"
    ),
    "records.NoteTemplate": "a practice's starting text for session notes, no client's data",
    "records.AccountClosure": (
        "the closure itself: its dates and the notice given, no identifier of the person"
    ),
}
