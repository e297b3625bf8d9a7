import pytest
from django.utils import timezone

from tests.factories import make_therapist
from unknot.apps.therapists.services import therapist_verify_licence

pytestmark = pytest.mark.django_db


def test_staff_verify_a_licence_in_their_practice(practice, staff_user):
    therapist = make_therapist(practice, "new-one", verified=False)
    now = timezone.now()
    therapist_verify_licence(therapist=therapist, by=staff_user, at=now)
    therapist.refresh_from_db()
    assert therapist.licence_verified_at == now
    assert therapist.licence_verified_by == staff_user


def test_staff_cannot_verify_another_practice(other_practice, staff_user):
    therapist = make_therapist(other_practice, "elsewhere", verified=False)
    with pytest.raises(PermissionError):
        therapist_verify_licence(therapist=therapist, by=staff_user, at=timezone.now())
    therapist.refresh_from_db()
    assert therapist.licence_verified_at is None
