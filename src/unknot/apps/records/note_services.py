"""Writing session notes: the draft, the signature, and amendments with a reason.

A draft is rewritten freely by the session's therapist. Signing keeps version 1; after that
the note changes only through ``note_amend``, which keeps a new version with its reason and
what changed. The database refuses any other change of a signed note (migration
``records.0006``). A note signed more than the practice's ``note_late_after_hours`` after the
session's end is marked late.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.crypto import salted_hmac

from unknot.apps.booking.models import Booking, BookingStatus
from unknot.apps.practices.models import Technique
from unknot.apps.records import audit
from unknot.apps.records.access import can_write_note
from unknot.apps.records.errors import RecordsError
from unknot.apps.records.models import AuditAction, SessionNote
from unknot.apps.records.note_models import NoteVersionKind, SessionNoteVersion
from unknot.domain.guide import load_catalogue

NOTE_TEXT_FIELDS = ("subjective", "objective", "assessment", "plan", "findings", "client_summary")
CONTENT_FIELDS = (*NOTE_TEXT_FIELDS, "techniques", "pressure_used", "finding_regions")
MAX_TEXT = 5000
MAX_REASON = 1000


def _validated(
    *, texts: dict, techniques, pressure_used, finding_regions, share_summary: bool
) -> tuple[dict, dict[str, Technique], list[str]]:
    catalogue = load_catalogue()
    problems: dict[str, str] = {}
    for name, value in texts.items():
        if len(value or "") > MAX_TEXT:
            problems[name] = f"at most {MAX_TEXT} characters"
    slugs = list(dict.fromkeys(techniques))
    known = {t.slug: t for t in Technique.objects.filter(slug__in=slugs)}
    unknown = [s for s in slugs if s not in known]
    if unknown:
        problems["techniques"] = f"unknown technique: {', '.join(unknown)}"
    if pressure_used is not None and not (
        isinstance(pressure_used, int)
        and not isinstance(pressure_used, bool)
        and 1 <= pressure_used <= 5
    ):
        problems["pressure_used"] = "a Walton level from 1 (lightest) to 5 (deepest)"
    regions = list(dict.fromkeys(finding_regions))
    bad_regions = [r for r in regions if r not in catalogue.regions]
    if bad_regions:
        problems["finding_regions"] = f"unknown area: {', '.join(bad_regions)}"
    if share_summary and not (texts.get("client_summary") or "").strip():
        problems["client_summary"] = "write the summary before sharing it"
    if problems:
        raise RecordsError("The note is not valid.", problems=problems)
    return {k: (v or "").strip() for k, v in texts.items()}, known, regions


def _check_writer(author, booking: Booking, now: dt.datetime) -> None:
    if not can_write_note(author, booking):
        raise PermissionDenied("Only the session's therapist writes its note.")
    if booking.status == BookingStatus.CANCELLED:
        raise RecordsError("This session was cancelled.", code="cancelled")
    if now < booking.starts_at:
        raise RecordsError("The session has not started yet.", code="not_started")


def note_content(note: SessionNote) -> dict:
    """The signed content of a note, as plain values."""
    content = {name: getattr(note, name) for name in NOTE_TEXT_FIELDS}
    content["techniques"] = sorted(t.slug for t in note.techniques.all())
    content["pressure_used"] = note.pressure_used
    content["finding_regions"] = list(note.finding_regions)
    return content


def content_hash(content: dict) -> str:
    """A keyed hash of the plain content: proves a version's texts are the ones signed."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return salted_hmac("unknot.records.note-content", canonical, algorithm="sha256").hexdigest()


def _audit(author, note: SessionNote, action, now: dt.datetime, via: str) -> None:
    audit.record(
        actor=author,
        subject=note.client,
        action=action,
        kind="note",
        uid=note.uid,
        via=via,
        practice=note.practice,
        now=now,
    )


@transaction.atomic
def note_save(
    *,
    booking: Booking,
    author,
    now: dt.datetime,
    subjective: str = "",
    objective: str = "",
    assessment: str = "",
    plan: str = "",
    techniques: Iterable[str] = (),
    pressure_used: int | None = None,
    finding_regions: Iterable[str] = (),
    findings: str = "",
    client_summary: str = "",
    share_summary: bool = False,
    via: str = "web",
) -> SessionNote:
    """Create or rewrite the draft note of ``booking``, written by its own therapist.

    Raises:
        PermissionDenied: ``author`` is not the booking's therapist.
        RecordsError: the session has not started or was cancelled, the note is signed
            (``code="signed"``: amend it), or a field is invalid; nothing is stored.
    """
    _check_writer(author, booking, now)
    texts = {
        "subjective": subjective,
        "objective": objective,
        "assessment": assessment,
        "plan": plan,
        "findings": findings,
        "client_summary": client_summary,
    }
    texts, known, regions = _validated(
        texts=texts,
        techniques=techniques,
        pressure_used=pressure_used,
        finding_regions=finding_regions,
        share_summary=share_summary,
    )
    note = SessionNote.objects.select_for_update().filter(booking=booking).first()
    created = note is None
    if created:
        note = SessionNote(booking=booking, practice_id=booking.practice_id, client=booking.client)
    elif note.is_signed:
        raise RecordsError("This note is signed: amend it with a reason instead.", code="signed")
    note.author = author
    for name, value in texts.items():
        setattr(note, name, value)
    note.pressure_used = pressure_used
    note.finding_regions = regions
    note.summary_shared_at = (note.summary_shared_at or now) if share_summary else None
    note.save()
    if created:
        SessionNote.objects.filter(pk=note.pk).update(created_at=now, updated_at=now)
    else:
        SessionNote.objects.filter(pk=note.pk).update(updated_at=now)
    note.techniques.set(known.values())
    _audit(author, note, AuditAction.CREATE if created else AuditAction.CHANGE, now, via)
    return note


def is_late(note: SessionNote, booking: Booking, signed_at: dt.datetime) -> bool:
    limit = dt.timedelta(hours=booking.practice.note_late_after_hours)
    return signed_at > booking.ends_at + limit


def _keep_version(
    note: SessionNote, *, author, now: dt.datetime, kind: str, reason: str, changed, late: bool
) -> SessionNoteVersion:
    content = note_content(note)
    digest = content_hash(content)
    version = SessionNoteVersion.objects.create(
        note=note,
        practice_id=note.practice_id,
        number=note.version + 1,
        kind=kind,
        author=author,
        author_name=author.get_full_name(),
        recorded_at=now,
        reason=reason,
        changed=list(changed),
        late=late,
        content_hash=digest,
        **content,
    )
    note.version = version.number
    note.content_hash = digest
    return version


@transaction.atomic
def note_sign(*, booking: Booking, author, now: dt.datetime, via: str = "web") -> SessionNote:
    """Sign the draft note of ``booking``: it is locked from now on and kept as version 1.

    Raises:
        PermissionDenied: ``author`` is not the booking's therapist.
        RecordsError: no note yet (``code="no_note"``), or already signed (``"signed"``).
    """
    _check_writer(author, booking, now)
    note = SessionNote.objects.select_for_update().filter(booking=booking).first()
    if note is None:
        raise RecordsError("Write the note before signing it.", code="no_note")
    if note.is_signed:
        raise RecordsError("This note is already signed.", code="signed")
    late = is_late(note, booking, now)
    _keep_version(
        note, author=author, now=now, kind=NoteVersionKind.SIGNED, reason="", changed=(), late=late
    )
    note.signed_at = now
    note.late = late
    note.author = author
    note.updated_at = now
    note.save(update_fields=["signed_at", "late", "author", "version", "content_hash"])
    SessionNote.objects.filter(pk=note.pk).update(updated_at=now)
    _audit(author, note, AuditAction.CHANGE, now, via)
    return note


@transaction.atomic
def note_amend(
    *,
    booking: Booking,
    author,
    now: dt.datetime,
    reason: str,
    subjective: str = "",
    objective: str = "",
    assessment: str = "",
    plan: str = "",
    techniques: Iterable[str] = (),
    pressure_used: int | None = None,
    finding_regions: Iterable[str] = (),
    findings: str = "",
    client_summary: str = "",
    share_summary: bool = False,
    via: str = "web",
) -> SessionNote:
    """Amend a signed note: the new content is kept as the next version with ``reason``.

    Raises:
        PermissionDenied: ``author`` is not the booking's therapist.
        RecordsError: the note is not signed (``code="not_signed"``: save the draft), no
            reason, nothing changed, or a field is invalid; nothing is stored.
    """
    _check_writer(author, booking, now)
    note = SessionNote.objects.select_for_update().filter(booking=booking).first()
    if note is None or not note.is_signed:
        raise RecordsError("Only a signed note is amended.", code="not_signed")
    texts = {
        "subjective": subjective,
        "objective": objective,
        "assessment": assessment,
        "plan": plan,
        "findings": findings,
        "client_summary": client_summary,
    }
    reason = (reason or "").strip()
    problems = {}
    if not reason:
        problems["reason"] = "say why the signed note is amended"
    elif len(reason) > MAX_REASON:
        problems["reason"] = f"at most {MAX_REASON} characters"
    try:
        texts, known, regions = _validated(
            texts=texts,
            techniques=techniques,
            pressure_used=pressure_used,
            finding_regions=finding_regions,
            share_summary=share_summary,
        )
    except RecordsError as error:
        raise RecordsError(error.message, problems={**error.problems, **problems}) from error
    if problems:
        raise RecordsError("The amendment is not valid.", problems=problems)
    before = note_content(note)
    for name, value in texts.items():
        setattr(note, name, value)
    note.pressure_used = pressure_used
    note.finding_regions = regions
    after = {**texts, "techniques": sorted(known), "pressure_used": pressure_used}
    after["finding_regions"] = regions
    changed = [name for name in CONTENT_FIELDS if before[name] != after[name]]
    was_shared = note.summary_shared_at is not None
    if not changed and was_shared == bool(share_summary):
        raise RecordsError("Nothing was changed.", code="unchanged")
    note.techniques.set(known.values())
    _keep_version(
        note,
        author=author,
        now=now,
        kind=NoteVersionKind.AMENDED,
        reason=reason,
        changed=changed,
        late=note.late,
    )
    note.summary_shared_at = (note.summary_shared_at or now) if share_summary else None
    note.updated_at = now
    note.save()
    SessionNote.objects.filter(pk=note.pk).update(updated_at=now)
    _audit(author, note, AuditAction.CHANGE, now, via)
    return note
