"""POST /api/v1/bookings: the answer, its cost in queries, and the order of its errors."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.apps.booking.conftest import NOW, setup  # noqa: F401
from unknot.apps.accounts.services import api_token_issue
from unknot.apps.booking.models import Booking

pytestmark = pytest.mark.django_db

URL = "/api/v1/bookings"
START = "2026-12-01T10:00:00+00:00"


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def token(client_user) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=client_user)}"}


def post(client, body: dict, token: dict, key: str | None = None):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        URL, data=json.dumps(body), content_type="application/json", **token, **extra
    )


@pytest.mark.parametrize("therapist", ["ben", None], ids=["one-therapist", "anyone"])
def test_the_answer_is_what_reading_the_booking_back_gives(
    client,
    setup,  # noqa: F811
    token,
    therapist,
):
    body = {"technique": "swedish", "start": START, "note": "Stiff left shoulder"}
    if therapist:
        body["therapist"] = setup[therapist].uid
    created = post(client, body, token, key="same-1")
    assert created.status_code == 201, created.json()
    read = client.get(f"{URL}/{created.json()['uid']}", **token)
    assert read.status_code == 200
    assert created.json() == read.json()
    assert created.json()["safety"] is None  # a client never sees the therapist's notes

    again = post(client, body, token, key="same-1")
    assert again.status_code == 200
    assert again.json() == read.json()
    assert Booking.objects.count() == 1


def test_a_booking_costs_a_bounded_number_of_queries(client, setup, token):  # noqa: F811
    """Token (twice: the per-client rate limit reads it too), reference version, gate, lock,
    calendar (4), the client's limits (1), room, insert, event: 13.

    The receivers of other apps add theirs (the progress app's holds and pressure caps: 4).
    On PostgreSQL the chosen room is also locked and checked again under the lock (2), and the
    client's row is locked (1).
    A re-read of the booking, the practice, the therapist or the service would show up here.
    """
    body = {"technique": "swedish", "therapist": setup["ben"].uid, "start": START}
    post(client, {**body, "start": "2026-12-02T10:00:00+00:00"}, token)  # token's first use
    with CaptureQueriesContext(connection) as queries:
        response = post(client, body, token, key="count-1")
    assert response.status_code == 201, response.json()
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    limit = 20 if connection.vendor == "postgresql" else 17
    assert len(statements) <= limit, "\n".join(statements)
    for table in ("practices_practice", "practices_service", "practices_technique"):
        assert not any(f'FROM "{table}"' in sql for sql in statements), table
    assert not any('FROM "booking_booking" INNER JOIN' in sql for sql in statements)


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"technique": "reiki", "therapist": "nobody"}, "unknown_technique", "technique"),
        ({"technique": "reiki"}, "unknown_technique", "technique"),
        ({"therapist": "nobody"}, "unknown_therapist", "therapist"),
        ({"start": "someday", "duration": 45}, "invalid_datetime", "start"),
        ({"start": "someday"}, "invalid_datetime", "start"),
        ({"duration": 45}, "unknown_duration", "duration"),
        ({"therapist": "nobody", "duration": 45}, "unknown_therapist", "therapist"),
    ],
)
def test_bad_input_is_named_in_the_same_order_as_ever(
    client,
    setup,  # noqa: F811
    token,
    change,
    code,
    field,
):
    body = {"technique": "swedish", "therapist": setup["ben"].uid, "start": START, **change}
    response = post(client, body, token)
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert not Booking.objects.exists()


def test_the_key_of_another_request_is_refused(client, setup, token):  # noqa: F811
    body = {"technique": "swedish", "therapist": setup["ben"].uid, "start": START}
    assert post(client, body, token, key="k-9").status_code == 201
    other = post(client, {**body, "start": "2026-12-02T10:00:00+00:00"}, token, key="k-9")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert Booking.objects.count() == 1


def test_the_service_is_a_copy_from_the_practice_asked_for_or_the_first_by_name(
    setup,  # noqa: F811
    other_practice,
):
    from unknot.api.v1.bookings import offered_service
    from unknot.apps.booking.reference import schedule_reference
    from unknot.apps.practices.models import Service, Technique

    swedish = Technique.objects.get(slug="swedish")
    elsewhere = Service.objects.create(
        practice=other_practice, technique=swedish, duration_minutes=60, price="50.00"
    )
    ref = schedule_reference(now=NOW)
    anyone = offered_service(ref, ref.technique("swedish"), 60, None)
    assert anyone.pk == elsewhere.pk  # "Other Practice" comes before "Test Practice"
    with_ben = offered_service(ref, ref.technique("swedish"), 60, setup["ben"])
    assert with_ben.pk == setup["service"].pk
    assert offered_service(ref, ref.technique("swedish"), 45, setup["ben"]) is None
    assert offered_service(ref, ref.technique("thai-yoga"), 60, None) is None
    shared = ref.services[(elsewhere.practice_id, swedish.pk, 60)]
    assert anyone is not shared
    assert anyone.technique.slug == "swedish"
    assert "technique" not in shared._state.fields_cache  # the shared instance is untouched
