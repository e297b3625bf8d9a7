"""A visitor finds a technique and a therapist; a client signs up, in and out. Real Chromium."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.menu import open_menu
from tests.factories import link_in_last_email
from unknot.apps.accounts.models import User
from unknot.demo.build import build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_home_to_a_therapist_profile(page):
    build_demo(progress=lambda _: None)
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("back")
    open_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Techniques").click()
    expect(page).to_have_url(re.compile(r"/techniques/$"))
    page.get_by_role("link", name="Thai yoga massage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thai yoga massage")
    expect(page.get_by_test_id("clothing")).to_have_text("Fully clothed")
    page.get_by_role("link", name=re.compile("Therapists who practise")).click()
    expect(page).to_have_url(re.compile(r"/therapists/\?technique=thai-yoga"))
    results = page.locator("#results")
    expect(results.get_by_role("link", name="Nok Suriya")).to_be_visible()
    expect(results.get_by_role("link", name="Ana Kowalska")).to_have_count(0)
    # The filter works in place through htmx, and the address follows it.
    page.get_by_label("Language").select_option(label="Japanese")
    expect(results.get_by_role("link", name="Nok Suriya")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"language=ja"))
    results.get_by_role("link", name="Kenji Watanabe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kenji Watanabe")
    expect(page.get_by_test_id("licence-status")).to_have_text("Verified and valid")
    expect(page.get_by_role("heading", name="Training and certifications")).to_be_visible()


def test_sign_up_sign_in_sign_out(page):
    page.goto("/")
    open_menu(page)
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Your name").fill("Robin Park")
    page.get_by_label("Email address").fill("robin@example.test")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert not User.objects.filter(email="robin@example.test").exists()
    page.get_by_label("Password").fill("a-Calm-back-2026")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_test_id("check-email")).to_contain_text("Check your email")
    page.goto(link_in_last_email())
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("Your account is ready")).to_be_visible()
    open_menu(page)
    page.get_by_role("button", name="Sign out").click()
    open_menu(page)
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email address").fill("robin@example.test")
    page.get_by_label("Password").fill("a-Calm-back-2026")
    page.get_by_role("button", name="Sign in").click()
    open_menu(page)
    expect(page.get_by_text("Robin")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    open_menu(page)
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
