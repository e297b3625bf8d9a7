"""The four consents: their wording (versioned), what each one governs, and how to ask.

A decision is recorded with the time and the wording version the client saw. Withdrawing takes
effect at once because every door asks here on each use:

- ``treatment``: new bookings are refused (a booking hold, ``unknot.apps.records.holds``).
- ``health_data``: new check-ins and self-assessments are refused, and say why.
- ``reminders``: no check-in reminder emails (on unless the client turned them off: they are
  part of the service the client booked, and every email has the way to stop them).
- ``faq_sharing``: questions may be shared as FAQ only with this given (off until given).

Other apps ask with :func:`has_consent` / :func:`withdrawn_at`; for storing health data,
:func:`ensure_health_data_consent` raises :class:`ConsentMissing` with a message for people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from unknot.apps.records.models import Consent, ConsentKind


@dataclass(frozen=True)
class Wording:
    kind: ConsentKind
    version: str
    title: str
    text: str
    default: bool | None
    """In force when the client has never decided: True on, False off, None not given."""
    withdraw_effect: str


WORDINGS: dict[str, Wording] = {
    w.kind.value: w
    for w in (
        Wording(
            ConsentKind.TREATMENT,
            "2026-11-23.1",
            "Treatment",
            "I agree to receive massage from the practice's licensed therapists, planned from my "
            "self-assessment. I can stop a session at any time.",
            None,
            "No new sessions can be booked until you give it again.",
        ),
        Wording(
            ConsentKind.HEALTH_DATA,
            "2026-11-23.1",
            "Storing my health information",
            "I agree to Unknot and my practice storing the health information I give (my "
            "self-assessments and check-ins) to plan my sessions safely and review my progress.",
            None,
            "No new self-assessment or check-in is stored. What is already stored stays until "
            "you delete your account.",
        ),
        Wording(
            ConsentKind.REMINDERS,
            "2026-11-23.1",
            "Check-in reminders by email",
            "Email me a link to a short check-in before each session and a follow-up a day after.",
            True,
            "No check-in reminder emails are sent.",
        ),
        Wording(
            ConsentKind.FAQ_SHARING,
            "2026-11-23.1",
            "Sharing my questions as FAQ",
            "My questions and their answers may be shown to other clients as frequently asked "
            "questions, without my name or anything that identifies me.",
            False,
            "Your questions are not shown as FAQ.",
        ),
    )
}


def latest(user, kind: str) -> Consent | None:
    """The decision in force for ``kind``, or None when the client never decided."""
    if user is None or not getattr(user, "pk", None):
        return None
    return Consent.objects.filter(user=user, kind=kind).order_by("-recorded_at", "-id").first()


def has_consent(user, kind: str) -> bool:
    """True when ``kind`` is given now (or, never decided, on by default)."""
    decision = latest(user, kind)
    if decision is not None:
        return decision.granted
    return bool(WORDINGS[kind].default)


def withdrawn_at(user, kind: str) -> dt.datetime | None:
    """When ``kind`` was withdrawn, if the decision in force is a withdrawal."""
    decision = latest(user, kind)
    return decision.recorded_at if decision is not None and not decision.granted else None


class ConsentMissing(PermissionDenied):
    """Health data may not be stored: consent withdrawn or never given. ``code`` is stable."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def ensure_health_data_consent(user, *, allow_undecided: bool = False) -> None:
    """Raise :class:`ConsentMissing` unless ``user`` lets us store new health data.

    ``allow_undecided`` lets a door that predates consents (the self-assessment) carry on when
    the client never decided; a withdrawal always refuses.
    """
    decision = latest(user, ConsentKind.HEALTH_DATA)
    if decision is not None and not decision.granted:
        raise ConsentMissing(
            "You withdrew your consent to store health information on "
            f"{decision.recorded_at:%d %B %Y}, so nothing was saved. You can give it again under "
            "My data.",
            code="consent_withdrawn",
        )
    if decision is None and not allow_undecided:
        raise ConsentMissing(
            "We need your consent to store health information before saving a check-in.",
            code="consent_required",
        )
