"""Model fields encrypted at rest: the database holds only Fernet ciphertext.

``EncryptedTextField`` and ``EncryptedJSONField`` are text columns. Python code sees plain
values; SQL sees ciphertext, which is different on every write, so the fields refuse every
lookup but ``isnull``: filtering, searching or ordering by them in SQL would silently be wrong.
An empty text stays empty (it says nothing), ``None`` stays NULL.
"""

from __future__ import annotations

import json

from django import forms
from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations, models

from unknot.common import crypto

ALLOWED_LOOKUPS = {"isnull"}


class _NoLookups:
    def get_lookup(self, lookup_name):
        if lookup_name not in ALLOWED_LOOKUPS:
            return None  # Django answers with FieldError: "Unsupported lookup …"
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name):
        return None


class EncryptedTextField(_NoLookups, models.TextField):
    description = "Text, encrypted at rest"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt_text(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt_text(value)


class EncryptedJSONField(_NoLookups, models.TextField):
    """A JSON document (dict, list, …) stored as encrypted JSON text."""

    description = "JSON, encrypted at rest"
    empty_values = [None, "", [], (), {}]

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        if value is None:
            return None
        return crypto.encrypt_text(json.dumps(value, cls=DjangoJSONEncoder))

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return json.loads(crypto.decrypt_text(value))

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), cls=DjangoJSONEncoder)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": forms.JSONField, **kwargs})


# --- migrations: encrypt the rows already there, and decrypt them again on the way back ------


def _convert(table: str, columns: tuple[str, ...], change, *, batch: int = 500):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        q = connection.ops.quote_name
        selected = ", ".join(q(c) for c in columns)
        last = 0
        while True:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {q('id')}, {selected} FROM {q(table)} "  # noqa: S608
                    f"WHERE {q('id')} > %s ORDER BY {q('id')} LIMIT %s",
                    [last, batch],
                )
                rows = cursor.fetchall()
                for pk, *values in rows:
                    for column, value in zip(columns, values, strict=True):
                        new = change(value)
                        if new != value:
                            cursor.execute(
                                f"UPDATE {q(table)} SET {q(column)} = %s "  # noqa: S608
                                f"WHERE {q('id')} = %s",
                                [new, pk],
                            )
            if len(rows) < batch:
                break
            last = rows[-1][0]
        if connection.vendor == "postgresql":
            # Fire the deferred foreign-key checks the updates queued, so that a schema change
            # later in this migration (ALTER TABLE) is allowed in the same transaction.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    return run


def _encrypt_value(value):
    if (
        value is None
        or value == ""
        or (value.startswith(crypto.TOKEN_PREFIX) and crypto.opens(value))
    ):
        return value
    return crypto.encrypt_text(value)


def _decrypt_value(value):
    if value is None or value == "" or not crypto.opens(value):
        return value
    return crypto.decrypt_text(value)


def encrypt_columns(table: str, *columns: str) -> migrations.RunPython:
    """A migration step: encrypt the plaintext in ``columns`` of ``table`` (idempotent);
    reversed, it decrypts them back to plaintext."""
    return migrations.RunPython(
        _convert(table, columns, _encrypt_value),
        _convert(table, columns, _decrypt_value),
        elidable=False,
    )
