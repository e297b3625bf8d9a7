"""The notification log (what was sent, once) and private calendar feeds.

``SentNotification`` is both the outbox record and the idempotency guard: one row per
(object uid, kind, sequence). A task claims the row before sending and marks it sent after;
a retried or duplicated task finds it sent and does nothing. A failed send leaves the row
``failed`` with the error, the attempt count and when to try again (see docs/decisions).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q


class NotificationKind(models.TextChoices):
    BOOKING_CREATED = "booking_created", "Booking confirmation"
    BOOKING_RESCHEDULED = "booking_rescheduled", "Booking moved"
    BOOKING_CANCELLED = "booking_cancelled", "Booking cancelled"
    BOOKING_CONFIRMED = "booking_confirmed", "Booking confirmed after clearance"
    REMINDER = "reminder", "Reminder"
    PROGRAM_BOOKED = "program_booked", "Program booked"
    PROGRAM_CANCELLED = "program_cancelled", "Program cancelled"
    PROGRAM_ADJUSTED = "program_adjusted", "Program changed"
    QUESTION_ASKED = "question_asked", "New question (to the therapist)"
    QUESTION_ANSWERED = "question_answered", "Answer (to the asker)"


class DeliveryStatus(models.TextChoices):
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (will retry)"
    GAVE_UP = "gave_up", "Failed (gave up)"


class SentNotification(models.Model):
    """One email about one version of one object. Unique on (object_uid, kind, sequence)."""

    object_uid = models.CharField(
        max_length=64, help_text="The booking, program or question the email is about."
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    sequence = models.PositiveIntegerField(
        help_text="The object's version: a booking's SEQUENCE, a program's revision."
    )
    practice = models.ForeignKey(
        "practices.Practice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    recipient = models.EmailField(blank=True)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.SENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    session_start = models.DateTimeField(
        null=True, blank=True, help_text="For reminders: the session time reminded of."
    )
    task_args = models.JSONField(
        default=dict, blank=True, help_text="What the resend sweep needs to enqueue it again."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["object_uid", "kind", "sequence"], name="sent_notification_once"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in DeliveryStatus]),
                name="sent_notification_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="sent_notification_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_retry_due"),
            models.Index(fields=["object_uid", "kind"], name="notification_object_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.object_uid} #{self.sequence} ({self.status})"


def new_feed_token() -> str:
    """256 random bits, URL-safe: the whole secret of a calendar feed."""
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A private, revocable calendar subscription for one person (a client or a therapist).

    The token is the only credential (calendar apps cannot sign in), so it is long and random;
    it is kept as is so its owner can see the address again (see docs/decisions). Revoking
    sets ``revoked_at``; a new feed gets a new token, and the old address answers 404.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    show_client_names = models.BooleanField(
        default=False,
        help_text=(
            "A therapist's feed shows clients' initials unless they choose full names: the "
            "feed is copied into a third-party calendar service."
        ),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_active_per_user",
            )
        ]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "active"
        return f"Calendar feed of {self.user} ({state})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
