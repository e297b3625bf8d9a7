"""A practice and what it offers: techniques, services and rooms."""

from __future__ import annotations

from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from unknot.common.models import TimeStampedModel
from unknot.common.money import validate_currency
from unknot.common.validators import validate_plain_text


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(f"'{value}' is not an IANA time zone such as Europe/London.")


class Practice(TimeStampedModel):
    """One location or business. Every practice record hangs off one of these.

    Booking rules (notice, window, cut-offs) are data staff edit, not Django settings.
    """

    name = models.CharField(max_length=120, validators=[validate_plain_text])
    slug = models.SlugField(unique=True)
    address = models.TextField()
    phone = models.CharField(max_length=40, validators=[validate_plain_text])
    email = models.EmailField(blank=True)
    legal_name = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_plain_text],
        help_text="The business's registered name, printed on receipts.",
    )
    tax_id = models.CharField(
        max_length=40,
        blank=True,
        validators=[validate_plain_text],
        help_text="VAT or tax registration number, printed on receipts.",
    )
    currency = models.CharField(
        max_length=3,
        default="GBP",
        validators=[validate_currency],
        help_text="ISO 4217 code of the currency the practice charges in.",
    )
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    cancellation_cutoff_hours = models.PositiveSmallIntegerField(
        default=24, help_text="Cancelling or rescheduling later than this counts as late."
    )
    min_notice_minutes = models.PositiveIntegerField(
        default=120, help_text="The earliest a client can book ahead of a session."
    )
    booking_window_days = models.PositiveSmallIntegerField(
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text="How far ahead a client can book.",
    )
    reminder_lead_hours = models.PositiveSmallIntegerField(
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
        help_text="How long before a session the reminder email goes out.",
    )
    waitlist_offer_minutes = models.PositiveSmallIntegerField(
        default=120,
        validators=[MinValueValidator(10), MaxValueValidator(1440)],
        help_text="How long a waitlisted client has to accept a freed slot.",
    )
    require_two_factor = models.BooleanField(
        default=True,
        help_text=(
            "Therapists must sign in with a second factor. Owners, front desk and superusers "
            "always must. Only the practice's owner changes this."
        ),
    )
    health_record_retention_days = models.PositiveIntegerField(
        default=2555,
        help_text=(
            "How long health records (assessments, check-ins, notes) are kept after a client "
            "deletes their account, for the practice's legal and insurance duties. 0 erases them "
            "at once."
        ),
    )
    note_late_after_hours = models.PositiveSmallIntegerField(
        default=24,
        validators=[MaxValueValidator(720)],
        help_text="A session note signed later than this after the session's end is marked late.",
    )
    max_open_bookings_per_client = models.PositiveSmallIntegerField(
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=(
            "How many upcoming sessions one client may hold at once. A program may hold more, "
            "up to its own length, when it is the client's only upcoming booking."
        ),
    )
    slot_step_minutes = models.PositiveSmallIntegerField(
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(120)],
        help_text="Start times are offered on this grid of local time.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Technique(models.Model):
    """One of the seven techniques of the guide. Reference data shared by every practice.

    The descriptive content (what to expect, what to wear, evidence) lives in the guide
    catalogue in ``unknot.domain.guide``; this row lets services, rooms and therapists point at it.
    """

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80, validators=[validate_plain_text])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class RoomKind(models.TextChoices):
    TABLE = "table", "Treatment table room"
    MAT = "mat", "Floor-mat room"
    CHAIR = "chair", "Massage chair"


class Room(TimeStampedModel):
    """A treatment space. ``techniques`` lists what it suits (Thai yoga needs a floor mat)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=80, validators=[validate_plain_text])
    kind = models.CharField(max_length=8, choices=RoomKind.choices, default=RoomKind.TABLE)
    techniques = models.ManyToManyField(Technique, related_name="rooms", blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["practice", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "name"], name="room_name_unique_in_practice"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class TaxMode(models.TextChoices):
    INCLUSIVE = "inclusive", "Price includes tax"
    EXCLUSIVE = "exclusive", "Tax added to the price"
    EXEMPT = "exempt", "Exempt from tax"


class Service(TimeStampedModel):
    """A bookable session: a technique for a length of time at a price, with buffers.

    Buffers are the therapist's and room's preparation before and clean-up after; they block
    the calendar but are not part of the client's time.
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="services")
    technique = models.ForeignKey(Technique, on_delete=models.PROTECT, related_name="services")
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(10), MaxValueValidator(240)]
    )
    price = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(0)])
    tax_rate_bp = models.PositiveIntegerField(
        default=0,
        validators=[MaxValueValidator(10000)],
        help_text="Tax rate in basis points: 2000 is 20 %.",
    )
    tax_mode = models.CharField(max_length=10, choices=TaxMode.choices, default=TaxMode.EXEMPT)
    buffer_before_minutes = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(120)]
    )
    buffer_after_minutes = models.PositiveSmallIntegerField(
        default=15, validators=[MaxValueValidator(120)]
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["practice", "technique__position", "duration_minutes"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "technique", "duration_minutes"],
                name="service_unique_length_per_technique",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=10) & Q(duration_minutes__lte=240),
                name="service_duration_range",
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="service_price_not_negative"),
            models.CheckConstraint(
                condition=Q(tax_rate_bp__lte=10000), name="service_tax_rate_range"
            ),
            models.CheckConstraint(
                condition=Q(tax_mode__in=["inclusive", "exclusive", "exempt"]),
                name="service_tax_mode_valid",
            ),
            models.CheckConstraint(
                condition=Q(buffer_before_minutes__lte=120) & Q(buffer_after_minutes__lte=120),
                name="service_buffers_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.technique} · {self.duration_minutes} min"
