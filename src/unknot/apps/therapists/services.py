"""Writes to therapist profiles."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from unknot.apps.therapists.models import Therapist


@transaction.atomic
def therapist_verify_licence(*, therapist: Therapist, by, at: dt.datetime) -> Therapist:
    """Record that a staff member checked the licence against the issuing register.

    Staff may verify only within their own practice; superusers anywhere.
    """
    if not by.is_superuser and by.practice_id != therapist.practice_id:
        raise PermissionError("Staff can verify licences only in their own practice.")
    therapist.licence_verified_at = at
    therapist.licence_verified_by = by
    therapist.save(update_fields=["licence_verified_at", "licence_verified_by", "updated_at"])
    return therapist


LICENCE_FIELDS = ("licence_number", "licence_jurisdiction", "licence_expires_on")


@transaction.atomic
def therapist_update_profile(*, therapist: Therapist, data: dict) -> Therapist:
    """Apply a therapist's own edits from a validated form's cleaned data.

    Changing any licence detail clears the verification: staff must check the new licence.
    """
    m2m = {key: data.pop(key) for key in ("techniques", "languages") if key in data}
    licence_changed = any(
        key in data and data[key] != getattr(therapist, key) for key in LICENCE_FIELDS
    )
    for key, value in data.items():
        setattr(therapist, key, value)
    if licence_changed:
        therapist.licence_verified_at = None
        therapist.licence_verified_by = None
    therapist.full_clean()
    therapist.save()
    for key, values in m2m.items():
        getattr(therapist, key).set(values)
    return therapist
