"""The one door to a saved assessment: health data, so only its own client gets through.

Deny by default and answer "not found" rather than "forbidden", so a guessed uid reveals
nothing. Staff read assessments through the admin, which applies its own practice scope.
"""

from __future__ import annotations

from django.http import Http404

from unknot.apps.guide.models import SavedAssessment
from unknot.apps.records import audit


def can_see_assessment(user, saved: SavedAssessment) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return saved.client_id == user.pk


def access_own_assessment(user, uid: str, *, via: str = "web") -> SavedAssessment:
    """The assessment ``uid`` if it belongs to ``user``; otherwise Http404.

    Every successful read is written to the audit log the client can inspect.
    """
    saved = SavedAssessment.objects.filter(uid=uid).first() if uid else None
    if saved is None or not can_see_assessment(user, saved):
        raise Http404("No such assessment.")
    audit.viewed(user, saved.client, "assessment", saved.uid, via=via)
    return saved
