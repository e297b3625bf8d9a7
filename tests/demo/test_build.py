import pytest

from unknot.apps.practices.models import Service, Technique
from unknot.apps.therapists.models import Therapist
from unknot.demo.build import build_demo

pytestmark = pytest.mark.django_db


def test_demo_builds_a_believable_practice_and_is_idempotent():
    lines: list[str] = []
    first = build_demo(progress=lines.append)
    assert lines[0].startswith("[1/") and lines[-1].startswith("[6/")
    second = build_demo(progress=lambda _: None)
    assert first == second
    assert first["therapists"] == 8
    for technique in Technique.objects.all():
        lengths = set(
            Service.objects.filter(technique=technique).values_list("duration_minutes", flat=True)
        )
        assert lengths == {30, 60, 90}, technique.slug
    therapists = Therapist.objects.all()
    assert all(t.photo for t in therapists)
    assert len({t.licence_number for t in therapists}) == 8
    codes = {code for t in therapists for code in t.languages.values_list("code", flat=True)}
    assert len(codes) > 4
    # Every technique is practised by somebody, so every directory filter has results.
    for technique in Technique.objects.all():
        assert therapists.filter(techniques=technique).exists(), technique.slug
