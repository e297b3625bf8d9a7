"""The people and records the permission matrix probes with.

Two practices. In practice A: a client's booking with therapist Ben, his colleague Kai, a
front-desk member and the owner; in practice B: therapist Zoe and a staff member. Another
client has their own assessment. The client also has a program of sessions with Ben, a
question to him, a waitlist entry with an open offer, a check-in before the booking (and its
private link), a review suggestion for the practice, and a calendar feed. Routes that carry
a uid point at these real records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.utils import timezone

from tests.factories import PASSWORD, add_weekday_hours, make_assessment, make_therapist
from unknot.apps.accounts.models import Role, User
from unknot.apps.accounts.services import api_token_issue
from unknot.apps.practices.models import Practice, Room, Service, Technique

PERSONAS = (
    "anonymous",
    "client",
    "other_client",
    "therapist",
    "colleague",
    "therapist_elsewhere",
    "staff",
    "staff_elsewhere",
    "owner",
)
"""client owns the records; therapist is the booking's therapist; colleague works in the same
practice; *_elsewhere belong to the other practice; owner is practice A's administrator."""


@dataclass
class World:
    practice: Practice
    other_practice: Practice
    users: dict[str, User | None]
    tokens: dict[str, str | None]
    objects: dict[str, object] = field(default_factory=dict)

    def __getattr__(self, name: str):
        try:
            return self.__dict__["objects"][name]
        except KeyError as error:
            raise AttributeError(name) from error


def _practice(slug: str, tz: str) -> Practice:
    return Practice.objects.create(
        name=slug.title(), slug=slug, address="1 Street", phone="+44 20 0000 0000", time_zone=tz
    )


def _staff(email: str, practice: Practice, role: str = Role.STAFF) -> User:
    return User.objects.create_user(
        email=email, password=PASSWORD, role=role, practice=practice, is_staff=True
    )


def _next_weekday_at(hour: int, tz: ZoneInfo, days_ahead: int = 3) -> dt.datetime:
    day = timezone.now().astimezone(tz).date() + dt.timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=tz)


def _client_records(*, client: User, ben, service: Service, booking, now: dt.datetime) -> dict:
    """The client's program, question, waitlist entry and offer, check-in, suggestion and feed,
    each made by its app's own service (the suggestion directly: review rules decide when one
    appears, and the matrix needs one whatever they decide)."""
    from unknot.apps.notifications.services import calendar_feed_issue
    from unknot.apps.programs.services import ProgramRequest, program_book
    from unknot.apps.progress.models import ReviewSuggestion
    from unknot.apps.progress.services import checkin_submit
    from unknot.apps.progress.tokens import make_token
    from unknot.apps.questions.selectors import private_token
    from unknot.apps.questions.services import question_ask
    from unknot.apps.waitlist.services import waitlist_join, waitlist_offer_slot

    tz = ZoneInfo("Europe/London")
    swedish = service.technique
    program, _ = program_book(
        client=client,
        request=ProgramRequest(
            technique=swedish,
            duration_minutes=60,
            therapist=ben,
            first_start=_next_weekday_at(14, tz, days_ahead=4),
            every_days=7,
            count=2,
        ),
        now=now,
    )
    question = question_ask(
        therapist=ben, asker=client, body="Is a firmer pressure fine for my lower back?", now=now
    )
    entry, _ = waitlist_join(client=client, technique=swedish, therapist=ben, now=now)
    offer = waitlist_offer_slot(
        therapist=ben, service=service, start=_next_weekday_at(12, tz, days_ahead=5), now=now
    )
    assert offer is not None and offer.entry == entry, "the world's waitlist offer was not made"
    checkin = checkin_submit(
        client=client,
        booking=booking,
        kind="before",
        now=booking.starts_at - dt.timedelta(hours=2),
        scores={
            "pain-nrs": {"pain": 6},
            "stiffness-nrs": {"stiffness": 5},
            "stress-nrs": {"stress": 5},
        },
        give_health_consent=True,
    ).checkin
    suggestion = ReviewSuggestion.objects.create(
        client=client,
        practice=booking.practice,
        checkin=checkin,
        kind="maintenance",
        for_client="Your pain has eased: fewer sessions may be enough.",
        for_therapist="Pain down by the minimal change: consider maintenance.",
    )
    return {
        "program": program,
        "question": question,
        "question_token": private_token(question),
        "waitlist_entry": entry,
        "offer": offer,
        "checkin": checkin,
        "checkin_link": make_token(booking_uid=booking.uid, kind="before", client_uid=client.uid),
        "suggestion": suggestion,
        "feed": calendar_feed_issue(user=client, now=now),
    }


def build_world() -> World:
    from unknot.apps.booking.services import booking_create
    from unknot.demo.photos import initials_portrait

    a = _practice("practice-a", "Europe/London")
    b = _practice("practice-b", "Europe/London")
    swedish = Technique.objects.get(slug="swedish")
    services = {}
    for practice in (a, b):
        services[practice.slug] = Service.objects.create(
            practice=practice, technique=swedish, duration_minutes=60, price="60.00"
        )
        room = Room.objects.create(practice=practice, name="Room 1", kind="table")
        room.techniques.set(Technique.objects.all())
    ben = make_therapist(a, "ben-carter", techniques=("swedish",))
    kai = make_therapist(a, "kai-ito", techniques=("swedish",))
    zoe = make_therapist(b, "zoe-lund", techniques=("swedish",))
    for t in (ben, kai, zoe):
        add_weekday_hours(t)
    ben.photo.save("ben-carter.png", ContentFile(initials_portrait("Ben Carter")), save=True)

    client = User.objects.create_user(email="ana@example.test", password=PASSWORD, full_name="Ana")
    other = User.objects.create_user(email="cleo@example.test", password=PASSWORD, full_name="Cleo")
    assessment = make_assessment(client)
    other_assessment = make_assessment(other)
    booking, _ = booking_create(
        client=client,
        service=services["practice-a"],
        start=_next_weekday_at(10, ZoneInfo("Europe/London")),
        now=timezone.now(),
        therapist=ben,
    )
    users = {
        "anonymous": None,
        "client": client,
        "other_client": other,
        "therapist": ben.user,
        "colleague": kai.user,
        "therapist_elsewhere": zoe.user,
        "staff": _staff("desk-a@example.test", a),
        "staff_elsewhere": _staff("desk-b@example.test", b),
        "owner": _staff("owner-a@example.test", a, Role.OWNER),
    }
    # Tokens as a verified session makes them (practice-side accounts have a second factor).
    tokens = {
        name: (api_token_issue(user=u, second_factor_verified=True) if u else None)
        for name, u in users.items()
    }
    return World(
        practice=a,
        other_practice=b,
        users=users,
        tokens=tokens,
        objects={
            "ben": ben,
            "kai": kai,
            "zoe": zoe,
            "booking": booking,
            "assessment": assessment,
            "other_assessment": other_assessment,
            "service": services["practice-a"],
            **_client_records(
                client=client,
                ben=ben,
                service=services["practice-a"],
                booking=booking,
                now=timezone.now(),
            ),
        },
    )
