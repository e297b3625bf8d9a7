"""Stripe webhooks: verified, idempotent, order-proof; and real deliveries from localstripe."""

import datetime as dt
import time
import urllib.request

import pytest
from django.urls import reverse

from tests.payments_checks import assert_ledger_matches_stripe, event, pay, signed
from tests.stripe_server import TEST_WEBHOOK_SECRET, point_at, start_localstripe
from unknot.apps.payments.models import LedgerEntry, Payment, PaymentStatus, WebhookEvent
from unknot.apps.payments.services import payment_start

NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)


def _url(practice):
    return reverse("payments:stripe-webhook", args=[practice.slug])


def _payment(practice, key="deposit:w"):
    return payment_start(practice=practice, purpose="deposit", amount_minor=2500, key=key, now=NOW)


def _post(client, practice, payload, secret=TEST_WEBHOOK_SECRET):
    body, signature = signed(payload, secret)
    return client.post(
        _url(practice), body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )


def _intent(payment, status):
    return {"id": payment.stripe_payment_intent, "object": "payment_intent", "status": status}


def test_a_bad_signature_is_refused_and_changes_nothing(client, stripe_practice):
    payment = _payment(stripe_practice)
    payload = event("evt_1", "payment_intent.succeeded", _intent(payment, "succeeded"))
    response = _post(client, stripe_practice, payload, secret="whsec_wrong")
    assert response.status_code == 400
    response = client.post(_url(stripe_practice), b"{}", content_type="application/json")
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REQUIRES_PAYMENT
    assert not WebhookEvent.objects.exists()


def test_an_unknown_practice_is_404(client, stripe_practice):
    response = client.post("/payments/webhooks/stripe/nowhere/", b"{}", content_type="text/plain")
    assert response.status_code == 404


def test_a_webhook_replayed_ten_times_has_one_effect(client, stripe_practice):
    payment = _payment(stripe_practice)
    pay(payment)
    payload = event("evt_2", "payment_intent.succeeded", _intent(payment, "succeeded"))
    answers = [_post(client, stripe_practice, payload).json()["new"] for _ in range(10)]
    assert answers == [True] + [False] * 9
    assert LedgerEntry.objects.count() == 1
    assert WebhookEvent.objects.count() == 1
    assert_ledger_matches_stripe(stripe_practice)


def test_out_of_order_events_only_move_forward(client, stripe_practice):
    payment = _payment(stripe_practice)
    pay(payment)
    _post(
        client,
        stripe_practice,
        event("evt_a", "payment_intent.succeeded", _intent(payment, "succeeded")),
    )
    _post(
        client,
        stripe_practice,
        event("evt_b", "payment_intent.processing", _intent(payment, "processing")),
    )
    _post(
        client,
        stripe_practice,
        event(
            "evt_c", "payment_intent.payment_failed", _intent(payment, "requires_payment_method")
        ),
    )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert LedgerEntry.objects.count() == 1
    assert_ledger_matches_stripe(stripe_practice)


@pytest.mark.django_db(transaction=True)
def test_localstripe_delivers_a_real_signed_webhook(live_server, stripe_practice, settings):
    server = start_localstripe()
    try:
        point_at(settings, server.url)
        urllib.request.urlopen(  # noqa: S310 - our own localstripe
            urllib.request.Request(
                f"{server.url}/_config/webhooks/unknot",
                data=(
                    f"url={live_server.url}{_url(stripe_practice)}"
                    f"&secret={TEST_WEBHOOK_SECRET}&events[]=payment_intent.succeeded"
                ).encode(),
                method="POST",
            ),
            timeout=5,
        ).close()
        payment = _payment(stripe_practice, key="deposit:live")
        pay(payment)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            payment.refresh_from_db()
            if payment.status == PaymentStatus.SUCCEEDED:
                break
            time.sleep(0.2)
        assert payment.status == PaymentStatus.SUCCEEDED
        assert WebhookEvent.objects.filter(type="payment_intent.succeeded").count() == 1
        assert LedgerEntry.objects.count() == 1
        assert Payment.objects.count() == 1
        assert_ledger_matches_stripe(stripe_practice)
    finally:
        server.stop()
