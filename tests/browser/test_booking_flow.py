"""From a technique to a booked, then cancelled, session; and a visitor sent to the assessment.

Real Chromium on a phone-sized screen against a live server with the real clock: the therapist
works every day from 06:00 to 22:00 so there is always a free time within the booking window.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.menu import open_menu
from tests.factories import PASSWORD, link_in_last_email, make_assessment, make_therapist
from unknot.apps.accounts.models import User
from unknot.apps.booking.models import Booking, BookingStatus, WorkingHours
from unknot.apps.practices.models import Room, Service, Technique

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bookable(practice):
    swedish = Technique.objects.get(slug="swedish")
    ben = make_therapist(practice, "ben-carter", techniques=("swedish",))
    for weekday in range(7):
        WorkingHours.objects.create(
            therapist=ben, weekday=weekday, start_time=dt.time(6), end_time=dt.time(22)
        )
    Service.objects.create(practice=practice, technique=swedish, duration_minutes=60, price="60.00")
    Service.objects.create(practice=practice, technique=swedish, duration_minutes=90, price="85.00")
    room = Room.objects.create(practice=practice, name="Willow", kind="table")
    room.techniques.set([swedish])
    return ben


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def test_a_client_books_any_therapist_then_cancels(page, bookable, client_user):
    make_assessment(client_user)
    sign_in(page, client_user.email)

    page.goto("/techniques/swedish/")
    page.get_by_role("link", name="Book Swedish massage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book Swedish massage")
    expect(page.get_by_test_id("therapist-choice")).to_contain_text("Ben Carter")
    expect(page.get_by_test_id("therapist-choice")).to_contain_text("valid until")
    page.get_by_test_id("any-therapist").click()

    # Free times, week by week: htmx swaps the week in place and the address follows.
    expect(page.get_by_role("heading", level=1)).to_have_text("3. Pick a time")
    week = page.get_by_role("heading", level=2, name=re.compile("Week of"))
    first_week = week.inner_text()
    page.get_by_role("link", name="Later week").click()
    expect(week).not_to_have_text(first_week)
    expect(page).to_have_url(re.compile(r"week=\d{4}-\d{2}-\d{2}"))
    page.get_by_role("link", name="Earlier week").click()
    expect(week).to_have_text(first_week)
    slot = page.get_by_test_id("slot").first
    chosen = slot.get_attribute("aria-label")
    slot.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your booking")
    expect(page.get_by_test_id("slot-when")).to_contain_text(chosen.split(",")[1].strip()[:5])
    page.get_by_label("Anything your therapist should know?").fill("My lower back is stiff.")
    page.get_by_role("button", name="Confirm booking").click()

    expect(page.get_by_text("Your session is booked.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Swedish massage")
    expect(page.get_by_test_id("status")).to_have_text("Confirmed")
    expect(page.get_by_test_id("therapist")).to_have_text("Ben Carter")
    expect(page.get_by_role("heading", name="What to wear")).to_be_visible()
    booking = Booking.objects.get()
    assert booking.client == client_user and booking.client_note == "My lower back is stiff."

    open_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My appointments").click()
    upcoming = page.get_by_test_id("upcoming")
    expect(upcoming).to_contain_text("Swedish massage")
    upcoming.get_by_role("link", name=re.compile("^Cancel")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel this session?")
    page.get_by_role("button", name="Yes, cancel it").click()
    expect(page.get_by_text(re.compile("Your session is cancelled"))).to_be_visible()
    expect(page.get_by_test_id("past")).to_contain_text("Cancelled")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_a_visitor_signs_up_inline_and_is_sent_to_the_assessment(page, bookable):
    page.goto("/book/swedish/")
    page.get_by_test_id("therapist-choice").first.click()
    page.get_by_test_id("slot").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your booking")
    when = page.get_by_test_id("slot-when").inner_text()

    new_here = page.get_by_role("form", name="I am new here")
    new_here.get_by_label("Your name").fill("Robin Park")
    new_here.get_by_label("Email address").fill("robin@example.test")
    new_here.get_by_label("Password").fill("a-Calm-back-2026")
    new_here.get_by_role("button", name="Create account and continue").click()

    # The same answer for every address: a link by email, which finishes the sign-up.
    expect(page.get_by_test_id("check-email")).to_contain_text("Check your email")
    assert not User.objects.filter(email="robin@example.test").exists()
    page.goto(link_in_last_email())
    page.get_by_role("button", name="Create my account").click()

    # Signed up and back on the same slot, which no assessment allows booking yet.
    expect(page.get_by_text("Your account is ready")).to_be_visible()
    expect(page.get_by_test_id("slot-when")).to_have_text(when)
    refusal = page.get_by_test_id("refusal")
    expect(refusal).to_contain_text("Please complete the health check")
    expect(page.get_by_role("button", name="Confirm booking")).to_have_count(0)
    link = page.get_by_test_id("take-assessment")
    expect(link).to_have_attribute("href", "/assessment/")
    assert User.objects.filter(email="robin@example.test", role="client").exists()
    assert not Booking.objects.exists()

    # The chosen time waits in the session: the booking page offers to continue with it.
    page.goto("/book/swedish/")
    expect(page.get_by_test_id("pending-slot")).to_contain_text(when.rsplit("–", 1)[0])
    link_back = page.get_by_role("link", name="Continue with that time")
    link_back.click()
    expect(page.get_by_test_id("slot-when")).to_have_text(when)
    assert not Booking.objects.exists()
