"""Self-assessments: POST /api/v1/assessments, and a client's own saved ones.

POST takes the intake as a free JSON object and lets the guide core validate it, so every
problem is reported at once (422, each offending field with its valid values). Signing in is
optional: an anonymous assessment is answered and nothing is stored; a signed-in client's is
stored and the answer carries its ``uid`` and ``saved: true``. The ``unknot assess`` command
prints the same JSON as an anonymous POST.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from unknot.api.auth import BearerToken, Session, signed_in
from unknot.api.errors import ApiError
from unknot.api.pagination import Pagination
from unknot.apps.guide.access import access_own_assessment
from unknot.apps.guide.contract import (
    assess_data,
    assessment_payload,
    intake_json_schema,
    problems_payload,
    read_intake_json,
    saved_payload,
)
from unknot.apps.guide.models import SavedAssessment
from unknot.apps.guide.selectors import assessments_of
from unknot.apps.guide.services import assessment_save, can_save_assessments
from unknot.domain.guide import IntakeError, explain_status

router = Router(tags=["assessments"])


# --- optional authentication ---------------------------------------------------------------


class BearerTokenIfSent(BearerToken):
    """A bearer token, when one is sent; a wrong one is a 401, never silently anonymous."""

    def __call__(self, request):
        user = super().__call__(request)
        if user is None and request.headers.get(self.header):
            raise AuthenticationError()
        return user


class SessionIfSignedIn(Session):
    """The browser session of a signed-in person (CSRF-checked); no check for anonymous calls."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


def anonymous(request) -> str:
    """Last in the chain: nobody signed in, which this endpoint allows."""
    return "anonymous"


optional_auth = [BearerTokenIfSent(), SessionIfSignedIn(), anonymous]


def _caller(request: HttpRequest):
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else None


# --- schemas ---------------------------------------------------------------------------------


class _Open(Schema):
    """Documents the contract's keys; any key the core adds later passes through unchanged."""

    model_config = ConfigDict(extra="allow")


class ReasonOut(_Open):
    text: str
    evidence: list[str] = Field(description="Evidence ids; see GET /api/v1/evidence/{id}.")
    basis: str = Field(description="'evidence', or 'practice convention' when nothing is cited.")


class RecommendationOut(_Open):
    technique: str
    name: str
    score: int
    reasons: list[ReasonOut]
    pressure_cap: int = Field(description="Highest pressure allowed, 1-5.")
    what_to_expect: str
    what_to_wear: str
    possible_discomfort: str
    positioning: list[str]
    avoid_areas: list[str]
    no_oils: bool = Field(description="True: no essential oils or scented products.")
    avoid_oils: list[str] = Field(default_factory=list, description="Oils that are not used.")
    oils: str = Field("", description="What the oil limits mean, in plain words.")
    no_stretching: bool = Field(False, description="Stretches and joint movement left out.")
    session_notes: list[str] = Field(default_factory=list)


class ExclusionOut(_Open):
    technique: str
    reasons: list[str]


class SourceOut(_Open):
    id: str = Field(description="Evidence id; see GET /api/v1/evidence/{id}.")
    confidence: str = Field(description="V verified, P partly verified, U unverified.")


class AdaptationsOut(_Open):
    pressure_cap: int | None = Field(description="Highest pressure this flag allows, 1-5.")
    exclude: list[str] = Field(description="Techniques this flag leaves out.")
    avoid_areas: list[str]
    no_stretching: bool
    holds_after_clearance: bool = Field(
        description="Always true: recording a clearance never lifts an adaptation."
    )


class FlagOut(_Open):
    code: str
    action: str = Field(description="refer, postpone, clearance or modify")
    detail: str
    techniques: list[str]
    urgency: str | None = Field(
        None, description="emergency (now), today, soon (before booking), or null."
    )
    confidence: str | None = Field(None, description="V, P or U; U is a caution, not a fact.")
    sources: list[SourceOut] = Field(default_factory=list)
    adaptations: AdaptationsOut | None = None
    cleared: bool = Field(False, description="True when the go-ahead has been recorded.")
    clearance_from: str | None = Field(None, description="Whose go-ahead is needed.")


class PhaseOut(_Open):
    name: str
    sessions: int
    every_days: int
    session_minutes: int
    rationale: str
    evidence: list[str]


class ProgramOut(_Open):
    phases: list[PhaseOut]
    remeasure_after_sessions: list[int]
    notes: list[str]


class AssessmentOut(_Open):
    uid: str | None = Field(description="Set when the assessment was saved to an account.")
    saved: bool
    created_at: dt.datetime | None
    intake: dict[str, Any] = Field(description="The intake as understood, defaults filled in.")
    status: str = Field(description="ok, postpone or refer")
    urgency: str | None = Field(
        None, description="The most urgent flag's urgency: emergency, today, soon, or null."
    )
    status_text: str = Field(description="The status in plain words, as urgent as the outcome.")
    summary: str
    next_steps: list[str] = Field(
        default_factory=list,
        description="What to do now. For an emergency this is all there is: no questions "
        "for the therapist and no booking prompts.",
    )
    recommendations: list[RecommendationOut] = Field(description="Best first.")
    excluded: list[ExclusionOut]
    flags: list[FlagOut]
    program: ProgramOut
    questions_for_therapist: list[str]
    catalogue_version: str


class AssessmentSummaryOut(Schema):
    uid: str
    created_at: dt.datetime
    status: str
    status_text: str
    summary: str
    recommended: list[str] = Field(description="Recommended technique slugs, best first.")
    catalogue_version: str

    @staticmethod
    def resolve_status_text(obj: SavedAssessment) -> str:
        return explain_status(obj.status, obj.result.get("urgency"))

    @staticmethod
    def resolve_summary(obj: SavedAssessment) -> str:
        return obj.result.get("summary", "")

    @staticmethod
    def resolve_recommended(obj: SavedAssessment) -> list[str]:
        return [r["technique"] for r in obj.result.get("recommendations", [])]


class ProblemOut(Schema):
    field: str = Field(description="Dotted path with list indexes, e.g. health.conditions[1].")
    message: str
    valid_values: list[str] | None


class InvalidOut(Schema):
    code: str
    message: str
    errors: list[ProblemOut]


def _invalid(error: IntakeError, status: int) -> ApiError:
    body = problems_payload(error)
    return ApiError(status, body["code"], body["message"], errors=body["errors"])


# --- endpoints -------------------------------------------------------------------------------


@router.post(
    "/assessments",
    response={200: AssessmentOut, 201: AssessmentOut, 400: InvalidOut, 422: InvalidOut},
    auth=optional_auth,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": intake_json_schema()}},
        }
    },
)
def create_assessment(request: HttpRequest):
    """Assess an intake: safety first, then ranked, cited recommendations and a program plan.

    Sign-in is optional. Anonymous: 200, nothing stored. A signed-in client (bearer token or
    session): 201, stored, with ``uid`` and ``saved: true``; their latest one is what booking
    checks. 422 lists every problem at once, each with the valid values, and is also the
    answer to an intake without health answers (send ``health.none_apply: true`` when none
    apply); 400 when the body is not JSON at all. ``status_text``, ``urgency`` and each flag's
    ``urgency`` and ``sources`` say how soon to act and on what evidence.
    """
    try:
        data = read_intake_json(request.body)
    except IntakeError as error:
        raise _invalid(error, 400) from None
    try:
        intake, assessment = assess_data(data)
    except IntakeError as error:
        raise _invalid(error, 422) from None
    caller = _caller(request)
    if caller is not None and can_save_assessments(caller):
        saved = assessment_save(client=caller, intake=intake.to_dict(), now=timezone.now())
        return Status(201, saved_payload(saved))
    return Status(200, assessment_payload(assessment, intake))


@router.get("/assessments", response=list[AssessmentSummaryOut], auth=signed_in)
@paginate(Pagination)
def list_assessments(request: HttpRequest):
    """The caller's own saved assessments, newest first."""
    return assessments_of(client=request.auth)


@router.get("/assessments/{uid}", response=AssessmentOut, auth=signed_in)
def get_assessment(request: HttpRequest, uid: str):
    """One of the caller's own saved assessments, as they were shown it; 404 for any other."""
    return saved_payload(access_own_assessment(request.auth, uid, via="api"))
