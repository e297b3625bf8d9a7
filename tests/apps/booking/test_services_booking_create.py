"""booking_create's cheaper path: the same answers with fewer queries.

A repeated Idempotency-Key is looked up only when booking fails; the therapist is checked as
the lock holds them; the room is chosen in one query; the booking comes back with its rows.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, OuterRef

from tests.apps.booking.conftest import NOW, at
from tests.factories import make_assessment, make_therapist
from unknot.apps.accounts.models import User
from unknot.apps.booking import services
from unknot.apps.booking.errors import IdempotencyKeyReused, NotBookable, SafetyRefusal, SlotTaken
from unknot.apps.booking.models import Booking, BookingStatus
from unknot.apps.booking.selectors import live_bookings_in
from unknot.apps.booking.services import checks
from unknot.apps.practices.models import Practice, Room, Service, Technique
from unknot.apps.therapists.models import Therapist
from unknot.domain import scheduling as s

pytestmark = pytest.mark.django_db


def book(setup, client, start, therapist="ben", service="service", **kw):
    return services.booking_create(
        client=client,
        service=setup[service],
        start=start,
        now=NOW,
        therapist=setup[therapist] if therapist else None,
        **kw,
    )


# --- the booking returned -----------------------------------------------------------------


def test_the_new_booking_carries_what_its_answer_shows(
    setup, client_user, django_assert_num_queries
):
    service = Service.objects.select_related("technique", "practice").get(
        pk=setup["service"].pk
    )  # as the API reads it
    booking, created = services.booking_create(
        client=client_user, service=service, start=at(1, 10), now=NOW, therapist=setup["ben"]
    )
    assert created
    with django_assert_num_queries(0):
        shown = (
            booking.practice.name,
            booking.practice.time_zone,
            booking.technique.slug,
            booking.technique.name,
            booking.service.duration_minutes,
            booking.therapist.uid,
            booking.therapist.display_name,
            booking.room.name,
        )
    stored = Booking.objects.select_related(
        "practice", "technique", "service", "therapist", "room"
    ).get(pk=booking.pk)
    assert shown == (
        stored.practice.name,
        stored.practice.time_zone,
        stored.technique.slug,
        stored.technique.name,
        stored.service.duration_minutes,
        stored.therapist.uid,
        stored.therapist.display_name,
        stored.room.name,
    )
    assert (booking.starts_at, booking.ends_at, booking.price) == (
        stored.starts_at,
        stored.ends_at,
        stored.price,
    )


# --- a repeated Idempotency-Key -------------------------------------------------------------


def test_a_repeat_after_the_first_booking_was_cancelled_returns_that_booking(setup, client_user):
    first, _ = book(setup, client_user, at(1, 10), idempotency_key="k-1")
    services.booking_cancel(booking=first, by=client_user, now=NOW)
    # The slot is free again, so the repeat gets as far as the insert; the key stops it there.
    again, created = book(setup, client_user, at(1, 10), idempotency_key="k-1")
    assert (again.pk, created) == (first.pk, False)
    assert again.status == BookingStatus.CANCELLED
    assert Booking.objects.count() == 1


def test_a_repeat_is_answered_even_when_the_gate_would_refuse_now(setup, client_user):
    first, _ = book(setup, client_user, at(1, 10), idempotency_key="k-2")
    make_assessment(client_user, health={"red_flags": ["saddle-numbness"]})
    again, created = book(setup, client_user, at(1, 10), idempotency_key="k-2")
    assert (again.pk, created) == (first.pk, False)
    with pytest.raises(SafetyRefusal):
        book(setup, client_user, at(2, 10), idempotency_key="k-3")
    assert Booking.objects.count() == 1


def test_a_key_used_for_another_request_is_refused_free_slot_or_not(setup, client_user):
    book(setup, client_user, at(1, 10), idempotency_key="k-4")
    with pytest.raises(IdempotencyKeyReused):
        book(setup, client_user, at(2, 10), idempotency_key="k-4")  # a free slot
    with pytest.raises(IdempotencyKeyReused):
        # The same start for another length: the first booking holds it, yet the answer
        # is about the key, not the slot.
        book(setup, client_user, at(1, 10), service="long", idempotency_key="k-4")
    assert Booking.objects.count() == 1


def test_a_repeat_for_any_therapist_returns_the_first_booking(setup, client_user):
    first, _ = book(setup, client_user, at(1, 10), therapist=None, idempotency_key="k-5")
    again, created = book(setup, client_user, at(1, 10), therapist=None, idempotency_key="k-5")
    assert (again.pk, created) == (first.pk, False)
    assert Booking.objects.count() == 1


def test_a_taken_slot_still_comes_with_alternatives(setup, client_user, other_client_user):
    make_assessment(other_client_user)
    book(setup, client_user, at(1, 10), idempotency_key="k-6")
    with pytest.raises(SlotTaken) as taken:
        book(setup, other_client_user, at(1, 10), idempotency_key="k-6")
    alternatives = taken.value.extra["alternatives"]
    assert alternatives and all(a["therapist"] == setup["ben"].uid for a in alternatives)


# --- the therapist, checked as the lock holds them --------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"is_active": False},
        {"licence_expires_on": dt.date(2026, 11, 30)},
        {"licence_verified_at": None},
    ],
    ids=["inactive", "licence-expired", "licence-unverified"],
)
def test_the_therapist_is_checked_as_stored_not_as_the_caller_read_them(setup, client_user, change):
    stale = Therapist.objects.select_related("practice").get(pk=setup["ben"].pk)
    Therapist.objects.filter(pk=stale.pk).update(**change)
    with pytest.raises(NotBookable):
        services.booking_create(
            client=client_user, service=setup["service"], start=at(1, 10), now=NOW, therapist=stale
        )
    assert not Booking.objects.exists()


def test_a_therapist_who_stopped_practising_the_technique_is_refused(setup, client_user):
    stale = setup["ben"]
    stale.techniques.remove(setup["service"].technique)
    with pytest.raises(NotBookable) as refused:
        book(setup, client_user, at(1, 10))
    assert "does not practise" in refused.value.message
    assert not Booking.objects.exists()


# --- the room -------------------------------------------------------------------------------


def test_the_room_is_the_first_free_by_name_in_one_query(
    setup, client_user, other_client_user, django_assert_num_queries
):
    make_assessment(other_client_user)
    book(setup, client_user, at(1, 10), therapist="kai")  # takes room A until 11:15
    service = setup["service"]
    overlapping = s.TimeRange(at(1, 11), at(1, 12, 15))
    with django_assert_num_queries(1):
        room = checks.free_room(service=service, needed=overlapping)
    assert room == setup["room_b"]
    with django_assert_num_queries(1):
        after = checks.free_room(service=service, needed=s.TimeRange(at(1, 11, 15), at(1, 12, 30)))
    assert after == setup["room_a"]  # back to back with the buffer's end is free
    Room.objects.filter(pk=setup["room_b"].pk).update(is_active=False)
    with pytest.raises(SlotTaken):
        checks.free_room(service=service, needed=overlapping)


def orm_free_room(*, service, needed, prefer=None, ignore=None):
    """The room choice as the ORM writes it: the oracle for ``checks.free_room``'s SQL."""
    taken = live_bookings_in(needed).filter(room_id=OuterRef("pk"))
    if ignore is not None:
        taken = taken.exclude(pk=ignore.pk)
    free = Room.objects.filter(
        practice_id=service.practice_id, is_active=True, techniques=service.technique_id
    ).exclude(Exists(taken))
    if prefer is not None and free.filter(pk=prefer.pk).exists():
        return prefer
    return free.order_by("name").first()


def test_the_room_query_agrees_with_the_orm(setup, client_user, practice):
    swedish, thai = Technique.objects.get(slug="swedish"), Technique.objects.get(slug="thai-yoga")
    rooms = {"A": setup["room_a"], "B": setup["room_b"]}
    for name, active, techniques in (
        ("C", False, [swedish]),
        ("D", True, [thai]),
        ("E", True, [swedish]),
    ):
        rooms[name] = Room.objects.create(practice=practice, name=name, is_active=active)
        rooms[name].techniques.set(techniques)
    service = setup["service"]
    rows = []
    for number, (room, start, minutes, status) in enumerate(
        [
            ("A", at(1, 10), 75, "confirmed"),
            ("B", at(1, 10, 30), 90, "cancelled"),  # holds no time
            ("B", at(1, 13), 75, "completed"),
            ("E", at(1, 9), 8 * 60, "pending"),  # the longest a booking can be busy
            ("A", at(1, 15), 75, "no_show"),
            ("D", at(1, 11), 75, "confirmed"),
        ]
    ):
        therapist = make_therapist(practice, f"therapist-{number}")
        end = start + dt.timedelta(minutes=minutes)
        # A client of their own each: one client is never in two active sessions at once.
        client = User.objects.create_user(email=f"c{number}@example.test", password="x-Long-1")
        rows.append(
            Booking(
                practice=practice,
                client=client,
                therapist=therapist,
                room=rooms[room],
                service=service,
                technique=service.technique,
                starts_at=start,
                ends_at=end,
                busy_from=start,
                busy_until=end,
                price="60.00",
                status=status,
            )
        )
    Booking.objects.bulk_create(rows)
    ignored = Booking.objects.get(room=rooms["A"], status="confirmed")
    checked = 0
    for quarter in range(4 * 11):
        start = at(1, 7) + dt.timedelta(minutes=15 * quarter)
        for minutes in (75, 105):
            needed = s.TimeRange(start, start + dt.timedelta(minutes=minutes))
            for prefer in (None, rooms["B"], rooms["C"]):
                for ignore in (None, ignored):
                    expected = orm_free_room(
                        service=service, needed=needed, prefer=prefer, ignore=ignore
                    )
                    try:
                        got = checks.free_room(
                            service=service,
                            needed=needed,
                            prefer=prefer,
                            ignore_ids=[ignore.pk] if ignore else [],
                        )
                    except SlotTaken:
                        got = None
                    assert got == expected, (needed, prefer, ignore)
                    checked += got is not None
    assert checked > 100


# --- the lock (PostgreSQL: SQLite serialises every writer anyway) ---------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_booking_locks_its_therapist_and_not_the_whole_practice(setup, client_user, monkeypatch):
    """While one booking holds its therapist, others of the same practice can book."""
    ben, kai, practice = setup["ben"], setup["kai"], setup["practice"]
    seen: dict[str, bool] = {}

    def try_lock(name: str, model, pk: int) -> None:
        try:
            with transaction.atomic():
                model.objects.select_for_update(nowait=True).filter(pk=pk).exists()
            seen[name] = True
        except DatabaseError:
            seen[name] = False
        finally:
            connection.close()

    check_free = checks.check_free

    def probe_then_check(**kwargs):
        # Inside the booking's transaction, after the therapist's lock: look from elsewhere.
        for name, model, pk in (
            ("ben", Therapist, ben.pk),
            ("kai", Therapist, kai.pk),
            ("practice", Practice, practice.pk),
        ):
            other = threading.Thread(target=try_lock, args=(name, model, pk))
            other.start()
            other.join()
        return check_free(**kwargs)

    monkeypatch.setattr(checks, "check_free", probe_then_check)
    book(setup, client_user, at(1, 10))
    assert seen == {"ben": False, "kai": True, "practice": True}


# --- a deadlock at the insert is a lost race, retried -------------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_deadlock_at_the_insert_is_retried_and_the_booking_made(setup, client_user, caplog):
    """A real deadlock, made on purpose: the booking holds its therapist's row and waits for
    room A (the insert's foreign-key check), while another transaction holds room A and asks
    for that therapist. PostgreSQL aborts the booking's transaction (the other one waits longer
    before it looks for deadlocks); the service chooses again and books once the other ends."""
    from django.db import connections

    room_a, ben = setup["room_a"], setup["ben"]
    holding = threading.Event()
    errors: list[BaseException] = []

    def other_transaction() -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL deadlock_timeout = '10s'")
                    cursor.execute(
                        "SELECT id FROM practices_room WHERE id = %s FOR UPDATE", [room_a.pk]
                    )
                    holding.set()
                    threading.Event().wait(0.5)  # the booking now holds Ben and waits for A
                    cursor.execute(
                        "SELECT id FROM therapists_therapist WHERE id = %s FOR UPDATE", [ben.pk]
                    )
                    threading.Event().wait(0.3)
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_transaction)
    thread.start()
    assert holding.wait(10)
    with caplog.at_level("INFO", logger="unknot.apps.booking.services"):
        booking, created = book(setup, client_user, at(1, 10))
    thread.join(30)
    assert not errors, errors
    assert created and booking.room_id == room_a.pk
    assert "deadlock" in caplog.text
    assert Booking.objects.filter(therapist=ben).count() == 1
