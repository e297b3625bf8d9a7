"""Re-encrypt every encrypted field with the current key: the last step of a key rotation.

Readers accept every key of UNKNOT_FIELD_KEYS, so the app keeps running while this goes through
the tables in batches. A row is written only when its ciphertext is not under the current key,
and only if it is still the ciphertext that was read (a concurrent save wins), so running it
again changes nothing. Afterwards the retired keys can be removed (docs/encryption.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import connections, transaction

from unknot.common import crypto
from unknot.common.fields import EncryptedJSONField, EncryptedTextField


@dataclass(frozen=True)
class EncryptedColumns:
    label: str
    table: str
    pk: str
    columns: tuple[str, ...]


def encrypted_columns() -> list[EncryptedColumns]:
    """Every model with encrypted fields, and their columns."""
    found = []
    for model in apps.get_models():
        columns = tuple(
            f.column
            for f in model._meta.concrete_fields
            if isinstance(f, EncryptedTextField | EncryptedJSONField)
        )
        if columns and not model._meta.proxy:
            found.append(
                EncryptedColumns(
                    model._meta.label, model._meta.db_table, model._meta.pk.column, columns
                )
            )
    return found


def rotate_table(spec: EncryptedColumns, *, batch: int = 500, alias: str = "default") -> int:
    """Re-encrypt one table's stale values; return how many values were rewritten."""
    connection = connections[alias]
    q = connection.ops.quote_name
    selected = ", ".join(q(c) for c in spec.columns)
    rewritten = 0
    last = None
    while True:
        where, params = ("", []) if last is None else (f"WHERE {q(spec.pk)} > %s", [last])
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {q(spec.pk)}, {selected} FROM {q(spec.table)} {where} "  # noqa: S608
                f"ORDER BY {q(spec.pk)} LIMIT %s",
                [*params, batch],
            )
            rows = cursor.fetchall()
            for pk, *values in rows:
                for column, value in zip(spec.columns, values, strict=True):
                    if not value or crypto.is_current(value):
                        continue
                    cursor.execute(
                        f"UPDATE {q(spec.table)} SET {q(column)} = %s "  # noqa: S608
                        f"WHERE {q(spec.pk)} = %s AND {q(column)} = %s",
                        [crypto.rotate_text(value), pk, value],
                    )
                    rewritten += cursor.rowcount
        if len(rows) < batch:
            return rewritten
        last = rows[-1][0]
