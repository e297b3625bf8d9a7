"""The signed-in strip shows each role the pages it works on, read from the role properties."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from unknot.apps.accounts.models import Role, User

pytestmark = pytest.mark.django_db

CLIENT = {"booking:appointments", "progress:mine", "records:my_data"}
THERAPIST = {"booking:schedule", "therapists:edit_profile", "progress:clients"}
DESK = {"booking:calendar", "progress:clients"}


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (Role.CLIENT, CLIENT, THERAPIST | DESK),
        (Role.THERAPIST, THERAPIST, CLIENT | {"booking:calendar"}),
        (Role.STAFF, DESK, CLIENT | {"booking:schedule"}),
        (Role.OWNER, DESK, CLIENT | {"booking:schedule"}),
    ],
)
def test_each_role_sees_its_own_links(practice, role, shown, hidden):
    user = User(email="p@example.test", role=role, practice=practice)
    body = render_to_string("base.html", {"user": user})
    for name in shown:
        assert f'href="{reverse(name)}"' in body, name
    for name in hidden:
        assert f'href="{reverse(name)}"' not in body, name
