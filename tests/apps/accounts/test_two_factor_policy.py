"""Two-factor is required by default for every practice-side account; superusers, owners and
front desk always; therapists unless their practice's owner relaxed it. Clients never."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PASSWORD
from unknot.apps.accounts import two_factor
from unknot.apps.accounts.models import Role, User
from unknot.apps.practices.models import Practice

pytestmark = [pytest.mark.django_db, pytest.mark.password_only]


def _make(kind: str, practice: Practice) -> User:
    if kind == "superuser":
        return User.objects.create_superuser(email="root@example.test", password=PASSWORD)
    role = {"owner": Role.OWNER, "front_desk": Role.STAFF, "therapist": Role.THERAPIST}.get(kind)
    if role is None:
        return User.objects.create_user(email="c@example.test", password=PASSWORD)
    return User.objects.create_user(
        email=f"{kind}@example.test",
        password=PASSWORD,
        role=role,
        practice=practice,
        is_staff=role != Role.THERAPIST,
    )


def test_a_new_practice_requires_two_factor():
    practice = Practice.objects.create(
        name="New", slug="new", address="1", phone="1", time_zone="UTC"
    )
    assert practice.require_two_factor is True


@pytest.mark.parametrize(
    ("kind", "relaxed", "required"),
    [
        ("superuser", False, True),
        ("owner", False, True),
        ("owner", True, True),
        ("front_desk", False, True),
        ("front_desk", True, True),
        ("therapist", False, True),
        ("therapist", True, False),
        ("client", False, False),
    ],
)
def test_the_policy_in_one_function(practice, kind, relaxed, required):
    practice.require_two_factor = not relaxed
    practice.save()
    assert two_factor.required(_make(kind, practice)) is required


@pytest.mark.parametrize("kind", ["superuser", "owner", "front_desk", "therapist"])
def test_a_password_alone_leads_to_setting_up_a_second_factor(client, practice, kind):
    user = _make(kind, practice)
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
    for url in ("/", "/admin/"):
        blocked = client.get(url)
        assert blocked.status_code == 302, url
        assert blocked["Location"].startswith(reverse("accounts:two_factor_setup")), url


@pytest.mark.parametrize("kind", ["superuser", "owner", "front_desk"])
def test_who_must_use_it_cannot_turn_it_off_even_if_the_practice_relaxed_it(client, practice, kind):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import verify_second_factor

    practice.require_two_factor = False
    practice.save()
    user = _make(kind, practice)
    client.force_login(user)
    verify_second_factor(client, user)
    with pytest.raises(two_factor.TwoFactorRequired):
        two_factor.second_factor_remove(user=user)
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_the_migration_turned_it_on_for_existing_practices():
    from importlib import import_module

    from django.apps import apps as global_apps

    migration = import_module(
        "unknot.apps.practices.migrations.0004_two_factor_required_by_default"
    )
    Practice.objects.create(
        name="Old", slug="old", address="1", phone="1", time_zone="UTC", require_two_factor=False
    )
    migration.require_everywhere(global_apps, None)
    assert Practice.objects.get(slug="old").require_two_factor is True
