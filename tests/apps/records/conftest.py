"""A small practice with one client part-way through a course, at a fixed ``now``."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.apps.progress.builders import make_course
from tests.apps.records.story import build_story


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def course(practice, now):
    """Ana's course with Ben: two sessions held, the next in a day (its check-in is open)."""
    return make_course(practice, now)


@pytest.fixture
def story(course, now):
    """Ana's record at one practice: every kind of health data and every other trace of her."""
    return build_story(course, now)
