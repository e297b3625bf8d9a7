"""Only a practice's owner (or a superuser) changes its security settings; the front desk keeps
the booking rules."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from tests.factories import PASSWORD
from unknot.apps.accounts.models import Role, User
from unknot.apps.practices.admin import SECURITY_SETTINGS

pytestmark = pytest.mark.django_db


def _member(practice, role, email):
    return User.objects.create_user(
        email=email, password=PASSWORD, role=role, practice=practice, is_staff=True
    )


def _post(client, practice, **changes):
    """The practice's change form as a browser sends it (a checkbox left off is absent)."""
    values = {**model_to_dict(practice, exclude=["id"]), **changes}
    data = {
        k: ("on" if v is True else v) for k, v in values.items() if v is not None and v is not False
    }
    return client.post(reverse("admin:practices_practice_change", args=[practice.pk]), data)


@pytest.fixture
def people(practice, other_practice):
    return {
        "owner": _member(practice, Role.OWNER, "owner@example.test"),
        "front_desk": _member(practice, Role.STAFF, "desk@example.test"),
        "superuser": User.objects.create_superuser(email="root@example.test", password=PASSWORD),
        "owner_elsewhere": _member(other_practice, Role.OWNER, "owner-b@example.test"),
    }


@pytest.mark.parametrize(
    ("actor", "may"),
    [("owner", True), ("superuser", True), ("front_desk", False)],
)
def test_security_settings_change_only_for_the_owner(client, practice, people, actor, may):
    client.force_login(people[actor])
    page = client.get(reverse("admin:practices_practice_change", args=[practice.pk]))
    form_fields = set(page.context["adminform"].form.fields)
    assert (set(SECURITY_SETTINGS) <= form_fields) is may
    response = _post(
        client,
        practice,
        require_two_factor=False,
        health_record_retention_days=0,
        cancellation_cutoff_hours=12,
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    practice.refresh_from_db()
    assert practice.cancellation_cutoff_hours == 12, "everyone keeps the booking rules"
    if may:
        assert (practice.require_two_factor, practice.health_record_retention_days) == (False, 0)
    else:
        assert (practice.require_two_factor, practice.health_record_retention_days) == (True, 2555)


def test_an_owner_of_another_practice_never_reaches_this_one(client, practice, people):
    client.force_login(people["owner_elsewhere"])
    response = _post(client, practice, require_two_factor=False)
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    practice.refresh_from_db()
    assert practice.require_two_factor is True


def test_staff_accounts_are_the_owners_to_manage(client, practice, people):
    """Adding and removing therapists and front desk: the owner, not the front desk."""
    therapist = _member(practice, Role.THERAPIST, "t@example.test")
    client.force_login(people["front_desk"])
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    client.post(reverse("admin:accounts_user_delete", args=[therapist.pk]), {"post": "yes"})
    assert User.objects.filter(pk=therapist.pk).exists()
    client.force_login(people["owner"])
    client.post(reverse("admin:accounts_user_delete", args=[therapist.pk]), {"post": "yes"})
    assert not User.objects.filter(pk=therapist.pk).exists()
