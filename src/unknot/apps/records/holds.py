"""The booking hold records owns: no new session while consent to treatment is withdrawn.

Registered in ``booking.hooks`` from ``RecordsConfig.ready``; the safety gate runs it for every
booking, reschedule and program before the assessment is judged.
"""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from unknot.apps.booking import hooks
from unknot.apps.booking.errors import SafetyRefusal
from unknot.apps.records.consents import withdrawn_at
from unknot.apps.records.models import Consent, ConsentKind

TREATMENT_HOLD = "treatment-consent"


def _treatment_granted():
    """The decision in force on consent to treatment (None when never decided), per row."""
    return Subquery(
        Consent.objects.filter(user_id=OuterRef("client_id"), kind=ConsentKind.TREATMENT)
        .order_by("-recorded_at", "-id")
        .values("granted")[:1]
    )


def check_treatment_consent(attempt: hooks.Attempt) -> None:
    """Raise ``SafetyRefusal`` (``consent_withdrawn``) while consent to treatment is withdrawn."""
    withdrawn = withdrawn_at(attempt.client, ConsentKind.TREATMENT)
    if withdrawn is not None:
        raise SafetyRefusal(
            f"You withdrew your consent to treatment on {withdrawn:%d %B %Y}. Give it again under "
            "My data to book a session.",
            code="consent_withdrawn",
        )


def register() -> None:
    hooks.register_hold(
        hooks.Hold(
            name=TREATMENT_HOLD,
            check=check_treatment_consent,
            order=10,
            hint=_treatment_granted,
            hinted=lambda granted: granted is False,
            description="consent to treatment withdrawn: no new session",
        )
    )
