"""A freed slot goes to the waiting clients one at a time, in order; the first to accept gets it."""

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings

from tests.apps.waitlist.conftest import NOW, at, booked, make_client, wait_for
from tests.factories import make_assessment
from unknot.apps.booking import services as booking_services
from unknot.apps.booking.errors import NotBookable, PolicyRefusal, SlotTaken
from unknot.apps.booking.models import Booking, BookingStatus
from unknot.apps.practices.models import Technique
from unknot.apps.waitlist import services, tasks
from unknot.apps.waitlist.models import EntryStatus, OfferStatus, WaitlistOffer

pytestmark = pytest.mark.django_db

SLOT = at(1, 10)  # Tuesday 1 December 2026, 10:00 London


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def cancel(booking, commit, now=NOW):
    """Cancel through the booking service and let the committed signal reach the waitlist."""
    with commit(execute=True):
        booking_services.booking_cancel(booking=booking, by=booking.client, now=now)


def offer_mails(to: str):
    return [m for m in mail.outbox if m.to == [to] and "opened up" in m.subject]


def test_a_cancellation_is_offered_to_the_first_waiting_client(setup, client_user, clock, commit):
    cleo, dan = make_client("cleo"), make_client("dan")
    wait_for(cleo)
    wait_for(dan)
    booking = booked(setup, client_user, SLOT)
    cancel(booking, commit)
    offer = WaitlistOffer.objects.get()
    assert offer.entry.client == cleo
    assert (offer.therapist, offer.service, offer.slot_start) == (
        setup["ben"],
        setup["service"],
        SLOT,
    )
    # Two hours to answer (the practice's setting), well before the one-hour booking notice.
    assert offer.expires_at == NOW + dt.timedelta(minutes=120)
    (email,) = offer_mails("cleo@wait.test")
    assert offer.token in email.body and f"/waitlist/offers/{offer.token}/" in email.body
    html = email.alternatives[0][0]
    assert offer.token in html
    for private in ("back", "pain", "heart", "pregnan"):
        assert private not in email.subject.lower()
    assert not offer_mails("dan@wait.test")


def test_accepting_books_the_slot_and_closes_the_entry(setup, client_user, clock, commit):
    cleo = make_client("cleo")
    entry = wait_for(cleo)
    cancel(booked(setup, client_user, SLOT), commit)
    offer = WaitlistOffer.objects.get()
    booking = services.waitlist_offer_accept(offer=offer, client=cleo, now=NOW)
    assert (booking.client, booking.starts_at, booking.therapist) == (cleo, SLOT, setup["ben"])
    assert booking.status == BookingStatus.CONFIRMED
    offer.refresh_from_db()
    entry.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED and offer.booking == booking
    assert entry.status == EntryStatus.BOOKED
    # Accepting twice (a double click) does not book twice.
    again = services.waitlist_offer_accept(offer=offer, client=cleo, now=NOW)
    assert again == booking
    assert Booking.objects.filter(client=cleo).count() == 1


def test_taking_an_offer_says_which_call_booked(setup, client_user, clock, commit):
    cleo = make_client("cleo")
    wait_for(cleo)
    cancel(booked(setup, client_user, SLOT), commit)
    stale = WaitlistOffer.objects.get()  # read before either accept, as a racing caller would
    booking, created = services.waitlist_offer_take(offer=stale, client=cleo, now=NOW)
    assert created is True
    again, created_again = services.waitlist_offer_take(offer=stale, client=cleo, now=NOW)
    assert (again, created_again) == (booking, False)


def test_an_expired_offer_goes_to_the_next_client(setup, client_user, clock, commit):
    cleo, dan = make_client("cleo"), make_client("dan")
    cleo_entry = wait_for(cleo)
    wait_for(dan)
    cancel(booked(setup, client_user, SLOT), commit)
    first = WaitlistOffer.objects.get()
    # The deferred check running early does nothing.
    assert tasks.expire_offer.call(offer_id=first.pk) is False
    later = first.expires_at + dt.timedelta(minutes=1)
    clock.move_to(later, tick=False)
    with commit(execute=True):
        assert services.waitlist_expire_due(now=later) == 1
    first.refresh_from_db()
    assert first.status == OfferStatus.EXPIRED
    second = WaitlistOffer.objects.exclude(pk=first.pk).get()
    assert second.entry.client == dan and second.slot_start == SLOT
    assert second.expires_at == later + dt.timedelta(minutes=120)
    assert offer_mails("dan@wait.test")
    cleo_entry.refresh_from_db()
    assert cleo_entry.status == EntryStatus.WAITING  # still on the list
    with pytest.raises(PolicyRefusal) as error:
        services.waitlist_offer_accept(offer=first, client=cleo, now=later)
    assert error.value.code == "offer_closed"


def test_accepting_too_late_expires_the_offer_and_passes_it_on(setup, client_user, clock, commit):
    cleo, dan = make_client("cleo"), make_client("dan")
    wait_for(cleo)
    wait_for(dan)
    cancel(booked(setup, client_user, SLOT), commit)
    offer = WaitlistOffer.objects.get()
    later = offer.expires_at
    clock.move_to(later, tick=False)
    with commit(execute=True), pytest.raises(PolicyRefusal) as error:
        services.waitlist_offer_accept(offer=offer, client=cleo, now=later)
    assert error.value.code == "offer_expired"
    offer.refresh_from_db()
    assert offer.status == OfferStatus.EXPIRED
    assert WaitlistOffer.objects.get(status=OfferStatus.OFFERED).entry.client == dan
    assert not Booking.objects.filter(client=cleo).exists()


def test_declining_passes_it_on_and_keeps_the_client_waiting(setup, client_user, clock, commit):
    cleo, dan = make_client("cleo"), make_client("dan")
    entry = wait_for(cleo)
    wait_for(dan)
    cancel(booked(setup, client_user, SLOT), commit)
    with commit(execute=True):
        services.waitlist_offer_decline(offer=WaitlistOffer.objects.get(), now=NOW)
    assert WaitlistOffer.objects.get(status=OfferStatus.OFFERED).entry.client == dan
    entry.refresh_from_db()
    assert entry.status == EntryStatus.WAITING


def test_the_expiry_check_is_deferred_to_the_expiry_when_the_backend_can(
    setup, client_user, clock, commit
):
    cleo = make_client("cleo")
    wait_for(cleo)
    booking = booked(setup, client_user, SLOT)
    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=dummy):
        from django_tasks import default_task_backend

        default_task_backend.clear()
        with commit(execute=True):
            booking_services.booking_cancel(booking=booking, by=client_user, now=NOW)
        # The freed slot is offered by a task; run it as the worker would.
        (queued,) = [r for r in default_task_backend.results if r.task.name == "offer_freed_slot"]
        queued.task.call(*queued.args, **queued.kwargs)
        offer = WaitlistOffer.objects.get()
        default_task_backend.clear()
        with commit(execute=True):
            services.waitlist_offer_slot(
                therapist=setup["kai"], service=setup["service"], start=SLOT, now=NOW
            )
        names = {r.task.name: r for r in default_task_backend.results}
        assert {"send_offer_email", "expire_offer"} <= set(names)
        assert (
            names["expire_offer"].task.run_after
            == WaitlistOffer.objects.get(therapist=setup["kai"]).expires_at
        )
    assert offer.status == OfferStatus.OFFERED


def test_the_slot_taken_meanwhile_keeps_the_client_on_the_list(
    setup, client_user, other_client_user, clock, commit
):
    cleo = make_client("cleo")
    entry = wait_for(cleo)
    cancel(booked(setup, client_user, SLOT), commit)
    offer = WaitlistOffer.objects.get()
    make_assessment(other_client_user)
    booked(setup, other_client_user, SLOT)  # someone booked it directly meanwhile
    with pytest.raises(SlotTaken) as error:
        services.waitlist_offer_accept(offer=offer, client=cleo, now=NOW)
    assert error.value.extra["on_waitlist"] is True
    assert "still on the waitlist" in error.value.message
    offer.refresh_from_db()
    entry.refresh_from_db()
    assert offer.status == OfferStatus.SUPERSEDED
    assert entry.status == EntryStatus.WAITING


# --- who is offered what -----------------------------------------------------------------------


def test_offers_follow_the_wishes(setup, client_user, clock, commit):
    kai_only = wait_for(make_client("kai-fan"), therapist=setup["kai"])
    mondays = wait_for(make_client("monday"), weekdays=[0])
    afternoons = wait_for(make_client("pm"), earliest_time=dt.time(13))
    january = wait_for(make_client("jan"), earliest_date=dt.date(2027, 1, 1))
    early = wait_for(make_client("early"), latest_time=dt.time(11))
    thai = wait_for(make_client("thai"), technique="thai-yoga")
    cancel(booked(setup, client_user, SLOT), commit)  # Ben, Tuesday 10:00-11:00
    offer = WaitlistOffer.objects.get()
    assert offer.entry == early
    for entry in (kai_only, mondays, afternoons, january, thai):
        assert not entry.offers.exists()


def test_the_client_who_cancelled_and_those_ruled_out_are_passed_over(
    setup, client_user, clock, commit
):
    wait_for(client_user)  # cancels and is also waiting: not offered their own slot back
    excluded = make_client("excluded")
    wait_for(excluded)
    make_assessment(excluded, health={"conditions": ["fever"]})  # postpone: not now
    busy = make_client("busy")
    wait_for(busy)
    booked(setup, busy, SLOT, therapist="kai")  # busy with Kai at that very time
    fine = make_client("fine")
    wait_for(fine)
    cancel(booked(setup, client_user, SLOT), commit)
    assert WaitlistOffer.objects.get().entry.client == fine


def test_nothing_is_offered_too_close_to_the_session(setup, client_user, clock, commit):
    wait_for(make_client("cleo"))
    booking = booked(setup, client_user, SLOT)
    late = SLOT - dt.timedelta(minutes=50)  # inside the practice's one-hour notice
    clock.move_to(late, tick=False)
    cancel(booking, commit, now=late)
    assert not WaitlistOffer.objects.exists()


def test_the_offer_never_outlasts_the_booking_notice(setup, client_user, clock, commit):
    wait_for(make_client("cleo"))
    booking = booked(setup, client_user, SLOT)
    soon = SLOT - dt.timedelta(minutes=90)
    clock.move_to(soon, tick=False)
    cancel(booking, commit, now=soon)
    assert WaitlistOffer.objects.get().expires_at == SLOT - dt.timedelta(minutes=60)


def test_a_cancelled_program_offers_its_sessions(setup, client_user, clock, commit):
    from unknot.apps.programs import services as program_services
    from unknot.apps.programs.services import ProgramRequest

    program, _ = program_services.program_book(
        client=client_user,
        request=ProgramRequest(
            technique=Technique.objects.get(slug="swedish"),
            duration_minutes=60,
            therapist=setup["ben"],
            first_start=SLOT,
            every_days=7,
            count=3,
        ),
        now=NOW,
    )
    cleo = make_client("cleo")
    wait_for(cleo)
    with commit(execute=True):
        program_services.program_session_cancel(program=program, index=1, by=client_user, now=NOW)
    offer = WaitlistOffer.objects.get()
    assert offer.slot_start == SLOT + dt.timedelta(weeks=1) and offer.entry.client == cleo


# --- joining and leaving -----------------------------------------------------------------------


def test_join_checks_the_wish_and_does_not_duplicate(setup, clock):
    cleo = make_client("cleo")
    swedish = Technique.objects.get(slug="swedish")
    deep = Technique.objects.get(slug="deep-tissue")
    with pytest.raises(NotBookable):
        services.waitlist_join(client=cleo, technique=deep, therapist=setup["kai"], now=NOW)
    with pytest.raises(NotBookable):
        services.waitlist_join(
            client=cleo,
            technique=swedish,
            earliest_time=dt.time(14),
            latest_time=dt.time(10),
            now=NOW,
        )
    with pytest.raises(NotBookable):
        services.waitlist_join(client=cleo, technique=swedish, weekdays=[7], now=NOW)
    first, created = services.waitlist_join(
        client=cleo, technique=swedish, weekdays=[3, 1], now=NOW
    )
    again, created_again = services.waitlist_join(
        client=cleo, technique=swedish, weekdays=[1, 3], now=NOW
    )
    assert created and not created_again and again == first
    assert first.weekdays == [1, 3]


def test_leaving_with_an_open_offer_passes_it_on(setup, client_user, clock, commit):
    cleo, dan = make_client("cleo"), make_client("dan")
    entry = wait_for(cleo)
    wait_for(dan)
    cancel(booked(setup, client_user, SLOT), commit)
    with commit(execute=True):
        services.waitlist_leave(entry=entry, now=NOW)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.LEFT
    assert WaitlistOffer.objects.get(status=OfferStatus.OFFERED).entry.client == dan
