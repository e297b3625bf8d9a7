import datetime as dt

import pytest
from django.utils import timezone

from unknot.apps.accounts.models import User
from unknot.apps.booking.models import Booking, BookingStatus, DateOverride, TimeOff, WorkingHours
from unknot.apps.booking.safety import screen_for_booking
from unknot.apps.guide.models import SavedAssessment
from unknot.apps.practices.models import Service, Technique
from unknot.apps.therapists.models import Therapist
from unknot.demo.build import build_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    lines: list[str] = []
    counts = build_demo(progress=lines.append)
    return lines, counts


def test_demo_builds_a_believable_practice_and_is_idempotent(built):
    lines, first = built
    steps = [line for line in lines if line.startswith("[")]
    assert steps[0].startswith("[1/8]") and steps[-1].startswith("[8/8]")
    second = build_demo(progress=lambda _: None)
    assert first == second
    assert first["therapists"] == 8
    for technique in Technique.objects.all():
        lengths = set(
            Service.objects.filter(technique=technique).values_list("duration_minutes", flat=True)
        )
        assert lengths == {30, 60, 90}, technique.slug
    therapists = Therapist.objects.all()
    assert all(t.photo for t in therapists)
    assert len({t.licence_number for t in therapists}) == 8
    codes = {code for t in therapists for code in t.languages.values_list("code", flat=True)}
    assert len(codes) > 4
    # Every technique is practised by somebody, so every directory filter has results.
    for technique in Technique.objects.all():
        assert therapists.filter(techniques=technique).exists(), technique.slug


def test_every_therapist_has_varied_hours_overrides_and_time_off(built):
    for therapist in Therapist.objects.all():
        assert therapist.working_hours.exists(), therapist.slug
    maya = WorkingHours.objects.filter(therapist__slug="maya-okafor", weekday=0)
    assert maya.count() == 2, "a lunch break splits Maya's Monday"
    assert WorkingHours.objects.filter(weekday=5).exists(), "somebody works on Saturday"
    assert WorkingHours.objects.filter(end_time__gte=dt.time(20)).exists(), "a late evening"
    assert DateOverride.objects.filter(start_time__isnull=True).exists(), "a day off"
    assert DateOverride.objects.filter(start_time__isnull=False).exists(), "changed hours"
    assert TimeOff.objects.filter(ends_at__gt=timezone.now()).exists()


def test_demo_clients_have_assessments_and_bookings_made_by_the_services(built):
    now = timezone.now()
    sam = User.objects.get(email="client@demo.unknot.test")
    latest = SavedAssessment.objects.filter(client=sam).order_by("-created_at").first()
    assert latest is not None and latest.status == "ok"
    # The safety gate accepts Sam's assessment for a technique it recommends.
    assert screen_for_booking(client=sam, technique_slug="swedish", now=now).assessment == latest

    bookings = Booking.objects.select_related("client")
    assert bookings.filter(client=sam, starts_at__gt=now, status=BookingStatus.CONFIRMED).exists()
    assert bookings.filter(client=sam, starts_at__lt=now, status=BookingStatus.COMPLETED).exists()
    assert bookings.filter(status=BookingStatus.COMPLETED).count() >= 2
    pending = bookings.get(status=BookingStatus.PENDING)
    assert pending.client.email == "jordan@demo.unknot.test"
    assert pending.needs_clearance is True
    assert any(f["code"] == "heart-condition" for f in pending.safety["flags"])
    # Made through booking_create: each has its creation event and a room.
    for booking in bookings:
        assert booking.events.filter(kind="created").exists()
        assert booking.idempotency_key.startswith("demo-")
    # Nobody without a valid licence was booked.
    assert not bookings.filter(therapist__slug__in=["arjun-rao", "lucia-fernandez"]).exists()


def test_running_the_demo_again_never_duplicates_bookings_or_schedules(built):
    _, first = built
    count = Booking.objects.count()
    hours = WorkingHours.objects.count()
    overrides = DateOverride.objects.count()
    assessments = SavedAssessment.objects.count()
    build_demo(progress=lambda _: None)
    assert Booking.objects.count() == count == first["bookings"]
    # 5 bookings for the demo clients plus the 6 held and 1 upcoming of Riley's program.
    assert count == 12
    assert WorkingHours.objects.count() == hours
    assert DateOverride.objects.count() == overrides
    assert SavedAssessment.objects.count() == assessments
