"""Saved self-assessments. Health data: reach them only through ``apps.guide.access``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from unknot.common.fields import EncryptedJSONField
from unknot.common.models import TimeStampedModel, new_uid


class AssessmentStatus(models.TextChoices):
    OK = "ok", "Suitable for massage"
    POSTPONE = "postpone", "Postpone until well"
    REFER = "refer", "See a doctor first"


class SavedAssessment(TimeStampedModel):
    """A client's intake and the assessment it produced, as the JSON contract defines them.

    ``result`` is stored for the record (what the client was shown); booking re-runs the
    current safety rules on ``intake`` so that a corrected rule applies at once.
    """

    uid = models.CharField(max_length=32, unique=True, default=new_uid, editable=False)
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments"
    )
    intake = EncryptedJSONField()
    result = EncryptedJSONField()
    status = models.CharField(max_length=10, choices=AssessmentStatus.choices)
    catalogue_version = models.CharField(max_length=40)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "-created_at"], name="assessment_client_recent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["ok", "postpone", "refer"]), name="assessment_status_valid"
            )
        ]

    def __str__(self) -> str:
        return f"Assessment {self.uid} ({self.get_status_display()})"
