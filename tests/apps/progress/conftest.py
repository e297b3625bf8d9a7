"""A small practice with one client part-way through a course, at a fixed ``now``."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.apps.progress.builders import make_course


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def course(practice, now):
    """Ana's course with Ben: two sessions held, the next in a day (its check-in is open)."""
    return make_course(practice, now)
