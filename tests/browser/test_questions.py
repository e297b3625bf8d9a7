"""A visitor asks a therapist; the therapist answers in their portal; the visitor reads it."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from tests.browser.menu import open_menu
from tests.browser.second_factor import sign_in_with_code
from tests.factories import make_therapist
from unknot.apps.questions.models import Question

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "I sit at a desk all day and my lower back aches by evening. Which style would suit me?"
ANSWER = "A gentle Swedish massage with some work on the hips is a good place to start."


def test_a_question_is_answered_in_the_portal_and_read_by_the_visitor(
    page, practice, browser, live_server
):
    cache.clear()
    ben = make_therapist(practice, "ben-carter", techniques=("swedish",))

    # A visitor asks from the profile page, without an account.
    page.goto(f"/therapists/{ben.slug}/")
    ask = page.get_by_role("region", name="Ask Ben Carter a question")
    ask.get_by_label("What is it about?").select_option(label="What would suit my back")
    ask.get_by_label("Your question").fill(QUESTION)
    ask.get_by_label("Your first name (optional)").fill("Sam")
    ask.get_by_label("Your email address").fill("sam@example.test")
    ask.get_by_label(re.compile("may publish my question")).check()
    ask.get_by_role("button", name="Send my question").click()
    expect(page.get_by_test_id("question-sent")).to_contain_text("on its way to Ben Carter")
    private_link = page.get_by_test_id("private-link").get_attribute("href")
    assert Question.objects.get().consent_to_publish is True
    assert [m.to for m in mail.outbox] == [[ben.user.email]]

    # The therapist signs in and answers it in the portal.
    therapist = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}
    )
    portal = therapist.new_page()
    sign_in_with_code(portal, ben.user)
    open_menu(portal)
    portal.get_by_role("navigation", name="Main").get_by_role("link", name="Questions").click()
    expect(portal.get_by_role("heading", level=1)).to_have_text("Questions from visitors")
    portal.get_by_role("link", name=re.compile("^Sam,")).click()
    expect(portal.get_by_test_id("question-body")).to_contain_text("desk all day")
    portal.get_by_label("Your answer").fill(ANSWER)
    portal.get_by_role("button", name="Send my answer").click()
    expect(portal.get_by_role("status")).to_have_text("Answer sent.")
    expect(portal.get_by_test_id("question-status")).to_have_text("Answered")
    portal.get_by_role("button", name="Publish on my profile").click()
    expect(portal.get_by_role("status")).to_have_text("Published on your profile.")
    therapist.close()

    # The answer reaches the visitor by email and on the question's private page.
    answer_email = mail.outbox[-1]
    assert answer_email.to == ["sam@example.test"]
    assert ANSWER in answer_email.body
    page.goto(private_link)
    expect(page.get_by_test_id("answer")).to_have_text(ANSWER)

    # With the visitor's consent it is now part of the profile's questions and answers.
    page.goto(f"/therapists/{ben.slug}/")
    faq = page.get_by_test_id("faq")
    expect(faq).to_contain_text(QUESTION)
    expect(faq).to_contain_text(ANSWER)
    expect(faq).not_to_contain_text("Sam")
