"""Check-ins: what to ask, submit one (the review runs at once), list and read them.

The same doors as the pages: a client reaches their own; a practice's therapists and staff
reach the check-ins of their clients at their practice (``?client=<uid>``). Every read is
written to the client's audit log, marked ``api``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from unknot.api.auth import signed_in
from unknot.api.errors import ApiError
from unknot.api.fields import Slug
from unknot.apps.progress import selectors, services
from unknot.apps.progress.access import (
    access_checkin,
    access_client_checkins,
    access_own_booking_for_checkin,
)
from unknot.apps.progress.models import CheckIn, Relief, ReviewSuggestion
from unknot.apps.records import consents
from unknot.apps.records.models import ConsentKind
from unknot.domain import progress as p
from unknot.domain.guide import load_catalogue

router = Router(tags=["check-ins"], auth=signed_in)

STATUS_BY_CODE = {
    "invalid": 422,
    "consent_required": 403,
    "consent_withdrawn": 403,
    "not_open": 409,
    "already_done": 409,
    "already_decided": 409,
    "cancelled": 409,
}


def api_error(error: services.ProgressError) -> ApiError:
    extra = {}
    if error.problems:
        extra["errors"] = [{"field": k, "message": v} for k, v in error.problems.items()]
    return ApiError(STATUS_BY_CODE.get(error.code, 422), error.code, error.message, **extra)


class CheckInItemOut(Schema):
    id: str
    text: str
    low_anchor: str
    high_anchor: str


class CheckInMeasureOut(Schema):
    slug: str
    name: str
    recall: str
    range: list[int]
    direction: str
    scoring: str
    mcid: str
    licence: str
    items: list[CheckInItemOut]


class CheckInFormOut(Schema):
    booking: str
    kind: str
    open: bool
    opens_at: dt.datetime
    closes_at: dt.datetime
    done: bool
    needs_consent: bool = Field(description="True until the client has answered the consent.")
    consent_text: str
    measures: list[CheckInMeasureOut] = Field(description="Before a session: rate every item 0-10.")
    regions: list[str]
    red_flags: list[str]
    conditions: list[str]
    relief: list[str]


def measure_out(slug: str) -> CheckInMeasureOut:
    m = load_catalogue().measures[slug]
    return CheckInMeasureOut(
        slug=m.slug,
        name=m.name,
        recall=m.recall,
        range=list(m.range or ()),
        direction=m.direction,
        scoring=m.scoring,
        mcid=p.describe_mcid(m),
        licence=m.licence,
        items=[
            CheckInItemOut(id=i.id, text=i.text, low_anchor=i.low_anchor, high_anchor=i.high_anchor)
            for i in m.items
        ],
    )


@router.get("/checkins/form", response=CheckInFormOut)
def checkin_form(request: HttpRequest, booking: str, kind: str):
    """What a check-in for one of the caller's sessions asks, and whether it is open now."""
    b = access_own_booking_for_checkin(request.user, booking, kind)
    catalogue = load_catalogue()
    window = p.window(p.Kind(kind), b.starts_at, b.ends_at)
    measures = selectors.client_plan(request.user).measures if kind == "before" else ()
    return CheckInFormOut(
        booking=b.uid,
        kind=kind,
        open=window.contains(timezone.now()),
        opens_at=window.opens,
        closes_at=window.closes,
        done=CheckIn.objects.filter(booking=b, kind=kind).exists(),
        needs_consent=consents.latest(request.user, ConsentKind.HEALTH_DATA) is None,
        consent_text=consents.WORDINGS["health_data"].text,
        measures=[measure_out(m) for m in measures],
        regions=list(catalogue.regions) if kind == "before" else [],
        red_flags=list(catalogue.red_flags) if kind == "before" else [],
        conditions=list(catalogue.conditions) if kind == "before" else [],
        relief=list(Relief.values) if kind == "after" else [],
    )


class CheckInIn(Schema):
    booking: str = Field(max_length=32)
    kind: str = Field(pattern="^(before|after)$", max_length=6)
    scores: dict[Slug, Annotated[dict[Slug, int], Field(max_length=20)]] = Field(
        default_factory=dict,
        max_length=20,
        description='Before: {"pain-nrs": {"pain": 6}, ...}',
    )
    regions: list[Slug] = Field(default_factory=list, max_length=20)
    red_flags: list[Slug] = Field(default_factory=list, max_length=30)
    conditions: list[Slug] = Field(default_factory=list, max_length=40)
    health_note: str = Field(default="", max_length=2000)
    soreness: int | None = Field(default=None, description="After: 0-10.")
    bruising: bool = False
    headache: bool = False
    other_reactions: str = Field(default="", max_length=2000)
    relief: str = Field(default="", max_length=40, description="After: " + ", ".join(Relief.values))
    give_health_consent: bool = Field(
        default=False, description="Give the consent to store health information with this."
    )


class CheckInScoreOut(Schema):
    measure: str
    score: int


class CheckInOut(Schema):
    uid: str
    kind: str
    booking: str
    practice: str
    submitted_at: dt.datetime
    scores: list[CheckInScoreOut]
    regions: list[str]
    new_red_flags: list[str]
    new_conditions: list[str]
    health_note: str
    soreness: int | None
    bruising: bool
    headache: bool
    other_reactions: str
    relief: str


class ReviewSuggestionOut(Schema):
    uid: str
    kind: str
    status: str
    created_at: dt.datetime
    for_client: str
    for_therapist: str | None = Field(default=None, description="Only for the practice side.")
    pressure_cap: int | None
    technique: str
    blocks_booking: bool
    decided_at: dt.datetime | None
    decision_note: str
    applied: dict


class CheckInSubmittedOut(Schema):
    checkin: CheckInOut
    suggestions: list[ReviewSuggestionOut]


def checkin_out(c: CheckIn) -> CheckInOut:
    return CheckInOut(
        uid=c.uid,
        kind=c.kind,
        booking=c.booking.uid,
        practice=c.practice.name,
        submitted_at=c.submitted_at,
        scores=[CheckInScoreOut(measure=s.measure, score=s.score) for s in c.scores.all()],
        regions=c.regions,
        new_red_flags=c.new_red_flags,
        new_conditions=c.new_conditions,
        health_note=c.health_note,
        soreness=c.soreness,
        bruising=c.bruising,
        headache=c.headache,
        other_reactions=c.other_reactions,
        relief=c.relief,
    )


def suggestion_out(s: ReviewSuggestion, viewer) -> ReviewSuggestionOut:
    practice_side = viewer.pk != s.client_id
    return ReviewSuggestionOut(
        uid=s.uid,
        kind=s.kind,
        status=s.status,
        created_at=s.created_at,
        for_client=s.for_client,
        for_therapist=s.for_therapist if practice_side else None,
        pressure_cap=s.pressure_cap,
        technique=s.technique,
        blocks_booking=s.blocks_booking,
        decided_at=s.decided_at,
        decision_note=s.decision_note,
        applied=s.applied or {},
    )


@router.post("/checkins", response={201: CheckInSubmittedOut})
def submit_checkin(request: HttpRequest, payload: CheckInIn):
    """Submit a check-in for one of the caller's sessions; the review rules run at once.

    201 with the suggestions made; 422 for bad answers (``errors`` names each), 409 when the
    check-in is not open, already done or the session was cancelled, 403 without consent to
    store health information (send ``give_health_consent`` to give it).
    """
    booking = access_own_booking_for_checkin(request.user, payload.booking, payload.kind)
    try:
        result = services.checkin_submit(
            client=request.user,
            booking=booking,
            kind=payload.kind,
            now=timezone.now(),
            via="api",
            scores=payload.scores,
            regions=payload.regions,
            red_flags=payload.red_flags,
            conditions=payload.conditions,
            health_note=payload.health_note,
            soreness=payload.soreness,
            bruising=payload.bruising,
            headache=payload.headache,
            other_reactions=payload.other_reactions,
            relief=payload.relief,
            give_health_consent=payload.give_health_consent,
        )
    except services.ProgressError as error:
        raise api_error(error) from error
    checkin = (
        CheckIn.objects.select_related("booking", "practice")
        .prefetch_related("scores")
        .get(pk=result.checkin.pk)
    )
    return Status(
        201,
        CheckInSubmittedOut(
            checkin=checkin_out(checkin),
            suggestions=[suggestion_out(s, request.user) for s in result.suggestions],
        ),
    )


@router.get("/checkins", response=list[CheckInOut])
def list_checkins(request: HttpRequest, client: str | None = None):
    """The caller's own check-ins, or (practice side) those of ``client`` at the practice."""
    rows = access_client_checkins(request.user, client or request.user.uid, via="api")
    return [checkin_out(c) for c in rows]


@router.get("/checkins/{uid}", response=CheckInOut)
def get_checkin(request: HttpRequest, uid: str):
    """One check-in: its client's own, or (practice side) one made at the practice."""
    return checkin_out(access_checkin(request.user, uid, via="api"))
