"""The therapist admin: a changed licence is an unchecked licence, a profile belongs to a
therapist's account of the practice, and removing a therapist is the owner's."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from tests.factories import PASSWORD, make_therapist
from unknot.apps.accounts.models import Role, User

pytestmark = pytest.mark.django_db


def _member(practice, role, email):
    return User.objects.create_user(
        email=email, password=PASSWORD, role=role, practice=practice, is_staff=True
    )


def _form(therapist, **changes):
    values = model_to_dict(
        therapist, exclude=["id", "photo", "licence_verified_at", "licence_verified_by"]
    )
    values["techniques"] = [t.pk for t in values["techniques"]]
    values["languages"] = [lang.pk for lang in values["languages"]]
    values.update(changes)
    values.update(
        {
            "training-TOTAL_FORMS": 0,
            "training-INITIAL_FORMS": 0,
            "training-MIN_NUM_FORMS": 0,
            "training-MAX_NUM_FORMS": 1000,
        }
    )
    return {k: ("on" if v is True else v) for k, v in values.items() if v is not False}


@pytest.mark.parametrize(
    ("field", "value", "cleared"),
    [
        ("licence_number", "LIC-FORGED", True),
        ("licence_jurisdiction", "Elsewhere", True),
        ("licence_expires_on", "2099-01-01", True),
        ("bio", "A new bio.", False),
    ],
)
def test_changing_a_licence_in_the_admin_clears_its_verification(
    client, practice, therapist, staff_user, field, value, cleared
):
    from django.utils import timezone

    from unknot.apps.therapists.services import therapist_verify_licence

    therapist_verify_licence(therapist=therapist, by=staff_user, at=timezone.now())
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:therapists_therapist_change", args=[therapist.pk]),
        _form(therapist, **{field: value}),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    therapist.refresh_from_db()
    assert str(getattr(therapist, field)) == value
    assert (therapist.licence_verified_at is None) is cleared
    assert (therapist.licence_verified_by is None) is cleared


def test_a_profile_can_only_be_given_to_a_therapist_account_of_the_practice(
    client, practice, other_practice, staff_user
):
    owner = _member(practice, Role.OWNER, "owner@example.test")
    free = User.objects.create_user(
        email="new-t@example.test", password=PASSWORD, role=Role.THERAPIST, practice=practice
    )
    elsewhere = User.objects.create_user(
        email="far-t@example.test", password=PASSWORD, role=Role.THERAPIST, practice=other_practice
    )
    root = User.objects.create_superuser(email="root@example.test", password=PASSWORD)
    client.force_login(staff_user)
    page = client.get(reverse("admin:therapists_therapist_add"))
    offered = set(page.context["adminform"].form.fields["user"].queryset)
    assert free in offered
    assert not {owner, staff_user, elsewhere, root} & offered


def test_removing_a_therapist_is_for_the_owner(client, practice, staff_user):
    therapist = make_therapist(practice, "leaving")
    client.force_login(staff_user)
    url = reverse("admin:therapists_therapist_delete", args=[therapist.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert therapist.__class__.objects.filter(pk=therapist.pk).exists()
    client.force_login(_member(practice, Role.OWNER, "owner@example.test"))
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not therapist.__class__.objects.filter(pk=therapist.pk).exists()
