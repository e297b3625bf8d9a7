"""`unknot demo` prints what each practice-side account needs to sign in, and it works."""

from __future__ import annotations

import base64
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp

from unknot.apps.accounts import two_factor
from unknot.apps.accounts.models import Role, User
from unknot.apps.practices.models import Practice
from unknot.demo import data

pytestmark = [pytest.mark.django_db, pytest.mark.password_only]

BLOCK = re.compile(
    r"  (?P<label>[^:\n]+): (?P<email>\S+)\n"
    r"      authenticator key: (?P<key>[A-Z2-7 ]+)\n"
    r"      recovery codes:    (?P<codes>[a-z2-7 ]+)\n"
    r"      otpauth:           (?P<otpauth>otpauth://\S+)\n"
)


@pytest.fixture
def printed():
    out = io.StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    return text, {m["email"]: m.groupdict() for m in BLOCK.finditer(text)}


def test_every_practice_side_account_is_printed_with_a_key_and_codes(printed):
    text, blocks = printed
    assert data.DEMO_PASSWORD in text
    practice_side = set(
        User.objects.filter(role__in=[Role.THERAPIST, Role.STAFF, Role.OWNER]).values_list(
            "email", flat=True
        )
    )
    assert set(blocks) == practice_side
    assert data.SUPERUSER["email"] in blocks
    for email, block in blocks.items():
        assert len(block["codes"].split()) == two_factor.RECOVERY_CODES, email
        user = User.objects.get(email=email)
        assert two_factor.required(user) and two_factor.has_second_factor(user), email


def test_one_owner_per_practice_and_the_administrator_in_none(printed):
    for practice in Practice.objects.all():
        assert practice.members.filter(role=Role.OWNER).count() == 1, practice.slug
    admin = User.objects.get(email=data.SUPERUSER["email"])
    assert admin.is_superuser and admin.practice_id is None


def _code(key: str) -> str:
    raw = key.replace(" ", "")
    secret = base64.b32decode(raw + "=" * (-len(raw) % 8))
    return f"{totp(secret, step=30, t0=0, digits=6):06d}"


def _sign_in(client, email: str, code: str):
    client.post(reverse("accounts:login"), {"username": email, "password": data.DEMO_PASSWORD})
    return client.post(reverse("accounts:two_factor_verify"), {"code": code})


def test_the_printed_key_and_codes_sign_in_and_a_rebuild_makes_new_ones(client, printed):
    _, blocks = printed
    admin = blocks[data.SUPERUSER["email"]]
    assert _sign_in(client, admin["email"], _code(admin["key"])).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.logout()
    owner = blocks[data.OWNERS[0]["email"]]
    code = owner["codes"].split()[0]
    assert _sign_in(client, owner["email"], code).status_code == 302
    assert client.get("/admin/accounts/user/").status_code == 200
    client.logout()
    assert _sign_in(client, owner["email"], code).status_code == 400, "a recovery code works once"

    out = io.StringIO()
    call_command("demo", stdout=out)
    again = {m["email"]: m.groupdict() for m in BLOCK.finditer(out.getvalue())}
    assert again[owner["email"]]["key"] != owner["key"]
    assert set(again[owner["email"]]["codes"].split()).isdisjoint(owner["codes"].split())
