"""Helpers for payment tests: pay a PaymentIntent with a test card, sign a webhook, and check
that the ledger agrees with Stripe's own objects."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from unknot.apps.payments.models import EntryKind, LedgerEntry, Payment, PaymentStatus
from unknot.apps.payments.stripe_gateway import gateway_for

GOOD_CARD = "4242424242424242"
DECLINED_ON_CHARGE = "4000000000000341"  # attaches, then every charge is declined
DECLINED_ON_ATTACH = "4000000000000002"


def card(gateway, number: str = GOOD_CARD):
    return gateway.client.v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"},
        }
    )


def pay(payment: Payment, number: str = GOOD_CARD):
    """What Stripe.js does in the browser: confirm the PaymentIntent with a card."""
    gateway = gateway_for(payment.practice)
    pm = card(gateway, number)
    # localstripe's confirm takes no card, so the card is set on the intent first.
    gateway.client.v1.payment_intents.update(
        payment.stripe_payment_intent, params={"payment_method": pm.id}
    )
    return gateway.client.v1.payment_intents.confirm(payment.stripe_payment_intent)


def signed(payload: dict, secret: str, timestamp: int | None = None) -> tuple[bytes, str]:
    """A webhook body and its ``Stripe-Signature`` header, signed the way Stripe signs."""
    body = json.dumps(payload).encode()
    ts = timestamp or int(time.time())
    mac = hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    return body, f"t={ts},v1={mac}"


def event(event_id: str, type_: str, intent: dict) -> dict:
    return {
        "id": event_id,
        "object": "event",
        "type": type_,
        "api_version": "2024-06-20",
        "created": int(time.time()),
        "data": {"object": intent},
    }


def assert_ledger_matches_stripe(practice) -> None:
    """Every payment's ledger rows sum to what Stripe holds: the charge once when the intent
    succeeded (none otherwise), and the refunds Stripe lists."""
    gateway = gateway_for(practice)
    for payment in Payment.objects.filter(practice=practice):
        intent = gateway.payment_intent_retrieve(payment.stripe_payment_intent)
        rows = LedgerEntry.objects.filter(stripe_id=payment.stripe_payment_intent)
        charged = sum(r.amount_minor for r in rows if r.kind in (EntryKind.CHARGE, EntryKind.FEE))
        refunded = sum(r.amount_minor for r in rows if r.kind == EntryKind.REFUND)
        if intent.status == "succeeded":
            assert payment.status == PaymentStatus.SUCCEEDED, payment
            assert charged == intent.amount, (payment, charged, intent.amount)
        else:
            assert charged == 0, (payment, intent.status)
        listed = gateway.refunds_list(payment_intent=payment.stripe_payment_intent)
        assert refunded == sum(r.amount for r in listed.data), payment
