"""GET /api/v1/availability: one therapist's or everyone's free slots for a technique."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from ninja.renderers import JSONRenderer

from tests.factories import add_weekday_hours, make_assessment, make_therapist
from unknot.api.v1.availability import AvailabilityOut
from unknot.apps.booking import services
from unknot.apps.booking.models import TimeOff
from unknot.apps.practices.models import Room, Service, Technique
from unknot.apps.therapists.models import Therapist

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=LONDON)  # Monday; two hours' notice: 10:00 first
URL = "/api/v1/availability"


@pytest.fixture
def world(practice, client_user, time_machine, settings):
    time_machine.move_to(NOW, tick=False)
    ben = make_therapist(practice, "ben-carter", techniques=("swedish",))
    kai = make_therapist(practice, "kai-ito", techniques=("swedish", "shiatsu"))
    for therapist in (ben, kai):
        add_weekday_hours(therapist)
    swedish = Technique.objects.get(slug="swedish")
    service = Service.objects.create(
        practice=practice, technique=swedish, duration_minutes=60, price="60.00"
    )
    room = Room.objects.create(practice=practice, name="A")
    room.techniques.add(swedish)
    make_assessment(client_user)
    return {"ben": ben, "kai": kai, "service": service, "swedish": swedish, "room": room}


def day(client, **params):
    query = {"technique": "swedish", "start": "2026-11-30", "end": "2026-12-01", **params}
    return client.get(URL, query)


def starts(response, therapist=None):
    return [
        dt.datetime.fromisoformat(slot["start"]).astimezone(LONDON).strftime("%H:%M")
        for slot in response.json()["slots"]
        if therapist is None or slot["therapist"] == therapist.uid
    ]


def test_one_therapists_day_on_the_quarter_hour_grid(client, world):
    response = day(client, therapist=world["ben"].uid)
    assert response.status_code == 200
    times = starts(response)
    # 60 minutes and the default 15-minute clean-up must end by 17:00
    assert times[0] == "10:00" and times[-1] == "15:45"
    assert len(times) == 24  # 10:00 to 15:45 every 15 minutes
    assert {slot["therapist"] for slot in response.json()["slots"]} == {world["ben"].uid}


def test_the_answer_is_what_the_schema_renders_byte_for_byte(client, world):
    response = day(client)
    body = response.json()
    assert body["slots"], "nothing to compare"
    validated = AvailabilityOut.model_validate(body)
    rendered = JSONRenderer().render(None, validated.model_dump(), response_status=200)
    assert response.content.decode() == rendered
    assert response["Content-Type"] == "application/json; charset=utf-8"


def test_summer_slots_carry_the_summer_offset(client, world, time_machine):
    time_machine.move_to(dt.datetime(2027, 5, 31, 8, tzinfo=LONDON), tick=False)
    response = day(client, therapist=world["ben"].uid, start="2027-06-01", end="2027-06-02")
    assert response.json()["slots"][0]["start"] == "2027-06-01T09:00:00+01:00"


def test_a_booking_and_its_buffer_leave_the_list(client, world, client_user):
    services.booking_create(
        client=client_user,
        service=world["service"],
        start=dt.datetime(2026, 11, 30, 12, tzinfo=LONDON),
        now=NOW,
        therapist=world["ben"],
    )
    times = starts(day(client, therapist=world["ben"].uid))
    # busy 12:00-13:15 with the clean-up; an 11:00 start would need its clean-up until 12:15
    assert "10:45" in times and "13:15" in times
    assert not {"11:00", "12:00", "13:00"} & set(times)


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        (
            lambda w: Therapist.objects.filter(pk=w["ben"].pk).update(is_active=False),
            "unknown_therapist",
            "therapist",
        ),
        (lambda w: w["ben"].techniques.clear(), "technique_not_practised", "therapist"),
        (lambda w: Service.objects.update(is_active=False), "unknown_duration", "duration"),
    ],
    ids=["therapist deactivated", "technique dropped", "service withdrawn"],
)
def test_changes_made_behind_the_apis_back_are_seen_at_once(client, world, change, code, field):
    assert day(client, therapist=world["ben"].uid).status_code == 200  # loads the reference
    change(world)
    response = day(client, therapist=world["ben"].uid)
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == (code, field)


def test_time_off_and_a_lapsed_licence_remove_slots_at_once(client, world):
    assert starts(day(client), world["ben"]) and starts(day(client), world["kai"])
    TimeOff.objects.create(
        therapist=world["ben"],
        starts_at=dt.datetime(2026, 11, 30, 0, tzinfo=LONDON),
        ends_at=dt.datetime(2026, 12, 1, 0, tzinfo=LONDON),
    )
    Therapist.objects.filter(pk=world["kai"].pk).update(licence_expires_on=dt.date(2026, 11, 29))
    assert day(client).json()["slots"] == []


def test_no_free_room_means_no_slot(client, world):
    Room.objects.update(is_active=False)
    assert day(client).json()["slots"] == []


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"technique": "reiki"}, "unknown_technique", "technique"),
        ({"therapist": "nobody"}, "unknown_therapist", "therapist"),
        ({"duration": 45}, "unknown_duration", "duration"),
        ({"start": "2026-12-02", "end": "2026-12-01"}, "invalid_window", "end"),
        ({"start": "2026-12-01", "end": "2027-01-05"}, "window_too_long", "end"),
        ({"start": "tomorrow"}, "invalid_datetime", "start"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client, world, params, code, field):
    response = day(client, **params)
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    if code == "unknown_technique":
        assert "swedish" in body["valid_values"]
    if code == "unknown_duration":
        assert body["valid_values"] == [60]


def test_the_response_schema_is_documented(client, db):
    operation = client.get("/api/v1/openapi.json").json()["paths"][URL]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/AvailabilityOut")


def test_a_day_costs_two_queries_once_the_reference_is_loaded(
    client, world, django_assert_num_queries
):
    """The version token, then one statement for the therapist's and the first rooms' bookings."""
    assert day(client, therapist=world["ben"].uid).status_code == 200
    with django_assert_num_queries(2):
        assert day(client, therapist=world["ben"].uid).status_code == 200
