"""A program: a series of sessions booked together from an assessment's plan.

The program keeps the schedule it was booked with (weekday and local time of the first
session, interval, count) and the plan's phases; each session is an ordinary ``Booking`` linked
through ``ProgramSession``, so every booking rule, calendar and email applies to it unchanged.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from unknot.apps.booking.models import Weekday
from unknot.common.models import TimeStampedModel, new_uid

MAX_SESSIONS = 26
"""The longest series one request may book (half a year of weekly sessions)."""
MAX_EVERY_DAYS = 56


class ProgramStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Program(TimeStampedModel):
    uid = models.CharField(max_length=32, unique=True, default=new_uid, editable=False)
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="programs"
    )
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.PROTECT, related_name="programs"
    )
    technique = models.ForeignKey(
        "practices.Technique", on_delete=models.PROTECT, related_name="programs"
    )
    service = models.ForeignKey(
        "practices.Service", on_delete=models.PROTECT, related_name="programs"
    )
    therapist = models.ForeignKey(
        "therapists.Therapist",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programs",
        help_text="Empty when the client asked for any therapist.",
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    local_time = models.TimeField(help_text="Wall-clock time of the sessions in the practice.")
    every_days = models.PositiveSmallIntegerField()
    sessions_count = models.PositiveSmallIntegerField()
    phases = models.JSONField(default=list, blank=True)
    assessment = models.ForeignKey(
        "guide.SavedAssessment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programs",
    )
    status = models.CharField(
        max_length=12, choices=ProgramStatus.choices, default=ProgramStatus.ACTIVE
    )
    # NULL, not "": the per-client unique constraint must ignore programs without a key.
    idempotency_key = models.CharField(max_length=80, null=True, blank=True)  # noqa: DJ001
    request_fingerprint = models.CharField(max_length=64, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "-created_at"], name="program_client_recent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(every_days__gte=1) & Q(every_days__lte=MAX_EVERY_DAYS),
                name="program_every_days_range",
            ),
            models.CheckConstraint(
                condition=Q(sessions_count__gte=1) & Q(sessions_count__lte=MAX_SESSIONS),
                name="program_sessions_range",
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="program_weekday_range"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ProgramStatus]),
                name="program_status_valid",
            ),
            models.UniqueConstraint(
                fields=["client", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="program_idempotency_key_unique_per_client",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.technique} · {self.sessions_count} sessions every {self.every_days} days"

    @property
    def bookings(self):
        """The bookings of the program's sessions (every status), in time order."""
        from unknot.apps.booking.models import Booking

        return Booking.objects.filter(program_session__program=self).order_by("starts_at")


class ProgramSession(models.Model):
    """Session ``index`` (0-based) of a program is this booking."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="sessions")
    booking = models.OneToOneField(
        "booking.Booking", on_delete=models.PROTECT, related_name="program_session"
    )
    index = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["program", "index"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "index"], name="program_session_index_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Session {self.index + 1}"
