"""Working hours, time off and bookings.

No two live bookings may overlap for one therapist or one room, buffers included. PostgreSQL
enforces it with exclusion constraints over ``tstzrange(busy_from, busy_until)`` created in
migration 0002 (they are PostgreSQL-only, so they are not declared in ``Meta``); on SQLite every
booking write runs in an IMMEDIATE transaction, which serialises writers, with the overlap check
inside it (see ``services.py``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from unknot.common.fields import EncryptedTextField
from unknot.common.models import TimeStampedModel, new_uid
from unknot.common.validators import validate_plain_text

MAX_BUSY_SPAN = dt.timedelta(hours=8)
"""Upper bound of any booking's busy range (service ≤ 240 min plus buffers ≤ 2 × 120 min).

Window queries use it to bound an index range scan on ``busy_from``, so their cost follows the
bookings in the window, not the length of the history.
"""


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WorkingHours(models.Model):
    """One range of a therapist's weekly hours, in the practice's local time."""

    therapist = models.ForeignKey(
        "therapists.Therapist", on_delete=models.CASCADE, related_name="working_hours"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["therapist", "weekday", "start_time"]
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__lt=F("end_time")), name="working_hours_start_before_end"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="working_hours_weekday_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class DateOverride(models.Model):
    """Hours that replace the weekly hours on one date; no times means a day off."""

    therapist = models.ForeignKey(
        "therapists.Therapist", on_delete=models.CASCADE, related_name="date_overrides"
    )
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True, validators=[validate_plain_text])

    class Meta:
        ordering = ["therapist", "date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(start_time__isnull=True) & Q(end_time__isnull=True))
                | Q(start_time__lt=F("end_time")),
                name="date_override_closed_or_ordered",
            ),
        ]

    def __str__(self) -> str:
        if self.closed:
            return f"{self.date}: closed"
        return f"{self.date}: {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    @property
    def closed(self) -> bool:
        return self.start_time is None


class TimeOff(models.Model):
    """An absence (holiday, training, illness) in absolute time."""

    therapist = models.ForeignKey(
        "therapists.Therapist", on_delete=models.CASCADE, related_name="time_off"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True, validators=[validate_plain_text])

    class Meta:
        ordering = ["therapist", "starts_at"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="time_off_start_before_end"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} – {self.ends_at:%Y-%m-%d %H:%M}"


class BookingStatus(models.TextChoices):
    PENDING = "pending", "Pending clearance"
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"
    NO_SHOW = "no_show", "No-show"


LIVE_STATUSES = (
    BookingStatus.PENDING,
    BookingStatus.CONFIRMED,
    BookingStatus.COMPLETED,
    BookingStatus.NO_SHOW,
)
"""Statuses that hold time on the calendar: everything but cancelled."""


class Booking(TimeStampedModel):
    """One session: a client, a therapist, a room and a service at a time.

    ``starts_at``/``ends_at`` are the client's session; ``busy_from``/``busy_until`` widen it by
    the service's buffers and are what may never overlap another live booking.
    """

    uid = models.CharField(max_length=32, unique=True, default=new_uid, editable=False)
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.PROTECT, related_name="bookings"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    therapist = models.ForeignKey(
        "therapists.Therapist", on_delete=models.PROTECT, related_name="bookings"
    )
    room = models.ForeignKey("practices.Room", on_delete=models.PROTECT, related_name="bookings")
    service = models.ForeignKey(
        "practices.Service", on_delete=models.PROTECT, related_name="bookings"
    )
    technique = models.ForeignKey(
        "practices.Technique", on_delete=models.PROTECT, related_name="bookings"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    busy_from = models.DateTimeField()
    busy_until = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=BookingStatus.choices, default=BookingStatus.CONFIRMED
    )
    price = models.DecimalField(max_digits=8, decimal_places=2)
    # NULL, not "": the per-client unique constraint must ignore bookings without a key.
    idempotency_key = models.CharField(max_length=80, null=True, blank=True)  # noqa: DJ001
    request_fingerprint = models.CharField(max_length=64, blank=True)
    sequence = models.PositiveIntegerField(
        default=0, help_text="Raised on every change; calendar files carry it as SEQUENCE."
    )

    # The safety gate's outcome, copied from the assessment when the booking was made.
    assessment = models.ForeignKey(
        "guide.SavedAssessment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bookings",
    )
    safety = models.JSONField(
        default=dict,
        blank=True,
        help_text="Flags for the therapist: pressure cap, positioning, areas to avoid, oils.",
    )
    needs_clearance = models.BooleanField(default=False)
    clearance_recorded_at = models.DateTimeField(null=True, blank=True)
    clearance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    clearance_note = EncryptedTextField(blank=True)
    client_note = EncryptedTextField(
        blank=True, help_text="What the client wants to tell the therapist."
    )

    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancellation_reason = models.CharField(
        max_length=300, blank=True, validators=[validate_plain_text]
    )
    late_cancellation = models.BooleanField(default=False)
    reschedule_count = models.PositiveSmallIntegerField(default=0)
    late_reschedule = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["therapist", "busy_from"], name="booking_therapist_busy"),
            models.Index(fields=["room", "busy_from"], name="booking_room_busy"),
            models.Index(fields=["client", "starts_at"], name="booking_client_start"),
            models.Index(fields=["practice", "starts_at"], name="booking_practice_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="booking_start_before_end"
            ),
            models.CheckConstraint(
                condition=Q(busy_from__lte=F("starts_at")) & Q(busy_until__gte=F("ends_at")),
                name="booking_busy_covers_session",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in BookingStatus]),
                name="booking_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="cancelled") | Q(cancelled_at__isnull=True),
                name="booking_cancelled_at_only_when_cancelled",
            ),
            models.UniqueConstraint(
                fields=["client", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="booking_idempotency_key_unique_per_client",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.technique} with {self.therapist} at {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def is_upcoming_and_active(self) -> bool:
        return self.status in (BookingStatus.PENDING, BookingStatus.CONFIRMED)


class BookingEvent(models.Model):
    """What happened to a booking, when and by whom: the booking's own history."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"
