"""A client checks in on a phone, sees the review's suggestion and the chart; the therapist
accepts the suggestion in place. Real Chromium, 390 px wide."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.apps.progress.builders import client_with_plan, scores, session, therapist_at
from tests.browser.menu import open_menu
from tests.browser.second_factor import sign_in_with_code
from tests.factories import PASSWORD
from unknot.apps.progress.models import CheckIn, ReviewSuggestion
from unknot.apps.progress.services import checkin_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


@pytest.fixture
def course(practice):
    now = timezone.now()
    ben = therapist_at(practice, "ben-carter")
    ana = client_with_plan("ana@example.test", now)
    for weeks, pain in ((2, 7), (1, 6)):
        held = session(ana, ben, start=now - dt.timedelta(days=7 * weeks))
        checkin_submit(
            client=ana,
            booking=held,
            kind="before",
            now=held.starts_at - dt.timedelta(hours=2),
            scores=scores(pain),
        )
    upcoming = session(ana, ben, start=now + dt.timedelta(days=1), status="confirmed")
    return {"ana": ana, "ben": ben, "next": upcoming}


def choose(page, legend: str, value: str) -> None:
    group = page.get_by_role("group", name=re.compile(legend))
    group.locator("label", has_text=re.compile(rf"^{value}$")).click()


def test_check_in_see_the_suggestion_and_the_chart_then_the_therapist_accepts(
    page, browser, live_server, course
):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in(page, course["ana"].email)
    open_menu(page)
    page.get_by_role("link", name="My progress").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My progress")
    page.get_by_role(
        "link", name=re.compile("Check in before your Swedish massage session")
    ).click()

    # Under a minute: three rows of big buttons, a tap on the back map, send.
    choose(page, "how bad has your back pain been", "4")
    choose(page, "how stiff has your back felt", "5")
    choose(page, "how stressed have you felt", "3")
    page.get_by_role("button", name="Lower back").click()  # the back map, wired by backmap.js
    expect(page.get_by_role("checkbox", name="Lower back")).to_be_checked()
    page.get_by_role("button", name="Send my check-in").click()

    expect(page.get_by_role("heading", name="Thank you, your check-in is saved")).to_be_visible()
    suggestions = page.get_by_test_id("client-suggestions")
    expect(suggestions).to_contain_text("Move to maintenance")
    expect(suggestions).to_contain_text("from 7 to 4")
    checkin = CheckIn.objects.get(booking=course["next"])
    assert checkin.regions == ["lower-back"]
    assert checkin.scores.get(measure="pain-nrs").score == 4

    # The chart: drawn by Chart.js from the JSON block, with a sentence and a table behind it.
    page.get_by_role("link", name="See my progress").click()
    pain = page.get_by_test_id("chart-pain-nrs")
    canvas = pain.locator("canvas")
    expect(canvas).to_have_attribute("data-chart-ready", "true")
    points = canvas.evaluate("c => window.Chart.getChart(c).data.datasets[0].data")
    assert points == [7, 6, 4]
    threshold = canvas.evaluate("c => window.Chart.getChart(c).data.datasets[1].data[0]")
    assert threshold == 5
    expect(canvas).to_have_attribute("aria-label", re.compile("clinically important improvement"))
    box = canvas.bounding_box()
    assert box and 250 <= box["width"] <= 390 and box["height"] > 180  # readable on a phone
    pain.get_by_text("The numbers behind the chart").click()
    expect(pain.locator("tbody tr")).to_have_count(3)
    expect(page.get_by_test_id("client-suggestions")).to_contain_text("Waiting for your therapist")

    # The therapist sees the same suggestion in their words and accepts it in place.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    therapist = context.new_page()
    sign_in_with_code(therapist, course["ben"].user)
    therapist.goto(f"/progress/clients/{course['ana'].uid}/")
    card = therapist.get_by_test_id("suggestion").first
    expect(card).to_contain_text("reaches the clinically important change of 2 points or 30%")
    card.get_by_label("Note for the client").fill("Agreed: every four weeks from now.")
    card.get_by_role("button", name="Accept", exact=True).click()
    expect(therapist.get_by_test_id("decision")).to_contain_text("Accepted by Ben Carter")
    context.close()
    assert ReviewSuggestion.objects.get(kind="maintenance").status == "accepted"

    page.reload()
    expect(page.get_by_test_id("client-suggestions")).to_contain_text("every four weeks")
    assert problems == []  # no script errors, nothing refused by the Content-Security-Policy
