"""Every main page in a real Chromium under the real Content Security Policy: any violation
(or script error) reported in the console fails the test.

The pages are the permission matrix's GET routes, each opened as a persona the matrix lets
in, so new pages are covered as soon as they are in the matrix.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from tests.security.matrix import OK
from tests.security.test_permission_matrix import WEB, _url_for
from tests.security.world import PERSONAS, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')
    + ' at ' + e.sourceFile + ':' + e.lineNumber);
});
"""


def session_cookie(user, live_server_url: str) -> dict:
    """A signed-in session (with its second factor, for practice-side people) as a cookie."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server_url,
    }


NOT_PAGES = {
    "api-v1:openapi-json",
    "records:export_json",
    "media/<path:path>",
    "healthz",
    "notifications:feed",
}
"""Routes that answer with data or a download, not a page."""


def pages(world) -> list[tuple[str, str]]:
    """(persona, url) for every GET page of the matrix, as the first persona allowed in."""
    out = []
    for key, probes in WEB.items():
        for probe in probes:
            if probe.method != "GET" or key in NOT_PAGES:
                continue
            persona = next((p for p in PERSONAS if probe.expect[p] == OK), None)
            if persona is not None:
                out.append((persona, _url_for(key, world, probe)))
    staff_pages = [
        reverse("admin:index"),
        reverse("admin:booking_booking_changelist"),
        reverse("admin:booking_booking_change", args=[world.booking.pk]),
        reverse("admin:practices_room_add"),
    ]
    out += [("staff", url) for url in staff_pages]
    return out


def test_no_page_breaks_the_content_security_policy(browser, live_server):
    world = build_world()
    contexts = {}
    problems: list[str] = []

    def context_for(persona: str):
        if persona not in contexts:
            context = browser.new_context(
                base_url=live_server.url, viewport={"width": 390, "height": 844}
            )
            context.set_default_timeout(15_000)
            context.add_init_script(WATCH)
            user = world.users[persona]
            if user is not None:
                context.add_cookies([session_cookie(user, live_server.url)])
            contexts[persona] = context
        return contexts[persona]

    seen = 0
    for persona, url in pages(world):
        page = context_for(persona).new_page()
        page.on(
            "console",
            lambda msg, url=url: (
                problems.append(f"{url}: console {msg.type}: {msg.text}")
                if (msg.type == "error" and "Failed to load resource" not in msg.text)
                or "Content Security Policy" in msg.text
                else None
            ),
        )
        page.on("pageerror", lambda error, url=url: problems.append(f"{url}: {error}"))
        page.on(
            "response",
            lambda r, url=url: (
                problems.append(f"{url}: {r.url} answered {r.status}")
                if r.status >= 400 and r.request.resource_type != "document"
                else None
            ),
        )
        response = page.goto(url, wait_until="load")
        assert response is not None and response.status < 500, (url, persona)
        page.wait_for_timeout(150)
        problems.extend(f"{url}: {v}" for v in page.evaluate("window.__violations"))
        page.close()
        seen += 1
    assert seen >= 25, f"only {seen} pages were checked"

    # Scripts really run under the policy: Bootstrap opens the menu, htmx is configured.
    page = context_for("anonymous").new_page()
    page.on(
        "console", lambda msg: problems.append(f"menu: {msg.text}") if msg.type == "error" else None
    )
    page.goto("/")
    page.get_by_role("button", name="Show menu").click()
    expect(page.locator("#nav-main")).to_be_visible()
    assert page.evaluate("window.htmx && htmx.config.allowEval") is False
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    problems.extend(page.evaluate("window.__violations"))
    for context in contexts.values():
        context.close()
    assert not problems, "\n".join(problems)
