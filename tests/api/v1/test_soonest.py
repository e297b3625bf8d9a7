"""GET /api/v1/availability/soonest: the first free slot for a technique across therapists."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.factories import add_weekday_hours, make_assessment, make_therapist
from unknot.apps.accounts.models import User
from unknot.apps.booking import services
from unknot.apps.booking.availability import find_slots, soonest_per_therapist
from unknot.apps.booking.models import TimeOff
from unknot.apps.practices.models import Room, Service, Technique
from unknot.domain.scheduling import TimeRange

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Monday 30 November 2026, 08:00 in London: with two hours' notice the first start is 10:00.
NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=LONDON)
URL = "/api/v1/availability/soonest"


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def world(practice, client_user, clock):
    ben = make_therapist(practice, "ben-carter", techniques=("swedish",))
    kai = make_therapist(practice, "kai-ito", techniques=("swedish",))
    for therapist in (ben, kai):
        add_weekday_hours(therapist)
    swedish = Technique.objects.get(slug="swedish")
    service = Service.objects.create(
        practice=practice, technique=swedish, duration_minutes=60, price="60.00"
    )
    rooms = {}
    for name in ("A", "B"):
        rooms[name] = Room.objects.create(practice=practice, name=name)
        rooms[name].techniques.add(swedish)
    make_assessment(client_user)
    return {"ben": ben, "kai": kai, "service": service, "rooms": rooms, "swedish": swedish}


def book(world, client, therapist, start):
    booking, _ = services.booking_create(
        client=client, service=world["service"], start=start, now=NOW, therapist=world[therapist]
    )
    return booking


def test_the_soonest_slot_is_the_earliest_start_across_therapists(client, world, client_user):
    book(world, client_user, "ben", at(30, 10, month=11))  # Ben busy 10:00-11:15
    response = client.get(URL, {"technique": "swedish", "duration": 60})
    assert response.status_code == 200
    body = response.json()
    assert body["soonest"]["therapist"] == world["kai"].uid
    assert dt.datetime.fromisoformat(body["soonest"]["start"]) == at(30, 10, month=11)
    firsts = [(s["therapist"], dt.datetime.fromisoformat(s["start"])) for s in body["therapists"]]
    # Kai's first free start is 10:00 (in room B); Ben's is after his session and clean-up.
    assert firsts == [
        (world["kai"].uid, at(30, 10, month=11)),
        (world["ben"].uid, at(30, 11, 15, month=11)),
    ]
    assert body["technique"] == "swedish" and body["duration_minutes"] == 60
    assert dt.datetime.fromisoformat(body["end"]) - dt.datetime.fromisoformat(
        body["start"]
    ) == dt.timedelta(days=14)


def test_a_therapist_free_only_days_later_is_found_in_the_later_part_of_the_window(client, world):
    TimeOff.objects.create(
        therapist=world["ben"], starts_at=at(30, 0, month=11), ends_at=at(4, 0)
    )  # Monday to Thursday off: his first slot is Friday 4 December, 09:00
    response = client.get(URL, {"technique": "swedish"})
    assert response.status_code == 200
    firsts = {s["therapist"]: s["start"] for s in response.json()["therapists"]}
    assert dt.datetime.fromisoformat(firsts[world["ben"].uid]) == at(4, 9)
    assert dt.datetime.fromisoformat(firsts[world["kai"].uid]) == at(30, 10, month=11)


def test_soonest_agrees_with_the_full_slot_list(world, client_user, other_client_user):
    """The doubling search must find what scanning every slot of the window finds."""
    make_assessment(other_client_user)
    TimeOff.objects.create(therapist=world["kai"], starts_at=at(30, 0, month=11), ends_at=at(2, 12))
    for day in (30,):
        for hour in (10, 12, 14):
            book(world, client_user, "ben", at(day, hour, month=11))
    book(world, other_client_user, "ben", at(1, 9))
    window = TimeRange(NOW, NOW + dt.timedelta(days=14))
    soonest = soonest_per_therapist(
        technique=world["swedish"], duration_minutes=60, window=window, now=NOW
    )
    every = find_slots(technique=world["swedish"], duration_minutes=60, window=window, now=NOW)
    expected = {}
    for slot in every:
        expected.setdefault(slot.therapist.pk, slot.start)
    assert {slot.therapist.pk: slot.start for slot in soonest} == expected
    assert [slot.start for slot in soonest] == sorted(slot.start for slot in soonest)


def test_no_free_room_means_no_slot(client, world, client_user, practice):
    """Kai is free at 10:00 but the only room left is taken by Ben's session."""
    world["rooms"]["B"].is_active = False
    world["rooms"]["B"].save()
    book(world, client_user, "ben", at(30, 10, month=11))
    response = client.get(URL, {"technique": "swedish", "limit": 1})
    body = response.json()
    assert len(body["therapists"]) == 1
    assert dt.datetime.fromisoformat(body["soonest"]["start"]) == at(30, 11, 15, month=11)


def test_nobody_free_in_the_window_gives_null(client, world):
    for therapist in (world["ben"], world["kai"]):
        TimeOff.objects.create(
            therapist=therapist, starts_at=at(30, 0, month=11), ends_at=at(31, 0)
        )
    response = client.get(URL, {"technique": "swedish", "days": 7})
    assert response.status_code == 200
    assert response.json()["soonest"] is None
    assert response.json()["therapists"] == []


def test_start_moves_the_window(client, world):
    response = client.get(URL, {"technique": "swedish", "start": "2026-12-07", "days": 1})
    body = response.json()
    assert dt.datetime.fromisoformat(body["soonest"]["start"]) == at(7, 9)


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"technique": "reiki"}, "unknown_technique", "technique"),
        ({"technique": "swedish", "duration": 45}, "unknown_duration", "duration"),
        ({"technique": "swedish", "days": 0}, "invalid_window", "days"),
        ({"technique": "swedish", "days": 32}, "window_too_long", "days"),
        ({"technique": "swedish", "limit": 0}, "invalid_limit", "limit"),
        ({"technique": "swedish", "start": "next tuesday"}, "invalid_datetime", "start"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client, world, params, code, field):
    response = client.get(URL, params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == code
    assert body["field"] == field


def test_the_endpoint_is_in_the_openapi_document(client, db):
    assert URL in client.get("/api/v1/openapi.json").json()["paths"]


def test_rooms_are_read_in_growing_batches_until_one_is_free(
    client, world, practice, client_user, monkeypatch
):
    """Five of six rooms are taken at 10:00: the sixth is found in the third batch (2+4)."""
    from unknot.apps.booking.availability import _RoomChecker

    monkeypatch.setattr(_RoomChecker, "FIRST_BATCH", 1)
    for name in ("C", "D", "E", "F"):
        room = Room.objects.create(practice=practice, name=name)
        room.techniques.add(world["swedish"])
    others = []
    for i in range(4):
        therapist = make_therapist(practice, f"zed-{i}", techniques=("swedish",))
        add_weekday_hours(therapist)
        others.append(therapist)
    for number, therapist in enumerate([world["ben"], *others]):
        # A client each: one client is never in two sessions at once (booking/limits.py).
        booker = User.objects.create_user(email=f"b{number}@example.test", password="x-Long-1")
        make_assessment(booker)
        services.booking_create(
            client=booker,
            service=world["service"],
            start=at(30, 10, month=11),
            now=NOW,
            therapist=therapist,
        )
    body = client.get(URL, {"technique": "swedish"}).json()
    assert dt.datetime.fromisoformat(body["soonest"]["start"]) == at(30, 10, month=11)
    assert body["soonest"]["therapist"] == world["kai"].uid
    world["rooms"]["B"].is_active = False  # now no sixth room: Kai waits like everyone else
    world["rooms"]["B"].save()
    Room.objects.filter(name="F").update(is_active=False)
    body = client.get(URL, {"technique": "swedish"}).json()
    assert dt.datetime.fromisoformat(body["soonest"]["start"]) > at(30, 10, month=11)


def test_the_answer_is_what_the_schema_renders_byte_for_byte(client, world):
    from ninja.renderers import JSONRenderer

    from unknot.api.v1.soonest import SoonestOut

    response = client.get(URL, {"technique": "swedish", "duration": 60, "limit": 5})
    body = response.json()
    assert body["soonest"] and len(body["therapists"]) == 2
    validated = SoonestOut.model_validate(body)
    rendered = JSONRenderer().render(None, validated.model_dump(), response_status=200)
    assert response.content.decode() == rendered
