"""Reads for the home page."""

from __future__ import annotations

from django.db.models import Count, Min, Q, QuerySet

from unknot.apps.practices.models import Practice, Technique


def practice_list() -> QuerySet[Practice]:
    return Practice.objects.annotate(
        therapist_count=Count("therapists", filter=Q(therapists__is_active=True), distinct=True)
    ).order_by("name")


def technique_offer_list() -> QuerySet[Technique]:
    """Each technique with the lowest active price and how many therapists practise it."""
    return Technique.objects.annotate(
        from_price=Min("services__price", filter=Q(services__is_active=True)),
        therapist_count=Count("therapists", filter=Q(therapists__is_active=True), distinct=True),
    ).order_by("position")
