"""Rules other apps' writes must obey, enforced where those rows are saved.

Booking and the self-assessment belong to other apps; these receivers make the consents and
the review's holds apply at once without those apps having to know about them:

- a new booking is refused (``SafetyRefusal``, which every booking page and the API already
  show) while the client has withdrawn consent to treatment, or while a re-screen is pending
  (a new red flag or condition reported at a check-in, and no self-assessment since);
- a new booking gets the lighter pressure its therapist accepted after a reaction;
- a new self-assessment is refused (``ConsentMissing``, a ``PermissionDenied``) once the
  client has withdrawn consent to store health information.

Only new rows are checked; changes to existing rows pass. Fixtures (``raw``) pass.
"""

from __future__ import annotations

from django.utils import timezone

from unknot.apps.booking.errors import SafetyRefusal
from unknot.apps.records.consents import ensure_health_data_consent, withdrawn_at
from unknot.apps.records.models import ConsentKind


def refuse_booking_when_held(sender, instance, raw=False, **kwargs) -> None:
    """Defence in depth: the booking services already call ``check_booking_holds`` first."""
    if raw or not instance._state.adding or instance.client_id is None:
        return
    check_booking_holds(instance.client)


def check_booking_holds(client) -> None:
    """Raise ``SafetyRefusal`` while consent to treatment is withdrawn or a re-screen is due."""
    from unknot.apps.progress.selectors import rescreen_hold

    withdrawn = withdrawn_at(client, ConsentKind.TREATMENT)
    if withdrawn is not None:
        raise SafetyRefusal(
            f"You withdrew your consent to treatment on {withdrawn:%d %B %Y}. Give it again under "
            "My data to book a session.",
            code="consent_withdrawn",
        )
    if rescreen_hold(client) is not None:
        raise SafetyRefusal(
            "At your last check-in you told us about a change in your health. Please update your "
            "self-assessment before booking, so your therapist can plan safely.",
            code="screening_required",
        )


def apply_accepted_pressure(sender, instance, created=False, raw=False, **kwargs) -> None:
    if raw or not created:
        return
    from unknot.apps.progress.services import pending_caps_apply

    pending_caps_apply(booking=instance, now=timezone.now())


def refuse_assessment_without_consent(sender, instance, raw=False, **kwargs) -> None:
    if raw or not instance._state.adding or instance.client_id is None:
        return
    ensure_health_data_consent(instance.client, allow_undecided=True)
