"""Session notes: read (the practice's therapists and staff), write (the session's therapist),
and the plain summary a client was given. Unknown or out-of-reach sessions answer 404; every
read is written to the client's audit log.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from unknot.api.auth import signed_in
from unknot.api.errors import ApiError
from unknot.api.fields import Slug
from unknot.apps.records import services
from unknot.apps.records.access import access_note, access_note_for_writing, access_shared_summary
from unknot.apps.records.models import SessionNote

router = Router(tags=["session notes"], auth=signed_in)


class NoteVersionOut(Schema):
    number: int
    kind: str = Field(description="signed (version 1) or amended")
    author: str
    recorded_at: dt.datetime
    reason: str
    changed: list[str]
    late: bool
    subjective: str
    objective: str
    assessment: str
    plan: str
    techniques: list[str]
    pressure_used: int | None
    finding_regions: list[str]
    findings: str


class SessionNoteOut(Schema):
    uid: str
    booking: str
    client: str
    author: str
    subjective: str
    objective: str
    assessment: str
    plan: str
    techniques: list[str]
    pressure_used: int | None
    finding_regions: list[str]
    findings: str
    client_summary: str
    summary_shared: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    signed: bool
    signed_at: dt.datetime | None
    version: int = Field(description="0 while a draft; then the number of the latest version.")
    late: bool = Field(description="Signed later than the practice's limit after the session.")
    versions: list[NoteVersionOut]


class SessionNoteIn(Schema):
    subjective: str = Field(default="", max_length=5000)
    objective: str = Field(default="", max_length=5000)
    assessment: str = Field(default="", max_length=5000)
    plan: str = Field(default="", max_length=5000)
    techniques: list[Slug] = Field(default_factory=list, max_length=10)
    pressure_used: int | None = Field(default=None, description="Walton level 1-5.")
    finding_regions: list[Slug] = Field(default_factory=list, max_length=20)
    findings: str = Field(default="", max_length=5000)
    client_summary: str = Field(default="", max_length=5000)
    share_summary: bool = False


class SessionNoteAmendIn(SessionNoteIn):
    reason: str = Field(min_length=1, max_length=1000, description="Why the signed note changes.")


class SessionSummaryOut(Schema):
    booking: str
    shared: bool
    summary: str


def note_out(note: SessionNote) -> SessionNoteOut:
    return SessionNoteOut(
        uid=note.uid,
        booking=note.booking.uid,
        client=note.client.uid,
        author=note.author.get_full_name() if note.author else "",
        subjective=note.subjective,
        objective=note.objective,
        assessment=note.assessment,
        plan=note.plan,
        techniques=[t.slug for t in note.techniques.all()],
        pressure_used=note.pressure_used,
        finding_regions=note.finding_regions,
        findings=note.findings,
        client_summary=note.client_summary,
        summary_shared=note.summary_is_shared,
        created_at=note.created_at,
        updated_at=note.updated_at,
        signed=note.is_signed,
        signed_at=note.signed_at,
        version=note.version,
        late=note.late,
        versions=[
            NoteVersionOut(
                number=v.number,
                kind=v.kind,
                author=v.author_name,
                recorded_at=v.recorded_at,
                reason=v.reason,
                changed=v.changed,
                late=v.late,
                subjective=v.subjective,
                objective=v.objective,
                assessment=v.assessment,
                plan=v.plan,
                techniques=v.techniques,
                pressure_used=v.pressure_used,
                finding_regions=v.finding_regions,
                findings=v.findings,
            )
            for v in sorted(note.versions.all(), key=lambda v: v.number)
        ],
    )


def _write(request: HttpRequest, booking: str, write, **fields) -> SessionNoteOut:
    b, _ = access_note_for_writing(request.user, booking)
    try:
        note = write(booking=b, author=request.user, now=timezone.now(), via="api", **fields)
    except PermissionDenied as error:
        raise Http404("No such session.") from error
    except services.RecordsError as error:
        status = 422 if error.code == "invalid" else 409
        extra = {"errors": [{"field": k, "message": v} for k, v in error.problems.items()]}
        raise ApiError(status, error.code, error.message, **extra) from error
    return note_out(
        SessionNote.objects.select_related("booking", "client", "author")
        .prefetch_related("techniques", "versions")
        .get(pk=note.pk)
    )


@router.get("/notes/{booking}", response=SessionNoteOut)
def get_note(request: HttpRequest, booking: str):
    """The note of a session at the caller's practice (therapists and staff)."""
    _, note = access_note(request.user, booking, via="api")
    if note is None:
        raise Http404("No note has been written for this session.")
    return note_out(note)


@router.put("/notes/{booking}", response=SessionNoteOut)
def put_note(request: HttpRequest, booking: str, payload: SessionNoteIn):
    """Write or rewrite the draft note; only the session's own therapist may. A signed note
    answers 409 ``signed``: amend it instead."""
    return _write(request, booking, services.note_save, **payload.dict())


@router.post("/notes/{booking}/sign", response=SessionNoteOut)
def sign_note(request: HttpRequest, booking: str):
    """Sign the draft: it is locked from now on and kept as version 1."""
    return _write(request, booking, services.note_sign)


@router.post("/notes/{booking}/amend", response=SessionNoteOut)
def amend_note(request: HttpRequest, booking: str, payload: SessionNoteAmendIn):
    """Amend a signed note with a reason; the new content is kept as the next version."""
    return _write(request, booking, services.note_amend, **payload.dict())


@router.get("/notes/{booking}/summary", response=SessionSummaryOut)
def get_summary(request: HttpRequest, booking: str):
    """The plain summary of one of the caller's sessions, if the therapist shared one."""
    b, summary = access_shared_summary(request.user, booking, via="api")
    return SessionSummaryOut(booking=b.uid, shared=bool(summary), summary=summary)
