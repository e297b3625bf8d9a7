"""An htmx request that fails says why on the page, whatever its status."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import override_settings
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ignore_expected_console_errors(page, errors: list[str]) -> None:
    page.on("pageerror", lambda error: errors.append(str(error)))

    def on_console(message) -> None:
        if message.type == "error" and not re.search(r"(status of|Error Code) 429", message.text):
            errors.append(message.text)

    page.on("console", on_console)


def test_a_rate_limited_assessment_step_shows_the_limit_message(page):
    errors: list[str] = []
    _ignore_expected_console_errors(page, errors)
    cache.clear()
    # Answers (POSTs) count against the limit: the first is refused at once.
    with override_settings(UNKNOT_RATE_LIMITS={"assessment": "0/m"}):
        page.goto("/assessment/where/")
        expect(page.get_by_test_id("request-error")).to_be_hidden()
        page.get_by_role("checkbox", name="Lower back").check()
        page.get_by_role("button", name="Continue").click()
        banner = page.get_by_test_id("request-error")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("Please try again in")
        expect(banner).to_be_focused()
        banner.get_by_role("button", name="Dismiss this message").click()
        expect(banner).to_be_hidden()
    cache.clear()
    assert errors == []


def test_an_unreachable_server_is_said_so(page, live_server):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/assessment/where/")
    page.get_by_role("checkbox", name="Lower back").check()
    # The network itself fails: the browser cannot reach the server for this one request.
    page.route(re.compile(r".*/assessment/.*"), lambda route: route.abort())
    page.get_by_role("button", name="Continue").click()
    banner = page.get_by_test_id("request-error")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("could not reach the server")
    assert errors == []
