import datetime as dt
import threading

import pytest
from django.db import DatabaseError, connection, transaction

from unknot.apps.payments.ledger import (
    LedgerConflict,
    account_balance,
    ledger_entries_of_client,
    ledger_record,
)
from unknot.apps.payments.models import EntryKind, EntryMethod, LedgerEntry

NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)


def _record(practice, key, kind=EntryKind.CHARGE, amount=1500, **kwargs):
    return ledger_record(
        practice=practice,
        kind=kind,
        method=EntryMethod.CARD,
        amount_minor=amount,
        currency="GBP",
        idempotency_key=key,
        now=NOW,
        **kwargs,
    )


def test_a_repeated_key_returns_the_first_row(practice, client_user):
    first = _record(practice, "k-1", client=client_user)
    again = _record(practice, "k-1", client=client_user)
    assert first.pk == again.pk
    assert LedgerEntry.objects.count() == 1


def test_a_key_reused_for_another_amount_is_refused(practice):
    _record(practice, "k-1")
    with pytest.raises(LedgerConflict):
        _record(practice, "k-1", amount=1600)
    assert LedgerEntry.objects.count() == 1


def test_balance_is_derived_from_the_rows(practice):
    _record(practice, "c", account="giftcard:1", kind=EntryKind.GIFTCARD_LOAD, amount=5000)
    _record(practice, "s", account="giftcard:1", kind=EntryKind.GIFTCARD_SPEND, amount=1200)
    _record(practice, "x", account="giftcard:2", kind=EntryKind.GIFTCARD_LOAD, amount=99)
    assert account_balance("giftcard:1", "GBP") == 3800
    assert account_balance("giftcard:1", "EUR") == 0


@pytest.mark.parametrize("amount", [0, -5, 1.5, True])
def test_amounts_are_positive_ints(practice, amount):
    with pytest.raises(ValueError):
        _record(practice, "bad", amount=amount)


def test_the_database_refuses_updates_and_deletes(practice):
    entry = _record(practice, "k-1")
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_minor=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.note = "edited"
        entry.save()
    entry.refresh_from_db()
    assert (entry.amount_minor, entry.note) == (1500, "")


def test_the_client_may_only_be_cleared(practice, client_user, other_client_user):
    entry = _record(practice, "k-1", client=client_user)
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(client=other_client_user)
    LedgerEntry.objects.filter(pk=entry.pk).update(client=None)
    entry.refresh_from_db()
    assert entry.client_id is None


def test_deleting_the_account_keeps_the_row_without_the_person(practice, client_user):
    entry = _record(practice, "k-1", client=client_user)
    client_user.delete()
    entry.refresh_from_db()
    assert entry.client_id is None and entry.amount_minor == 1500


def test_selector_lists_a_clients_rows(practice, client_user, other_client_user):
    _record(practice, "a", client=client_user)
    _record(practice, "b", client=other_client_user)
    assert [e.idempotency_key for e in ledger_entries_of_client(client_user)] == ["a"]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_writers_racing_on_one_key_leave_one_row(practice):
    barrier = threading.Barrier(2)
    results, errors = [], []

    def write():
        try:
            barrier.wait()
            results.append(_record(practice, "race").pk)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(results)) == 1
    assert LedgerEntry.objects.filter(idempotency_key="race").count() == 1
