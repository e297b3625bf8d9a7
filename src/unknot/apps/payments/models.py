"""The ledger of money movements and each practice's own Stripe account.

A :class:`LedgerEntry` is written once and never changed: the service layer has no update or
delete path, and the database refuses both with triggers (migration 0002; PostgreSQL and
SQLite). The one change allowed is the erasure of the person: ``client`` may go from a user to
NULL (the ``SET_NULL`` of a deleted account), never to someone else. Amounts are positive
integers of the currency's minor unit; the ``kind`` says which way the money went.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from unknot.common.fields import EncryptedTextField
from unknot.common.models import TimeStampedModel
from unknot.common.money import validate_currency
from unknot.common.validators import validate_plain_text


class EntryKind(models.TextChoices):
    CHARGE = "charge", "Charge"
    REFUND = "refund", "Refund"
    FEE = "fee", "Policy fee"
    CREDIT_ISSUED = "credit_issued", "Credit issued"
    CREDIT_REDEEMED = "credit_redeemed", "Credit redeemed"
    GIFTCARD_LOAD = "giftcard_load", "Gift card loaded"
    GIFTCARD_SPEND = "giftcard_spend", "Gift card spent"
    TIP = "tip", "Tip"
    ADJUSTMENT = "adjustment", "Adjustment"


INFLOW_KINDS = (
    EntryKind.CHARGE,
    EntryKind.FEE,
    EntryKind.CREDIT_ISSUED,
    EntryKind.GIFTCARD_LOAD,
    EntryKind.TIP,
    EntryKind.ADJUSTMENT,
)
"""Kinds that add to the row's ``account``; the others (refund, redeemed, spend) take from it."""


class EntryMethod(models.TextChoices):
    CARD = "card", "Card"
    CASH = "cash", "Cash"
    EXTERNAL_TERMINAL = "external_terminal", "External terminal"
    PACKAGE_CREDIT = "package_credit", "Package credit"
    GIFT_CARD = "gift_card", "Gift card"
    NONE = "none", "None"


class LedgerEntry(models.Model):
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.PROTECT, related_name="ledger_entries"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ledger_entries",
    )
    booking = models.ForeignKey(
        "booking.Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
    )
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    method = models.CharField(max_length=20, choices=EntryMethod.choices)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, validators=[validate_currency])
    account = models.CharField(max_length=64, default="sales")
    stripe_id = models.CharField(max_length=255, blank=True)
    idempotency_key = models.CharField(max_length=80, unique=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(max_length=200, blank=True, validators=[validate_plain_text])

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "ledger entries"
        indexes = [models.Index(fields=["account", "currency"], name="ledger_account_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="ledger_amount_positive"),
            models.CheckConstraint(
                condition=Q(kind__in=EntryKind.values), name="ledger_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(method__in=EntryMethod.values), name="ledger_method_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_minor} {self.currency} ({self.account})"

    @property
    def signed_minor(self) -> int:
        return self.amount_minor if self.kind in INFLOW_KINDS else -self.amount_minor


class StripeAccount(TimeStampedModel):
    """A practice's own Stripe keys (the practice brings its account; nothing is skimmed).

    The secret key and the webhook signing secret are encrypted at rest; the publishable key is
    public by design (the browser loads it).
    """

    practice = models.OneToOneField(
        "practices.Practice", on_delete=models.CASCADE, related_name="stripe_account"
    )
    publishable_key = models.CharField(max_length=255, validators=[validate_plain_text])
    secret_key = EncryptedTextField()
    webhook_secret = EncryptedTextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(publishable_key__startswith="pk_"),
                name="stripe_publishable_key_prefix",
            )
        ]

    def __str__(self) -> str:
        return f"Stripe ({self.mode}) for {self.practice}"

    @property
    def live(self) -> bool:
        return self.publishable_key.startswith("pk_live_")

    @property
    def mode(self) -> str:
        return "live" if self.live else "test"


class PaymentPurpose(models.TextChoices):
    DEPOSIT = "deposit", "Deposit"
    PREPAYMENT = "prepayment", "Prepayment"
    FEE = "fee", "Policy fee"
    SALE = "sale", "Sale"


class PaymentStatus(models.TextChoices):
    """A PaymentIntent's life, in the only order it may move (webhooks arrive in any order)."""

    REQUIRES_PAYMENT = "requires_payment", "Waiting for the card"
    PROCESSING = "processing", "Processing"
    FAILED = "failed", "Failed"
    SUCCEEDED = "succeeded", "Paid"
    CANCELED = "canceled", "Cancelled"


STATUS_RANK = {
    PaymentStatus.REQUIRES_PAYMENT: 0,
    PaymentStatus.PROCESSING: 1,
    PaymentStatus.FAILED: 2,
    PaymentStatus.SUCCEEDED: 3,
    PaymentStatus.CANCELED: 3,
}
"""A payment only moves to a higher rank: a late ``processing`` never undoes ``succeeded``.
A failed attempt may still succeed (the client retries the card); paid and cancelled are final.
"""


class Payment(TimeStampedModel):
    """One Stripe PaymentIntent of a practice, and what it is for."""

    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.PROTECT, related_name="payments"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="payments",
    )
    booking = models.ForeignKey(
        "booking.Booking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="payments",
    )
    purpose = models.CharField(max_length=12, choices=PaymentPurpose.choices)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, validators=[validate_currency])
    status = models.CharField(
        max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.REQUIRES_PAYMENT
    )
    stripe_payment_intent = models.CharField(max_length=255, unique=True)
    client_secret = EncryptedTextField(blank=True)
    idempotency_key = models.CharField(max_length=80, unique=True)
    failure_message = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=PaymentStatus.values), name="payment_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.amount_minor} {self.currency} ({self.status})"


class WebhookEvent(models.Model):
    """A Stripe event already processed: a replay of the same id changes nothing."""

    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.CASCADE, related_name="stripe_events"
    )
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=80)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "event_id"], name="webhook_event_once_per_practice"
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
