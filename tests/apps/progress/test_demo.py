"""The demo: a client six weeks into a programme, with charts and suggestions on first run."""

from __future__ import annotations

import pytest
from django.utils import timezone

from unknot.apps.accounts.models import User
from unknot.apps.booking.models import Booking
from unknot.apps.progress import selectors
from unknot.apps.progress.models import CheckIn, ReviewSuggestion
from unknot.apps.records.models import AuditEntry, SessionNote
from unknot.demo.build import build_demo
from unknot.demo.progress import EMAIL, build_progress_demo

pytestmark = pytest.mark.django_db


def test_the_demo_client_has_a_programme_of_check_ins_notes_and_suggestions():
    lines: list[str] = []
    build_demo(progress=lines.append)
    now = timezone.now()
    build_progress_demo(now, lines.append)  # a second call changes nothing
    riley = User.objects.get(email=EMAIL)
    assert CheckIn.objects.filter(client=riley).count() == 12
    assert SessionNote.objects.filter(client=riley).count() == 6
    view = selectors.progress_view(riley, now=now)
    pain = next(c for c in view["charts"] if c["chart"].measure.slug == "pain-nrs")
    assert [r["score"] for r in pain["rows"]] == [7, 7, 6, 7, 6, 5]
    assert pain["chart"].change.reached and pain["data"]["threshold"] == 5.0
    assert {c["chart"].measure.slug for c in view["charts"]} == {
        "pain-nrs",
        "stiffness-nrs",
        "stress-nrs",
        "sleep-nrs",
    }
    maintenance = ReviewSuggestion.objects.get(client=riley, kind="maintenance")
    assert maintenance.status == "open"
    lighter = ReviewSuggestion.objects.get(client=riley, kind="lower-pressure")
    assert lighter.status == "accepted" and lighter.applied_booking is not None
    assert lighter.applied_booking.safety["pressure_cap"] == 2
    upcoming = Booking.objects.filter(client=riley, starts_at__gt=now).get()
    assert selectors.due_checkins(riley, now=now) == [(upcoming, "before")]
    assert AuditEntry.objects.filter(
        subject=riley, actor__email="maya-okafor@demo.unknot.test"
    ).exists()
    assert Booking.objects.filter(client=riley).count() == 7
