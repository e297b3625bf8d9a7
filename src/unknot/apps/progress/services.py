"""Writes for progress: submit a check-in (then review), decide on a suggestion, reminders.

Every function takes ``now`` from its caller and runs in one transaction: bad input stores
nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max

from unknot.apps.booking.models import Booking, BookingEvent, BookingStatus
from unknot.apps.booking.rescreen import bookings_rescreen
from unknot.apps.progress import program_link, selectors
from unknot.apps.progress.models import (
    CheckIn,
    CheckInKind,
    CheckInReminder,
    MeasureScore,
    Relief,
    ReviewSuggestion,
    SuggestionKind,
    SuggestionStatus,
)
from unknot.apps.records import audit
from unknot.apps.records.consents import ConsentMissing, ensure_health_data_consent, has_consent
from unknot.apps.records.models import AuditAction, ConsentKind, SessionNote
from unknot.apps.records.services import consent_set
from unknot.domain import progress as p
from unknot.domain.guide import load_catalogue

log = logging.getLogger(__name__)

MAX_TEXT = 2000
OUTCOME_KINDS = (
    SuggestionKind.MAINTENANCE,
    SuggestionKind.CHANGE_TECHNIQUE,
    SuggestionKind.SEE_CLINICIAN,
)
ALERT_KINDS = (SuggestionKind.LOWER_PRESSURE, SuggestionKind.RESCREEN)
"""Suggestions the therapist is told about by email straight away."""


class ProgressError(Exception):
    """A refused check-in or decision. ``code`` is stable; ``problems`` maps fields to faults.

    Codes: ``invalid`` (422), ``not_open``, ``already_done``, ``already_decided``,
    ``cancelled`` (409), ``consent_required``, ``consent_withdrawn`` (403).
    """

    def __init__(self, message: str, *, code: str = "invalid", problems=None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.problems: dict[str, str] = dict(problems or {})


@dataclass(frozen=True)
class CheckInResult:
    checkin: CheckIn
    suggestions: list[ReviewSuggestion]


def window_message(kind: str) -> str:
    if kind == CheckInKind.BEFORE:
        return (
            "The check-in before a session opens three days before it and closes an hour after "
            "it starts."
        )
    return "The follow-up opens 12 hours after a session and closes a week after it."


def _validate_before(
    *,
    client,
    scores: Mapping[str, Mapping[str, object]],
    regions: list[str],
    red_flags: list[str],
    conditions: list[str],
    health_note: str,
) -> tuple[dict[str, tuple[int, dict]], dict[str, str]]:
    catalogue = load_catalogue()
    plan = selectors.client_plan(client)
    problems: dict[str, str] = {}
    scored: dict[str, tuple[int, dict]] = {}
    for slug in plan.measures:
        answers = scores.get(slug)
        if not isinstance(answers, Mapping):
            problems[slug] = "an answer is needed"
            continue
        try:
            scored[slug] = (p.score(catalogue.measures[slug], answers), dict(answers))
        except p.AnswerError as error:
            for item, message in error.problems.items():
                problems[f"{slug}.{item}"] = message
    for slug in scores:
        if slug not in plan.measures:
            problems[slug] = "not asked in this check-in"
    region_problem = p.validate_regions(regions, catalogue)
    if region_problem:
        problems["regions"] = region_problem
    problems.update(p.validate_health_report(red_flags, conditions, catalogue))
    if len(health_note) > MAX_TEXT:
        problems["health_note"] = f"at most {MAX_TEXT} characters"
    return scored, problems


def _validate_after(
    *, soreness, relief: str, other_reactions: str, scores: Mapping
) -> dict[str, str]:
    problems: dict[str, str] = {}
    low, high = p.checkin.SORENESS_RANGE
    if soreness is None or isinstance(soreness, bool) or not isinstance(soreness, int):
        problems["soreness"] = f"choose a whole number from {low} to {high}"
    elif not low <= soreness <= high:
        problems["soreness"] = f"must be between {low} and {high}"
    if relief not in Relief.values:
        problems["relief"] = f"one of {', '.join(Relief.values)}"
    if len(other_reactions) > MAX_TEXT:
        problems["other_reactions"] = f"at most {MAX_TEXT} characters"
    if scores:
        problems["scores"] = "the follow-up asks no ratings"
    return problems


def _consent(client, *, give: bool, now: dt.datetime, via: str) -> None:
    try:
        ensure_health_data_consent(client)
    except ConsentMissing as missing:
        if missing.code == "consent_required" and give:
            consent_set(user=client, kind=ConsentKind.HEALTH_DATA, granted=True, now=now, via=via)
            return
        raise ProgressError(missing.message, code=missing.code) from missing


def checkin_submit(
    *,
    client,
    booking: Booking,
    kind: str,
    now: dt.datetime,
    via: str = "web",
    scores: Mapping[str, Mapping[str, object]] | None = None,
    regions: Iterable[str] = (),
    red_flags: Iterable[str] = (),
    conditions: Iterable[str] = (),
    health_note: str = "",
    soreness: int | None = None,
    bruising: bool = False,
    headache: bool = False,
    other_reactions: str = "",
    relief: str = "",
    give_health_consent: bool = False,
) -> CheckInResult:
    """Store a check-in for ``booking`` and run the review rules on it.

    Before a session: every measure the client's plan asks (pain first), where it hurts, and
    any new red flag or condition. After it: soreness 0-10, bruising, headache, other
    reactions and how long relief lasted.

    Raises:
        PermissionDenied: the booking is not ``client``'s.
        ProgressError: cancelled session, window closed, already done, consent missing or
            withdrawn, or invalid answers (``problems``); nothing is stored.
    """
    if booking.client_id != client.pk:
        raise PermissionDenied("This is not your session.")
    if kind not in CheckInKind.values:
        raise ProgressError("Unknown kind of check-in.", problems={"kind": "before or after"})
    if booking.status == BookingStatus.CANCELLED:
        raise ProgressError("This session was cancelled.", code="cancelled")
    if kind == CheckInKind.AFTER and booking.status == BookingStatus.NO_SHOW:
        raise ProgressError("This session did not take place.", code="cancelled")
    if not p.window(p.Kind(kind), booking.starts_at, booking.ends_at).contains(now):
        raise ProgressError(window_message(kind), code="not_open")
    if CheckIn.objects.filter(booking=booking, kind=kind).exists():
        raise ProgressError("This check-in is already done. Thank you!", code="already_done")

    scores = dict(scores or {})
    regions = list(dict.fromkeys(regions))
    red_flags = list(dict.fromkeys(red_flags))
    conditions = list(dict.fromkeys(conditions))
    health_note = (health_note or "").strip()
    other_reactions = (other_reactions or "").strip()
    if kind == CheckInKind.BEFORE:
        scored, problems = _validate_before(
            client=client,
            scores=scores,
            regions=regions,
            red_flags=red_flags,
            conditions=conditions,
            health_note=health_note,
        )
    else:
        scored = {}
        problems = _validate_after(
            soreness=soreness, relief=relief, other_reactions=other_reactions, scores=scores
        )
    if problems:
        raise ProgressError("Some answers need another look.", problems=problems)

    try:
        with transaction.atomic():
            _consent(client, give=give_health_consent, now=now, via=via)
            checkin = CheckIn.objects.create(
                client=client,
                booking=booking,
                practice_id=booking.practice_id,
                kind=kind,
                submitted_at=now,
                via=via,
                catalogue_version=load_catalogue().version,
                regions=regions if kind == CheckInKind.BEFORE else [],
                new_red_flags=red_flags if kind == CheckInKind.BEFORE else [],
                new_conditions=conditions if kind == CheckInKind.BEFORE else [],
                health_note=health_note if kind == CheckInKind.BEFORE else "",
                soreness=soreness if kind == CheckInKind.AFTER else None,
                bruising=bool(bruising) if kind == CheckInKind.AFTER else False,
                headache=bool(headache) if kind == CheckInKind.AFTER else False,
                other_reactions=other_reactions if kind == CheckInKind.AFTER else "",
                relief=relief if kind == CheckInKind.AFTER else "",
            )
            MeasureScore.objects.bulk_create(
                MeasureScore(checkin=checkin, measure=slug, score=value, answers=answers)
                for slug, (value, answers) in scored.items()
            )
            audit.record(
                actor=client,
                subject=client,
                action=AuditAction.CREATE,
                kind="checkin",
                uid=checkin.uid,
                via=via,
                practice=booking.practice,
                now=now,
            )
            suggestions = review_after_checkin(checkin=checkin, now=now)
    except IntegrityError as error:
        raise ProgressError(
            "This check-in is already done. Thank you!", code="already_done"
        ) from error
    return CheckInResult(checkin, suggestions)


def _reactions(checkin: CheckIn) -> p.Reactions | None:
    if checkin.kind != CheckInKind.AFTER:
        return None
    note = SessionNote.objects.filter(booking_id=checkin.booking_id).first()
    return p.Reactions(
        reported_at=checkin.submitted_at,
        soreness=checkin.soreness,
        bruising=checkin.bruising,
        headache=checkin.headache,
        other=checkin.other_reactions,
        session_pressure=note.pressure_used if note else None,
    )


def _current_cap(client, practice_id: int, checkin: CheckIn, plan, now) -> int | None:
    upcoming = selectors.next_booking(client, practice_id=practice_id, now=now)
    for booking in (upcoming, checkin.booking):
        cap = (booking.safety or {}).get("pressure_cap") if booking is not None else None
        if isinstance(cap, int) and 1 <= cap <= 5:
            return cap
    return plan.pressure_cap


def review_input(*, checkin: CheckIn, now: dt.datetime) -> p.ReviewInput:
    """Gather the facts the review rules need after ``checkin`` (one client, one practice)."""
    catalogue = load_catalogue()
    client, practice_id = checkin.client, checkin.practice_id
    plan = selectors.client_plan(client)
    held = selectors.held_sessions(client, now=now, practice_id=practice_id)
    notes = selectors.notes_by_booking(b.pk for b in held)
    tried = list(dict.fromkeys(b.technique.slug for b in held))
    for note in notes.values():
        tried += [t.slug for t in note.techniques.all() if t.slug not in tried]
    already = {
        p.SuggestionKind(row["kind"]): row["at"]
        for row in ReviewSuggestion.objects.filter(client=client, practice_id=practice_id)
        .values("kind")
        .annotate(at=Max("sessions_held"))
    }
    program = program_link.active_program(client, practice_id)
    in_maintenance = program_link.in_maintenance(program, now) or (
        ReviewSuggestion.objects.filter(
            client=client,
            practice_id=practice_id,
            kind=SuggestionKind.MAINTENANCE,
            status__in=[SuggestionStatus.ACCEPTED, SuggestionStatus.CHANGED],
        ).exists()
    )
    health = (
        p.new_health_changes(checkin.new_red_flags, checkin.new_conditions, plan.health)
        if checkin.kind == CheckInKind.BEFORE
        else p.HealthChanges()
    )
    return p.ReviewInput(
        now=now,
        primary=catalogue.measures[plan.primary],
        scores=selectors.primary_scores(client, practice_id=practice_id, measure=plan.primary),
        sessions_held=len(held),
        review_point=plan.review_point,
        in_maintenance=in_maintenance,
        reactions=_reactions(checkin),
        pressure_cap=_current_cap(client, practice_id, checkin, plan, now),
        allowed_techniques=plan.allowed,
        techniques_tried=tuple(tried),
        health_changes=health,
        already=already,
    )


def review_after_checkin(*, checkin: CheckIn, now: dt.datetime) -> list[ReviewSuggestion]:
    """Run the review rules after ``checkin`` and store what they suggest.

    A new outcome suggestion replaces any open one (the newest facts win); re-screening and
    pressure suggestions are told to the therapist by email once committed.
    """
    inp = review_input(checkin=checkin, now=now)
    latest = selectors.latest_assessment(checkin.client)
    created: list[ReviewSuggestion] = []
    for s in p.review(inp, load_catalogue()):
        if s.kind.value in OUTCOME_KINDS:
            ReviewSuggestion.objects.filter(
                client=checkin.client,
                practice_id=checkin.practice_id,
                kind__in=OUTCOME_KINDS,
                status=SuggestionStatus.OPEN,
            ).update(status=SuggestionStatus.SUPERSEDED, updated_at=now)
        row = ReviewSuggestion.objects.create(
            client=checkin.client,
            practice_id=checkin.practice_id,
            checkin=checkin,
            kind=s.kind.value,
            for_client=s.for_client,
            for_therapist=s.for_therapist,
            pressure_cap=s.pressure_cap,
            technique=s.technique or "",
            blocks_booking=s.blocks_booking,
            sessions_held=inp.sessions_held,
            assessment_seen=latest.pk if latest else 0,
        )
        ReviewSuggestion.objects.filter(pk=row.pk).update(created_at=now, updated_at=now)
        row.created_at = row.updated_at = now
        created.append(row)
        if row.blocks_booking:
            # The sessions already booked are held too, not only new bookings (issue 14);
            # the re-screen alert below tells the therapist.
            bookings_rescreen(client=checkin.client, now=now)
        if row.kind in ALERT_KINDS:
            transaction.on_commit(lambda uid=row.uid: _alert_therapist(uid))
    return created


def _alert_therapist(suggestion_uid: str) -> None:
    from unknot.apps.progress.tasks import send_therapist_alert

    try:
        send_therapist_alert.enqueue(suggestion_uid=suggestion_uid)
    except Exception:  # a lost alert must not undo the client's check-in
        log.exception("could not enqueue the therapist alert for %s", suggestion_uid)


# --- the therapist decides ----------------------------------------------------------------

DECISIONS = ("accept", "change", "decline")


def _lower_cap(safety: dict, *, suggestion: ReviewSuggestion, cap: int) -> tuple[int, object]:
    """Lower ``safety``'s pressure cap to ``cap`` (never raise it); return ``(new, before)``."""
    before = safety.get("pressure_cap")
    new = min(cap, before) if isinstance(before, int) else cap
    safety["pressure_cap"] = new
    safety["review_adjustment"] = {
        "suggestion": suggestion.uid,
        "pressure_cap": new,
        "previous_pressure_cap": before,
        "reason": "Lowered after the client's follow-up reported a reaction.",
    }
    return new, before


def _cap_event(*, booking: Booking, suggestion: ReviewSuggestion, new, before, by, now) -> None:
    BookingEvent.objects.create(
        booking=booking,
        kind="safety_adjusted",
        by=by,
        at=now,
        data={"pressure_cap": new, "previous": before, "suggestion": suggestion.uid},
    )


def _apply_cap(
    *, suggestion: ReviewSuggestion, booking: Booking, cap: int, by, now: dt.datetime
) -> dict:
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    safety = dict(booking.safety or {})
    new, before = _lower_cap(safety, suggestion=suggestion, cap=cap)
    Booking.objects.filter(pk=booking.pk).update(safety=safety)
    _cap_event(booking=booking, suggestion=suggestion, new=new, before=before, by=by, now=now)
    suggestion.applied_booking = booking
    return {"booking": booking.uid, "pressure_cap": new}


@transaction.atomic
def suggestion_decide(
    *,
    suggestion: ReviewSuggestion,
    by,
    decision: str,
    now: dt.datetime,
    note: str = "",
    pressure_cap: int | None = None,
    technique: str | None = None,
    via: str = "web",
) -> ReviewSuggestion:
    """The therapist accepts, changes or declines a suggestion; accepting applies it.

    - lighter pressure: the next booking's safety snapshot gets the cap (or the next booking
      made will, when none is booked yet);
    - maintenance / another technique: the active program is adjusted when there is one;
    - re-screening keeps booking held until a new self-assessment whatever is decided.

    Raises:
        ProgressError: already decided, unknown decision, or a change without its detail.
    """
    suggestion = ReviewSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != SuggestionStatus.OPEN:
        raise ProgressError("This suggestion has already been decided.", code="already_decided")
    note = (note or "").strip()
    problems: dict[str, str] = {}
    if decision not in DECISIONS:
        problems["decision"] = "accept, change or decline"
    if len(note) > MAX_TEXT:
        problems["note"] = f"at most {MAX_TEXT} characters"
    cap = suggestion.pressure_cap
    chosen_technique = suggestion.technique or None
    if decision == "change":
        if suggestion.kind == SuggestionKind.LOWER_PRESSURE:
            if (
                not isinstance(pressure_cap, int)
                or isinstance(pressure_cap, bool)
                or not 1 <= pressure_cap <= 5
            ):
                problems["pressure_cap"] = "a Walton level from 1 to 5"
            else:
                cap = pressure_cap
        elif suggestion.kind == SuggestionKind.CHANGE_TECHNIQUE:
            allowed = selectors.client_plan(suggestion.client).allowed
            if technique not in allowed:
                problems["technique"] = (
                    "choose a technique the latest self-assessment allows: " + ", ".join(allowed)
                )
            else:
                chosen_technique = technique
        elif not note:
            problems["note"] = "say what you will do instead"
    if decision == "decline" and not note:
        problems["note"] = "say why, so the client understands"
    if problems:
        raise ProgressError("The decision is not complete.", problems=problems)

    applied: dict = {}
    if decision in ("accept", "change"):
        if suggestion.kind == SuggestionKind.LOWER_PRESSURE and cap is not None:
            upcoming = selectors.next_booking(
                suggestion.client, practice_id=suggestion.practice_id, now=now
            )
            if upcoming is not None:
                applied = _apply_cap(
                    suggestion=suggestion, booking=upcoming, cap=cap, by=by, now=now
                )
            else:
                applied = {"pressure_cap": cap, "waiting_for_next_booking": True}
        elif suggestion.kind in (SuggestionKind.MAINTENANCE, SuggestionKind.CHANGE_TECHNIQUE):
            applied = program_link.apply(
                suggestion, by=by, now=now, technique_slug=chosen_technique
            )
            if chosen_technique and suggestion.kind == SuggestionKind.CHANGE_TECHNIQUE:
                applied.setdefault("technique", chosen_technique)
    suggestion.status = {
        "accept": SuggestionStatus.ACCEPTED,
        "change": SuggestionStatus.CHANGED,
        "decline": SuggestionStatus.DECLINED,
    }[decision]
    suggestion.pressure_cap = cap
    suggestion.technique = chosen_technique or ""
    suggestion.decided_by = by
    suggestion.decided_at = now
    suggestion.decision_note = note
    suggestion.applied = applied
    suggestion.save()
    audit.record(
        actor=by,
        subject=suggestion.client,
        action=AuditAction.CHANGE,
        kind="review",
        uid=suggestion.uid,
        via=via,
        practice=suggestion.practice,
        now=now,
    )
    return suggestion


def accepted_pressure_adjust(draft):
    """The booking adjuster: a new booking gets the lighter pressure accepted for it earlier.

    Called by the booking services (``booking.hooks``) inside their transaction, before the
    insert: the waiting suggestions are locked and ``draft.safety`` lowered. The function
    returned links them to the inserted row (its event, ``applied_booking``).

    A booking being moved (``draft.booking``) is screened with a fresh snapshot: the caps
    already applied to it are applied again, so a move never drops them.
    """
    if draft.booking is not None:
        for suggestion in ReviewSuggestion.objects.filter(
            applied_booking=draft.booking,
            kind=SuggestionKind.LOWER_PRESSURE,
            pressure_cap__isnull=False,
        ).order_by("created_at", "id"):
            _lower_cap(draft.safety, suggestion=suggestion, cap=suggestion.pressure_cap)
        return None
    waiting = list(
        ReviewSuggestion.objects.select_for_update()
        .filter(
            client_id=draft.client.pk,
            practice_id=draft.practice_id,
            kind=SuggestionKind.LOWER_PRESSURE,
            status__in=[SuggestionStatus.ACCEPTED, SuggestionStatus.CHANGED],
            applied_booking__isnull=True,
            pressure_cap__isnull=False,
        )
        .order_by("created_at", "id")
    )
    if not waiting:
        return None
    changes = [
        (suggestion, *_lower_cap(draft.safety, suggestion=suggestion, cap=suggestion.pressure_cap))
        for suggestion in waiting
    ]

    def link(booking: Booking) -> None:
        for suggestion, new, before in changes:
            _cap_event(
                booking=booking,
                suggestion=suggestion,
                new=new,
                before=before,
                by=None,
                now=draft.now,
            )
            suggestion.applied_booking = booking
            suggestion.applied = {"booking": booking.uid, "pressure_cap": new}
            suggestion.save(update_fields=["applied", "applied_booking", "updated_at"])

    return link


# --- reminders ----------------------------------------------------------------------------

BEFORE_LEAD = dt.timedelta(hours=24)
AFTER_DELAY = dt.timedelta(hours=24)
AFTER_UNTIL = dt.timedelta(hours=48)


def reminder_wanted(booking: Booking, kind: str) -> bool:
    """The client still wants and can use this reminder (checked again when sending)."""
    client = booking.client
    if not client.is_active or not has_consent(client, ConsentKind.REMINDERS):
        return False
    try:
        ensure_health_data_consent(client, allow_undecided=True)
    except ConsentMissing:
        return False
    if kind == CheckInKind.BEFORE and booking.status not in (
        BookingStatus.PENDING,
        BookingStatus.CONFIRMED,
    ):
        return False
    if kind == CheckInKind.AFTER and booking.status in (
        BookingStatus.CANCELLED,
        BookingStatus.NO_SHOW,
    ):
        return False
    return not CheckIn.objects.filter(booking=booking, kind=kind).exists()


def reminders_due(*, now: dt.datetime) -> list[tuple[Booking, str]]:
    """Pre-session reminders within 24 hours of the start; follow-ups 24-48 hours after."""
    before = Booking.objects.filter(
        status__in=[BookingStatus.PENDING, BookingStatus.CONFIRMED],
        starts_at__gt=now,
        starts_at__lte=now + BEFORE_LEAD,
    ).exclude(checkin_reminders__kind=CheckInKind.BEFORE)
    after = Booking.objects.filter(
        status__in=[BookingStatus.CONFIRMED, BookingStatus.COMPLETED],
        ends_at__lte=now - AFTER_DELAY,
        ends_at__gt=now - AFTER_UNTIL,
    ).exclude(checkin_reminders__kind=CheckInKind.AFTER)
    due: list[tuple[Booking, str]] = []
    for kind, qs in ((CheckInKind.BEFORE, before), (CheckInKind.AFTER, after)):
        for booking in qs.select_related("client", "practice", "therapist", "technique"):
            if reminder_wanted(booking, kind):
                due.append((booking, kind.value))
    return due


def reminders_send(*, now: dt.datetime) -> int:
    """Claim every due reminder once and enqueue its email; returns how many were claimed."""
    from unknot.apps.progress.tasks import send_checkin_reminder

    claimed = 0
    for booking, kind in reminders_due(now=now):
        try:
            with transaction.atomic():
                CheckInReminder.objects.create(booking=booking, kind=kind, sent_at=now)
        except IntegrityError:
            continue
        claimed += 1
        send_checkin_reminder.enqueue(booking_uid=booking.uid, kind=kind)
    return claimed
