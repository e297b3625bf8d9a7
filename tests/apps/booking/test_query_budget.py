"""What one booking costs in queries, with the hooks of progress and records registered.

Before the booking hooks, progress's model-signal receivers ran the holds again at the insert
(three queries) and rewrote the new row for an accepted pressure cap inside a savepoint
(three more): 17 queries on SQLite for the booking below, 19 on PostgreSQL. Now the holds are
hinted in the gate's one query, the adjuster reads once before the insert, and screening and
insert share one transaction (its SAVEPOINT and RELEASE here, BEGIN and COMMIT in production).
The client's booking cap and overlap check (``booking/limits.py``) add one query, and on
PostgreSQL the lock on the client's row one more; the total stays below the receivers' cost.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.apps.booking.conftest import NOW, at
from unknot.apps.booking import services
from unknot.apps.booking.models import Booking
from unknot.apps.progress.models import ReviewSuggestion, SuggestionKind, SuggestionStatus

pytestmark = pytest.mark.django_db

BEFORE_HOOKS = {"sqlite": 17, "postgresql": 19}
NOW_AT_MOST = {"sqlite": 15, "postgresql": 18}


def test_a_booking_costs_fewer_queries_than_with_the_signal_receivers(
    setup, client_user, django_assert_max_num_queries
):
    budget = NOW_AT_MOST[connection.vendor]
    with django_assert_max_num_queries(budget):
        booking, created = services.booking_create(
            client=client_user,
            service=setup["service"],
            start=at(1, 10),
            now=NOW,
            therapist=setup["ben"],
        )
    assert created and budget < BEFORE_HOOKS[connection.vendor]


def test_the_new_row_is_written_once(setup, client_user):
    """Even when an adjuster changes the snapshot (here: a lighter pressure accepted earlier)."""
    ReviewSuggestion.objects.create(
        client=client_user,
        practice=setup["practice"],
        kind=SuggestionKind.LOWER_PRESSURE,
        status=SuggestionStatus.ACCEPTED,
        pressure_cap=1,
        for_client="-",
        for_therapist="-",
    )
    with CaptureQueriesContext(connection) as queries:
        booking, _ = services.booking_create(
            client=client_user,
            service=setup["service"],
            start=at(1, 10),
            now=NOW,
            therapist=setup["ben"],
        )
    table = Booking._meta.db_table
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE")) and f'"{table}"' in q["sql"]
    ]
    assert len(writes) == 1 and writes[0].lstrip().upper().startswith("INSERT")
    assert booking.safety["pressure_cap"] == 1
    assert Booking.objects.get(pk=booking.pk).safety == booking.safety
