"""What one client may hold: the practice's cap on upcoming sessions (programs included) and
never two sessions at once, on every path that books: single booking, program, reschedule,
series move and waitlist accept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from tests.apps.booking.conftest import NOW, at
from tests.apps.programs.conftest import request_for
from unknot.apps.booking import services
from unknot.apps.booking.errors import BookingLimitReached, ClientBusy
from unknot.apps.booking.models import Booking, BookingStatus
from unknot.apps.programs.services import program_book

pytestmark = pytest.mark.django_db


def book(setup, client, start, therapist="ben"):
    booking, _ = services.booking_create(
        client=client, service=setup["service"], start=start, now=NOW, therapist=setup[therapist]
    )
    return booking


def cap(setup, value: int) -> None:
    setup["practice"].max_open_bookings_per_client = value
    setup["practice"].save()


def test_the_cap_refuses_one_booking_more(setup, client_user):
    cap(setup, 2)
    book(setup, client_user, at(1, 9))
    book(setup, client_user, at(2, 9))
    with pytest.raises(BookingLimitReached) as refused:
        book(setup, client_user, at(3, 9))
    assert refused.value.code == "booking_limit_reached"
    assert refused.value.extra == {"limit": 2, "open_bookings": 2}
    assert Booking.objects.filter(client=client_user).count() == 2


def test_cancelled_and_past_sessions_do_not_count(setup, client_user):
    cap(setup, 1)
    first = book(setup, client_user, at(1, 9))
    services.booking_cancel(booking=first, by=client_user, now=NOW)
    second = book(setup, client_user, at(1, 11))
    later = at(1, 12, 30)  # the second session is over
    Booking.objects.filter(pk=second.pk).update(status=BookingStatus.COMPLETED)
    services.booking_create(
        client=client_user,
        service=setup["service"],
        start=at(3, 9),
        now=later,
        therapist=setup["ben"],
    )


def test_rescheduling_at_the_cap_is_allowed(setup, client_user):
    cap(setup, 1)
    booking = book(setup, client_user, at(2, 9))
    moved = services.booking_reschedule(
        booking=booking, by=client_user, new_start=at(3, 9), now=NOW
    )
    assert moved.starts_at == at(3, 9)


def test_other_clients_and_practices_have_their_own_count(setup, client_user, other_client_user):
    from tests.factories import make_assessment

    make_assessment(other_client_user)
    cap(setup, 1)
    book(setup, client_user, at(1, 9))
    book(setup, other_client_user, at(1, 11))


def test_a_program_may_exceed_the_cap_up_to_its_length_on_its_own(setup, client_user):
    cap(setup, 3)
    program_book(client=client_user, request=request_for(setup, count=5), now=NOW)
    assert Booking.objects.filter(client=client_user).count() == 5
    with pytest.raises(BookingLimitReached):
        book(setup, client_user, at(2, 15))  # nothing on top of it


def test_a_program_is_not_stacked_on_other_bookings(setup, client_user):
    cap(setup, 3)
    book(setup, client_user, at(2, 15))
    with pytest.raises(BookingLimitReached) as refused:
        program_book(client=client_user, request=request_for(setup, count=5), now=NOW)
    assert "only on its own" in refused.value.message
    assert Booking.objects.filter(client=client_user).count() == 1


def test_a_short_program_fits_beside_bookings_within_the_cap(setup, client_user):
    cap(setup, 3)
    book(setup, client_user, at(2, 15))
    program_book(client=client_user, request=request_for(setup, count=2), now=NOW)
    with pytest.raises(BookingLimitReached):
        program_book(
            client=client_user, request=request_for(setup, count=2, first=at(3, 15)), now=NOW
        )


# --- one session at a time -------------------------------------------------------------------


def test_a_client_cannot_hold_two_overlapping_sessions_with_different_therapists(
    setup, client_user
):
    book(setup, client_user, at(1, 10), therapist="ben")
    with pytest.raises(ClientBusy) as refused:
        book(setup, client_user, at(1, 10, 30), therapist="kai")
    assert refused.value.code == "client_busy"
    with pytest.raises(ClientBusy):
        services.booking_create(
            client=client_user, service=setup["service"], start=at(1, 10), now=NOW
        )  # any therapist
    # Back to back is fine: the buffers are the therapist's time, not the client's.
    book(setup, client_user, at(1, 11), therapist="kai")


def test_rescheduling_onto_ones_own_other_session_is_refused(setup, client_user):
    book(setup, client_user, at(1, 10), therapist="ben")
    other = book(setup, client_user, at(2, 10), therapist="kai")
    with pytest.raises(ClientBusy):
        services.booking_reschedule(booking=other, by=client_user, new_start=at(1, 10, 30), now=NOW)
    # Moving a session over its own old time is not a clash with itself.
    moved = services.booking_reschedule(
        booking=other, by=client_user, new_start=at(2, 10, 30), now=NOW
    )
    assert moved.starts_at == at(2, 10, 30)


def test_moving_a_series_onto_ones_own_other_session_is_refused(setup, client_user):
    from unknot.apps.booking.errors import SlotTaken

    book(setup, client_user, at(1, 10), therapist="ben")
    other = book(setup, client_user, at(2, 10), therapist="kai")
    with pytest.raises(SlotTaken) as refused:
        services.booking_series_move(moves=[(other, at(1, 10))], by=client_user, now=NOW)
    assert refused.value.extra["conflicts"][0]["code"] == "client_busy"


@pytest.mark.postgres_only
def test_postgresql_itself_refuses_one_clients_overlapping_sessions(setup, client_user):
    first = book(setup, client_user, at(1, 10), therapist="ben")
    clash = Booking(
        practice=first.practice,
        client=client_user,
        therapist=setup["kai"],
        room=setup["room_b"],
        service=first.service,
        technique=first.technique,
        starts_at=at(1, 10, 30),
        ends_at=at(1, 11, 30),
        busy_from=at(1, 10, 30),
        busy_until=at(1, 11, 45),
        price="60",
    )
    with pytest.raises(IntegrityError, match="booking_no_client_overlap"), transaction.atomic():
        Booking.objects.bulk_create([clash])
    clash.status = BookingStatus.CANCELLED  # a cancelled session holds nothing
    Booking.objects.bulk_create([clash])
    assert connection.vendor == "postgresql"


def test_after_the_session_ends_the_client_is_free(setup, client_user):
    first = book(setup, client_user, at(1, 10), therapist="ben")
    assert first.ends_at == at(1, 11)
    book(setup, client_user, first.ends_at + dt.timedelta(minutes=0), therapist="kai")


# --- the answers: 409 with a code in the API, a clear message on the pages -------------------


def test_the_api_answers_409_with_the_code(client, setup, client_user, time_machine):
    import json

    time_machine.move_to(NOW, tick=False)  # the API reads the clock: keep the booked day ahead

    from unknot.apps.accounts.services import api_token_issue

    cap(setup, 1)
    book(setup, client_user, at(2, 9))
    headers = {"Authorization": f"Bearer {api_token_issue(user=client_user)}"}

    def call(start, therapist):
        body = {"technique": "swedish", "therapist": setup[therapist].uid, "start": start}
        return client.post(
            "/api/v1/bookings", json.dumps(body), content_type="application/json", headers=headers
        )

    response = call(at(3, 9).isoformat(), "ben")
    assert response.status_code == 409
    assert response.json()["code"] == "booking_limit_reached"
    assert response.json()["limit"] == 1
    cap(setup, 5)
    response = call(at(2, 9, 30).isoformat(), "kai")
    assert response.status_code == 409
    assert response.json()["code"] == "client_busy"


def test_the_booking_page_says_why(client, setup, client_user, time_machine):
    import uuid

    from django.urls import reverse

    time_machine.move_to(NOW, tick=False)
    cap(setup, 1)
    book(setup, client_user, at(2, 9))
    client.force_login(client_user)
    url = reverse("booking:confirm", args=["swedish"])
    start = at(3, 9).isoformat()
    form = {
        "duration": 60,
        "therapist": setup["ben"].uid,
        "start": start,
        "idempotency_key": str(uuid.uuid4()),
    }
    response = client.post(f"{url}?duration=60&therapist={setup['ben'].uid}&start={start}", form)
    assert response.status_code == 409, response.content[:300]
    assert "upcoming sessions" in response.content.decode()
    assert Booking.objects.filter(client=client_user).count() == 1
