import pytest
from django.core.cache import cache

from tests.factories import make_therapist

SITE = "https://unknot.example"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ben(practice, settings):
    settings.SITE_URL = SITE
    return make_therapist(practice, "ben-carter", techniques=("swedish",))


@pytest.fixture
def kai(practice):
    return make_therapist(practice, "kai-ito", techniques=("shiatsu",))
