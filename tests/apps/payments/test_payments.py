"""Card payments against localstripe: confirm, refund, faults. The ledger matches Stripe."""

import datetime as dt

import pytest

from tests.payments_checks import DECLINED_ON_CHARGE, assert_ledger_matches_stripe, pay
from tests.stripe_server import point_at, start_localstripe
from unknot.apps.payments.models import EntryKind, LedgerEntry, Payment, PaymentStatus
from unknot.apps.payments.services import (
    RefundRefused,
    payment_start,
    payment_sync,
    refund_issue,
)
from unknot.apps.payments.stripe_gateway import CardDeclined, StripeUnavailable

NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)


def _start(practice, key="deposit:1", amount=2000, **kwargs):
    return payment_start(
        practice=practice, purpose="deposit", amount_minor=amount, key=key, now=NOW, **kwargs
    )


def test_a_paid_intent_writes_one_charge(stripe_practice, client_user):
    payment = _start(stripe_practice, client=client_user)
    assert payment.status == PaymentStatus.REQUIRES_PAYMENT
    pay(payment)
    payment_sync(payment=payment, now=NOW)
    payment_sync(payment=payment, now=NOW)  # the return page reloaded
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert LedgerEntry.objects.filter(kind=EntryKind.CHARGE).count() == 1
    assert_ledger_matches_stripe(stripe_practice)


def test_a_double_click_starts_one_payment(stripe_practice):
    first = _start(stripe_practice)
    again = _start(stripe_practice)
    assert first.pk == again.pk
    assert Payment.objects.count() == 1


def test_a_declined_card_leaves_no_charge(stripe_practice):
    payment = _start(stripe_practice)
    with pytest.raises(Exception):  # noqa: B017 - the SDK's card error, raised to Stripe.js
        pay(payment, DECLINED_ON_CHARGE)
    payment_sync(payment=payment, now=NOW)
    payment.refresh_from_db()
    assert payment.status != PaymentStatus.SUCCEEDED
    assert not LedgerEntry.objects.exists()
    assert_ledger_matches_stripe(stripe_practice)


def test_partial_refunds_and_a_refund_larger_than_what_is_left(stripe_practice):
    payment = _start(stripe_practice, amount=3000)
    pay(payment)
    payment_sync(payment=payment, now=NOW)
    refund_issue(payment=payment, amount_minor=1000, key="r1", now=NOW)
    refund_issue(payment=payment, amount_minor=1000, key="r1", now=NOW)  # retried: one refund
    with pytest.raises(RefundRefused, match="At most 2000"):
        refund_issue(payment=payment, amount_minor=2500, key="r2", now=NOW)
    refund_issue(payment=payment, amount_minor=2000, key="r3", now=NOW)
    with pytest.raises(RefundRefused):
        refund_issue(payment=payment, amount_minor=1, key="r4", now=NOW)
    assert LedgerEntry.objects.filter(kind=EntryKind.REFUND).count() == 2
    assert_ledger_matches_stripe(stripe_practice)


def test_an_unpaid_payment_cannot_be_refunded(stripe_practice):
    payment = _start(stripe_practice)
    with pytest.raises(RefundRefused):
        refund_issue(payment=payment, amount_minor=100, key="r", now=NOW)


def test_off_session_decline_is_a_clear_error(stripe_practice):
    from tests.payments_checks import card
    from unknot.apps.payments.stripe_gateway import gateway_for

    gateway = gateway_for(stripe_practice)
    customer = gateway.customer_create(email="a@example.test", name="Ana", idempotency_key="c")
    pm = card(gateway, DECLINED_ON_CHARGE)
    gateway.client.v1.payment_methods.attach(pm.id, params={"customer": customer.id})
    with pytest.raises(CardDeclined):
        gateway.payment_intent_create(
            amount_minor=500,
            currency="GBP",
            idempotency_key="fee",
            customer=customer.id,
            payment_method=pm.id,
            off_session=True,
        )


def test_stripe_unreachable_writes_nothing_and_a_retry_works(stripe_practice, settings):
    server = start_localstripe()
    try:
        point_at(settings, server.url)
        payment = _start(stripe_practice, amount=1200)
        pay(payment)
        server.stop()  # Stripe goes away mid-test
        with pytest.raises(StripeUnavailable, match="try again"):
            payment_sync(payment=payment, now=NOW)
        with pytest.raises(StripeUnavailable):
            _start(stripe_practice, key="deposit:2")
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.REQUIRES_PAYMENT
        assert not LedgerEntry.objects.exists()
        assert Payment.objects.count() == 1
    finally:
        server.stop()
