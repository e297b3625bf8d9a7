"""Programs in the back office: read-only, scoped to the staff member's practice."""

import pytest
from django.urls import reverse

from tests.apps.programs.conftest import NOW, request_for
from tests.factories import PASSWORD
from unknot.apps.accounts.models import Role, User
from unknot.apps.programs import services

pytestmark = pytest.mark.django_db


def test_staff_read_their_practice_programs_only(
    client, setup, client_user, staff_user, other_practice
):
    program, _ = services.program_book(
        client=client_user, request=request_for(setup, count=2), now=NOW
    )
    session = program.sessions.first()
    client.force_login(staff_user)
    for url in (
        reverse("admin:programs_program_change", args=[program.pk]),
        reverse("admin:programs_programsession_change", args=[session.pk]),
        reverse("admin:programs_program_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert program.uid in client.get(reverse("admin:programs_program_changelist")).content.decode()
    elsewhere = User.objects.create_user(
        email="desk2@example.test",
        password=PASSWORD,
        role=Role.STAFF,
        practice=other_practice,
        is_staff=True,
    )
    client.force_login(elsewhere)
    url = reverse("admin:programs_program_change", args=[program.pk])
    assert client.get(url).status_code == 302  # not found in their scope
    assert (
        program.uid not in client.get(reverse("admin:programs_program_changelist")).content.decode()
    )
