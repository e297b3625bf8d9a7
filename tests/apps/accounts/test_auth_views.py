import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import finish_sign_up, link_in_last_email
from unknot.apps.accounts.models import Role, User

pytestmark = pytest.mark.django_db


def test_sign_up_sends_a_link_that_creates_the_client_and_signs_them_in(client):
    response = client.post(
        reverse("accounts:signup") + "?next=/book/",
        {"full_name": "Ana Silva", "email": "Ana@Example.test", "password": "calm-Back-2026"},
    )
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    assert not User.objects.exists()  # nothing until the address is proven
    assert mail.outbox[-1].to == ["ana@example.test"]
    finished = finish_sign_up(client)
    assert finished.status_code == 302 and finished["Location"] == "/book/"
    user = User.objects.get(email="ana@example.test")
    assert user.check_password("calm-Back-2026") and user.full_name == "Ana Silva"
    assert user.role == Role.CLIENT
    assert user.practice is None
    assert client.get(reverse("home:index")).context["user"] == user


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"full_name": "A", "email": "not-an-email", "password": "calm-Back-2026"}, "email"),
        ({"full_name": "A", "email": "a@example.test", "password": "123"}, "password"),
        ({"full_name": "", "email": "a@example.test", "password": "calm-Back-2026"}, "full_name"),
    ],
)
def test_sign_up_rejects_bad_input_with_400_and_stores_nothing(client, data, field):
    response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert User.objects.count() == 0


def test_sign_up_link_works_once_and_not_when_forged(client):
    client.post(
        reverse("accounts:signup"),
        {"full_name": "Ana", "email": "ana@example.test", "password": "calm-Back-2026"},
    )
    path = link_in_last_email()
    assert client.post(path).status_code == 302
    client.logout()
    assert client.post(path).status_code == 400
    assert client.get(path[:-3] + "xx/").status_code == 400
    assert User.objects.count() == 1


def test_sign_up_link_expires(client, settings, time_machine):
    client.post(
        reverse("accounts:signup"),
        {"full_name": "Ana", "email": "ana@example.test", "password": "calm-Back-2026"},
    )
    path = link_in_last_email()
    hours = settings.UNKNOT_EMAIL_LINK_HOURS
    time_machine.move_to(dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours, minutes=1))
    assert client.post(path).status_code == 400
    assert not User.objects.exists()


def _page_text(response) -> str:
    html = response.content.decode()
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


def test_sign_up_answers_the_same_for_an_existing_address_and_mails_its_owner(client, client_user):
    existing = client.post(
        reverse("accounts:signup"),
        {"full_name": "Ana", "email": "ANA@example.test", "password": "calm-Back-2026"},
    )
    new = client.post(
        reverse("accounts:signup"),
        {"full_name": "Ana", "email": "ana2@example.test", "password": "calm-Back-2026"},
    )
    assert existing.status_code == new.status_code == 200
    assert _page_text(existing).replace("ana@example.test", "ADDRESS") == _page_text(new).replace(
        "ana2@example.test", "ADDRESS"
    )
    owner_mail = mail.outbox[0]
    assert owner_mail.to == ["ana@example.test"]
    assert "already has one" in owner_mail.body and "/accounts/password-reset/" in owner_mail.body
    assert "/signup/confirm/" not in owner_mail.body
    assert User.objects.count() == 1
    client_user.refresh_from_db()
    assert client_user.check_password("a-Strong-pass-2026")  # untouched


def test_sign_in_by_email_and_sign_out(client, client_user):
    response = client.post(
        reverse("accounts:login"),
        {"username": "ana@example.test", "password": "a-Strong-pass-2026"},
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_a_400_with_a_message(client, client_user):
    response = client.post(
        reverse("accounts:login"), {"username": "ana@example.test", "password": "wrong"}
    )
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_working_link(client, client_user):
    response = client.post(reverse("accounts:password_reset"), {"email": "ana@example.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@example.test"]
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "new-Calm-pass-77", "new_password2": "new-Calm-pass-77"}
    )
    assert response.status_code == 302
    client_user.refresh_from_db()
    assert client_user.check_password("new-Calm-pass-77")


def test_password_reset_for_unknown_email_sends_nothing_and_reveals_nothing(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.test"})
    assert response.status_code == 302
    assert mail.outbox == []
