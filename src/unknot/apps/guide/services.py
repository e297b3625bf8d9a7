"""Writes for the guide: saving a client's self-assessment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.db import transaction

from unknot.apps.guide import hooks
from unknot.apps.guide.models import SavedAssessment
from unknot.apps.records.consents import ensure_health_data_consent
from unknot.domain.guide import assess, parse_intake


def can_save_assessments(user) -> bool:
    """Only signed-in, active client accounts keep assessments (booking reads the latest)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_client)


@transaction.atomic
def assessment_save(*, client, intake: Mapping[str, object], now: dt.datetime) -> SavedAssessment:
    """Validate ``intake``, assess it with the current catalogue and store both for ``client``.

    The stored intake is the normalised one (defaults filled in), which is what booking's safety
    gate re-assesses. ``created_at`` is ``now``. This is the only door that stores a new
    assessment, so the consent to store health information is asked here: a client who never
    decided may save (the assessment predates consents); a withdrawal refuses. The steps
    other apps registered (``guide.hooks``) run after the insert, in the same transaction.

    Raises:
        IntakeError: the intake is not valid; nothing is stored.
        PermissionDenied: ``client`` is not an active client account.
        ConsentMissing (a ``PermissionDenied``): the client withdrew consent to store health
            information; nothing is stored.
    """
    if not can_save_assessments(client):
        raise PermissionDenied("Only client accounts can save a self-assessment.")
    ensure_health_data_consent(client, allow_undecided=True)
    parsed = parse_intake(intake)
    result = assess(parsed)
    saved = SavedAssessment.objects.create(
        client=client,
        intake=parsed.to_dict(),
        result=result.to_dict(),
        status=result.status.value,
        catalogue_version=result.catalogue_version,
    )
    # created_at is auto_now_add; the caller's clock is the one that counts (booking's 90-day
    # limit is measured from it).
    SavedAssessment.objects.filter(pk=saved.pk).update(created_at=now, updated_at=now)
    saved.created_at = saved.updated_at = now
    for step in hooks.after_save_steps():  # booking holds sessions the new answers rule out
        step(client=client, assessment=saved, now=now)
    return saved
