"""The safety gate: every booking is screened against the client's latest assessment.

The stored intake is assessed again with the current catalogue, so a safety rule corrected since
the client answered applies at once. An assessment older than ``MAX_AGE`` must be renewed:
health changes (pregnancy, surgery, a new diagnosis) and the answers must describe the client now.

The latest assessment and the signs of a hold (consent to treatment withdrawn, a re-screen
pending) come from one query; when there is no assessment or a sign shows,
``progress.guards.check_booking_holds`` decides with its own rules and wording. The insert of
every booking runs that check again (a ``pre_save`` receiver of the progress app).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Subquery

from unknot.apps.booking.errors import SafetyRefusal
from unknot.apps.guide.models import SavedAssessment
from unknot.apps.progress.guards import check_booking_holds
from unknot.apps.progress.models import ReviewSuggestion, SuggestionKind
from unknot.apps.records.models import Consent, ConsentKind
from unknot.domain.guide import Action, Assessment, Status, assess, parse_intake

MAX_AGE = dt.timedelta(days=90)


@dataclass(frozen=True)
class Screening:
    """What a booking carries from the gate: the assessment and the therapist's flags."""

    assessment: SavedAssessment | None
    needs_clearance: bool
    snapshot: dict = field(default_factory=dict)


def latest_assessment_for(client) -> SavedAssessment | None:
    return SavedAssessment.objects.filter(client=client).order_by("-created_at", "-id").first()


def _latest_with_hold_signs(client) -> SavedAssessment | None:
    """``latest_assessment_for`` plus two annotations, in one query.

    ``treatment_granted``: the client's decision in force on consent to treatment (None when
    never decided), as ``records.consents.latest`` reads it. ``rescreen_pending``: a re-screen
    suggestion made with this assessment or a later one in view, as
    ``progress.selectors.rescreen_hold`` reads it. Both only decide whether to ask
    ``check_booking_holds``, never to let a booking through on their own.
    """
    treatment = (
        Consent.objects.filter(user_id=OuterRef("client_id"), kind=ConsentKind.TREATMENT)
        .order_by("-recorded_at", "-id")
        .values("granted")[:1]
    )
    rescreen = ReviewSuggestion.objects.filter(
        client_id=OuterRef("client_id"),
        kind=SuggestionKind.RESCREEN,
        assessment_seen__gte=OuterRef("pk"),
    )
    return (
        SavedAssessment.objects.filter(client=client)
        .annotate(treatment_granted=Subquery(treatment), rescreen_pending=Exists(rescreen))
        .order_by("-created_at", "-id")
        .first()
    )


def therapist_snapshot(result: Assessment, technique_slug: str, intake: dict) -> dict:
    """The flags and notes a therapist needs on the appointment, for this technique."""
    rec = next((r for r in result.recommendations if r.technique == technique_slug), None)
    flags = [
        f.to_dict()
        for f in result.flags
        if f.action in (Action.CLEARANCE, Action.MODIFY)
        and (not f.techniques or technique_slug in f.techniques)
    ]
    return {
        "pressure_cap": rec.pressure_cap if rec else result.pressure_cap,
        "positioning": list(rec.positioning) if rec else [],
        "avoid_areas": list(rec.avoid_areas) if rec else [],
        "no_oils": bool(rec.no_oils) if rec else False,
        "avoid_oils": list(rec.avoid_oils) if rec else [],
        "flags": flags,
        "regions": list(intake.get("regions", [])),
        "symptoms": list(intake.get("symptoms", [])),
        "goals": list(intake.get("goals", [])),
        "pain_intensity": (intake.get("pain") or {}).get("intensity"),
        "catalogue_version": result.catalogue_version,
    }


def screen_for_booking(*, client, technique_slug: str, now: dt.datetime) -> Screening:
    """Decide whether ``client`` may book ``technique_slug`` now.

    Raises:
        SafetyRefusal: code ``screening_required`` (no or expired assessment), ``safety_refer``
            (a red flag: see a doctor first), ``safety_postpone`` (e.g. fever: wait until well)
            or ``technique_excluded`` (a contraindication or the client's own preference).
    """
    saved = _latest_with_hold_signs(client)
    if saved is None or saved.treatment_granted is False or saved.rescreen_pending:
        # Consent withdrawn, or a change in health reported at a check-in since the last
        # assessment: the progress app's check raises with its own rules and wording.
        check_booking_holds(client)
    if saved is None:
        raise SafetyRefusal(
            "Please complete the health check in the self-assessment before booking.",
            code="screening_required",
        )
    if now - saved.created_at > MAX_AGE:
        raise SafetyRefusal(
            "Your last self-assessment is more than 90 days old. Please update it so your "
            "therapist knows how you are now.",
            code="screening_required",
        )
    result = assess(parse_intake(saved.intake))
    if result.status is Status.REFER:
        raise SafetyRefusal(
            "Your answers include warning signs that need a doctor's attention. Please see your "
            "doctor before booking a massage.",
            code="safety_refer",
            flags=[f.to_dict() for f in result.flags if f.action is Action.REFER],
        )
    if result.status is Status.POSTPONE:
        raise SafetyRefusal(
            "Massage is not advisable right now. Please wait until you are well, then update "
            "your self-assessment.",
            code="safety_postpone",
            flags=[f.to_dict() for f in result.flags if f.action is Action.POSTPONE],
        )
    excluded = next((e for e in result.excluded if e.technique == technique_slug), None)
    if excluded is not None:
        raise SafetyRefusal(
            "Your self-assessment rules this technique out: "
            + " ".join(r.text for r in excluded.reasons),
            code="technique_excluded",
            allowed=list(result.allowed_techniques()),
        )
    if technique_slug not in result.allowed_techniques():
        raise SafetyRefusal(
            "Your self-assessment does not recommend this technique.",
            code="technique_excluded",
            allowed=list(result.allowed_techniques()),
        )
    return Screening(
        assessment=saved,
        needs_clearance=result.needs_clearance,
        snapshot=therapist_snapshot(result, technique_slug, saved.intake),
    )
