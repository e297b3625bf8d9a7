"""The waitlist in the back office, scoped to the staff member's practice."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.apps.waitlist.conftest import NOW, make_client
from tests.factories import PASSWORD
from unknot.apps.accounts.models import Role, User
from unknot.apps.waitlist.models import WaitlistEntry, WaitlistOffer

pytestmark = pytest.mark.django_db


def test_staff_see_entries_and_offers_of_their_practice(client, setup, staff_user, other_practice):
    cleo = make_client("cleo")
    anywhere = WaitlistEntry.objects.create(
        client=cleo, technique=setup["service"].technique, created_at=NOW
    )
    offer = WaitlistOffer.objects.create(
        entry=anywhere,
        therapist=setup["ben"],
        service=setup["service"],
        slot_start=NOW + dt.timedelta(days=1),
        expires_at=NOW + dt.timedelta(hours=2),
        created_at=NOW,
    )
    client.force_login(staff_user)
    assert (
        client.get(reverse("admin:waitlist_waitlistentry_change", args=[anywhere.pk])).status_code
        == 200
    )
    page = client.get(reverse("admin:waitlist_waitlistoffer_change", args=[offer.pk]))
    assert page.status_code == 200 and offer.token not in page.content.decode()
    elsewhere = User.objects.create_user(
        email="desk2@example.test",
        password=PASSWORD,
        role=Role.STAFF,
        practice=other_practice,
        is_staff=True,
    )
    client.force_login(elsewhere)
    url = reverse("admin:waitlist_waitlistoffer_change", args=[offer.pk])
    assert client.get(url).status_code == 302
