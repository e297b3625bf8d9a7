"""The safety gate: every booking is screened against the client's latest assessment.

The stored intake is assessed again with the current catalogue, so a safety rule corrected since
the client answered applies at once. An assessment older than ``MAX_AGE`` must be renewed:
health changes (pregnancy, surgery, a new diagnosis) and the answers must describe the client now.

Before the assessment is judged, the holds other apps registered in ``booking.hooks`` run (consent
to treatment withdrawn, a re-screen pending...). The latest assessment and the holds' hints come
from one query, so a client no hold applies to is screened in one query.

A red flag stands (issue 14, "outcomes are hard to undo"): once an assessment said ``refer``, a
later one without the flag does not clear it. Bookings wait as pending until staff record a
clearance on a booking screened after that assessment (``booking_record_clearance``, where a
clinician's clearance is recorded today).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery

from unknot.apps.booking import hooks
from unknot.apps.booking.errors import SafetyRefusal
from unknot.apps.booking.models import Booking
from unknot.apps.guide.models import SavedAssessment
from unknot.domain.guide import Action, Assessment, Status, assess, parse_intake

MAX_AGE = dt.timedelta(days=90)


@dataclass(frozen=True)
class Screening:
    """What a booking carries from the gate: the assessment and the therapist's flags.

    ``needs_clearance``: the booking waits as pending for staff (a clearance flag, or a hold's
    ``Pending`` reason, listed in ``snapshot["holds"]``). ``client_id`` and ``technique_slug``
    say whom and what it screened, so a series can reuse it safely.
    """

    assessment: SavedAssessment | None
    needs_clearance: bool
    snapshot: dict = field(default_factory=dict)
    client_id: int | None = None
    technique_slug: str = ""
    pending: tuple[hooks.Pending, ...] = ()

    def covers(self, *, client, technique_slug: str) -> bool:
        return self.client_id == client.pk and self.technique_slug == technique_slug


def latest_assessment_for(client) -> SavedAssessment | None:
    return SavedAssessment.objects.filter(client=client).order_by("-created_at", "-id").first()


def _latest_with_hints(client) -> SavedAssessment | None:
    """``latest_assessment_for`` with every registered hold's hint, in one query.

    ``last_refer_pk``: the client's latest assessment that said ``refer`` (None when none did).
    """
    last_refer = (
        SavedAssessment.objects.filter(client_id=OuterRef("client_id"), status=Status.REFER.value)
        .order_by("-created_at", "-id")
        .values("pk")[:1]
    )
    return (
        SavedAssessment.objects.filter(client=client)
        .annotate(last_refer_pk=Subquery(last_refer), **hooks.hint_annotations())
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


def _refer_stands(client, saved: SavedAssessment) -> hooks.Pending | None:
    """An earlier ``refer`` no clearance has answered since: the booking waits for staff."""
    refer_pk = saved.last_refer_pk
    if refer_pk is None or refer_pk == saved.pk:
        return None
    reviewed = Booking.objects.filter(
        client=client, clearance_recorded_at__isnull=False, assessment_id__gt=refer_pk
    ).exists()
    if reviewed:
        return None
    return hooks.Pending(
        code="earlier_refer",
        reason="An earlier self-assessment reported warning signs that need a doctor's "
        "attention. The practice confirms this session once a clinician's clearance is "
        "recorded.",
    )


def screen_for_booking(*, client, technique_slug: str, now: dt.datetime, booking=None) -> Screening:
    """Decide whether ``client`` may book ``technique_slug`` now (or move ``booking``).

    Raises:
        SafetyRefusal: a hold's code (e.g. ``consent_withdrawn``), ``screening_required`` (no
            or expired assessment), ``safety_refer`` (a red flag: see a doctor first),
            ``safety_postpone`` (e.g. fever: wait until well) or ``technique_excluded`` (a
            contraindication or the client's own preference).
    """
    saved = _latest_with_hints(client)
    pending = hooks.run_holds(
        hooks.Attempt(
            client=client,
            technique_slug=technique_slug,
            now=now,
            assessment=saved,
            hints=hooks.hints_of(saved) if saved is not None else {},
            booking=booking,
        )
    )
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
    standing = _refer_stands(client, saved)
    if standing is not None:
        pending.append(standing)
    snapshot = therapist_snapshot(result, technique_slug, saved.intake)
    if pending:
        snapshot["holds"] = [p.to_dict() for p in pending]
    return Screening(
        assessment=saved,
        needs_clearance=result.needs_clearance or bool(pending),
        snapshot=snapshot,
        client_id=client.pk,
        technique_slug=technique_slug,
        pending=tuple(pending),
    )
