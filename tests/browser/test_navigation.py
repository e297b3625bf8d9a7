"""Every page of one's own is reachable at phone and desktop width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.menu import open_menu
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLIENT_PAGES = [
    "My appointments",
    "My programs",
    "My progress",
    "My assessments",
    "Waitlist",
    "My questions",
    "Calendar feed",
    "My data",
]


def _sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


@pytest.mark.parametrize("width", [390, 1366])
def test_a_client_reaches_all_their_pages(browser, live_server, client_user, width):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 844}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        _sign_in(page, client_user.email)
        for name in CLIENT_PAGES:
            page.goto("/")
            open_menu(page)
            link = page.get_by_role("link", name=name, exact=True)
            expect(link).to_have_count(1)  # one visible copy: the menu's or the strip's
            expect(link).to_be_in_viewport()
            link.click()
            expect(page).not_to_have_url(re.compile(r"127\.0\.0\.1:\d+/$"))
    finally:
        context.close()
