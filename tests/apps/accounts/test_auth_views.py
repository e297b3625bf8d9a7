import re

import pytest
from django.core import mail
from django.urls import reverse

from unknot.apps.accounts.models import Role, User

pytestmark = pytest.mark.django_db


def test_sign_up_creates_a_client_and_signs_them_in(client):
    response = client.post(
        reverse("accounts:signup"),
        {"full_name": "Ana Silva", "email": "Ana@Example.test", "password": "calm-Back-2026"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="ana@example.test")
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


def test_sign_up_refuses_an_existing_email_in_any_case(client, client_user):
    response = client.post(
        reverse("accounts:signup"),
        {"full_name": "Ana", "email": "ANA@example.test", "password": "calm-Back-2026"},
    )
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert User.objects.count() == 1


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
