"""The whole journey in a real Chromium: self-assessment, saved, to a confirmed booking.

The booking is made with the assessment just taken: the therapist sees its flags with the
appointment. A client on blood thinners is capped at light pressure.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_therapist
from unknot.apps.booking.models import Booking, BookingStatus, WorkingHours
from unknot.apps.guide.models import SavedAssessment
from unknot.apps.practices.models import Room, Service, Technique

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def swedish_therapist(practice):
    swedish = Technique.objects.get(slug="swedish")
    ben = make_therapist(practice, "ben-carter", techniques=("swedish",))
    for weekday in range(7):
        WorkingHours.objects.create(
            therapist=ben, weekday=weekday, start_time=dt.time(6), end_time=dt.time(22)
        )
    Service.objects.create(practice=practice, technique=swedish, duration_minutes=60, price="60.00")
    room = Room.objects.create(practice=practice, name="Willow", kind="table")
    room.techniques.set([swedish])
    return ben


def test_from_the_self_assessment_to_a_confirmed_safe_booking(page, swedish_therapist, client_user):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(client_user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto("/assessment/")
    page.get_by_role("link", name="Start the self-assessment").click()
    page.get_by_role("button", name="Lower back", exact=True).click()
    page.get_by_role("checkbox", name="Low-back pain").check()
    page.get_by_label("How strong is the pain right now?").fill("5")
    page.get_by_label("For about how many weeks has it bothered you?").fill("20")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("checkbox", name="Relief from back pain").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name=re.compile("What do you prefer"))).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name=re.compile("Your health"))).to_be_visible()
    page.get_by_text("Medicines and bruising").click()
    blood_thinners = page.get_by_role("group", name=re.compile("blood-thinning medicine"))
    blood_thinners.get_by_role("radio", name="Yes").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="See my results").click()

    expect(page.get_by_test_id("status")).to_contain_text("Massage looks suitable for you")
    # Blood thinners rule deep work out, whatever the ranking.
    expect(page.get_by_role("link", name="Book Deep tissue massage")).to_have_count(0)
    page.get_by_role("button", name="Save to my account").click()
    expect(page.get_by_text("Your assessment is saved to your account.")).to_be_visible()

    page.get_by_role("link", name="Book Swedish massage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book Swedish massage")
    page.get_by_test_id("any-therapist").click()
    page.get_by_test_id("slot").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your booking")
    page.get_by_role("button", name="Confirm booking").click()

    expect(page.get_by_text("Your session is booked.")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("Confirmed")
    booking = Booking.objects.get()
    saved = SavedAssessment.objects.get(client=client_user)
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.assessment == saved
    assert booking.safety["pressure_cap"] <= 2
    assert any(flag["code"] == "anticoagulants" for flag in booking.safety["flags"])
