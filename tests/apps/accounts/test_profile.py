"""The account page: name, email change by a signed link, password change (issue 12)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, reauthenticate
from unknot.apps.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(client, client_user):
    client.force_login(client_user)
    return client_user


def test_the_page_shows_the_account_and_its_links(client, ana):
    html = client.get(reverse("accounts:profile")).content.decode()
    assert ana.email in html
    for name in (
        "accounts:email_change",
        "accounts:password_change",
        "accounts:tokens",
        "records:export",
        "records:close",
    ):
        assert f'href="{reverse(name)}"' in html, name
    assert reverse("accounts:two_factor") not in html  # clients do not use two-factor


def test_practice_people_get_the_two_factor_link_and_no_client_pages(client, staff_user):
    client.force_login(staff_user)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{reverse("accounts:two_factor")}"' in html
    assert reverse("records:close") not in html


def test_the_name_can_be_changed(client, ana):
    assert client.post(reverse("accounts:profile"), {"full_name": "Ana Silva"}).status_code == 302
    ana.refresh_from_db()
    assert ana.full_name == "Ana Silva"
    assert client.post(reverse("accounts:profile"), {"full_name": ""}).status_code == 400


def _ask_for(client, address: str):
    reauthenticate(client)
    return client.post(reverse("accounts:email_change"), {"new_email": address})


def test_an_email_change_waits_for_the_new_address_and_tells_the_old_one(client, ana):
    assert _ask_for(client, "Ana.New@Example.test").status_code == 302
    confirm, notice = mail.outbox[-2], mail.outbox[-1]
    assert confirm.to == ["ana.new@example.test"] and "/accounts/email/confirm/" in confirm.body
    assert notice.to == ["ana@example.test"] and "ana.new@example.test" in notice.body
    assert "/accounts/email/confirm/" not in notice.body
    ana.refresh_from_db()
    assert ana.email == "ana@example.test"  # not yet
    path = _confirm_path(confirm)
    assert client.get(path).status_code == 200  # a visit alone changes nothing
    ana.refresh_from_db()
    assert ana.email == "ana@example.test"
    assert client.post(path).status_code == 302
    ana.refresh_from_db()
    assert ana.email == "ana.new@example.test"
    # The link works once: the account no longer has the address it was made for.
    assert client.post(path).status_code == 400


def _confirm_path(message) -> str:
    import re

    return re.search(r"/accounts/email/confirm/\S+/", message.body).group(0)


def test_an_email_change_link_expires(client, ana, settings, time_machine):
    _ask_for(client, "new@example.test")
    path = _confirm_path(mail.outbox[-2])
    hours = settings.UNKNOT_EMAIL_LINK_HOURS
    time_machine.move_to(timezone.now() + dt.timedelta(hours=hours, minutes=1))
    assert client.post(path).status_code == 400
    ana.refresh_from_db()
    assert ana.email == "ana@example.test"


def test_an_email_change_to_a_taken_address_does_nothing(client, ana, other_client_user):
    _ask_for(client, other_client_user.email)
    path = _confirm_path(mail.outbox[-2])
    assert client.post(path).status_code == 400
    ana.refresh_from_db()
    assert ana.email == "ana@example.test"


def test_a_forged_email_change_link_does_nothing(client, ana):
    assert client.post("/accounts/email/confirm/eyJ1IjoiYSJ9:forged:sig/").status_code == 400
    assert User.objects.get(pk=ana.pk).email == "ana@example.test"


def test_the_password_change_is_djangos_form_and_checks_the_old_password(client, ana):
    reauthenticate(client)
    page = client.get(reverse("accounts:password_change"))
    from django.contrib.auth.forms import PasswordChangeForm

    assert isinstance(page.context["form"], PasswordChangeForm)
    wrong = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "nope",
            "new_password1": "x-Calm-2027-y",
            "new_password2": "x-Calm-2027-y",
        },
    )
    assert wrong.status_code == 400
    ana.refresh_from_db()
    assert ana.check_password(PASSWORD)
