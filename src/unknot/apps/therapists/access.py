"""The one door to a therapist profile for editing."""

from __future__ import annotations

from django.http import Http404

from unknot.apps.therapists.models import Therapist


def access_own_therapist_profile(user) -> Therapist:
    """The signed-in therapist's own profile; 404 for anyone else (no profile, not a therapist)."""
    if not user.is_authenticated:
        raise Http404
    if not user.is_therapist:
        raise Http404
    therapist = Therapist.objects.filter(user=user).first()
    if therapist is None:
        raise Http404
    return therapist
