"""The one place that talks to Stripe: the official SDK's ``StripeClient``, per practice.

Each practice brings its own account, so every call uses that practice's secret key. The API
version is pinned (``STRIPE_API_VERSION``) so a Stripe upgrade changes nothing until we move
the pin. ``settings.UNKNOT_STRIPE_API_BASE`` points the SDK elsewhere (localstripe in tests and
the demo); empty means Stripe itself. Every call that can move money takes an idempotency key,
which Stripe uses to answer a retry with the first answer instead of charging again.

Nothing else in the code imports ``stripe``'s network API: services call this gateway.
"""

from __future__ import annotations

from dataclasses import dataclass

import stripe
from django.conf import settings

STRIPE_API_VERSION = "2024-06-20"
"""The pinned Stripe API version every request names."""


class PaymentsNotConfigured(Exception):
    """The practice has entered no Stripe keys."""


class StripeUnavailable(Exception):
    """Stripe could not be reached (network, timeout, 5xx): nothing is known to have happened."""


class PaymentRefused(Exception):
    """Stripe refused the request as given (a bad amount, an unknown object)."""


class CardDeclined(Exception):
    def __init__(self, message: str, code: str = ""):
        super().__init__(message)
        self.code = code


def _wrap(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except stripe.CardError as error:
        raise CardDeclined(error.user_message or str(error), error.code or "") from error
    except (stripe.APIConnectionError, stripe.RateLimitError) as error:
        raise StripeUnavailable("Stripe could not be reached; try again shortly.") from error
    except stripe.InvalidRequestError as error:
        raise PaymentRefused(error.user_message or str(error)) from error
    except stripe.APIError as error:
        raise StripeUnavailable("Stripe answered with an error; try again shortly.") from error


@dataclass
class StripeGateway:
    client: stripe.StripeClient
    publishable_key: str

    # --- customers and cards -----------------------------------------------------------
    def customer_create(self, *, email: str, name: str, idempotency_key: str):
        return _wrap(
            self.client.v1.customers.create,
            params={"email": email, "name": name},
            options={"idempotency_key": idempotency_key},
        )

    def setup_intent_create(self, *, customer: str, idempotency_key: str):
        return _wrap(
            self.client.v1.setup_intents.create,
            params={"customer": customer, "usage": "off_session", "payment_method_types": ["card"]},
            options={"idempotency_key": idempotency_key},
        )

    def setup_intent_retrieve(self, setup_intent_id: str):
        return _wrap(self.client.v1.setup_intents.retrieve, setup_intent_id)

    def payment_method_retrieve(self, payment_method_id: str):
        return _wrap(self.client.v1.payment_methods.retrieve, payment_method_id)

    # --- money ---------------------------------------------------------------------------
    def payment_intent_create(
        self,
        *,
        amount_minor: int,
        currency: str,
        idempotency_key: str,
        customer: str = "",
        payment_method: str = "",
        off_session: bool = False,
        metadata: dict | None = None,
    ):
        params: dict = {
            "amount": amount_minor,
            "currency": currency.lower(),
            "payment_method_types": ["card"],
            "metadata": metadata or {},
        }
        if customer:
            params["customer"] = customer
        if payment_method:
            params["payment_method"] = payment_method
        if off_session:
            params["off_session"] = True
            params["confirm"] = True
        intent = _wrap(
            self.client.v1.payment_intents.create,
            params=params,
            options={"idempotency_key": idempotency_key},
        )
        error = getattr(intent, "last_payment_error", None)
        if off_session and intent.status == "requires_payment_method" and error:
            # Stripe raises a card error here; some servers answer with the failed intent.
            raise CardDeclined(
                getattr(error, "message", None) or "The card was declined.",
                getattr(error, "code", None) or "",
            )
        return intent

    def payment_intent_retrieve(self, payment_intent_id: str):
        return _wrap(self.client.v1.payment_intents.retrieve, payment_intent_id)

    def payment_intent_cancel(self, payment_intent_id: str, *, idempotency_key: str):
        return _wrap(
            self.client.v1.payment_intents.cancel,
            payment_intent_id,
            options={"idempotency_key": idempotency_key},
        )

    def payment_intents_list(self, *, limit: int = 100):
        return _wrap(self.client.v1.payment_intents.list, params={"limit": limit})

    def refund_create(self, *, payment_intent: str, amount_minor: int, idempotency_key: str):
        return _wrap(
            self.client.v1.refunds.create,
            params={"payment_intent": payment_intent, "amount": amount_minor},
            options={"idempotency_key": idempotency_key},
        )

    def refunds_list(self, *, payment_intent: str):
        return _wrap(
            self.client.v1.refunds.list, params={"payment_intent": payment_intent, "limit": 100}
        )


def api_base() -> str:
    return getattr(settings, "UNKNOT_STRIPE_API_BASE", "") or ""


def client_for_key(secret_key: str) -> stripe.StripeClient:
    base = api_base()
    addresses = {"api": base, "connect": base, "files": base} if base else None
    return stripe.StripeClient(
        secret_key,
        stripe_version=STRIPE_API_VERSION,
        base_addresses=addresses,
        max_network_retries=0,
    )


def gateway_for(practice) -> StripeGateway:
    """The gateway with ``practice``'s own keys; refuses a practice without them."""
    from unknot.apps.payments.models import StripeAccount

    account = StripeAccount.objects.filter(practice=practice).first()
    if account is None or not account.secret_key:
        raise PaymentsNotConfigured(f"{practice} has not entered its Stripe keys yet.")
    return StripeGateway(client_for_key(account.secret_key), account.publishable_key)


def webhook_event(payload: bytes, signature: str, secret: str):
    """The verified event of a webhook delivery; raises ``ValueError`` when it is not genuine."""
    try:
        return stripe.Webhook.construct_event(payload, signature, secret)
    except (stripe.SignatureVerificationError, ValueError) as error:
        raise ValueError("The webhook signature does not verify.") from error
