"""Saving an assessment, the access door, and the list selector."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.factories import make_assessment, make_therapist
from unknot.apps.guide.access import access_own_assessment
from unknot.apps.guide.models import SavedAssessment
from unknot.apps.guide.selectors import assessments_of
from unknot.apps.guide.services import assessment_save
from unknot.domain.guide import IntakeError

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def test_save_stores_the_normalised_intake_and_its_result(client_user):
    saved = assessment_save(
        client=client_user, intake={"symptoms": ["stress"], "goals": ["sleep"]}, now=NOW
    )
    saved.refresh_from_db()
    assert saved.created_at == NOW
    assert saved.intake["preferences"] == {
        "focus": "either",
        "pressure_tolerance": 3,
        "stay_clothed": False,
        "scents": "unsure",
    }
    assert saved.status == saved.result["status"] == "ok"
    assert saved.catalogue_version == saved.result["catalogue_version"]
    assert saved.result["recommendations"][0]["technique"] == "swedish"


def test_invalid_intake_stores_nothing(client_user):
    with pytest.raises(IntakeError) as caught:
        assessment_save(client=client_user, intake={"pain": {"intensity": 11}}, now=NOW)
    assert caught.value.problems[0].field == "pain.intensity"
    assert SavedAssessment.objects.count() == 0


def test_only_clients_save(practice, staff_user):
    therapist = make_therapist(practice, "ben-carter")
    for user in (therapist.user, staff_user):
        with pytest.raises(PermissionDenied):
            assessment_save(client=user, intake={}, now=NOW)
    assert SavedAssessment.objects.count() == 0


def test_access_lets_only_the_client_through(client_user, other_client_user, staff_user):
    saved = make_assessment(client_user)
    assert access_own_assessment(client_user, saved.uid) == saved
    for user in (other_client_user, staff_user):
        with pytest.raises(Http404):
            access_own_assessment(user, saved.uid)
    client_user.is_active = False
    with pytest.raises(Http404):
        access_own_assessment(client_user, saved.uid)


def test_access_denies_the_signed_out_and_unknown_uids(client_user):
    from django.contrib.auth.models import AnonymousUser

    saved = make_assessment(client_user)
    with pytest.raises(Http404):
        access_own_assessment(AnonymousUser(), saved.uid)
    with pytest.raises(Http404):
        access_own_assessment(client_user, "")


def test_the_list_is_the_clients_own_newest_first(client_user, other_client_user):
    first = assessment_save(client=client_user, intake={}, now=NOW)
    second = assessment_save(client=client_user, intake={}, now=NOW + dt.timedelta(days=1))
    assessment_save(client=other_client_user, intake={}, now=NOW + dt.timedelta(days=2))
    assert list(assessments_of(client=client_user)) == [second, first]


def test_the_latest_saved_assessment_is_what_booking_reads(client_user):
    from unknot.apps.booking.safety import latest_assessment_for

    assessment_save(client=client_user, intake={}, now=NOW)
    latest = assessment_save(
        client=client_user, intake={"health": {"red_flags": ["major-trauma"]}}, now=NOW
    )
    assert latest_assessment_for(client_user) == latest
