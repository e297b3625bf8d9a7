"""Navigation helpers shared by the browser tests."""

import re

from playwright.sync_api import expect


def open_menu(page) -> None:
    """On a phone-sized screen the navigation sits behind the menu button.

    Waits until Bootstrap has finished opening it (class ``show``): a click on a link while the
    menu is still sliding open can miss.
    """
    toggler = page.get_by_role("button", name="Show menu")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        expect(page.locator("#nav-main")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
