import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from unknot.apps.practices.models import Practice, Service, Technique

pytestmark = pytest.mark.django_db


def test_the_seven_techniques_of_the_guide_are_seeded():
    assert list(Technique.objects.values_list("slug", flat=True)) == [
        "swedish",
        "aromatherapy",
        "trigger-point",
        "myofascial-release",
        "shiatsu",
        "deep-tissue",
        "thai-yoga",
    ]


def test_practice_time_zone_must_be_a_real_zone(practice):
    practice.time_zone = "Mars/Olympus"
    with pytest.raises(ValidationError) as error:
        practice.full_clean()
    assert "time_zone" in error.value.message_dict


@pytest.mark.parametrize(
    "fields",
    [{"duration_minutes": 5}, {"price": "-1.00"}, {"buffer_after_minutes": 500}],
)
def test_database_refuses_impossible_services(practice, fields):
    data = {
        "practice": practice,
        "technique": Technique.objects.get(slug="swedish"),
        "duration_minutes": 60,
        "price": "50.00",
        **fields,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Service.objects.bulk_create([Service(**data)])


def test_one_service_per_technique_and_length(practice, service):
    with pytest.raises(IntegrityError), transaction.atomic():
        Service.objects.create(
            practice=practice, technique=service.technique, duration_minutes=60, price="1.00"
        )


def test_practices_are_independent(practice, other_practice):
    assert Practice.objects.count() == 2
