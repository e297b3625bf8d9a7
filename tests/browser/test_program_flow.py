"""A client turns their plan into a 10-week program, solves a conflict in one click, books it
all in one go and cancels one session. Real Chromium on a phone-sized screen."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.menu import open_menu
from tests.factories import PASSWORD, add_weekday_hours, make_assessment, make_therapist
from unknot.apps.accounts.models import User
from unknot.apps.booking import services as booking_services
from unknot.apps.booking.models import Booking
from unknot.apps.practices.models import Room, Service, Technique
from unknot.apps.programs.models import Program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")


def next_tuesday() -> dt.date:
    day = timezone.now().astimezone(LONDON).date() + dt.timedelta(days=3)
    while day.weekday() != 1:
        day += dt.timedelta(days=1)
    return day


def test_book_a_ten_week_program_from_the_plan(page, practice):
    practice.min_notice_minutes = 60
    practice.save()
    ben = make_therapist(practice, "ben-carter", techniques=("swedish",))
    add_weekday_hours(ben)
    swedish = Technique.objects.get(slug="swedish")
    service = Service.objects.create(
        practice=practice, technique=swedish, duration_minutes=60, price="60"
    )
    Room.objects.create(practice=practice, name="A").techniques.add(swedish)
    ana = User.objects.create_user(email="ana@example.test", password=PASSWORD, full_name="Ana")
    make_assessment(ana)  # its plan: ten weekly sessions of about 60 minutes
    first_day = next_tuesday()
    ninth = dt.datetime.combine(first_day + dt.timedelta(weeks=8), dt.time(10), tzinfo=LONDON)
    cleo = User.objects.create_user(email="cleo@example.test", password=PASSWORD)
    make_assessment(cleo)
    booking_services.booking_create(
        client=cleo, service=service, start=ninth, now=timezone.now(), therapist=ben
    )

    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("ana@example.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    open_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My programs").click()
    page.get_by_role("link", name="Plan a program").click()

    # The builder starts from the plan of the self-assessment.
    expect(page.get_by_test_id("plan")).to_contain_text("Treatment course")
    expect(page.get_by_label("Number of sessions")).to_have_value("10")
    expect(page.get_by_label("How often")).to_have_value("7")
    expect(page.get_by_label("Session length")).to_have_value("60")
    page.get_by_label("Therapist").select_option(label="Ben Carter")
    page.get_by_label("Day of the week").select_option(label="Tuesday")
    page.get_by_label("Time").fill("10:00")
    page.get_by_label("Starting from").fill(first_day.isoformat())
    page.get_by_role("button", name="See all the dates").click()

    # Every one of the ten dates is checked; the ninth is taken.
    occurrences = page.get_by_test_id("occurrence")
    expect(occurrences).to_have_count(10)
    expect(page.locator('[data-status="conflict"]')).to_have_count(1)
    book_all = page.get_by_role("button", name="Book all 10 sessions")
    expect(book_all).to_be_disabled()
    ninth_row = occurrences.nth(8)
    expect(ninth_row).to_contain_text("Session 9")
    ninth_row.get_by_role("button", name=re.compile(r"11:15 with Ben Carter")).click()
    expect(page.locator('[data-status="conflict"]')).to_have_count(0)
    expect(occurrences.nth(8)).to_contain_text("Your choice")
    expect(book_all).to_be_enabled()
    book_all.click()

    # One program, ten bookings, all to come.
    expect(page.get_by_role("heading", level=1)).to_have_text("Swedish massage program")
    expect(page.get_by_test_id("session")).to_have_count(10)
    program = Program.objects.get(client=ana)
    starts = sorted(b.starts_at.astimezone(LONDON) for b in program.bookings)
    assert len(starts) == 10
    assert starts[8] == ninth + dt.timedelta(minutes=75)
    assert {s.time() for i, s in enumerate(starts) if i != 8} == {dt.time(10)}
    assert [s.date() for i, s in enumerate(starts) if i != 8] == [
        first_day + dt.timedelta(weeks=i) for i in range(10) if i != 8
    ]

    # Cancel one session: it asks first, with the terms, and nothing changes until confirmed.
    page.get_by_role("link", name="Cancel session 3").click()
    expect(page.get_by_role("heading", name="Cancel session 3?")).to_be_visible()
    expect(page.get_by_text("Cancelling now is free")).to_be_visible()
    assert Booking.objects.filter(client=ana, status="confirmed").count() == 10
    page.get_by_role("button", name="Yes, cancel session 3").click()
    # The other nine stay.
    expect(page.get_by_role("status").first).to_contain_text("Session 3 is cancelled")
    expect(page.get_by_test_id("session")).to_have_count(9)
    assert Booking.objects.filter(client=ana, status="confirmed").count() == 9
