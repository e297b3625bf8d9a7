import pytest
from django.db import IntegrityError, transaction

from unknot.apps.accounts.models import Role, User

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_is_normalised():
    user = User.objects.create_user(email="Mixed@Example.TEST", password="x-Long-pass-1")
    assert user.email == "mixed@example.test"
    assert User.objects.get_by_natural_key("MIXED@example.test") == user
    assert user.uid and not user.uid.isdigit()


def test_the_database_refuses_a_therapist_without_a_practice():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="t@example.test", role=Role.THERAPIST)])


def test_superuser_may_stand_outside_any_practice():
    admin = User.objects.create_superuser(email="root@example.test", password="x-Long-pass-1")
    assert admin.is_superuser and admin.is_staff
