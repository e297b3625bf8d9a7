"""GET /api/v1/therapists: the directory as JSON."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Router, Schema

from unknot.api.errors import ApiError
from unknot.apps.practices.models import Technique
from unknot.apps.therapists.selectors import therapist_list

router = Router(tags=["therapists"])


class TherapistOut(Schema):
    uid: str
    slug: str
    display_name: str
    practice: str
    techniques: list[str]
    languages: list[str]
    years_in_practice: int
    licence_jurisdiction: str
    licence_expires_on: dt.date
    licence_valid_today: bool


@router.get("/therapists", response=list[TherapistOut], auth=None)
def list_therapists(request, technique: str | None = None, language: str | None = None):
    """Active therapists, filtered by technique slug and language code."""
    if technique and not Technique.objects.filter(slug=technique).exists():
        valid = list(Technique.objects.values_list("slug", flat=True))
        raise ApiError(
            422, "unknown_technique", f"Unknown technique '{technique}'.", valid_values=valid
        )
    today = timezone.localdate()
    return [
        TherapistOut(
            uid=t.uid,
            slug=t.slug,
            display_name=t.display_name,
            practice=t.practice.name,
            techniques=[x.slug for x in t.techniques.all()],
            languages=[x.code for x in t.languages.all()],
            years_in_practice=t.years_in_practice,
            licence_jurisdiction=t.licence_jurisdiction,
            licence_expires_on=t.licence_expires_on,
            licence_valid_today=t.licence_valid_on(today),
        )
        for t in therapist_list(technique=technique, language=language)
    ]
