"""A series keeps its local time of day across daylight-saving changes, in London and New York."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.factories import add_weekday_hours, make_assessment, make_therapist
from unknot.apps.guide.models import SavedAssessment
from unknot.apps.practices.models import Room, Service, Technique
from unknot.apps.programs import services

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def arrange(practice, client, now):
    practice.min_notice_minutes = 60
    practice.save()
    therapist = make_therapist(practice, f"t-{practice.slug}", expires_in_days=800)
    add_weekday_hours(therapist)
    swedish = Technique.objects.get(slug="swedish")
    Service.objects.create(practice=practice, technique=swedish, duration_minutes=60, price="60")
    Room.objects.create(practice=practice, name="A").techniques.add(swedish)
    make_assessment(client)
    SavedAssessment.objects.filter(client=client).update(created_at=now - dt.timedelta(days=1))
    return therapist


def book(client, therapist, first, now, count=4):
    request = services.ProgramRequest(
        technique=Technique.objects.get(slug="swedish"),
        duration_minutes=60,
        therapist=therapist,
        first_start=first,
        every_days=7,
        count=count,
    )
    plan = services.program_preview(request=request, now=now)
    program, _ = services.program_book(client=client, request=request, now=now)
    starts = [b.starts_at for b in program.bookings]
    return plan, program, starts


@pytest.mark.parametrize(
    ("first", "now", "offsets"),
    [
        # Spring forward on Sunday 28 March 2027: GMT (+0) then BST (+1).
        (
            dt.datetime(2027, 3, 16, 10, tzinfo=LONDON),
            dt.datetime(2027, 3, 1, 8, tzinfo=LONDON),
            [0, 0, 1, 1],
        ),
        # Fall back on Sunday 31 October 2027: BST then GMT.
        (
            dt.datetime(2027, 10, 19, 10, tzinfo=LONDON),
            dt.datetime(2027, 10, 1, 8, tzinfo=LONDON),
            [1, 1, 0, 0],
        ),
    ],
)
def test_london_sessions_stay_at_ten_across_the_change(practice, client_user, first, now, offsets):
    therapist = arrange(practice, client_user, now)
    plan, program, starts = book(client_user, therapist, first, now)
    assert plan.ok
    local = [s.astimezone(LONDON) for s in starts]
    assert [x.time() for x in local] == [dt.time(10)] * 4
    assert [x.utcoffset() // dt.timedelta(hours=1) for x in local] == offsets
    assert [x.date() - local[0].date() for x in local] == [dt.timedelta(weeks=i) for i in range(4)]
    assert program.local_time == dt.time(10)


def test_new_york_sessions_stay_at_ten_across_the_change(other_practice, client_user):
    # Spring forward on Sunday 14 March 2027: EST (-5) then EDT (-4).
    now = dt.datetime(2027, 3, 1, 8, tzinfo=NEW_YORK)
    therapist = arrange(other_practice, client_user, now)
    first = dt.datetime(2027, 3, 2, 10, tzinfo=NEW_YORK)
    plan, _, starts = book(client_user, therapist, first, now)
    assert plan.ok
    assert [s.astimezone(dt.UTC).hour for s in starts] == [15, 15, 14, 14]
    assert {s.astimezone(NEW_YORK).time() for s in starts} == {dt.time(10)}


def test_adjusting_across_the_change_keeps_the_local_time(practice, client_user):
    now = dt.datetime(2027, 3, 1, 8, tzinfo=LONDON)
    therapist = arrange(practice, client_user, now)
    _, program, _ = book(client_user, therapist, dt.datetime(2027, 3, 9, 10, tzinfo=LONDON), now)
    services.program_adjust(program=program, by=therapist.user, now=now, every_days=14)
    local = [b.starts_at.astimezone(LONDON) for b in program.bookings]
    assert [x.date() for x in local] == [
        dt.date(2027, 3, 9) + dt.timedelta(weeks=2 * i) for i in range(4)
    ]
    assert {x.time() for x in local} == {dt.time(10)}
