"""Demo progress: one client six weeks into a chronic low-back programme.

Riley Chen sees Maya Okafor weekly for Swedish massage. Everything is made through the product's
own services at the time it would have happened: the self-assessment, each booking (through the
booking services and the safety gate), the check-ins before and after each session, Maya's
notes, and the review that ran after each check-in. So on first run:

- Riley's pain fell from 7 to 5 by the review point: a move to maintenance waits for Maya;
- after the third session Riley reported marked soreness; Maya accepted lighter pressure, and
  the fourth session was booked with the lower cap;
- the next session is in two days and its check-in is open, for anyone to try.

Idempotent: once Riley's first demo booking exists nothing is made again.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from unknot.apps.accounts.models import Role, User
from unknot.apps.booking import services as booking_services
from unknot.apps.booking.availability import find_slots
from unknot.apps.booking.models import Booking
from unknot.apps.guide.services import assessment_save
from unknot.apps.practices.models import Service, Technique
from unknot.apps.progress import services as progress
from unknot.apps.progress.models import ReviewSuggestion, SuggestionKind
from unknot.apps.records import audit
from unknot.apps.records import services as records
from unknot.apps.records.models import ConsentKind
from unknot.apps.therapists.models import Therapist
from unknot.domain import scheduling as s

EMAIL = "riley@demo.unknot.test"
NAME = "Riley Chen"
THERAPIST = "maya-okafor"
TECHNIQUE = "swedish"
KEY = "demo-riley-{n}"

INTAKE = {
    "symptoms": ["low-back-pain", "stress"],
    "regions": ["lower-back", "mid-back"],
    "pain": {"intensity": 7, "duration_weeks": 20},
    "goals": ["back-pain-relief", "stress-relief"],
    "preferences": {"focus": "treat", "pressure_tolerance": 4, "stay_clothed": False},
    "health": {"conditions": [], "anticoagulants": False, "red_flags": []},
}

# Per session, oldest first: scores before it, where it hurt, the pressure Maya used, and the
# follow-up (soreness, bruising, relief). Session 7 lies ahead and has no check-in yet.
SESSIONS = [
    (
        {"pain-nrs": 7, "stiffness-nrs": 6, "stress-nrs": 6, "sleep-nrs": 4},
        ["lower-back"],
        3,
        (3, False, "hours"),
    ),
    (
        {"pain-nrs": 7, "stiffness-nrs": 6, "stress-nrs": 6, "sleep-nrs": 4},
        ["lower-back"],
        3,
        (4, False, "one-day"),
    ),
    (
        {"pain-nrs": 6, "stiffness-nrs": 5, "stress-nrs": 5, "sleep-nrs": 5},
        ["lower-back", "mid-back"],
        3,
        (7, True, "one-day"),
    ),
    (
        {"pain-nrs": 7, "stiffness-nrs": 5, "stress-nrs": 5, "sleep-nrs": 5},
        ["lower-back"],
        2,
        (3, False, "two-days"),
    ),
    (
        {"pain-nrs": 6, "stiffness-nrs": 5, "stress-nrs": 4, "sleep-nrs": 6},
        ["lower-back"],
        2,
        (2, False, "two-days"),
    ),
    (
        {"pain-nrs": 5, "stiffness-nrs": 4, "stress-nrs": 4, "sleep-nrs": 6},
        ["lower-back"],
        2,
        (2, False, "still"),
    ),
]
NOTES = [
    (
        "Lower back tight after long desk days; sleeping badly.",
        "Hypertonic lumbar erectors, more on the right.",
        "Non-specific chronic low-back tension with a stress component.",
        "Weekly Swedish, medium-firm; check stiffness next time.",
        "We worked mostly on your lower back. Try standing up from the desk every hour.",
    ),
    (
        "Much the same; slept a little better the night after.",
        "Lumbar erectors still guarded; mid-back easing.",
        "Responding slowly, as expected early on.",
        "Continue; add gentle work on the hips.",
        "Same plan as last week; the hips joined in today.",
    ),
    (
        "Better week; wants firmer work on the knot.",
        "Trigger point right QL, referred ache to the hip.",
        "Tolerated level 3 but tender afterwards.",
        "Watch the follow-up; lighter if sore.",
        "Firmer work on the knot near your right hip. Some tenderness tomorrow is common.",
    ),
    (
        "Sore for a day after last time, with a small bruise.",
        "Less guarding; QL point less active.",
        "Pressure reduced to level 2 after the reaction.",
        "Stay at level 2; review at session 5.",
        "Lighter pressure today after last week's soreness.",
    ),
    (
        "Good week, calmer at work.",
        "Tissue softer; range of movement better.",
        "Improving towards the review point.",
        "Review the plan after the next check-in.",
        "Lighter pressure is working well; keep moving during the day.",
    ),
    (
        "Pain down to 5 this week; sleeping better.",
        "Lumbar tone near normal.",
        "Clinically important improvement on pain.",
        "Consider spacing sessions out (maintenance).",
        "Real progress on pain and sleep. We will talk about spacing sessions out.",
    ),
]


def _slot(therapist: Therapist, technique: Technique, day: dt.date, booked_at: dt.datetime):
    tz = ZoneInfo(therapist.practice.time_zone)
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    slots = find_slots(
        technique=technique,
        duration_minutes=60,
        window=s.TimeRange(max(start, booked_at), start + dt.timedelta(days=1)),
        now=booked_at,
        therapist_uid=therapist.uid,
    )
    return next((x for x in slots if x.local_start.hour >= 10), slots[0] if slots else None)


def _weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _book(client, therapist, service, n: int, day: dt.date, now: dt.datetime) -> Booking | None:
    booked_at = min(
        dt.datetime.combine(day, dt.time(8), tzinfo=ZoneInfo(therapist.practice.time_zone))
        - dt.timedelta(days=2),
        now,
    )
    slot = _slot(therapist, service.technique, day, booked_at)
    if slot is None:
        return None
    booking, _ = booking_services.booking_create(
        client=client,
        service=service,
        start=slot.start,
        now=booked_at,
        therapist=therapist,
        idempotency_key=KEY.format(n=n),
    )
    return booking


def build_progress_demo(now: dt.datetime, progress_line=print) -> int:
    """Make Riley's programme (see the module docs). Returns how many check-ins were made."""
    if Booking.objects.filter(idempotency_key=KEY.format(n=1), client__email=EMAIL).exists():
        return 0
    therapist = Therapist.objects.select_related("practice", "user").get(slug=THERAPIST)
    maya = therapist.user
    practice = therapist.practice
    technique = Technique.objects.get(slug=TECHNIQUE)
    service = Service.objects.get(practice=practice, technique=technique, duration_minutes=60)
    tz = ZoneInfo(practice.time_zone)
    today = now.astimezone(tz).date()

    client = User.objects.filter(email=EMAIL).first()
    if client is None:
        client = User.objects.create_user(
            email=EMAIL, password=None, full_name=NAME, role=Role.CLIENT
        )
        from unknot.demo.data import DEMO_PASSWORD

        client.set_password(DEMO_PASSWORD)
        client.save(update_fields=["password"])

    first_day = _weekday_on_or_after(today - dt.timedelta(days=7 * len(SESSIONS)))
    start_of_story = dt.datetime.combine(first_day, dt.time(8), tzinfo=tz) - dt.timedelta(days=5)
    for kind in (ConsentKind.TREATMENT, ConsentKind.HEALTH_DATA, ConsentKind.REMINDERS):
        records.consent_set(user=client, kind=kind, granted=True, now=start_of_story, via="demo")
    assessment_save(client=client, intake=INTAKE, now=start_of_story)

    made = 0
    for n, (scores, regions, pressure, (soreness, bruising, relief)) in enumerate(SESSIONS, 1):
        day = _weekday_on_or_after(first_day + dt.timedelta(days=7 * (n - 1)))
        booking = _book(client, therapist, service, n, day, now)
        if booking is None:
            progress_line(f"      no free time for Riley's session {n}; the demo stops there")
            return made
        before_at = booking.starts_at - dt.timedelta(hours=20)
        progress.checkin_submit(
            client=client,
            booking=booking,
            kind="before",
            now=before_at,
            via="demo",
            scores={slug: {_item(slug): value} for slug, value in scores.items()},
            regions=regions,
        )
        booking_services.booking_mark_completed(booking=booking, by=maya, now=booking.ends_at)
        subjective, objective, assessment, plan, summary = NOTES[n - 1]
        records.note_save(
            booking=booking,
            author=maya,
            now=booking.ends_at + dt.timedelta(minutes=10),
            subjective=subjective,
            objective=objective,
            assessment=assessment,
            plan=plan,
            techniques=[TECHNIQUE],
            pressure_used=pressure,
            finding_regions=regions,
            findings="Tight bands along the lumbar erectors.",
            client_summary=summary,
            share_summary=True,
        )
        records.note_sign(
            booking=booking, author=maya, now=booking.ends_at + dt.timedelta(minutes=15)
        )
        after_at = booking.ends_at + dt.timedelta(hours=26)
        result = progress.checkin_submit(
            client=client,
            booking=booking,
            kind="after",
            now=after_at,
            via="demo",
            soreness=soreness,
            bruising=bruising,
            relief=relief,
        )
        made += 2
        for suggestion in result.suggestions:
            if suggestion.kind == SuggestionKind.LOWER_PRESSURE:
                progress.suggestion_decide(
                    suggestion=suggestion,
                    by=maya,
                    decision="accept",
                    now=after_at + dt.timedelta(hours=2),
                    note="Let's go lighter next time and build up again slowly.",
                )
        audit.record(
            actor=maya,
            subject=client,
            action="view",
            kind="progress",
            via="web",
            practice=practice,
            now=before_at + dt.timedelta(hours=12),
        )

    # The next session, two days ahead: its check-in is open now.
    upcoming_day = _weekday_on_or_after(today + dt.timedelta(days=2))
    _book(client, therapist, service, len(SESSIONS) + 1, upcoming_day, now)
    open_count = ReviewSuggestion.objects.filter(client=client, status="open").count()
    progress_line(
        f"      Riley's programme: {made} check-ins, {open_count} suggestion(s) to decide"
    )
    return made


def _item(slug: str) -> str:
    from unknot.domain.guide import load_catalogue

    return load_catalogue().measures[slug].items[0].id
