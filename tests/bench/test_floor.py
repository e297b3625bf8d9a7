"""The bench's floor view: a no-op, and not served unless the bench turns it on."""

import json

import pytest
from django.test import RequestFactory

from unknot.apps.home.views import bench_floor


def test_the_floor_answers_without_touching_anything():
    # No django_db mark: any database access would fail the test.
    response = bench_floor(RequestFactory().get("/bench/floor"))
    assert response.status_code == 200
    assert json.loads(response.content) == {"ok": True}


@pytest.mark.django_db
def test_the_floor_is_not_mounted_by_default(client, settings):
    assert settings.BENCH_FLOOR is False
    assert client.get("/bench/floor").status_code == 404
