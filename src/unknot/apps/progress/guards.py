"""What progress adds to every booking, through the booking hooks (``booking.hooks``).

Registered from ``ProgressConfig.ready``; the booking services call them explicitly:

- the hold ``rescreen``: a new booking is refused (``SafetyRefusal``, code
  ``screening_required``, which every booking page and the API already show) while a re-screen
  is pending: a new red flag or condition reported at a check-in, and no self-assessment since;
- the adjuster ``accepted-pressure``: a new booking gets, before it is inserted, the lighter
  pressure its therapist accepted after a reaction (``services.accepted_pressure_adjust``).

Consent to treatment is records' hold (``records.holds``); consent to store a new
self-assessment is checked by the guide's service.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from unknot.apps.booking import hooks
from unknot.apps.booking.errors import SafetyRefusal
from unknot.apps.progress.models import ReviewSuggestion, SuggestionKind

RESCREEN_HOLD = "rescreen"
PRESSURE_ADJUSTER = "accepted-pressure"


def _rescreen_pending():
    """Per assessment row: a re-screen suggestion made with it (or a later one) in view."""
    return Exists(
        ReviewSuggestion.objects.filter(
            client_id=OuterRef("client_id"),
            kind=SuggestionKind.RESCREEN,
            assessment_seen__gte=OuterRef("pk"),
        )
    )


def check_rescreen(attempt: hooks.Attempt) -> None:
    """Raise ``SafetyRefusal`` while a re-screen asked at a check-in waits for an assessment."""
    from unknot.apps.progress.selectors import rescreen_hold

    if rescreen_hold(attempt.client) is not None:
        raise SafetyRefusal(
            "At your last check-in you told us about a change in your health. Please update your "
            "self-assessment before booking, so your therapist can plan safely.",
            code="screening_required",
        )


def register() -> None:
    from unknot.apps.progress.services import accepted_pressure_adjust

    hooks.register_hold(
        hooks.Hold(
            name=RESCREEN_HOLD,
            check=check_rescreen,
            order=20,
            hint=_rescreen_pending,
            description="a change in health reported at a check-in: a new assessment first",
        )
    )
    hooks.register_adjuster(
        hooks.Adjuster(
            name=PRESSURE_ADJUSTER,
            adjust=accepted_pressure_adjust,
            description="the lighter pressure a therapist accepted, on the next booking made",
        )
    )
