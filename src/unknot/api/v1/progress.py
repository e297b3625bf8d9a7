"""Progress: each measure over time against the sessions, and the review suggestions.

A client reads their own (``GET /progress``); a practice's therapists and staff read a client
of their practice (``GET /progress/clients/{uid}``); therapists decide on suggestions. Reads are
written to the client's audit log.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from unknot.api.auth import signed_in
from unknot.api.errors import ApiError
from unknot.api.v1.checkins import ReviewSuggestionOut, api_error, suggestion_out
from unknot.apps.progress import selectors, services
from unknot.apps.progress.access import access_client_progress, access_suggestion

router = Router(tags=["progress"], auth=signed_in)


class ProgressChartRow(Schema):
    date: str
    score: int
    session: int | None
    technique: str
    pressure: int | None


class MeasureProgress(Schema):
    measure: str
    name: str
    direction: str
    summary: str = Field(
        description="One sentence: where it started, where it is, and whether that matters."
    )
    mcid: str
    threshold: float | None = Field(
        description="The score that marks a clinically important change."
    )
    baseline: int | None
    latest: int | None
    reached: bool
    worsened: bool
    rows: list[ProgressChartRow]


class ProgressSessionOut(Schema):
    booking: str
    number: int
    date: str
    technique: str
    pressure: int | None


class ProgressOut(Schema):
    client: str
    measures: list[MeasureProgress]
    sessions: list[ProgressSessionOut]
    suggestions: list[ReviewSuggestionOut]
    booking_held_for_rescreen: bool


def progress_out(request, client, practice_id) -> ProgressOut:
    now = timezone.now()
    view = selectors.progress_view(client, now=now, practice_id=practice_id)
    measures = []
    for card in view["charts"]:
        chart = card["chart"]
        change = chart.change
        measures.append(
            MeasureProgress(
                measure=chart.measure.slug,
                name=chart.measure.name,
                direction=chart.measure.direction,
                summary=chart.summary,
                mcid=card["mcid"],
                threshold=chart.threshold,
                baseline=change.baseline if change else None,
                latest=change.latest if change else None,
                reached=bool(change and change.reached),
                worsened=bool(change and change.worsened),
                rows=[ProgressChartRow(**row) for row in card["rows"]],
            )
        )
    sessions = [
        ProgressSessionOut(
            booking=row.booking.uid,
            number=row.number,
            date=row.booking.starts_at.isoformat(),
            technique=row.technique,
            pressure=row.pressure,
        )
        for row in view["sessions"]
    ]
    return ProgressOut(
        client=client.uid,
        measures=measures,
        sessions=sessions,
        suggestions=[suggestion_out(s, request.user) for s in view["suggestions"]],
        booking_held_for_rescreen=selectors.rescreen_hold(client) is not None,
    )


@router.get("/progress", response=ProgressOut)
def my_progress(request: HttpRequest):
    """The caller's own measures, sessions and suggestions (clients)."""
    if not request.user.is_client:
        raise ApiError(
            404, "not_found", "Clients read their progress here; use /progress/clients/{uid}."
        )
    client, practice_id = access_client_progress(request.user, request.user.uid, via="api")
    return progress_out(request, client, practice_id)


@router.get("/progress/clients/{uid}", response=ProgressOut)
def client_progress(request: HttpRequest, uid: str):
    """A client's progress at the caller's practice (therapists and staff), or one's own."""
    client, practice_id = access_client_progress(request.user, uid, via="api")
    return progress_out(request, client, practice_id)


class SuggestionDecisionIn(Schema):
    decision: str = Field(pattern="^(accept|change|decline)$", max_length=7)
    note: str = Field(default="", max_length=2000)
    pressure_cap: int | None = Field(default=None, ge=1, le=5)
    technique: str | None = Field(default=None, max_length=40)


@router.post("/progress/suggestions/{uid}/decision", response=ReviewSuggestionOut)
def decide(request: HttpRequest, uid: str, payload: SuggestionDecisionIn):
    """A therapist of the practice accepts, changes or declines a suggestion.

    Accepting lighter pressure caps the client's next booking; accepting maintenance or
    another technique adjusts their active program.
    """
    suggestion = access_suggestion(request.user, uid, decide=True)
    try:
        suggestion = services.suggestion_decide(
            suggestion=suggestion,
            by=request.user,
            decision=payload.decision,
            now=timezone.now(),
            note=payload.note,
            pressure_cap=payload.pressure_cap,
            technique=payload.technique,
            via="api",
        )
    except services.ProgressError as error:
        raise api_error(error) from error
    return suggestion_out(suggestion, request.user)
