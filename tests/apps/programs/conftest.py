"""Programs reuse the booking ``setup`` (Ben and Kai, 09:00-17:00 on weekdays, London)."""

import datetime as dt

import pytest

from tests.apps.booking.conftest import LONDON, NOW, at, setup  # noqa: F401
from unknot.apps.booking import services as booking_services
from unknot.apps.practices.models import Technique
from unknot.apps.programs.services import ProgramRequest

# Tuesday 1 December 2026, 10:00 London: the first session of the test series.
FIRST = at(1, 10)


def jan(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A London wall-clock instant in January 2027."""
    return dt.datetime(2027, 1, day, hour, minute, tzinfo=LONDON)


def weekly(start: dt.datetime, count: int) -> list[dt.datetime]:
    return [start + dt.timedelta(weeks=i) for i in range(count)]


def request_for(
    setup,  # noqa: F811
    *,
    therapist="ben",
    first=FIRST,
    every_days=7,
    count=10,
    duration=60,
    accept=(),
    technique="swedish",
):
    return ProgramRequest(
        technique=Technique.objects.get(slug=technique),
        duration_minutes=duration,
        therapist=setup[therapist] if therapist else None,
        first_start=first,
        every_days=every_days,
        count=count,
        accept=tuple(accept),
    )


def occupy(setup, client, start, therapist="ben"):  # noqa: F811
    """Another client's booking, made through the booking service."""
    booking, _ = booking_services.booking_create(
        client=client, service=setup["service"], start=start, now=NOW, therapist=setup[therapist]
    )
    return booking


@pytest.fixture
def other_client(other_client_user):
    from tests.factories import make_assessment

    make_assessment(other_client_user)
    return other_client_user


__all__ = ["LONDON", "NOW", "at", "setup", "FIRST", "jan", "weekly", "request_for", "occupy"]
