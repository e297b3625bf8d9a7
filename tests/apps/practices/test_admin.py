"""The admin is the staff back office: usable for every model, scoped to the staff's practice."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.factories import PASSWORD, make_therapist
from unknot.apps.accounts.models import Role, User
from unknot.apps.practices.models import Room, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(email="root@example.test", password=PASSWORD)


def project_models():
    return [m for m in apps.get_models() if m.__module__.startswith("unknot.")]


def test_every_project_model_is_registered_in_the_admin():
    missing = [m.__name__ for m in project_models() if not admin.site.is_registered(m)]
    assert missing == []


def test_every_admin_list_and_add_page_renders(client, superuser, practice, therapist, room):
    client.force_login(superuser)
    for model in project_models():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        assert client.get(add).status_code in (200, 403), add


def test_staff_see_only_their_practice(client, staff_user, practice, other_practice):
    mine = make_therapist(practice, "mine")
    theirs = make_therapist(other_practice, "theirs")
    Room.objects.create(practice=other_practice, name="Elsewhere")
    client.force_login(staff_user)
    body = client.get(reverse("admin:therapists_therapist_changelist")).content.decode()
    assert mine.display_name in body and theirs.display_name not in body
    url = reverse("admin:therapists_therapist_change", args=[theirs.pk])
    assert client.get(url).status_code == 302  # redirected away: not found in their scope
    assert (
        "Elsewhere" not in client.get(reverse("admin:practices_room_changelist")).content.decode()
    )


def test_staff_add_a_service_to_their_own_practice(client, staff_user, practice, other_practice):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:practices_service_add"),
        {
            "technique": 1,
            "duration_minutes": 45,
            "price": "55.00",
            "tax_rate_bp": 0,
            "tax_mode": "exempt",
            "buffer_before_minutes": 0,
            "buffer_after_minutes": 10,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Service.objects.get(duration_minutes=45).practice == practice


def test_staff_verify_licences_from_the_admin(client, staff_user, practice):
    pending = make_therapist(practice, "pending", verified=False)
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:therapists_therapist_changelist"),
        {"action": "verify_licences", "_selected_action": [pending.pk]},
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.licence_verified_by == staff_user


def test_clients_and_therapists_have_no_back_office(client, client_user, therapist):
    therapist.user.is_staff = True
    therapist.user.save()
    for user in (client_user, therapist.user):
        client.force_login(user)
        response = client.get(reverse("admin:practices_service_changelist"))
        assert response.status_code in (302, 403)


def test_front_desk_have_no_user_admin_not_even_for_themselves(client, staff_user):
    """Accounts are the owner's to manage (tests/apps/accounts/test_admin.py has the rules)."""
    client.force_login(staff_user)
    response = client.get(reverse("admin:accounts_user_change", args=[staff_user.pk]))
    assert response.status_code in (302, 403)
    assert 'name="is_superuser"' not in response.content.decode()
    assert User.objects.filter(role=Role.STAFF).count() == 1
