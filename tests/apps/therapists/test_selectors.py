import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_therapist
from unknot.apps.therapists.selectors import therapist_list, therapists_bookable_on

pytestmark = pytest.mark.django_db


def test_bookable_excludes_expired_and_unverified_licences(practice):
    make_therapist(practice, "ok-one")
    make_therapist(practice, "expired", expires_in_days=-1)
    make_therapist(practice, "unverified", verified=False)
    today = timezone.localdate()
    assert [t.slug for t in therapists_bookable_on(day=today)] == ["ok-one"]
    # A licence that expires in 10 days is not bookable for a session in 11 days.
    make_therapist(practice, "short", expires_in_days=10)
    later = today + dt.timedelta(days=11)
    assert "short" not in [t.slug for t in therapists_bookable_on(day=later)]
    assert "short" in [t.slug for t in therapists_bookable_on(day=today)]


def test_directory_query_count_does_not_grow_with_therapists(practice):
    for i in range(3):
        make_therapist(practice, f"t{i}", techniques=("swedish", "shiatsu"), languages=("en", "fr"))

    def run() -> int:
        with CaptureQueriesContext(connection) as ctx:
            for t in therapist_list():
                list(t.techniques.all())
                list(t.languages.all())
                t.practice.name  # noqa: B018
        return len(ctx.captured_queries)

    small = run()
    for i in range(3, 10):
        make_therapist(practice, f"t{i}", techniques=("swedish",), languages=("en",))
    assert run() == small
