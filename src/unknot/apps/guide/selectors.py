"""Technique pages: the DB row joined with the guide catalogue's content."""

from __future__ import annotations

from unknot.apps.practices.models import Technique


def technique_pages() -> list[Technique]:
    return list(Technique.objects.order_by("position"))


def technique_page(*, slug: str) -> Technique | None:
    return Technique.objects.filter(slug=slug).first()
