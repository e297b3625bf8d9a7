"""Reads of therapist profiles for the directory, the profile pages and the API."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet

from unknot.apps.therapists.models import Certification, Language, Therapist


def therapist_list(
    *,
    technique: str | None = None,
    language: str | None = None,
    practice: str | None = None,
) -> QuerySet[Therapist]:
    """Active therapists, optionally filtered by technique slug, language code and practice slug.

    Related rows are prefetched so a directory page costs a fixed number of queries.
    """
    qs = Therapist.objects.filter(is_active=True).select_related("practice")
    if technique:
        qs = qs.filter(techniques__slug=technique)
    if language:
        qs = qs.filter(languages__code=language)
    if practice:
        qs = qs.filter(practice__slug=practice)
    return qs.prefetch_related("techniques", "languages").distinct().order_by("display_name")


def therapist_get_public(*, slug: str) -> Therapist | None:
    """One active therapist by profile slug, with training, techniques and languages."""
    return (
        Therapist.objects.filter(is_active=True, slug=slug)
        .select_related("practice")
        .prefetch_related(
            "techniques",
            "languages",
            Prefetch("training", queryset=Certification.objects.select_related("technique")),
        )
        .first()
    )


def therapists_bookable_on(*, day: dt.date, technique: str | None = None) -> QuerySet[Therapist]:
    """Therapists whose licence is verified and unexpired on ``day`` (expired never book)."""
    qs = therapist_list(technique=technique).filter(
        licence_verified_at__isnull=False, licence_expires_on__gte=day
    )
    return qs


def language_list() -> QuerySet[Language]:
    """Languages that at least one active therapist speaks."""
    return Language.objects.filter(therapists__is_active=True).distinct().order_by("name")
