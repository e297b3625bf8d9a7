"""A client's payments (registered with ``records.registry``).

Ledger rows are business records tax law requires a practice to keep (six years in the UK):
closing the account keeps them and removes the person from them, by setting ``client`` to NULL
(the only change the database allows a ledger row) and keeping nothing else about them.
"""

from __future__ import annotations

import datetime as dt

from unknot.apps.payments.models import LedgerEntry, Payment
from unknot.apps.records.registry import PersonalData, not_personal, register


def export_payments(user) -> list[dict]:
    qs = LedgerEntry.objects.filter(client=user).select_related("practice").order_by("created_at")
    return [
        {
            "practice": e.practice.name,
            "kind": e.kind,
            "method": e.method,
            "amount_minor": e.amount_minor,
            "currency": e.currency,
            "created_at": e.created_at.isoformat(),
            "note": e.note,
        }
        for e in qs
    ]


def export_card_payments(user) -> list[dict]:
    return [
        {
            "practice": p.practice.name,
            "purpose": p.purpose,
            "amount_minor": p.amount_minor,
            "currency": p.currency,
            "status": p.status,
            "created_at": p.created_at.isoformat(),
        }
        for p in Payment.objects.filter(client=user).select_related("practice")
    ]


def export_all(user) -> dict:
    return {"ledger": export_payments(user), "card_payments": export_card_payments(user)}


def close_payments(user, *, email: str, now: dt.datetime) -> int:
    """Keep the rows tax law needs; take the person off them."""
    changed = Payment.objects.filter(client=user).update(client=None)
    return changed + LedgerEntry.objects.filter(client=user).update(client=None)


def register_payments() -> None:
    register(
        PersonalData(
            "payments",
            "Your payments",
            export_all,
            on_close=close_payments,
            order=50,
            models=("payments.LedgerEntry", "payments.Payment"),
            retained="each payment, refund and fee, without your name, as tax law requires",
            pseudonymised="your payments: the practice keeps the amounts but no longer who paid",
        )
    )
    not_personal("payments.StripeAccount", "a practice's own Stripe keys, no one's personal data")
    not_personal("payments.WebhookEvent", "Stripe event ids and types, which name no one")
