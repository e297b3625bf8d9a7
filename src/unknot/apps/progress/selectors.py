"""Reads for progress pages and the API: the client's plan, sessions held, charts, suggestions.

These functions read health data without auditing; only call them behind a door from
``apps.progress.access`` (which writes the audit entry) or from services.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from unknot.apps.accounts.models import User
from unknot.apps.booking.models import Booking, BookingStatus
from unknot.apps.guide.models import SavedAssessment
from unknot.apps.progress.models import (
    CheckIn,
    CheckInKind,
    MeasureScore,
    ReviewSuggestion,
    SuggestionStatus,
)
from unknot.apps.records.models import SessionNote
from unknot.domain import progress as p
from unknot.domain.guide import Assessment, IntakeError, assess, load_catalogue, parse_intake


@dataclass(frozen=True)
class Plan:
    """What the latest self-assessment says for check-ins and reviews."""

    assessment: SavedAssessment | None
    measures: tuple[str, ...]
    primary: str
    review_point: int
    allowed: tuple[str, ...] = ()
    health: dict = field(default_factory=dict)
    pressure_cap: int | None = None
    result: Assessment | None = None


def latest_assessment(client) -> SavedAssessment | None:
    return SavedAssessment.objects.filter(client=client).order_by("-created_at", "-id").first()


def client_plan(client) -> Plan:
    """Measures to ask, the primary one, the review point and what the assessment allows.

    Without an assessment (or one the current catalogue can no longer read) only pain is asked
    and the review falls at the 4th session.
    """
    catalogue = load_catalogue()
    saved = latest_assessment(client)
    result = None
    if saved is not None:
        try:
            result = assess(parse_intake(saved.intake))
        except IntakeError:
            result = None
    if result is None:
        return Plan(saved, (p.PAIN,), p.PAIN, p.review_point(()))
    program = result.program
    measures = p.checkin_measures(program.measures, catalogue)
    primary = next((m for m in program.measures if m in measures), p.PAIN)
    health = (saved.intake or {}).get("health") or {}
    return Plan(
        assessment=saved,
        measures=measures,
        primary=primary,
        review_point=p.review_point(program.remeasure_after_sessions),
        allowed=result.allowed_techniques(),
        health=health if isinstance(health, dict) else {},
        pressure_cap=result.pressure_cap,
        result=result,
    )


def held_sessions(client, *, now: dt.datetime, practice_id: int | None = None) -> list[Booking]:
    """Sessions that took place: completed, or confirmed and already over. Oldest first."""
    qs = Booking.objects.filter(client=client).filter(
        Q(status=BookingStatus.COMPLETED, starts_at__lte=now)
        | Q(status=BookingStatus.CONFIRMED, ends_at__lte=now)
    )
    if practice_id is not None:
        qs = qs.filter(practice_id=practice_id)
    return list(qs.select_related("technique", "practice", "therapist").order_by("starts_at", "id"))


def next_booking(client, *, practice_id: int, now: dt.datetime) -> Booking | None:
    return (
        Booking.objects.filter(
            client=client,
            practice_id=practice_id,
            status__in=[BookingStatus.PENDING, BookingStatus.CONFIRMED],
            starts_at__gt=now,
        )
        .order_by("starts_at", "id")
        .first()
    )


def notes_by_booking(booking_ids) -> dict[int, SessionNote]:
    return {
        n.booking_id: n
        for n in SessionNote.objects.filter(booking_id__in=list(booking_ids)).prefetch_related(
            "techniques"
        )
    }


def checkins_of(client, *, practice_id: int | None = None) -> QuerySet[CheckIn]:
    qs = CheckIn.objects.filter(client=client)
    if practice_id is not None:
        qs = qs.filter(practice_id=practice_id)
    return qs.select_related("booking", "booking__technique", "practice").prefetch_related("scores")


def primary_scores(client, *, practice_id: int, measure: str) -> tuple[int, ...]:
    """The primary measure at each pre-session check-in at one practice, baseline first."""
    return tuple(
        MeasureScore.objects.filter(
            checkin__client=client,
            checkin__practice_id=practice_id,
            checkin__kind=CheckInKind.BEFORE,
            measure=measure,
        )
        .order_by("checkin__booking__starts_at", "checkin__id")
        .values_list("score", flat=True)
    )


def suggestions_of(
    client, *, practice_id: int | None = None, open_only: bool = False
) -> QuerySet[ReviewSuggestion]:
    qs = ReviewSuggestion.objects.filter(client=client).exclude(status=SuggestionStatus.SUPERSEDED)
    if practice_id is not None:
        qs = qs.filter(practice_id=practice_id)
    if open_only:
        qs = qs.filter(status=SuggestionStatus.OPEN)
    return qs.select_related("practice", "decided_by", "checkin", "checkin__booking").order_by(
        "-created_at", "-id"
    )


def rescreen_hold(client) -> ReviewSuggestion | None:
    """A re-screen suggestion with no self-assessment since: booking waits for a new one."""
    saved = latest_assessment(client)
    return (
        ReviewSuggestion.objects.filter(
            client=client, kind="rescreen", assessment_seen__gte=saved.pk if saved else 0
        )
        .order_by("-created_at", "-id")
        .first()
    )


# --- charts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionRow:
    booking: Booking
    number: int
    technique: str
    pressure: int | None
    note: SessionNote | None
    checkins: dict


def _zone(booking: Booking) -> ZoneInfo:
    return ZoneInfo(booking.practice.time_zone)


def progress_view(client, *, now: dt.datetime, practice_id: int | None = None) -> dict:
    """Charts (one per measure), the sessions held, and suggestions; scoped to one practice
    for the practice side, every practice for the client."""
    catalogue = load_catalogue()
    sessions = held_sessions(client, now=now, practice_id=practice_id)
    notes = notes_by_booking(b.pk for b in sessions)
    checkins = list(checkins_of(client, practice_id=practice_id))
    by_booking: dict[int, dict[str, CheckIn]] = defaultdict(dict)
    for c in checkins:
        by_booking[c.booking_id][c.kind] = c

    rows: list[SessionRow] = []
    infos: list[tuple[Booking, p.SessionInfo]] = []
    for number, booking in enumerate(sessions, start=1):
        note = notes.get(booking.pk)
        names = [t.name for t in note.techniques.all()] if note else []
        technique = ", ".join(names) or booking.technique.name
        pressure = note.pressure_used if note else None
        rows.append(SessionRow(booking, number, technique, pressure, note, by_booking[booking.pk]))
        infos.append(
            (
                booking,
                p.SessionInfo(
                    number, booking.starts_at.astimezone(_zone(booking)), technique, pressure
                ),
            )
        )

    held_ids = {b.pk for b in sessions}
    upcoming = sorted(
        (c.booking for c in checkins if c.booking_id not in held_ids and c.kind == "before"),
        key=lambda b: b.starts_at,
    )
    for c in checkins:
        label_checkin(c, catalogue)

    readings: dict[str, list[p.Reading]] = defaultdict(list)
    befores = sorted(
        (c for c in checkins if c.kind == CheckInKind.BEFORE),
        key=lambda c: (c.booking.starts_at, c.pk),
    )
    for c in befores:
        after = None
        for booking, info in infos:
            if booking.starts_at < c.booking.starts_at:
                after = info
        at = c.booking.starts_at.astimezone(_zone(c.booking))
        for s in c.scores.all():
            readings[s.measure].append(p.Reading(at, s.score, after))

    order = [m for m in catalogue.measures if m in readings]
    charts = [p.measure_chart(catalogue.measures[m], readings[m]) for m in order]
    return {
        "charts": [chart_card(c) for c in charts],
        "sessions": list(reversed(rows)),
        "upcoming": [(b, by_booking[b.pk]) for b in dict.fromkeys(upcoming)],
        "suggestions": list(suggestions_of(client, practice_id=practice_id)),
        "checkins": checkins,
    }


def label_checkin(checkin: CheckIn, catalogue) -> CheckIn:
    """Attach plain labels for the page: measure names with scores, areas, new reports."""
    measures = catalogue.measures
    checkin.labelled_scores = [
        (p.short_name(measures[s.measure]) if s.measure in measures else s.measure, s.score)
        for s in checkin.scores.all()
    ]
    checkin.region_labels = [
        catalogue.regions[r].label for r in checkin.regions if r in catalogue.regions
    ]
    checkin.report_labels = [
        catalogue.red_flags[f].label for f in checkin.new_red_flags if f in catalogue.red_flags
    ] + [catalogue.rules[c].label for c in checkin.new_conditions if c in catalogue.rules]
    return checkin


def chart_card(chart: p.MeasureChart) -> dict:
    """What the chart partial renders: ids, the chart's JSON, the table rows, the summary."""
    slug = chart.measure.slug
    return {
        "id": f"chart-{slug}",
        "data_id": f"chart-{slug}-data",
        "chart": chart,
        "data": chart.to_json(),
        "rows": chart.rows(),
        "mcid": p.describe_mcid(chart.measure),
        "lower_is_better": chart.measure.direction == p.Direction.LOWER.value,
        "has_pressure": any(r.after and r.after.pressure for r in chart.readings),
    }


# --- due check-ins ------------------------------------------------------------------------


def due_checkins(client, *, now: dt.datetime) -> list[tuple[Booking, str]]:
    """Check-ins the client can fill now and has not: (booking, kind), soonest first."""
    horizon_from = now - p.checkin.AFTER_CLOSES - dt.timedelta(hours=8)
    horizon_to = now + p.checkin.BEFORE_OPENS
    bookings = (
        Booking.objects.filter(
            client=client,
            starts_at__gte=horizon_from,
            starts_at__lte=horizon_to,
        )
        .exclude(status__in=[BookingStatus.CANCELLED, BookingStatus.NO_SHOW])
        .select_related("practice", "therapist", "technique", "service")
        .order_by("starts_at")
    )
    done = set(CheckIn.objects.filter(booking__in=bookings).values_list("booking_id", "kind"))
    out = []
    for b in bookings:
        for kind in (p.Kind.BEFORE, p.Kind.AFTER):
            if (b.pk, kind.value) in done:
                continue
            if kind is p.Kind.BEFORE and b.status not in (
                BookingStatus.PENDING,
                BookingStatus.CONFIRMED,
            ):
                continue
            if p.window(kind, b.starts_at, b.ends_at).contains(now):
                out.append((b, kind.value))
    return out


def practice_clients(user, *, now: dt.datetime) -> list[dict]:
    """The clients of the user's practice, with their open suggestions, most needing first.

    A therapist sees the clients they have had or will have sessions with (not cancelled ones);
    staff see every client of the practice. ``readable`` says whether the health-record rule
    lets ``user`` open the client's progress, or only a break-glass read would.
    """
    from unknot.apps.records.health_access import Decisions

    practice_id = user.practice_id
    bookings = Booking.objects.filter(practice_id=practice_id)
    if user.is_therapist:
        bookings = bookings.filter(therapist__user=user).exclude(status=BookingStatus.CANCELLED)
    client_ids = set(bookings.values_list("client_id", flat=True))
    open_counts: dict[int, int] = defaultdict(int)
    for cid in ReviewSuggestion.objects.filter(
        practice_id=practice_id, status=SuggestionStatus.OPEN, client_id__in=client_ids
    ).values_list("client_id", flat=True):
        open_counts[cid] += 1
    nexts = {}
    for b in bookings.filter(
        starts_at__gt=now, status__in=[BookingStatus.PENDING, BookingStatus.CONFIRMED]
    ).order_by("-starts_at"):
        nexts[b.client_id] = b
    clients = User.objects.filter(pk__in=client_ids, is_active=True).order_by("full_name", "email")
    decisions = Decisions(user, now)
    rows = [
        {
            "client": c,
            "open": open_counts.get(c.pk, 0),
            "next": nexts.get(c.pk),
            "readable": decisions.decide(c, practice_id).allowed,
        }
        for c in clients
    ]
    rows.sort(key=lambda r: -r["open"])
    return rows
