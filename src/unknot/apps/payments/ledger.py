"""The one door that writes the ledger, and the balances derived from it.

``ledger_record`` is idempotent by key: a repeated key returns the row already written (a retry,
a double click, a replayed webhook), and two writers racing on one key end with one row, because
the database's unique constraint decides and the loser reads the winner's row. Nothing updates
or deletes a row; a correction is a new row (a refund, an adjustment).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Sum, When

from unknot.apps.payments.models import INFLOW_KINDS, LedgerEntry
from unknot.common.money import currency_exponent


class LedgerConflict(ValueError):
    """An idempotency key reused for a different movement of money."""


def _same(entry: LedgerEntry, *, kind, amount_minor, currency, account) -> bool:
    return (
        entry.kind == kind
        and entry.amount_minor == amount_minor
        and entry.currency == currency
        and entry.account == account
    )


def ledger_record(
    *,
    practice,
    kind: str,
    method: str,
    amount_minor: int,
    currency: str,
    idempotency_key: str,
    now: dt.datetime,
    client=None,
    booking=None,
    account: str = "sales",
    stripe_id: str = "",
    note: str = "",
    created_by=None,
) -> LedgerEntry:
    """Write one movement of money, or return the row an earlier call with the key wrote."""
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool) or amount_minor <= 0:
        raise ValueError("A ledger amount is a positive int of minor units.")
    currency_exponent(currency)  # refuses an unknown currency
    if not idempotency_key or len(idempotency_key) > 80:
        raise ValueError("An idempotency key of 1 to 80 characters is required.")
    existing = LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        try:
            with transaction.atomic():
                return LedgerEntry.objects.create(
                    practice=practice,
                    client=client,
                    booking=booking,
                    kind=kind,
                    method=method,
                    amount_minor=amount_minor,
                    currency=currency,
                    account=account,
                    stripe_id=stripe_id,
                    idempotency_key=idempotency_key,
                    created_at=now,
                    created_by=created_by,
                    note=note,
                )
        except IntegrityError:
            existing = LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()
            if existing is None:
                raise
    if not _same(
        existing, kind=kind, amount_minor=amount_minor, currency=currency, account=account
    ):
        raise LedgerConflict(f"Key {idempotency_key!r} already recorded a different movement.")
    return existing


def _signed():
    return Case(
        When(kind__in=INFLOW_KINDS, then=F("amount_minor")),
        default=-F("amount_minor"),
    )


def account_balance(account: str, currency: str) -> int:
    """What ``account`` holds in ``currency``: inflows minus outflows, summed from the rows."""
    total = (
        LedgerEntry.objects.filter(account=account, currency=currency)
        .aggregate(total=Sum(_signed()))
        .get("total")
    )
    return int(total or 0)


def ledger_entries_of_client(client, *, practice=None):
    """A client's ledger rows, oldest first (optionally in one practice)."""
    qs = LedgerEntry.objects.filter(client=client).select_related("practice", "booking")
    if practice is not None:
        qs = qs.filter(practice=practice)
    return qs.order_by("created_at", "id")


def ledger_entries_of_booking(booking):
    return LedgerEntry.objects.filter(booking=booking).order_by("created_at", "id")
