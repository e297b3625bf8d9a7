"""Taking, confirming and refunding card payments; every write atomic, every charge idempotent.

The order is always: ask Stripe first (with an idempotency key derived from what is being paid,
so a retry or double click is answered with the first PaymentIntent), then write our rows in
one transaction. Stripe unreachable means nothing is written and the caller says "try again".
A payment's status only moves forward (``STATUS_RANK``); the ledger gets its charge row when
the payment succeeds, keyed by the PaymentIntent, so a return page and a webhook racing to
confirm it write one row.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Sum

from unknot.apps.payments.ledger import ledger_record
from unknot.apps.payments.models import (
    STATUS_RANK,
    EntryKind,
    EntryMethod,
    LedgerEntry,
    Payment,
    PaymentPurpose,
    PaymentStatus,
    WebhookEvent,
)
from unknot.apps.payments.stripe_gateway import gateway_for, webhook_event

STRIPE_STATUS = {
    "requires_payment_method": PaymentStatus.REQUIRES_PAYMENT,
    "requires_confirmation": PaymentStatus.REQUIRES_PAYMENT,
    "requires_action": PaymentStatus.REQUIRES_PAYMENT,
    "processing": PaymentStatus.PROCESSING,
    "succeeded": PaymentStatus.SUCCEEDED,
    "canceled": PaymentStatus.CANCELED,
}


class RefundRefused(ValueError):
    """A refund the payment cannot give (more than is left of it, or nothing paid)."""


def payment_start(
    *,
    practice,
    purpose: str,
    amount_minor: int,
    key: str,
    now: dt.datetime,
    client=None,
    booking=None,
) -> Payment:
    """A PaymentIntent for ``amount_minor`` of the practice's currency, or the one ``key``
    already started (same key, same payment: a double click starts one)."""
    existing = Payment.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    intent = gateway_for(practice).payment_intent_create(
        amount_minor=amount_minor,
        currency=practice.currency,
        idempotency_key=key,
        metadata={"unknot_key": key, "purpose": purpose},
    )
    try:
        with transaction.atomic():
            return Payment.objects.create(
                practice=practice,
                client=client,
                booking=booking,
                purpose=purpose,
                amount_minor=amount_minor,
                currency=practice.currency,
                stripe_payment_intent=intent.id,
                client_secret=intent.client_secret or "",
                idempotency_key=key,
            )
    except IntegrityError:
        return Payment.objects.get(idempotency_key=key)


def _ledger_kind(purpose: str) -> str:
    return EntryKind.FEE if purpose == PaymentPurpose.FEE else EntryKind.CHARGE


def _account(payment: Payment) -> str:
    if payment.purpose == PaymentPurpose.FEE and payment.booking_id:
        return f"fees:booking:{payment.booking_id}"
    return "sales"


def payment_advance(
    *, payment: Payment, status: str, now: dt.datetime, failure_message: str = ""
) -> Payment:
    """Move ``payment`` to ``status`` if that is forward; on success, the ledger's charge row.

    Idempotent and order-proof: the row is locked, a status at or below the current rank is
    ignored, and the ledger row's key is the PaymentIntent's id.
    """
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if STATUS_RANK[status] > STATUS_RANK[locked.status] or (
            status == locked.status == PaymentStatus.FAILED
        ):
            locked.status = status
            locked.failure_message = failure_message[:300]
            locked.save(update_fields=["status", "failure_message", "updated_at"])
        if locked.status == PaymentStatus.SUCCEEDED:
            ledger_record(
                practice=locked.practice,
                kind=_ledger_kind(locked.purpose),
                method=EntryMethod.CARD,
                amount_minor=locked.amount_minor,
                currency=locked.currency,
                idempotency_key=f"charge:{locked.stripe_payment_intent}"[:80],
                now=now,
                client=locked.client,
                booking=locked.booking,
                account=_account(locked),
                stripe_id=locked.stripe_payment_intent,
            )
    return locked


def payment_sync(*, payment: Payment, now: dt.datetime) -> Payment:
    """Read the PaymentIntent from Stripe and advance to what it says (the return page)."""
    intent = gateway_for(payment.practice).payment_intent_retrieve(payment.stripe_payment_intent)
    status = STRIPE_STATUS.get(intent.status, PaymentStatus.REQUIRES_PAYMENT)
    error = getattr(intent, "last_payment_error", None)
    if status == PaymentStatus.REQUIRES_PAYMENT and error:
        status = PaymentStatus.FAILED
    return payment_advance(payment=payment, status=status, now=now)


def refunded_minor(payment: Payment) -> int:
    total = LedgerEntry.objects.filter(
        kind=EntryKind.REFUND, stripe_id=payment.stripe_payment_intent
    ).aggregate(total=Sum("amount_minor"))["total"]
    return int(total or 0)


def refund_issue(
    *, payment: Payment, amount_minor: int, key: str, now: dt.datetime, created_by=None, note=""
) -> LedgerEntry:
    """Refund part or all of a paid payment; more than what is left of it is refused here,
    before Stripe is asked (a Stripe-compatible server may not refuse it itself)."""
    if not isinstance(amount_minor, int) or amount_minor <= 0:
        raise RefundRefused("A refund is a positive amount.")
    done = LedgerEntry.objects.filter(idempotency_key=f"refund:{key}"[:80]).first()
    if done is not None:
        return done
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status != PaymentStatus.SUCCEEDED:
            raise RefundRefused("Only a completed payment can be refunded.")
        left = locked.amount_minor - refunded_minor(locked)
        if amount_minor > left:
            raise RefundRefused(
                f"At most {left} can be refunded: the payment was {locked.amount_minor} and "
                f"{locked.amount_minor - left} is already refunded."
            )
        refund = gateway_for(locked.practice).refund_create(
            payment_intent=locked.stripe_payment_intent,
            amount_minor=amount_minor,
            idempotency_key=f"refund:{key}",
        )
        return ledger_record(
            practice=locked.practice,
            kind=EntryKind.REFUND,
            method=EntryMethod.CARD,
            amount_minor=amount_minor,
            currency=locked.currency,
            idempotency_key=f"refund:{key}"[:80],
            now=now,
            client=locked.client,
            booking=locked.booking,
            account=_account(locked),
            stripe_id=locked.stripe_payment_intent,
            note=(note or f"Stripe refund {refund.id}")[:200],
            created_by=created_by,
        )


EVENT_STATUS = {
    "payment_intent.succeeded": PaymentStatus.SUCCEEDED,
    "payment_intent.payment_failed": PaymentStatus.FAILED,
    "payment_intent.processing": PaymentStatus.PROCESSING,
    "payment_intent.canceled": PaymentStatus.CANCELED,
}


def webhook_receive(*, practice, payload: bytes, signature: str, now: dt.datetime) -> bool:
    """Verify and apply one Stripe event; True when it was new. ``ValueError`` if not genuine.

    The event id is stored in the same transaction as its effect, so a replay (or two
    deliveries at once) has one effect; statuses only move forward, so order does not matter.
    """
    from unknot.apps.payments.models import StripeAccount

    account = StripeAccount.objects.filter(practice=practice).first()
    if account is None or not account.webhook_secret:
        raise ValueError("This practice takes no webhooks.")
    event = webhook_event(payload, signature, account.webhook_secret)
    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookEvent.objects.create(
                    practice=practice, event_id=event.id, type=event.type, received_at=now
                )
        except IntegrityError:
            return False
        status = EVENT_STATUS.get(event.type)
        if status is None:
            return True
        obj = event.data.object
        payment = Payment.objects.filter(practice=practice, stripe_payment_intent=obj.id).first()
        if payment is not None:
            error = getattr(obj, "last_payment_error", None)
            payment_advance(
                payment=payment,
                status=status,
                now=now,
                failure_message=(getattr(error, "message", "") or "") if error else "",
            )
    return True
