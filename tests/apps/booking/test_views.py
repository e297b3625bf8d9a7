"""The booking pages: choose, free times, confirm, appointments, schedule and calendar."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tests.apps.booking.conftest import LONDON, NOW, at
from tests.factories import (
    PASSWORD,
    add_weekday_hours,
    finish_sign_up,
    make_assessment,
    make_therapist,
)
from unknot.apps.accounts.models import Role, User
from unknot.apps.booking import services
from unknot.apps.booking.models import Booking, BookingStatus
from unknot.apps.practices.models import Practice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock(time_machine):
    """Every request in these tests happens at NOW unless a test moves the clock."""
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def signed_in(client, client_user):
    client.force_login(client_user)
    return client


def book(setup, who, start, therapist="ben", service="service", now=NOW, **kw):
    booking, _ = services.booking_create(
        client=who,
        service=setup[service],
        start=start,
        now=now,
        therapist=setup[therapist] if therapist else None,
        **kw,
    )
    return booking


def confirm_url(slug="swedish", **params) -> str:
    return f"{reverse('booking:confirm', args=[slug])}?{urlencode(params)}"


def confirm_post(setup, when, who="ben", /, **extra) -> dict:
    data = {
        "step": "book",
        "duration": 60,
        "therapist": setup[who].uid if who != "any" else "any",
        "start": when.isoformat(),
        "idempotency_key": str(uuid.uuid4()),
        "note": "",
    }
    data.update(extra)
    return data


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- 1. choose ---------------------------------------------------------------------------------


def test_choose_ranks_therapists_by_soonest_free_slot(setup, client, other_client_user, practice):
    make_assessment(other_client_user)
    book(setup, other_client_user, at(30, 9, month=11))  # Ben is busy at the first free time
    make_therapist(practice, "old-licence", expires_in_days=-1)
    make_therapist(practice, "not-checked", verified=False)
    response = client.get(reverse("booking:choose", args=["swedish"]))
    assert response.status_code == 200
    body = text(response)
    assert body.index("Kai Ito") < body.index("Ben Carter"), "Kai is free sooner"
    assert "Soonest free: <strong>Monday 30 November 2026, 09:00 GMT</strong>" in body
    assert "Soonest free: <strong>Monday 30 November 2026, 10:15 GMT</strong>" in body
    assert "valid until" in body
    assert "Old Licence" not in body and "Not Checked" not in body
    assert 'data-testid="any-therapist"' in body
    assert "60 minutes" in body and "90 minutes" in body
    # The choice links carry the length, the therapist and the week of the soonest slot.
    assert f"therapist={setup['kai'].uid}" in body and "week=2026-11-30" in body


def test_choose_with_htmx_swaps_only_the_therapist_list(setup, client):
    response = client.get(
        reverse("booking:choose", args=["swedish"]), {"duration": 90}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and "Any therapist" in body
    assert re.search(r'id="choices-status"[^>]*hx-swap-oob="true">2 therapists for 90', body)
    assert "duration=90" in body


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/book/no-such-thing/", {}, 404),
        ("/book/swedish/", {"duration": "45"}, 400),
        ("/book/swedish/", {"duration": "sixty"}, 400),
    ],
)
def test_choose_rejects_bad_input(setup, client, path, params, status):
    response = client.get(path, params)
    assert response.status_code == status
    assert 'data-testid="problem"' in text(response)


def test_the_technique_page_has_a_book_button(setup, client):
    response = client.get(reverse("guide:technique_detail", args=["swedish"]))
    assert f'href="{reverse("booking:choose", args=["swedish"])}"' in response.content.decode()


# --- 2. free times ----------------------------------------------------------------------------


def times(client, setup, therapist="ben", headers=None, **params):
    who = setup[therapist].uid if therapist in setup else therapist
    return client.get(
        reverse("booking:times", args=["swedish"]),
        {"duration": 60, "therapist": who, **params},
        headers=headers,
    )


def test_times_are_grouped_by_day_in_local_time(setup, client):
    response = times(client, setup)
    assert response.status_code == 200
    body = text(response)
    assert "Europe/London (GMT)" in body
    assert body.index("Monday 30 November") < body.index("Tuesday 1 December")
    # 09:00 is the first start (one hour's notice from 08:00); buttons link to the confirm page.
    first = confirm_url(
        duration=60, therapist=setup["ben"].uid, start=at(30, 9, month=11).isoformat()
    )
    assert first.replace("&", "&amp;") in response.content.decode()
    assert 'aria-label="Monday 30 November, 09:00 GMT"' in body
    assert "Sunday 6 December</span> · no free times" in body
    assert body.count(" open>") == 1, "only the first day with free times starts open"


def test_times_hide_taken_slots(setup, client, other_client_user):
    make_assessment(other_client_user)
    book(setup, other_client_user, at(1, 10))
    body = text(times(client, setup))
    assert 'aria-label="Tuesday 1 December, 10:00 GMT"' not in body
    assert 'aria-label="Tuesday 1 December, 11:15 GMT"' in body


def test_week_navigation_is_an_htmx_partial_within_the_booking_window(setup, client):
    response = times(client, setup, week="2026-12-09", headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body
    assert "Week of 7 December – 13 December 2026" in body
    # Screen readers hear a one-line summary, swapped out of band into a live region.
    assert re.search(r'id="week-status"[^>]*hx-swap-oob="true">Week of 7 December', body)
    assert 'id="week-next"' in body, "focus returns to the link after the swap"
    assert "week=2026-11-30" in body and "week=2026-12-14" in body  # prev and next


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"week": "2026-13-01"}, 400),
        ({"week": "2027-06-01"}, 400),  # beyond the 90-day window
        ({"week": "2026-11-16"}, 400),  # in the past
        ({"duration": "45"}, 400),
        ({"therapist": "nobody"}, 404),
        ({"therapist": "bad uid!"}, 400),
    ],
)
def test_times_reject_bad_input(setup, client, params, status):
    assert times(client, setup, **params).status_code == status


def test_an_expired_licence_is_never_offered(setup, client, practice):
    expired = make_therapist(practice, "old-licence", expires_in_days=-1)
    add_weekday_hours(expired)
    assert times(client, setup, therapist=expired.uid).status_code == 404


def test_any_therapist_shows_each_time_once(setup, client):
    body = text(times(client, setup, therapist="any"))
    assert body.count('aria-label="Tuesday 1 December, 09:00 GMT"') == 1


# --- 3. confirm --------------------------------------------------------------------------------


def test_confirm_for_a_visitor_offers_inline_sign_in_and_keeps_the_slot(setup, client):
    url = confirm_url(duration=60, therapist=setup["ben"].uid, start=at(1, 10).isoformat())
    response = client.get(url)
    assert response.status_code == 200
    body = text(response)
    assert "Tuesday 1 December 2026, 10:00–11:00 GMT" in body
    assert "I have an account" in body and "I am new here" in body
    assert client.session["booking_pending_slot"]["start"] == at(1, 10).isoformat()


def test_inline_sign_up_then_assessment_needed_books_nothing(setup, client):
    start = at(1, 10).isoformat()
    response = client.post(
        reverse("booking:confirm", args=["swedish"]),
        {
            "step": "signup",
            "duration": 60,
            "therapist": setup["ben"].uid,
            "start": start,
            "signup-full_name": "Robin Park",
            "signup-email": "robin@example.test",
            "signup-password": "a-Calm-back-2026",
        },
    )
    # The same answer for every address: a link by email, which comes back to this time.
    assert response.status_code == 200
    assert "Check your email" in text(response)
    assert not Booking.objects.exists()
    response = finish_sign_up(client)
    assert response.status_code == 302
    assert "start=" in response["Location"]
    page = client.get(response["Location"])
    body = text(page)
    assert "Please complete the health check" in body
    assert 'href="/assessment/"' in body
    assert "Confirm booking" not in body
    assert not Booking.objects.exists()
    # The chosen slot waits in the session and the technique page offers to continue with it.
    again = text(client.get(reverse("booking:choose", args=["swedish"])))
    assert "Continue with that time" in again
    resume = client.get(reverse("booking:resume"))["Location"]
    assert resume.startswith("/book/swedish/confirm/?") and urlencode({"start": start}) in resume


def test_inline_sign_in_with_a_wrong_password_is_400(setup, client, client_user):
    response = client.post(
        reverse("booking:confirm", args=["swedish"]),
        {
            "step": "signin",
            "duration": 60,
            "therapist": setup["ben"].uid,
            "start": at(1, 10).isoformat(),
            "signin-username": client_user.email,
            "signin-password": "wrong",
        },
    )
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    ok = client.post(
        reverse("booking:confirm", args=["swedish"]),
        {
            "step": "signin",
            "duration": 60,
            "therapist": setup["ben"].uid,
            "start": at(1, 10).isoformat(),
            "signin-username": client_user.email,
            "signin-password": PASSWORD,
        },
    )
    assert ok.status_code == 302
    assert "Confirm booking" in text(client.get(ok["Location"]))


def test_anonymous_post_to_book_books_nothing(setup, client):
    response = client.post(
        reverse("booking:confirm", args=["swedish"]), confirm_post(setup, at(1, 10))
    )
    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_confirm_books_once_even_when_submitted_twice(setup, signed_in, client_user):
    data = confirm_post(setup, at(1, 10), note="Left side is worse.")
    first = signed_in.post(reverse("booking:confirm", args=["swedish"]), data)
    second = signed_in.post(reverse("booking:confirm", args=["swedish"]), data)
    booking = Booking.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/appointments/{booking.uid}/"
    assert booking.client == client_user and booking.client_note == "Left side is worse."
    assert booking.therapist == setup["ben"] and booking.starts_at == at(1, 10)
    assert "booking_pending_slot" not in signed_in.session


def test_any_therapist_books_whoever_is_free(setup, signed_in):
    response = signed_in.post(
        reverse("booking:confirm", args=["swedish"]), confirm_post(setup, at(1, 10), "any")
    )
    assert response.status_code == 302
    assert Booking.objects.get().therapist in (setup["ben"], setup["kai"])


def test_a_taken_slot_offers_alternatives_as_one_click_bookings(
    setup, signed_in, other_client_user
):
    make_assessment(other_client_user)
    book(setup, other_client_user, at(1, 10))
    response = signed_in.post(
        reverse("booking:confirm", args=["swedish"]), confirm_post(setup, at(1, 10))
    )
    assert response.status_code == 409
    body = text(response)
    assert "That time was just taken." in body
    forms = re.findall(r'<form method="post"[^>]*data-once>(.*?)</form>', body)
    alternatives = [f for f in forms if "Book " in f and 'name="start"' in f]
    assert alternatives
    start = re.search(r'name="start" value="([^"]+)"', alternatives[0]).group(1)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', alternatives[0]).group(1)
    again = signed_in.post(
        reverse("booking:confirm", args=["swedish"]),
        confirm_post(setup, dt.datetime.fromisoformat(start), idempotency_key=key),
    )
    assert again.status_code == 302
    assert Booking.objects.count() == 2


def test_a_refer_assessment_is_refused_in_plain_words(setup, signed_in, client_user):
    make_assessment(
        client_user,
        health={"conditions": [], "anticoagulants": False, "red_flags": ["bladder-bowel-change"]},
    )
    page = signed_in.get(
        confirm_url(duration=60, therapist=setup["ben"].uid, start=at(1, 10).isoformat())
    )
    assert "see your doctor" in text(page).lower()
    response = signed_in.post(
        reverse("booking:confirm", args=["swedish"]), confirm_post(setup, at(1, 10))
    )
    assert response.status_code == 403
    assert "doctor" in text(response)
    assert not Booking.objects.exists()


def test_a_clearance_flag_warns_before_booking_and_books_pending(setup, signed_in, client_user):
    make_assessment(client_user, health={"conditions": ["heart-condition"]})
    page = signed_in.get(
        confirm_url(duration=60, therapist=setup["ben"].uid, start=at(1, 10).isoformat())
    )
    assert 'data-testid="clearance-note"' in text(page)
    response = signed_in.post(
        reverse("booking:confirm", args=["swedish"]), confirm_post(setup, at(1, 10))
    )
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.PENDING
    detail = text(signed_in.get(response["Location"]))
    assert "Pending clearance" in detail and "Waiting for clearance." in detail


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"start": "tomorrow at ten"}, 400),
        ({"start": "2026-12-01T10:00"}, 400),  # no offset: ambiguous
        ({"idempotency_key": "not-a-uuid"}, 400),
        ({"duration": "45"}, 400),
        ({"therapist": "nobody"}, 404),
        ({"step": "hack"}, 400),
        ({"start": "2026-11-29T10:00:00+00:00"}, 400),  # yesterday
        ({"note": "x" * 1001}, 400),
    ],
)
def test_tampered_confirm_fields_book_nothing(setup, signed_in, change, status):
    response = signed_in.post(
        reverse("booking:confirm", args=["swedish"]), confirm_post(setup, at(1, 10), **change)
    )
    assert response.status_code == status
    assert not Booking.objects.exists()


def test_a_time_outside_the_window_is_refused(setup, signed_in):
    response = signed_in.post(
        reverse("booking:confirm", args=["swedish"]),
        confirm_post(setup, at(30, 8, 15, month=11)),  # inside the hour of notice
    )
    assert response.status_code == 400
    assert "outside the booking window" in text(response)


def test_staff_cannot_book_for_themselves(setup, client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("booking:confirm", args=["swedish"]), confirm_post(setup, at(1, 10))
    )
    assert response.status_code == 403
    assert not Booking.objects.exists()


# --- 4. confirmation page, 5. my appointments ----------------------------------------------------


def test_confirmation_page_says_when_where_who_and_what_to_wear(setup, signed_in, client_user):
    booking = book(setup, client_user, at(1, 10))
    body = text(signed_in.get(reverse("booking:appointment", args=[booking.uid])))
    assert "Tuesday 1 December 2026, 10:00–11:00 GMT" in body
    assert "Ben Carter" in body and "Test Practice" in body and "room A" in body
    assert "What to wear" in body and "What to expect" in body
    assert "up to 24 hours before" in body
    assert "For the therapist" not in body


def test_other_people_never_see_a_booking(setup, client, client_user, other_client_user):
    booking = book(setup, client_user, at(1, 10))
    url = reverse("booking:appointment", args=[booking.uid])
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(other_client_user)
    assert client.get(url).status_code == 404
    assert client.get(reverse("booking:cancel", args=[booking.uid])).status_code == 404
    assert client.get(reverse("booking:reschedule", args=[booking.uid])).status_code == 404
    assert client.get(reverse("booking:appointment", args=["nope"])).status_code == 404
    assert "Ben Carter" not in text(client.get(reverse("booking:appointments")))


def test_my_appointments_lists_upcoming_and_past(setup, signed_in, client_user, clock):
    past = book(setup, client_user, at(30, 9, month=11))
    upcoming = book(setup, client_user, at(2, 10))
    cancelled = book(setup, client_user, at(3, 10))
    services.booking_cancel(booking=cancelled, by=client_user, now=NOW)
    clock.move_to(at(30, 12, month=11), tick=False)
    services.booking_mark_completed(booking=past, by=setup["ben"].user, now=at(30, 12, month=11))
    body = text(signed_in.get(reverse("booking:appointments")))
    upcoming_part, past_part = body.split('id="past-title"')
    assert upcoming.uid in upcoming_part and past.uid not in upcoming_part
    assert past.uid in past_part and cancelled.uid in past_part
    assert "Completed" in past_part and "Cancelled" in past_part


# --- cancel and reschedule ----------------------------------------------------------------------


def test_cancel_warns_when_it_will_be_late(setup, signed_in, client_user):
    soon = book(setup, client_user, at(30, 14, month=11))  # six hours away: inside 24 hours
    later = book(setup, client_user, at(3, 10))
    assert 'data-testid="late-warning"' in text(
        signed_in.get(reverse("booking:cancel", args=[soon.uid]))
    )
    assert 'data-testid="late-warning"' not in text(
        signed_in.get(reverse("booking:cancel", args=[later.uid]))
    )
    response = signed_in.post(reverse("booking:cancel", args=[soon.uid]), {"reason": "ill"})
    assert response.status_code == 302 and response["Location"] == "/appointments/"
    soon.refresh_from_db()
    assert soon.status == BookingStatus.CANCELLED and soon.late_cancellation is True
    signed_in.post(reverse("booking:cancel", args=[later.uid]))
    later.refresh_from_db()
    assert later.status == BookingStatus.CANCELLED and later.late_cancellation is False


def test_cancel_is_refused_after_the_start(setup, signed_in, client_user, clock):
    booking = book(setup, client_user, at(30, 10, month=11))
    clock.move_to(at(30, 10, 5, month=11), tick=False)
    response = signed_in.post(reverse("booking:cancel", args=[booking.uid]))
    assert response.status_code == 409
    assert "already started" in text(response)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_reschedule_picks_a_new_time_with_the_same_therapist(setup, signed_in, client_user):
    booking = book(setup, client_user, at(3, 10))
    url = reverse("booking:reschedule", args=[booking.uid])
    picker = signed_in.get(url, {"week": "2026-12-07"})
    assert picker.status_code == 200
    assert 'aria-label="Monday 7 December, 09:00 GMT"' in text(picker)
    partial = signed_in.get(url, {"week": "2026-12-07"}, HTTP_HX_REQUEST="true")
    assert "<html" not in text(partial)
    new_start = at(7, 9).isoformat()
    confirm_page = signed_in.get(url, {"start": new_start})
    assert "Monday 7 December 2026, 09:00–10:00 GMT" in text(confirm_page)
    response = signed_in.post(url, {"start": new_start})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.starts_at == at(7, 9) and booking.therapist == setup["ben"]
    assert booking.reschedule_count == 1 and Booking.objects.count() == 1


def test_reschedule_into_a_taken_time_shows_alternatives(
    setup, signed_in, client_user, other_client_user
):
    make_assessment(other_client_user)
    book(setup, other_client_user, at(7, 9))
    booking = book(setup, client_user, at(3, 10))
    response = signed_in.post(
        reverse("booking:reschedule", args=[booking.uid]), {"start": at(7, 9).isoformat()}
    )
    assert response.status_code == 409
    assert 'data-testid="alternatives"' in text(response) and "Move to " in text(response)
    booking.refresh_from_db()
    assert booking.starts_at == at(3, 10)


def test_reschedule_inside_the_cutoff_is_refused_for_clients(setup, signed_in, client_user):
    booking = book(setup, client_user, at(30, 14, month=11))
    response = signed_in.get(reverse("booking:reschedule", args=[booking.uid]))
    assert response.status_code == 409
    assert "too late to move" in text(response)
    assert "+44 20 0000 0000" in text(response)


@pytest.mark.parametrize("start", ["soon", "2026-12-07T09:00"])
def test_reschedule_rejects_a_bad_time(setup, signed_in, client_user, start):
    booking = book(setup, client_user, at(3, 10))
    assert (
        signed_in.post(
            reverse("booking:reschedule", args=[booking.uid]), {"start": start}
        ).status_code
        == 400
    )
    assert (
        signed_in.get(
            reverse("booking:reschedule", args=[booking.uid]), {"start": start}
        ).status_code
        == 400
    )


# --- 6. therapist schedule ------------------------------------------------------------------------


def test_schedule_shows_the_clients_flags_and_note(setup, client, client_user):
    make_assessment(
        client_user,
        health={"conditions": ["heart-condition", "fragrance-allergy"]},
        preferences={"pressure_tolerance": 2},
    )
    book(setup, client_user, at(1, 10), client_note="Please go gently on the left.")
    client.force_login(setup["ben"].user)
    response = client.get(reverse("booking:schedule"), {"date": "2026-12-01"})
    assert response.status_code == 200
    body = text(response)
    assert "Ana" in body and "10:00–11:00" in body
    assert "Clearance awaited" in body
    assert "No essential oils" in body
    assert re.search(r"Pressure:</strong> at most level \d of 5", body)
    assert "Please go gently on the left." in body
    assert "Mark completed" not in body  # not started yet


def test_schedule_week_view_and_bad_input(setup, client, client_user):
    book(setup, client_user, at(3, 10))
    client.force_login(setup["ben"].user)
    week = text(client.get(reverse("booking:schedule"), {"date": "2026-12-01", "view": "week"}))
    assert "Thursday 3 December" in week and "10:00–11:00" in week
    assert client.get(reverse("booking:schedule"), {"date": "01/12/2026"}).status_code == 400
    assert client.get(reverse("booking:schedule"), {"view": "month"}).status_code == 400


def test_schedule_is_only_for_therapists(setup, client, client_user, staff_user):
    client.force_login(client_user)
    assert client.get(reverse("booking:schedule")).status_code == 404
    client.force_login(staff_user)
    assert client.get(reverse("booking:schedule")).status_code == 404


def test_therapist_marks_completed_and_no_show_after_the_start(setup, client, client_user, clock):
    first = book(setup, client_user, at(30, 10, month=11))
    second = book(setup, client_user, at(30, 12, month=11))
    client.force_login(setup["ben"].user)
    early = client.post(reverse("booking:outcome", args=[first.uid]), {"outcome": "completed"})
    assert early.status_code == 409
    clock.move_to(at(30, 13, month=11), tick=False)
    page = text(client.get(reverse("booking:schedule")))
    assert page.count("Mark completed") == 2
    done = client.post(reverse("booking:outcome", args=[first.uid]), {"outcome": "completed"})
    assert done.status_code == 302
    client.post(reverse("booking:outcome", args=[second.uid]), {"outcome": "no_show"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == BookingStatus.COMPLETED and second.status == BookingStatus.NO_SHOW
    assert (
        client.post(reverse("booking:outcome", args=[first.uid]), {"outcome": "x"}).status_code
        == 400
    )


def test_a_therapist_cannot_mark_another_therapists_booking(setup, client, client_user, clock):
    booking = book(setup, client_user, at(30, 10, month=11))
    clock.move_to(at(30, 13, month=11), tick=False)
    client.force_login(setup["kai"].user)
    response = client.post(reverse("booking:outcome", args=[booking.uid]), {"outcome": "no_show"})
    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


# --- 7. staff calendar ---------------------------------------------------------------------------


def test_calendar_shows_a_day_across_therapists_and_rooms(setup, client, client_user, staff_user):
    book(setup, client_user, at(1, 10))
    client.force_login(staff_user)
    response = client.get(reverse("booking:calendar"), {"date": "2026-12-01"})
    assert response.status_code == 200
    body = text(response)
    assert "By therapist" in body and "By room" in body
    assert "Ben Carter" in body and "Kai Ito" in body
    assert body.count("10:00–11:00") == 2  # once in each grid
    assert "in session" not in body  # a 60-minute session starting on the hour
    assert client.get(reverse("booking:calendar"), {"date": "2026-02-30"}).status_code == 400


def test_staff_record_clearance_from_the_calendar(setup, client, client_user, staff_user):
    make_assessment(client_user, health={"conditions": ["heart-condition"]})
    booking = book(setup, client_user, at(1, 10))
    client.force_login(staff_user)
    body = text(client.get(reverse("booking:calendar")))
    assert 'data-testid="awaiting-clearance"' in body and "Ana" in body
    url = reverse("booking:clearance", args=[booking.uid])
    empty = client.post(url, {f"c-{booking.uid}-note": "  "})
    assert empty.status_code == 400 and "Say what clearance was received." in text(empty)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING
    done = client.post(url, {f"c-{booking.uid}-note": "GP letter seen at the desk"})
    assert done.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.clearance_recorded_by == staff_user
    assert client.post(url, {f"c-{booking.uid}-note": "again"}).status_code == 409


def test_calendar_is_only_for_staff_of_that_practice(
    setup, client, client_user, staff_user, other_practice
):
    make_assessment(client_user, health={"conditions": ["heart-condition"]})
    booking = book(setup, client_user, at(1, 10))
    client.force_login(client_user)
    assert client.get(reverse("booking:calendar")).status_code == 404
    client.force_login(setup["ben"].user)
    assert client.get(reverse("booking:calendar")).status_code == 404
    outsider = User.objects.create_user(
        email="desk@other.test",
        password=PASSWORD,
        role=Role.STAFF,
        practice=other_practice,
        is_staff=True,
    )
    client.force_login(outsider)
    assert "Ana" not in text(client.get(reverse("booking:calendar")))
    response = client.post(
        reverse("booking:clearance", args=[booking.uid]), {f"c-{booking.uid}-note": "ok"}
    )
    assert response.status_code == 404
    client.force_login(staff_user)
    assert (
        client.get(reverse("booking:calendar"), {"practice": other_practice.slug}).status_code
        == 404
    )


def test_a_superuser_picks_the_practice(setup, client, client_user, other_practice):
    book(setup, client_user, at(1, 10))
    admin = User.objects.create_superuser(email="root@example.test", password=PASSWORD)
    client.force_login(admin)
    chosen = text(
        client.get(
            reverse("booking:calendar"), {"practice": setup["practice"].slug, "date": "2026-12-01"}
        )
    )
    assert "Calendar · Test Practice" in chosen and "10:00–11:00" in chosen
    other = text(client.get(reverse("booking:calendar"), {"practice": other_practice.slug}))
    assert "Calendar · Other Practice" in other
    assert client.get(reverse("booking:calendar"), {"practice": "nowhere"}).status_code == 404
    assert Practice.objects.count() == 2


def test_nav_links_follow_the_role(setup, client, client_user, staff_user):
    client.force_login(client_user)
    assert 'href="/appointments/"' in text(client.get("/"))
    client.force_login(setup["ben"].user)
    assert 'href="/schedule/"' in text(client.get("/"))
    client.force_login(staff_user)
    assert 'href="/calendar/"' in text(client.get("/"))


def test_local_times_follow_summer_time(setup, client, client_user, clock, practice):
    """A June session shows BST, not GMT: times are the practice's wall clock."""
    practice.booking_window_days = 300
    practice.save()
    booking = book(setup, client_user, dt.datetime(2027, 6, 1, 10, tzinfo=LONDON))
    client.force_login(client_user)
    body = text(client.get(reverse("booking:appointment", args=[booking.uid])))
    assert "Tuesday 1 June 2027, 10:00–11:00 BST" in body
