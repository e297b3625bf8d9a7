"""The self-assessment in a real Chromium: back map by mouse and keyboard, results, saving."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.menu import open_menu
from tests.factories import link_in_last_email
from unknot.apps.accounts.models import User
from unknot.apps.guide.models import SavedAssessment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def region(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def test_whole_flow_with_the_back_map_then_save_after_signing_up(page):
    errors: list[str] = []  # script errors and Content-Security-Policy refusals
    page.on("pageerror", lambda error: errors.append(str(error)))

    def on_console(message) -> None:
        # The one expected error is the 400 of the deliberately bad answer below.
        if message.type == "error" and "status of 400" not in message.text:
            errors.append(message.text)

    page.on("console", on_console)

    page.goto("/")
    page.get_by_role("link", name="Take the self-assessment").click()
    page.get_by_role("link", name="Start the self-assessment").click()
    expect(page).to_have_url(re.compile(r"/assessment/where/$"))

    # The map replaces nothing: each area toggles the real checkbox, and back again.
    lower_back = region(page, "Lower back")
    expect(lower_back).to_be_visible()
    lower_back_box = page.get_by_role("checkbox", name="Lower back")
    lower_back.click()  # the mouse
    expect(lower_back).to_have_attribute("aria-pressed", "true")
    expect(lower_back_box).to_be_checked()

    # The keyboard: Tab moves from area to area; Space and Enter select.
    page.keyboard.press("Tab")
    hips = region(page, "Hips and buttocks")
    expect(hips).to_be_focused()
    page.keyboard.press("Space")
    expect(hips).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("checkbox", name="Hips and buttocks")).to_be_checked()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    mid_back = region(page, "Mid back")
    expect(mid_back).to_be_focused()
    page.keyboard.press("Enter")
    expect(mid_back).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Enter")
    expect(mid_back).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_role("checkbox", name="Mid back")).not_to_be_checked()

    # Ticking a checkbox shows on the map too.
    page.get_by_role("checkbox", name="Neck", exact=True).check()
    expect(region(page, "Neck")).to_have_attribute("aria-pressed", "true")
    region(page, "Neck").click()
    expect(page.get_by_role("checkbox", name="Neck", exact=True)).not_to_be_checked()

    page.get_by_role("checkbox", name="Low-back pain").check()
    page.get_by_label("How strong is the pain right now?").fill("11")
    page.get_by_label("For about how many weeks has it bothered you?").fill("20")
    page.get_by_role("button", name="Continue").click()

    # Bad input comes back in place, next to the field, and nothing moves on.
    expect(page.locator("#id_intensity_errors")).to_contain_text("between 0 and 10")
    expect(page).to_have_url(re.compile(r"/assessment/where/$"))
    expect(lower_back).to_have_attribute("aria-pressed", "true")  # the map was wired again
    page.get_by_label("How strong is the pain right now?").fill("5")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name=re.compile("What are your goals"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"/assessment/goals/$"))
    page.get_by_role("checkbox", name="Relief from back pain").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name=re.compile("What do you prefer"))).to_be_visible()
    page.get_by_role("radio", name=re.compile("^4 · Firm")).check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name=re.compile("Your health"))).to_be_visible()
    # No answer at all is refused, never taken as healthy.
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert").first).to_contain_text("None of these apply to me")
    # A group opens on demand, and "where is it?" shows only once its condition is ticked.
    page.get_by_text("Heart, blood pressure, veins and blood clots").click()
    veins = page.get_by_role("checkbox", name="Varicose veins")
    expect(veins).to_be_visible()
    where = page.get_by_role("group", name=re.compile("Where is it")).first
    expect(page.get_by_role("checkbox", name="left leg").first).to_be_hidden()
    veins.check()
    expect(where).to_be_visible()
    veins.uncheck()
    page.get_by_role("checkbox", name="None of these apply to me").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name=re.compile("Warning signs"))).to_be_visible()
    page.get_by_role("button", name="See my results").click()

    expect(page).to_have_url(re.compile(r"/assessment/result/$"))
    expect(page.get_by_test_id("status")).to_contain_text("Massage looks suitable for you")
    recs = page.get_by_role("heading", name=re.compile(r"^(Choice )?1\. "))
    expect(recs).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Book ")).first).to_have_attribute(
        "href", re.compile(r"^/book/[a-z-]+/$")
    )
    expect(page.get_by_role("heading", name="Your program plan")).to_be_visible()
    assert SavedAssessment.objects.count() == 0

    # A citation leads to the evidence page, at that study.
    page.get_by_role("link", name="Cherkin 2011").first.click()
    expect(page).to_have_url(re.compile(r"/evidence/#cherkin-2011$"))
    study = page.locator("#cherkin-2011")
    expect(study).to_be_in_viewport()
    expect(study).to_contain_text("401")
    page.go_back()

    # Save it after signing up: the result waited in the session.
    page.get_by_role("link", name="create an account").click()
    page.get_by_label("Your name").fill("Robin Park")
    page.get_by_label("Email address").fill("robin@example.test")
    page.get_by_label("Password").fill("a-Calm-back-2026")
    page.get_by_role("button", name="Sign up").click()
    # The same answer for every address: the link in the email finishes the sign-up and
    # comes back here (in this browser, the result still waits in the session).
    expect(page.get_by_test_id("check-email")).to_contain_text("Check your email")
    page.goto(link_in_last_email())
    page.get_by_role("button", name="Create my account").click()
    expect(page).to_have_url(re.compile(r"/assessment/result/$"))
    page.get_by_role("button", name="Save to my account").click()
    expect(page.get_by_text("Your assessment is saved to your account.")).to_be_visible()

    robin = User.objects.get(email="robin@example.test")
    saved = SavedAssessment.objects.get(client=robin)
    assert saved.intake["regions"] == ["lower-back", "hips"]
    assert saved.intake["symptoms"] == ["low-back-pain"]
    assert saved.intake["preferences"]["pressure_tolerance"] == 4
    assert saved.status == "ok"

    open_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My assessments").click()
    expect(page.get_by_role("heading", name="My assessments")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"\d{4}"))).to_have_count(1)
    assert errors == []


def test_without_javascript_the_checkboxes_do_the_job(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto("/assessment/where/")
        expect(page.locator("[data-backmap]")).to_be_hidden()
        page.get_by_role("checkbox", name="Between the shoulder blades", exact=True).check()
        page.get_by_role("checkbox", name="Pain between the shoulder blades").check()
        page.get_by_role("button", name="Continue").click()
        expect(page).to_have_url(re.compile(r"/assessment/goals/$"))
        for _ in range(2):
            page.get_by_role("button", name="Continue").click()
        # The health groups are native disclosures: they open without JavaScript too.
        page.get_by_text("Brain, nerves and balance").click()
        page.get_by_role("checkbox", name="Epilepsy or seizures").check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("checkbox", name=re.compile("^Numbness around the groin")).check()
        page.get_by_role("button", name="See my results").click()
        expect(page.get_by_test_id("status")).to_contain_text("Get emergency help now")
        expect(page.get_by_test_id("next-steps")).to_contain_text("Call emergency services")
        expect(page.get_by_role("link", name=re.compile("^Book "))).to_have_count(0)
        expect(page.get_by_role("heading", name="Questions to ask your therapist")).to_have_count(0)
    finally:
        context.close()
