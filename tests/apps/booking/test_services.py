import datetime as dt

import pytest
from django.utils import timezone

from tests.apps.booking.conftest import NOW, at
from tests.factories import make_assessment, make_therapist
from unknot.apps.booking import services
from unknot.apps.booking.errors import (
    IdempotencyKeyReused,
    NotBookable,
    OutsideBookingWindow,
    PolicyRefusal,
    SafetyRefusal,
    SlotTaken,
)
from unknot.apps.booking.models import Booking, BookingStatus
from unknot.apps.practices.models import Room, Service, Technique

pytestmark = pytest.mark.django_db


def make_client(name: str):
    from unknot.apps.accounts.models import User

    user = User.objects.create_user(email=f"{name}@example.test", password="x-Long-pass-1")
    make_assessment(user)
    return user


def book(setup, client, start, therapist="ben", service="service", **kw):
    return services.booking_create(
        client=client,
        service=setup[service],
        start=start,
        now=NOW,
        therapist=setup[therapist] if therapist else None,
        **kw,
    )


def test_a_booking_holds_its_session_plus_buffers(setup, client_user):
    booking, created = book(setup, client_user, at(1, 9))
    assert created is True
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.starts_at == at(1, 9) and booking.ends_at == at(1, 10)
    assert booking.busy_from == at(1, 9) and booking.busy_until == at(1, 10, 15)
    assert booking.room == setup["room_a"]
    assert not booking.uid.isdigit()
    assert booking.events.get().kind == "created"


def test_the_same_therapist_cannot_be_booked_twice(setup, client_user, other_client_user):
    make_assessment(other_client_user)
    book(setup, client_user, at(1, 9))
    with pytest.raises(SlotTaken) as error:
        book(setup, other_client_user, at(1, 9))
    alternatives = error.value.extra["alternatives"]
    assert alternatives, "a lost slot comes with nearby alternatives"
    assert all(a["therapist"] == setup["ben"].uid for a in alternatives)
    assert Booking.objects.count() == 1


def test_buffers_separate_back_to_back_sessions(setup, client_user):
    book(setup, client_user, at(1, 9))
    with pytest.raises(SlotTaken):
        book(setup, client_user, at(1, 10))  # inside the 15-minute clean-up
    booking, _ = book(setup, client_user, at(1, 10, 15))
    assert booking.starts_at == at(1, 10, 15)


def test_a_long_service_never_overlaps_a_later_booking(setup, client_user):
    book(setup, client_user, at(1, 11))
    # 90 min + 10 before + 15 after from 09:30 would run into the 11:00 booking.
    with pytest.raises(SlotTaken):
        book(setup, client_user, at(1, 9, 30), service="long")
    booking, _ = book(setup, client_user, at(1, 9, 15), service="long")
    assert booking.busy_until == at(1, 11)


def test_a_long_service_must_end_within_working_hours(setup, client_user):
    with pytest.raises(SlotTaken):
        book(setup, client_user, at(1, 15, 30), service="long")
    booking, _ = book(setup, client_user, at(1, 15, 15), service="long")
    assert booking.ends_at == at(1, 16, 45)


def test_any_therapist_takes_whoever_is_free(setup, client_user, other_client_user):
    make_assessment(other_client_user)
    first, _ = book(setup, client_user, at(1, 9), therapist=None)
    second, _ = book(setup, other_client_user, at(1, 9), therapist=None)
    assert {first.therapist, second.therapist} == {setup["ben"], setup["kai"]}
    assert first.room != second.room


def test_rooms_run_out_before_therapists_do(setup, client_user, practice):
    extra = make_therapist(practice, "lee-park", techniques=("swedish",))
    from tests.factories import add_weekday_hours

    add_weekday_hours(extra)
    # Three clients: one client may not hold two sessions at once (booking/limits.py).
    cleo, dan = (make_client(name) for name in ("cleo", "dan"))
    book(setup, client_user, at(1, 9), therapist="ben")
    book(setup, cleo, at(1, 9), therapist="kai")
    with pytest.raises(SlotTaken) as error:
        services.booking_create(
            client=dan, service=setup["service"], start=at(1, 9), now=NOW, therapist=extra
        )
    assert (
        "room" in error.value.message.lower() or error.value.extra.get("alternatives") is not None
    )


def test_thai_yoga_needs_a_mat_room(setup, client_user, practice):
    thai = Technique.objects.get(slug="thai-yoga")
    service = Service.objects.create(
        practice=practice, technique=thai, duration_minutes=60, price="70.00"
    )
    with pytest.raises(SlotTaken):
        services.booking_create(
            client=client_user, service=service, start=at(1, 9), now=NOW, therapist=setup["ben"]
        )
    mat = Room.objects.create(practice=practice, name="Mat", kind="mat")
    mat.techniques.set([thai])
    booking, _ = services.booking_create(
        client=client_user, service=service, start=at(1, 9), now=NOW, therapist=setup["ben"]
    )
    assert booking.room == mat


def test_a_retried_request_with_the_same_key_books_once(setup, client_user):
    first, created = book(setup, client_user, at(1, 9), idempotency_key="abc-1")
    again, created_again = book(setup, client_user, at(1, 9), idempotency_key="abc-1")
    assert created is True and created_again is False
    assert first.pk == again.pk
    assert Booking.objects.count() == 1
    with pytest.raises(IdempotencyKeyReused):
        book(setup, client_user, at(1, 11), idempotency_key="abc-1")


def test_outside_the_booking_window_and_notice(setup, client_user):
    with pytest.raises(OutsideBookingWindow):
        book(setup, client_user, NOW + dt.timedelta(minutes=30))
    with pytest.raises(OutsideBookingWindow):
        book(setup, client_user, at(1, 9, month=12) + dt.timedelta(days=200))


def test_expired_or_unverified_licences_are_never_bookable(setup, client_user, practice):
    ben = setup["ben"]
    ben.licence_expires_on = dt.date(2026, 11, 30)
    ben.save()
    with pytest.raises(NotBookable):
        book(setup, client_user, at(1, 9))
    ben.licence_expires_on = dt.date(2027, 12, 31)
    ben.licence_verified_at = None
    ben.save()
    with pytest.raises(NotBookable):
        book(setup, client_user, at(1, 9))


# --- the safety gate ----------------------------------------------------------------------


def test_no_assessment_means_no_booking(setup, other_client_user):
    with pytest.raises(SafetyRefusal) as error:
        book(setup, other_client_user, at(1, 9))
    assert error.value.code == "screening_required"


def test_red_flags_refuse_booking_with_the_reason(setup, client_user):
    make_assessment(client_user, health={"red_flags": ["saddle-numbness"]})
    with pytest.raises(SafetyRefusal) as error:
        book(setup, client_user, at(1, 9))
    assert error.value.code == "safety_refer"
    assert "doctor" in error.value.message
    assert Booking.objects.count() == 0


def test_fever_postpones(setup, client_user):
    make_assessment(
        client_user,
        symptoms=["stress"],
        regions=[],
        pain={"intensity": 0, "duration_weeks": 0},
        goals=["relaxation"],
        health={"conditions": ["fever"]},
    )
    with pytest.raises(SafetyRefusal) as error:
        book(setup, client_user, at(1, 9))
    assert error.value.code == "safety_postpone"
    assert "wait until you are well" in error.value.message.lower()


def test_an_excluded_technique_cannot_be_booked(setup, client_user, practice):
    make_assessment(client_user, health={"anticoagulants": True})
    deep = Technique.objects.get(slug="deep-tissue")
    setup["ben"].techniques.add(deep)
    for room in Room.objects.all():
        room.techniques.add(deep)
    service = Service.objects.create(
        practice=practice, technique=deep, duration_minutes=60, price="70.00"
    )
    with pytest.raises(SafetyRefusal) as error:
        services.booking_create(
            client=client_user, service=service, start=at(1, 9), now=NOW, therapist=setup["ben"]
        )
    assert error.value.code == "technique_excluded"
    # Swedish stays bookable, with the pressure cap shown to the therapist.
    booking, _ = book(setup, client_user, at(1, 9))
    assert booking.safety["pressure_cap"] <= 2
    assert any(f["code"] == "anticoagulants" for f in booking.safety["flags"])


def test_clearance_keeps_the_booking_pending_until_staff_record_it(setup, client_user, staff_user):
    make_assessment(client_user, health={"conditions": ["heart-condition"]})
    booking, _ = book(setup, client_user, at(1, 9))
    assert booking.status == BookingStatus.PENDING
    assert booking.needs_clearance is True
    with pytest.raises(PolicyRefusal):
        services.booking_record_clearance(booking=booking, by=staff_user, now=NOW, note=" ")
    booking = services.booking_record_clearance(
        booking=booking, by=staff_user, now=NOW, note="GP letter 28 Nov: fine for massage."
    )
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.clearance_recorded_by == staff_user


def test_an_old_assessment_must_be_renewed(setup, client_user):
    with pytest.raises(SafetyRefusal) as error:
        services.booking_create(
            client=client_user,
            service=setup["service"],
            start=timezone.now() + dt.timedelta(days=120),
            now=timezone.now() + dt.timedelta(days=100),
            therapist=setup["ben"],
        )
    assert error.value.code == "screening_required"


# --- cancel, reschedule, outcomes -------------------------------------------------------


def test_cancelling_early_is_free_late_is_recorded_started_is_refused(setup, client_user):
    early, _ = book(setup, client_user, at(3, 9))
    services.booking_cancel(booking=early, by=client_user, now=NOW, reason="away")
    early.refresh_from_db()
    assert early.status == BookingStatus.CANCELLED and early.late_cancellation is False
    late, _ = book(setup, client_user, at(1, 9))
    services.booking_cancel(booking=late, by=client_user, now=at(1, 8))
    late.refresh_from_db()
    assert late.late_cancellation is True
    started, _ = book(setup, client_user, at(1, 11))
    with pytest.raises(PolicyRefusal) as error:
        services.booking_cancel(booking=started, by=client_user, now=at(1, 11, 5))
    assert error.value.code == "too_late_to_cancel"


def test_a_cancelled_slot_is_free_again(setup, client_user):
    booking, _ = book(setup, client_user, at(1, 9))
    services.booking_cancel(booking=booking, by=client_user, now=NOW)
    again, _ = book(setup, client_user, at(1, 9))
    assert again.pk != booking.pk


def test_reschedule_keeps_the_uid_and_raises_the_sequence(setup, client_user):
    booking, _ = book(setup, client_user, at(3, 9))
    moved = services.booking_reschedule(
        booking=booking, by=client_user, new_start=at(3, 14), now=NOW
    )
    assert moved.uid == booking.uid
    assert moved.starts_at == at(3, 14)
    assert moved.sequence == booking.sequence + 1
    assert moved.events.filter(kind="rescheduled").exists()
    # The old time is free again.
    other, _ = book(setup, client_user, at(3, 9))
    assert other.starts_at == at(3, 9)


def test_reschedule_into_a_taken_slot_offers_alternatives(setup, client_user):
    book(setup, client_user, at(3, 9))
    second, _ = book(setup, client_user, at(3, 11))
    with pytest.raises(SlotTaken) as error:
        services.booking_reschedule(booking=second, by=client_user, new_start=at(3, 9), now=NOW)
    assert error.value.extra["alternatives"]
    second.refresh_from_db()
    assert second.starts_at == at(3, 11)


def test_late_reschedule_is_for_staff_only(setup, client_user, staff_user):
    booking, _ = book(setup, client_user, at(1, 11))
    with pytest.raises(PolicyRefusal) as error:
        services.booking_reschedule(
            booking=booking, by=client_user, new_start=at(1, 14), now=at(1, 9)
        )
    assert error.value.code == "too_late_to_reschedule"
    moved = services.booking_reschedule(
        booking=booking, by=staff_user, new_start=at(1, 14), now=at(1, 9), staff_override=True
    )
    assert moved.late_reschedule is True


def test_outcomes_only_after_the_start(setup, client_user):
    therapist = setup["ben"]
    booking, _ = book(setup, client_user, at(1, 9))
    with pytest.raises(PolicyRefusal):
        services.booking_mark_completed(booking=booking, by=therapist.user, now=NOW)
    done = services.booking_mark_completed(booking=booking, by=therapist.user, now=at(1, 10))
    assert done.status == BookingStatus.COMPLETED
    other, _ = book(setup, client_user, at(1, 11))
    missed = services.booking_mark_no_show(booking=other, by=therapist.user, now=at(1, 11, 20))
    assert missed.status == BookingStatus.NO_SHOW
