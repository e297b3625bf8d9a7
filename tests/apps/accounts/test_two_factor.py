"""Two-factor sign-in for therapists and staff, with real TOTP codes from the device's key."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, reauthenticate
from unknot.apps.accounts import two_factor
from unknot.apps.accounts.models import ApiToken, Role, User

pytestmark = [pytest.mark.django_db, pytest.mark.password_only]


def code_for(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    """The code an authenticator app shows now for ``device`` (the real RFC 6238 maths)."""
    device.refresh_from_db()
    value = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=offset_steps,
    )
    return f"{value:0{device.digits}d}"


@pytest.fixture
def desk(practice) -> User:
    return User.objects.create_user(
        email="frontdesk@example.test",
        password=PASSWORD,
        full_name="Front Desk",
        role=Role.STAFF,
        practice=practice,
        is_staff=True,
    )


def sign_in(client, user, next_url: str = "") -> object:
    url = reverse("accounts:login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": user.email, "password": PASSWORD})


def set_up_app(client, user) -> tuple[TOTPDevice, list[str]]:
    """Walk the setup page as the person would; return the confirmed device and codes."""
    page = client.get(reverse("accounts:two_factor_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:two_factor_setup"), {"code": code_for(device)})
    assert response.status_code == 200, response.content.decode()[:500]
    codes = list(response.context["codes"])
    device.refresh_from_db()
    assert device.confirmed
    return device, codes


def test_setup_shows_an_inline_svg_qr_code_and_the_key_and_no_outside_image(client, desk):
    client.force_login(desk)
    page = client.get(reverse("accounts:two_factor_setup"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and 'class="segno"' in html
    assert "<img" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    device = TOTPDevice.objects.get(user=desk)
    key = re.search(r'id="totp-key">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    import base64

    assert base64.b32decode(key + "=" * (-len(key) % 8)) == device.bin_key
    assert "otpauth" not in html  # the secret URL is only inside the QR code's drawing


def test_setup_with_a_real_code_turns_it_on_and_gives_ten_single_use_recovery_codes(client, desk):
    client.force_login(desk)
    device, codes = set_up_app(client, desk)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=desk).count() == 10
    # The session that set it up is verified: the back office opens.
    assert client.get(reverse("admin:index")).status_code == 200
    assert two_factor.has_second_factor(desk)


def test_setup_with_a_wrong_code_is_a_400_and_leaves_it_off(client, desk):
    client.force_login(desk)
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=desk)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:two_factor_setup"), {"code": wrong})
    assert response.status_code == 400
    assert "not right" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.exists()


def test_sign_in_asks_for_the_code_and_nothing_opens_until_it_is_given(client, desk):
    client.force_login(desk)
    device, _ = set_up_app(client, desk)
    client.logout()

    response = sign_in(client, desk, next_url="/admin/")
    verify = reverse("accounts:two_factor_verify")
    assert response.status_code == 302 and response["Location"].startswith(verify)
    # Password alone: every page, the admin and the session API send back to the code.
    for url in ("/", "/admin/", reverse("accounts:two_factor")):
        blocked = client.get(url)
        assert blocked.status_code == 302 and blocked["Location"].startswith(verify), url
    api = client.get("/api/v1/bookings")
    assert api.status_code == 403 and api.json()["code"] == "two_factor_required"

    # Setup used this 30-second step's code, which can never be replayed: the app's next one.
    response = client.post(verify + "?next=/admin/", {"code": code_for(device, offset_steps=1)})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused_and_repeated_wrong_codes_are_throttled(client, desk):
    client.force_login(desk)
    device, _ = set_up_app(client, desk)
    client.logout()
    sign_in(client, desk)
    verify = reverse("accounts:two_factor_verify")
    good = code_for(device, offset_steps=1)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    first = client.post(verify, {"code": wrong})
    assert first.status_code == 400 and "not right" in first.content.decode()
    # django-otp doubles the wait after each failure (1 s, 2 s, 4 s...): soon even the right
    # code is refused until the wait is over.
    for _ in range(6):
        again = client.post(verify, {"code": wrong})
        if "Too many wrong codes" in again.content.decode():
            break
    else:
        pytest.fail("wrong codes were never throttled")
    right_but_throttled = client.post(verify, {"code": good})
    assert right_but_throttled.status_code == 400
    assert "Too many wrong codes" in right_but_throttled.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_recovery_code_signs_in_once(client, desk):
    client.force_login(desk)
    _, codes = set_up_app(client, desk)
    client.logout()
    verify = reverse("accounts:two_factor_verify")

    sign_in(client, desk)
    response = client.post(verify, {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert two_factor.recovery_codes_left(desk) == 9

    client.logout()
    sign_in(client, desk)
    again = client.post(verify, {"code": codes[0]})
    assert again.status_code == 400
    assert client.get("/admin/").status_code == 302


def test_a_practice_that_requires_it_sends_staff_to_set_it_up_before_anything_else(
    client, desk, practice
):
    practice.require_two_factor = True
    practice.save()
    response = sign_in(client, desk, next_url="/admin/")
    setup = reverse("accounts:two_factor_setup")
    assert response.status_code == 302 and response["Location"].startswith(setup)
    for url in ("/", "/admin/", reverse("therapists:directory")):
        blocked = client.get(url)
        assert blocked.status_code == 302 and blocked["Location"].startswith(setup), url
    device, _ = set_up_app(client, desk)
    assert client.get("/admin/").status_code == 200
    # Required by the practice: it cannot be turned off.
    client.post(reverse("accounts:two_factor_disable"))
    assert TOTPDevice.objects.filter(user=desk, confirmed=True).exists()


def test_required_two_factor_applies_to_therapists_too_but_never_to_clients(
    client, practice, therapist, client_user
):
    practice.require_two_factor = True
    practice.save()
    client.force_login(therapist.user)
    blocked = client.get("/")
    assert blocked.status_code == 302
    assert blocked["Location"].startswith(reverse("accounts:two_factor_setup"))
    client.force_login(client_user)
    assert client.get("/").status_code == 200
    assert client.get(reverse("accounts:two_factor_setup")).status_code == 404


def test_htmx_requests_are_sent_on_with_a_client_side_redirect(client, desk, practice):
    practice.require_two_factor = True
    practice.save()
    client.force_login(desk)
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("accounts:two_factor_setup"))


def test_a_password_alone_buys_no_api_token_for_an_account_with_two_factor(client, desk):
    client.force_login(desk)
    set_up_app(client, desk)
    client.logout()
    response = client.post(
        "/api/v1/auth/token",
        {"email": desk.email, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "two_factor_required"
    assert not ApiToken.objects.filter(user=desk).exists()


def test_voluntary_two_factor_can_be_turned_off_and_codes_renewed(client, practice, therapist):
    # Voluntary only where the owner has relaxed it for therapists.
    practice.require_two_factor = False
    practice.save()
    user = therapist.user
    client.force_login(user)
    _, codes = set_up_app(client, user)
    assert reauthenticate(client, code=codes[0]).status_code == 302
    renewed = client.post(reverse("accounts:two_factor_recovery_codes"))
    new_codes = renewed.context["codes"]
    assert set(new_codes).isdisjoint(codes)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new_codes)
    client.post(reverse("accounts:two_factor_disable"))
    assert not two_factor.has_second_factor(user)
    assert not StaticToken.objects.exists()
