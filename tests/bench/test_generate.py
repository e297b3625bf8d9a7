"""The generator's bulk writer puts rows in that the ORM and the booking engine read back."""

import datetime as dt
import hashlib

import pytest
from bench.generate import create_practice, slots_for, write_bookings
from bench.workload import Workload
from django.utils import timezone

from unknot.apps.accounts.models import ApiToken
from unknot.apps.booking import services
from unknot.apps.booking.availability import find_slots
from unknot.apps.booking.errors import SlotTaken
from unknot.apps.booking.models import Booking, BookingStatus
from unknot.apps.practices.models import Service, Technique
from unknot.apps.therapists.models import Therapist
from unknot.domain.scheduling import TimeRange

pytestmark = pytest.mark.django_db


class SilentProgress:
    def add_task(self, *args, **kwargs):
        return 0

    def advance(self, *args, **kwargs):
        pass


@pytest.fixture
def generated():
    workload = Workload(therapists=3, today=timezone.localdate(), clients=5, history=40)
    ids = create_practice(workload, SilentProgress())
    planned = list(workload.future())
    future = write_bookings(ids, planned, len(planned), "confirmed", "next", SilentProgress())
    past = write_bookings(ids, workload.past(), 40, "completed", "history", SilentProgress())
    return workload, ids, planned, future, past


def test_bulk_rows_read_back_through_the_orm(generated):
    workload, ids, planned, future, past = generated
    assert future == len(planned) and past == 40
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == len(planned)
    assert Booking.objects.filter(status=BookingStatus.COMPLETED).count() == 40
    first = planned[0]
    booking = Booking.objects.get(
        therapist_id=ids["therapist_ids"][first.therapist],
        starts_at=first.utc_range(workload_tz())[0],
    )
    assert booking.ends_at - booking.starts_at == dt.timedelta(minutes=first.duration)
    assert booking.busy_until - booking.ends_at == dt.timedelta(minutes=15)
    assert booking.busy_from == booking.starts_at
    assert booking.safety == {} and booking.idempotency_key is None
    assert booking.room_id == ids["room_ids"][first.therapist]
    assert len({b.uid for b in Booking.objects.all()}) == future + past


def workload_tz():
    from zoneinfo import ZoneInfo

    from bench.workload import TIME_ZONE

    return ZoneInfo(TIME_ZONE)


def test_the_engine_offers_no_slot_over_a_generated_booking(generated):
    workload, ids, planned, *_ = generated
    swedish = Technique.objects.get(slug="swedish")
    now = timezone.now()
    window = TimeRange(now, now + dt.timedelta(days=14))
    slots = find_slots(technique=swedish, duration_minutes=60, window=window, now=now)
    assert slots
    busy = [
        (b.therapist_id, b.busy_from, b.busy_until)
        for b in Booking.objects.filter(status=BookingStatus.CONFIRMED)
    ]
    for slot in slots:
        for therapist_id, busy_from, busy_until in busy:
            if therapist_id == slot.therapist.pk:
                assert not (
                    slot.start < busy_until and busy_from < slot.end + dt.timedelta(minutes=15)
                )


def test_generated_clients_can_book_the_listed_free_slots(generated):
    workload, ids, *_ = generated
    token = ids["tokens"][0]
    stored = ApiToken.objects.get(key_hash=hashlib.sha256(token.encode()).hexdigest())
    client = stored.user
    uid, start = slots_for(workload, ids, 31, 7, seed=1)[0]
    therapist = Therapist.objects.get(uid=uid)
    service = Service.objects.get(
        practice_id=ids["practice"], technique__slug="swedish", duration_minutes=60
    )
    booking, created = services.booking_create(
        client=client,
        service=service,
        start=dt.datetime.fromisoformat(start),
        now=timezone.now(),
        therapist=therapist,
    )
    assert created and booking.status == BookingStatus.CONFIRMED
    with pytest.raises(SlotTaken):
        services.booking_create(
            client=client,
            service=service,
            start=dt.datetime.fromisoformat(start),
            now=timezone.now(),
            therapist=therapist,
        )
