"""The gateway against a real Stripe-API server (localstripe)."""

import pytest

from unknot.apps.payments.models import StripeAccount
from unknot.apps.payments.stripe_gateway import (
    CardDeclined,
    PaymentsNotConfigured,
    gateway_for,
)


def test_a_practice_without_keys_is_told_so(practice):
    with pytest.raises(PaymentsNotConfigured):
        gateway_for(practice)


def test_the_secret_key_is_stored_encrypted(stripe_practice):
    from django.db import connection

    account = StripeAccount.objects.get(practice=stripe_practice)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_key FROM payments_stripeaccount WHERE id = %s", [account.pk])
        stored = cursor.fetchone()[0]
    assert account.secret_key.startswith("sk_test_")
    assert account.secret_key not in stored
    assert account.mode == "test"


def test_a_payment_intent_round_trips(stripe_practice):
    gateway = gateway_for(stripe_practice)
    intent = gateway.payment_intent_create(
        amount_minor=1500, currency="GBP", idempotency_key="t-1", metadata={"booking": "b1"}
    )
    assert intent.amount == 1500 and intent.currency == "gbp"
    assert gateway.payment_intent_retrieve(intent.id).id == intent.id


def test_a_card_that_attaches_but_declines_charges_is_a_clear_error(stripe_practice):
    gateway = gateway_for(stripe_practice)
    customer = gateway.customer_create(email="a@example.test", name="Ana", idempotency_key="c-1")
    pm = gateway.client.v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": "4000000000000341", "exp_month": 12, "exp_year": 2030, "cvc": "123"},
        }
    )
    gateway.client.v1.payment_methods.attach(pm.id, params={"customer": customer.id})
    with pytest.raises(CardDeclined):
        gateway.payment_intent_create(
            amount_minor=1500,
            currency="GBP",
            idempotency_key="t-2",
            customer=customer.id,
            payment_method=pm.id,
            off_session=True,
        )
