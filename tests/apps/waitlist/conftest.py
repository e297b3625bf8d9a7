"""The waitlist reuses the booking ``setup`` (Ben and Kai, weekdays 09:00-17:00, London)."""

import pytest
from django.utils import timezone

from tests.apps.booking.conftest import NOW, at, setup  # noqa: F401
from tests.factories import PASSWORD, make_assessment
from unknot.apps.accounts.models import User
from unknot.apps.booking import services as booking_services
from unknot.apps.practices.models import Technique
from unknot.apps.waitlist import services


@pytest.fixture
def clock(time_machine):
    """The tasks read the clock: stop it at the tests' NOW."""
    time_machine.move_to(NOW, tick=False)
    return time_machine


def make_client(name: str) -> User:
    user = User.objects.create_user(
        email=f"{name}@wait.test", password=PASSWORD, full_name=name.title()
    )
    make_assessment(user)
    return user


def wait_for(client, technique="swedish", **kw):
    entry, _ = services.waitlist_join(
        client=client, technique=Technique.objects.get(slug=technique), now=timezone.now(), **kw
    )
    return entry


def booked(setup, client, start, therapist="ben"):  # noqa: F811
    booking, _ = booking_services.booking_create(
        client=client, service=setup["service"], start=start, now=NOW, therapist=setup[therapist]
    )
    return booking


__all__ = ["NOW", "at", "setup", "make_client", "wait_for", "booked"]
