"""Waitlist pages: join, see, leave; the emailed offer link, accept and decline."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.apps.waitlist.conftest import NOW, at, booked, make_client
from unknot.apps.booking import services as booking_services
from unknot.apps.booking.models import Booking
from unknot.apps.waitlist.models import EntryStatus, OfferStatus, WaitlistEntry, WaitlistOffer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock(clock):
    return clock


def test_join_see_and_leave(client, setup):
    cleo = make_client("cleo")
    client.force_login(cleo)
    page = client.get(reverse("waitlist:join") + f"?technique=swedish&therapist={setup['kai'].uid}")
    assert page.status_code == 200
    assert page.context["form"].initial["therapist"] == setup["kai"].uid
    response = client.post(
        reverse("waitlist:join"),
        {
            "technique": "swedish",
            "therapist": setup["kai"].uid,
            "weekdays": ["1", "3"],
            "earliest_time": "09:00",
            "latest_time": "13:00",
        },
    )
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert (entry.therapist, entry.weekdays) == (setup["kai"], [1, 3])
    html = client.get(reverse("waitlist:mine")).content.decode()
    assert "Tuesday, Thursday" in html and "number 1 in the queue" in html
    client.post(reverse("waitlist:leave", args=[entry.uid]))
    entry.refresh_from_db()
    assert entry.status == EntryStatus.LEFT


def test_bad_join_is_400(client, setup):
    client.force_login(make_client("cleo"))
    response = client.post(
        reverse("waitlist:join"),
        {"technique": "swedish", "earliest_time": "15:00", "latest_time": "10:00"},
    )
    assert response.status_code == 400
    assert not WaitlistEntry.objects.exists()


@pytest.fixture
def offer(setup, client_user, django_capture_on_commit_callbacks):
    cleo = make_client("cleo")
    WaitlistEntry.objects.create(client=cleo, technique=setup["service"].technique, created_at=NOW)
    booking = booked(setup, client_user, at(1, 10))
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.booking_cancel(booking=booking, by=client_user, now=NOW)
    return WaitlistOffer.objects.get()


def test_the_emailed_link_opens_the_offer_and_books_it(client, offer):
    email = next(m for m in mail.outbox if "opened up" in m.subject)
    path = reverse("waitlist:offer", args=[offer.token])
    assert path in email.body
    cleo = offer.entry.client
    assert client.get(path).status_code == 302  # sign in first
    client.force_login(cleo)
    page = client.get(path)
    assert page.status_code == 200 and "Book this time" in page.content.decode()
    response = client.post(reverse("waitlist:accept", args=[offer.token]))
    assert response.status_code == 200
    assert "It is yours" in response.content.decode()
    booking = Booking.objects.get(client=cleo)
    assert reverse("booking:appointment", args=[booking.uid]) in response.content.decode()


def test_someone_elses_offer_is_not_found(client, client_user, offer):
    client.force_login(client_user)
    assert client.get(reverse("waitlist:offer", args=[offer.token])).status_code == 404
    assert client.post(reverse("waitlist:accept", args=[offer.token])).status_code == 404


def test_decline_from_the_page(client, offer):
    client.force_login(offer.entry.client)
    response = client.post(reverse("waitlist:decline", args=[offer.token]))
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DECLINED
    html = client.get(reverse("waitlist:offer", args=[offer.token])).content.decode()
    assert "You passed this time on" in html


def test_a_taken_slot_says_so_and_keeps_the_client_waiting(client, setup, offer, other_client_user):
    from tests.factories import make_assessment

    make_assessment(other_client_user)
    booked(setup, other_client_user, at(1, 10))
    client.force_login(offer.entry.client)
    response = client.post(reverse("waitlist:accept", args=[offer.token]))
    assert response.status_code == 409
    assert "someone else booked that time first" in response.content.decode()
    offer.entry.refresh_from_db()
    assert offer.entry.status == EntryStatus.WAITING
