"""Check-ins, their scores, and the review suggestions they lead to.

Check-ins are health data: reach them only through ``apps.progress.access``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from unknot.common.fields import EncryptedTextField
from unknot.common.models import TimeStampedModel, new_uid


class CheckInKind(models.TextChoices):
    BEFORE = "before", "Before the session"
    AFTER = "after", "After the session"


class Relief(models.TextChoices):
    NONE = "none", "I felt no relief"
    HOURS = "hours", "A few hours"
    ONE_DAY = "one-day", "About a day"
    TWO_DAYS = "two-days", "Two days or more"
    STILL = "still", "I still feel better"


class CheckIn(models.Model):
    """One check-in around one session: before it (scores, where it hurts, health changes) or
    after it (reactions and relief)."""

    uid = models.CharField(max_length=32, unique=True, default=new_uid, editable=False)
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    booking = models.ForeignKey(
        "booking.Booking", on_delete=models.CASCADE, related_name="checkins"
    )
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.PROTECT, related_name="checkins"
    )
    kind = models.CharField(max_length=8, choices=CheckInKind.choices)
    submitted_at = models.DateTimeField()
    via = models.CharField(max_length=8, default="web")
    catalogue_version = models.CharField(max_length=40, blank=True)

    regions = models.JSONField(default=list, blank=True, help_text="Where it hurts today.")
    new_red_flags = models.JSONField(default=list, blank=True)
    new_conditions = models.JSONField(default=list, blank=True)
    health_note = EncryptedTextField(blank=True)

    soreness = models.PositiveSmallIntegerField(null=True, blank=True)
    bruising = models.BooleanField(default=False)
    headache = models.BooleanField(default=False)
    other_reactions = EncryptedTextField(blank=True)
    relief = models.CharField(max_length=10, choices=Relief.choices, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["client", "practice", "kind"], name="checkin_client_practice")
        ]
        constraints = [
            models.UniqueConstraint(fields=["booking", "kind"], name="checkin_one_per_kind"),
            models.CheckConstraint(
                condition=Q(kind__in=["before", "after"]), name="checkin_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(soreness__isnull=True) | Q(soreness__lte=10),
                name="checkin_soreness_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.uid} ({self.kind})"


class MeasureScore(models.Model):
    """The score of one outcome measure in one check-in, with the item answers behind it."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="scores")
    measure = models.CharField(max_length=40)
    score = models.SmallIntegerField()
    answers = models.JSONField(default=dict)

    class Meta:
        ordering = ["checkin", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["checkin", "measure"], name="score_one_per_measure")
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.score}"


class SuggestionKind(models.TextChoices):
    MAINTENANCE = "maintenance", "Move to maintenance"
    CHANGE_TECHNIQUE = "change-technique", "Try another technique"
    SEE_CLINICIAN = "see-clinician", "See a clinician"
    LOWER_PRESSURE = "lower-pressure", "Lighter pressure next time"
    RESCREEN = "rescreen", "Update the self-assessment before booking"


class SuggestionStatus(models.TextChoices):
    OPEN = "open", "Waiting for the therapist"
    ACCEPTED = "accepted", "Accepted"
    CHANGED = "changed", "Accepted with changes"
    DECLINED = "declined", "Not taken up"
    SUPERSEDED = "superseded", "Replaced by a newer suggestion"


class ReviewSuggestion(TimeStampedModel):
    """What the review rules suggested after a check-in, and what the therapist decided."""

    uid = models.CharField(max_length=32, unique=True, default=new_uid, editable=False)
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_suggestions"
    )
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.PROTECT, related_name="review_suggestions"
    )
    checkin = models.ForeignKey(
        CheckIn, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    kind = models.CharField(max_length=20, choices=SuggestionKind.choices)
    for_client = models.TextField()
    for_therapist = models.TextField()
    pressure_cap = models.PositiveSmallIntegerField(null=True, blank=True)
    technique = models.CharField(max_length=40, blank=True)
    blocks_booking = models.BooleanField(default=False)
    sessions_held = models.PositiveSmallIntegerField(default=0)
    assessment_seen = models.PositiveBigIntegerField(
        default=0, help_text="The latest self-assessment (id) when this was suggested; 0 if none."
    )
    status = models.CharField(
        max_length=12, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    applied = models.JSONField(default=dict, blank=True, help_text="What accepting changed.")
    applied_booking = models.ForeignKey(
        "booking.Booking", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "practice", "status"], name="suggestion_open")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in SuggestionKind]),
                name="suggestion_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in SuggestionStatus]),
                name="suggestion_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(pressure_cap__isnull=True)
                | (Q(pressure_cap__gte=1) & Q(pressure_cap__lte=5)),
                name="suggestion_pressure_cap_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == SuggestionStatus.OPEN


class CheckInReminder(models.Model):
    """A reminder email sent for one check-in: sent once, never twice."""

    booking = models.ForeignKey(
        "booking.Booking", on_delete=models.CASCADE, related_name="checkin_reminders"
    )
    kind = models.CharField(max_length=8, choices=CheckInKind.choices)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "kind"], name="checkin_reminder_once")
        ]

    def __str__(self) -> str:
        return f"Reminder ({self.kind}) at {self.sent_at:%Y-%m-%d %H:%M}"
