"""Private calendar feeds: contents after changes, same UID/SEQUENCE as emails, revocation."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from tests.apps.notifications.conftest import DOMAIN, at, the_calendar
from tests.factories import make_assessment
from unknot.apps.booking import services as booking_services
from unknot.apps.notifications.models import CalendarFeed
from unknot.apps.notifications.services import calendar_feed_issue

pytestmark = pytest.mark.django_db


def feed_path(feed) -> str:
    return reverse("notifications:feed", args=[feed.token])


def read_feed(client, feed) -> dict:
    response = client.get(feed_path(feed))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert "METHOD" not in calendar
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_a_client_feed_follows_reschedule_and_cancel(setup, book, change, client, client_user):
    kept = book(at(1, 10))
    moved = book(at(2, 10))
    dropped = book(at(3, 10))
    feed = calendar_feed_issue(user=client_user, now=at(30, 8, month=11))
    change(booking_services.booking_reschedule, booking=moved, by=client_user, new_start=at(4, 15))
    change(booking_services.booking_cancel, booking=dropped, by=client_user)

    events = read_feed(client, feed)
    uid = lambda b: f"{b.uid}@{DOMAIN}"  # noqa: E731
    assert set(events) == {uid(kept), uid(moved), uid(dropped)}
    assert events[uid(kept)]["SEQUENCE"] == 0
    assert events[uid(moved)]["SEQUENCE"] == 1
    assert events[uid(moved)].start == at(4, 15)
    assert events[uid(moved)]["DTSTART"].params["TZID"] == "Europe/London"
    assert str(events[uid(dropped)]["STATUS"]) == "CANCELLED"
    assert str(events[uid(kept)]["STATUS"]) == "CONFIRMED"

    # The feed and the emails describe each event identically.
    last_email_about_moved = the_calendar(mail.outbox[3]).walk("VEVENT")[0]
    assert str(last_email_about_moved["UID"]) == uid(moved)
    assert last_email_about_moved["SEQUENCE"] == events[uid(moved)]["SEQUENCE"]


def test_cancelled_sessions_leave_the_feed_after_thirty_days(
    setup, book, change, client, client_user, clock
):
    booking = book(at(18, 10))
    change(booking_services.booking_cancel, booking=booking, by=client_user)
    feed = calendar_feed_issue(user=client_user, now=at(30, 8, month=11))
    assert len(read_feed(client, feed)) == 1
    clock.move_to(at(30, 8, month=11) + dt.timedelta(days=31), tick=False)
    assert read_feed(client, feed) == {}


def test_each_feed_shows_only_its_owner_and_no_health_details(
    setup, book, client, client_user, other_client_user
):
    make_assessment(client_user, health={"anticoagulants": True})
    mine = book(at(1, 10), client_note="Sciatica down my left leg.")
    make_assessment(other_client_user)
    theirs = book(at(2, 10), client=other_client_user)
    ana = calendar_feed_issue(user=client_user, now=at(30, 8, month=11))
    ben = calendar_feed_issue(user=setup["ben"].user, now=at(30, 8, month=11))

    assert set(read_feed(client, ana)) == {f"{mine.uid}@{DOMAIN}"}
    therapist_events = read_feed(client, ben)
    assert set(therapist_events) == {f"{mine.uid}@{DOMAIN}", f"{theirs.uid}@{DOMAIN}"}
    assert str(therapist_events[f"{mine.uid}@{DOMAIN}"]["SUMMARY"]) == (
        "A. · Swedish massage (60 min)"  # initials unless the therapist chooses full names
    )
    body = client.get(feed_path(ben)).content.decode().lower()
    for secret in ("sciatica", "leg", "anticoagul", "pressure", "flag"):
        assert secret not in body, secret


def test_revoking_or_replacing_the_address_turns_the_old_one_off(setup, client, client_user):
    feed = calendar_feed_issue(user=client_user, now=at(30, 8, month=11))
    assert client.get(feed_path(feed)).status_code == 200
    replacement = calendar_feed_issue(user=client_user, now=at(30, 9, month=11))
    assert replacement.token != feed.token
    assert client.get(feed_path(feed)).status_code == 404
    assert client.get(feed_path(replacement)).status_code == 200
    client.force_login(client_user)
    response = client.post(reverse("notifications:subscription"), {"action": "revoke"})
    assert response.status_code == 302
    assert client.get(feed_path(replacement)).status_code == 404
    assert not CalendarFeed.objects.filter(revoked_at__isnull=True).exists()
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404


def test_the_subscription_page_shows_both_addresses(setup, client, client_user):
    client.force_login(client_user)
    page = reverse("notifications:subscription")
    assert "No calendar address yet" in client.get(page).content.decode()
    response = client.post(page, {"action": "issue"}, follow=True)
    feed = CalendarFeed.objects.get(user=client_user, revoked_at__isnull=True)
    html = response.content.decode()
    assert f"http://testserver/calendar/{feed.token}.ics" in html
    assert f"webcal://testserver/calendar/{feed.token}.ics" in html
    # With htmx only the card comes back, in place.
    partial = client.post(page, {"action": "issue"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    assert "Any earlier address no longer works" in partial.content.decode()
    assert client.post(page, {"action": "explode"}).status_code == 400


def test_staff_and_visitors_have_no_subscription_page(setup, client, staff_user):
    page = reverse("notifications:subscription")
    assert client.get(page).status_code == 302  # to sign in
    client.force_login(staff_user)
    assert client.get(page).status_code == 404


# --- the JSON API -------------------------------------------------------------------------


def token_for(client, user) -> str:
    """A token as a fully signed-in session makes it (practice-side accounts owe a second
    factor, so a password alone buys none)."""
    from unknot.apps.accounts.services import api_token_issue

    return api_token_issue(user=user, second_factor_verified=True)


def test_the_feed_api_gets_rotates_and_revokes(setup, book, client, client_user):
    book(at(1, 10))
    auth = {"Authorization": f"Bearer {token_for(client, client_user)}"}
    missing = client.get("/api/v1/calendar/feed", headers=auth)
    assert missing.status_code == 404 and missing.json()["code"] == "no_feed"

    made = client.post("/api/v1/calendar/feed", headers=auth)
    assert made.status_code == 201
    first = made.json()
    assert first["url"].startswith("http://testserver/calendar/") and first["url"].endswith(".ics")
    assert first["webcal_url"] == "webcal://" + first["url"].removeprefix("http://")
    assert client.get("/api/v1/calendar/feed", headers=auth).json()["url"] == first["url"]
    assert client.get(first["url"]).status_code == 200

    rotated = client.post("/api/v1/calendar/feed", headers=auth).json()
    assert rotated["url"] != first["url"]
    assert client.get(first["url"]).status_code == 404
    assert client.get(rotated["url"]).status_code == 200

    assert client.delete("/api/v1/calendar/feed", headers=auth).status_code == 204
    assert client.get(rotated["url"]).status_code == 404
    assert client.get("/api/v1/calendar/feed", headers=auth).status_code == 404


def test_the_feed_api_needs_a_client_or_therapist(setup, client, staff_user):
    assert client.get("/api/v1/calendar/feed").status_code == 401
    auth = {"Authorization": f"Bearer {token_for(client, staff_user)}"}
    response = client.post("/api/v1/calendar/feed", headers=auth)
    assert response.status_code == 403 and response.json()["code"] == "no_calendar"


def test_a_therapist_feed_names_clients_by_initials_and_lists_no_attendee(
    setup, book, client, client_user
):
    client_user.full_name = "Ana María López"
    client_user.save()
    booking = book(at(1, 10))
    ben = calendar_feed_issue(user=setup["ben"].user, now=at(30, 8, month=11))
    event = read_feed(client, ben)[f"{booking.uid}@{DOMAIN}"]
    assert str(event["SUMMARY"]) == "A. M. L. · Swedish massage (60 min)"
    assert "ATTENDEE" not in event
    body = client.get(feed_path(ben)).content.decode()
    for identifying in ("Ana", "López", client_user.email):
        assert identifying not in body, identifying


def test_full_names_are_the_therapists_choice(setup, book, client, client_user):
    client_user.full_name = "Ana María López"
    client_user.save()
    booking = book(at(1, 10))
    ben = calendar_feed_issue(user=setup["ben"].user, now=at(30, 8, month=11))
    client.force_login(setup["ben"].user)
    url = reverse("notifications:subscription")
    assert 'data-testid="feed-names"' in client.get(url).content.decode()
    assert client.post(url, {"action": "names", "show_client_names": "on"}).status_code == 302
    event = read_feed(client, ben)[f"{booking.uid}@{DOMAIN}"]
    assert str(event["SUMMARY"]) == "Ana María López · Swedish massage (60 min)"
    assert client_user.email in str(event["ATTENDEE"])
    assert client.post(url, {"action": "names"}).status_code == 302  # unchecked: initials again
    assert str(read_feed(client, ben)[f"{booking.uid}@{DOMAIN}"]["SUMMARY"]).startswith("A. M. L.")
    # A new address starts with initials again.
    fresh = calendar_feed_issue(user=setup["ben"].user, now=at(30, 9, month=11))
    assert not CalendarFeed.objects.get(pk=fresh.pk).show_client_names


def test_a_clients_own_feed_and_emails_carry_only_their_own_name(
    setup, book, client, client_user, other_client_user
):
    make_assessment(client_user, health={"anticoagulants": True})
    mail.outbox.clear()
    booking = book(at(1, 10), client_note="Sciatica down my left leg.")
    ana = calendar_feed_issue(user=client_user, now=at(30, 8, month=11))
    event = read_feed(client, ana)[f"{booking.uid}@{DOMAIN}"]
    assert str(event["SUMMARY"]).startswith("Appointment at")
    for message in mail.outbox:
        for attachment in message.attachments:
            content = attachment[1] if isinstance(attachment, tuple) else attachment.get_payload()
            text = content.decode() if isinstance(content, bytes) else str(content)
            for secret in ("sciatica", "anticoagul", other_client_user.email):
                assert secret not in text.lower(), secret
