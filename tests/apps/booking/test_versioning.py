"""The schedule-version token: every change to reference data changes it, on both databases."""

import datetime as dt

import pytest
from django.db import connection, transaction

from tests.factories import add_weekday_hours, make_therapist
from unknot.apps.booking.models import DateOverride, TimeOff, WorkingHours
from unknot.apps.booking.versioning import TRIGGER, current_token, install, tracked_tables
from unknot.apps.practices.models import Practice, Room, Service, Technique
from unknot.apps.therapists.models import Therapist

pytestmark = pytest.mark.django_db


def installed_triggers() -> dict[str, int]:
    """Trigger count by table, read from the database's own catalogue."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT tbl_name, count(*) FROM sqlite_master "
                "WHERE type = 'trigger' AND name LIKE %s GROUP BY tbl_name",
                [f"{TRIGGER}%"],
            )
        else:
            cursor.execute(
                "SELECT c.relname, count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = %s GROUP BY c.relname",
                [TRIGGER],
            )
        return dict(cursor.fetchall())


def test_every_tracked_table_has_its_triggers_after_migrate():
    expected = 3 if connection.vendor == "sqlite" else 1  # insert/update/delete rows, or one
    assert installed_triggers() == {table: expected for table in tracked_tables()}


def test_installing_again_changes_nothing_but_the_token():
    before = installed_triggers()
    token = current_token()
    install()
    assert installed_triggers() == before
    assert current_token() not in (None, token)


@pytest.fixture
def world(practice):
    therapist = make_therapist(practice, "ben-carter", techniques=("swedish",))
    add_weekday_hours(therapist)
    swedish = Technique.objects.get(slug="swedish")
    room = Room.objects.create(practice=practice, name="A")
    room.techniques.add(swedish)
    service = Service.objects.create(
        practice=practice, technique=swedish, duration_minutes=60, price="60.00"
    )
    return {"therapist": therapist, "room": room, "service": service, "swedish": swedish}


CHANGES = {
    "practice time zone": lambda w: Practice.objects.update(time_zone="Europe/Paris"),
    "technique renamed": lambda w: Technique.objects.filter(slug="swedish").update(name="Sw"),
    "service deactivated": lambda w: Service.objects.update(is_active=False),
    "service deleted": lambda w: w["service"].delete(),
    "room renamed": lambda w: Room.objects.update(name="Z"),
    "room technique removed": lambda w: w["room"].techniques.remove(w["swedish"]),
    "room technique added": lambda w: w["room"].techniques.add(
        Technique.objects.get(slug="shiatsu")
    ),
    "therapist deactivated": lambda w: Therapist.objects.update(is_active=False),
    "licence expiry moved": lambda w: Therapist.objects.update(
        licence_expires_on=dt.date(2027, 1, 1)
    ),
    "therapist technique removed": lambda w: w["therapist"].techniques.clear(),
    "hours changed": lambda w: WorkingHours.objects.update(start_time=dt.time(10)),
    "hours deleted": lambda w: WorkingHours.objects.filter(weekday=0).delete(),
    "date override added": lambda w: DateOverride.objects.create(
        therapist=w["therapist"], date=dt.date(2026, 12, 1)
    ),
    "time off added": lambda w: TimeOff.objects.create(
        therapist=w["therapist"],
        starts_at=dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 12, 1, 17, tzinfo=dt.UTC),
    ),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_each_kind_of_change_gives_a_new_token(world, change):
    before = current_token()
    CHANGES[change](world)
    assert current_token() != before


def test_a_booking_leaves_the_token_alone(world, client_user):
    from unknot.apps.booking.models import Booking

    before = current_token()
    start = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)
    Booking.objects.create(
        practice=world["therapist"].practice,
        client=client_user,
        therapist=world["therapist"],
        room=world["room"],
        service=world["service"],
        technique=world["swedish"],
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        busy_from=start,
        busy_until=start + dt.timedelta(hours=1),
        price="60.00",
    )
    assert current_token() == before


def test_a_rolled_back_change_takes_its_token_with_it_and_is_never_reused(world):
    before = current_token()
    with pytest.raises(RuntimeError), transaction.atomic():
        Therapist.objects.update(display_name="Rolled back")
        rolled_back = current_token()
        assert rolled_back != before
        raise RuntimeError
    assert current_token() == before
    Therapist.objects.update(display_name="Kept")
    assert current_token() not in (before, rolled_back)
