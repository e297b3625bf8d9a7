"""The waitlist: clients waiting for a technique (a therapist, a time of day) and the offers of
freed slots made to them, one client at a time, in the order they joined."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from unknot.common.models import new_uid


def new_token() -> str:
    """The secret in an offer's link: 32 URL-safe characters."""
    return secrets.token_urlsafe(24)


class EntryStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    BOOKED = "booked", "Booked from an offer"
    LEFT = "left", "Left the waitlist"


class WaitlistEntry(models.Model):
    """A client waiting for a session. Empty optional fields mean "any"."""

    uid = models.CharField(max_length=32, unique=True, default=new_uid, editable=False)
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    technique = models.ForeignKey(
        "practices.Technique", on_delete=models.PROTECT, related_name="waitlist_entries"
    )
    therapist = models.ForeignKey(
        "therapists.Therapist",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="waitlist_entries",
    )
    practice = models.ForeignKey(
        "practices.Practice",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="waitlist_entries",
        help_text="Set from the therapist; empty means any practice.",
    )
    earliest_time = models.TimeField(null=True, blank=True, help_text="Local time of day.")
    latest_time = models.TimeField(
        null=True, blank=True, help_text="Local time of day by which the session ends."
    )
    weekdays = models.JSONField(
        default=list, blank=True, help_text="0 = Monday … 6 = Sunday; empty means any day."
    )
    earliest_date = models.DateField(null=True, blank=True)
    latest_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=EntryStatus.choices, default=EntryStatus.WAITING
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "waitlist entries"
        indexes = [
            models.Index(fields=["technique", "status", "created_at"], name="waitlist_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in EntryStatus]),
                name="waitlist_entry_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(earliest_time__isnull=True)
                | Q(latest_time__isnull=True)
                | Q(earliest_time__lt=F("latest_time")),
                name="waitlist_entry_times_ordered",
            ),
            models.CheckConstraint(
                condition=Q(earliest_date__isnull=True)
                | Q(latest_date__isnull=True)
                | Q(earliest_date__lte=F("latest_date")),
                name="waitlist_entry_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} waiting for {self.technique}"

    @property
    def weekday_names(self) -> list[str]:
        from unknot.apps.booking.models import Weekday

        return [Weekday(day).label for day in self.weekdays]


class OfferStatus(models.TextChoices):
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"
    SUPERSEDED = "superseded", "Superseded"


class WaitlistOffer(models.Model):
    """A freed slot offered to one waiting client until ``expires_at``.

    ``superseded``: the slot was taken or withdrawn before the client could accept it.
    """

    uid = models.CharField(max_length=32, unique=True, default=new_uid, editable=False)
    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    therapist = models.ForeignKey(
        "therapists.Therapist", on_delete=models.CASCADE, related_name="waitlist_offers"
    )
    service = models.ForeignKey(
        "practices.Service", on_delete=models.CASCADE, related_name="waitlist_offers"
    )
    slot_start = models.DateTimeField()
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    expires_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=OfferStatus.choices, default=OfferStatus.OFFERED
    )
    booking = models.OneToOneField(
        "booking.Booking",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="waitlist_offer",
    )
    created_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["therapist", "slot_start"], name="waitlist_offer_slot"),
            models.Index(fields=["status", "expires_at"], name="waitlist_offer_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in OfferStatus]),
                name="waitlist_offer_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="waitlist_offer_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"Offer of {self.slot_start:%Y-%m-%d %H:%M} to {self.entry.client}"
