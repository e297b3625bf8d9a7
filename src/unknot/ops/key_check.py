"""A system check that the field keys open the data already stored.

Tagged ``database``: Django runs it with ``check --database default`` and before every
``migrate``, so a deployment whose UNKNOT_FIELD_KEYS lacks the key that wrote the rows stops
there, instead of failing on the first page that shows a note.
"""

from __future__ import annotations

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections, transaction

from unknot.common import crypto
from unknot.ops.rotation import encrypted_columns


@checks.register(checks.Tags.database)
def field_keys_open_stored_data(app_configs=None, databases=None, **kwargs):
    errors = []
    for alias in databases or []:
        connection = connections[alias]
        q = connection.ops.quote_name
        for spec in encrypted_columns():
            for column in spec.columns:
                try:
                    with transaction.atomic(using=alias), connection.cursor() as cursor:
                        cursor.execute(
                            f"SELECT {q(column)} FROM {q(spec.table)} "  # noqa: S608
                            f"WHERE {q(column)} LIKE %s ORDER BY {q(spec.pk)} DESC LIMIT 1",
                            [crypto.TOKEN_PREFIX + "%"],
                        )
                        row = cursor.fetchone()
                except DatabaseError:
                    continue  # not migrated yet: nothing stored to open
                if row is None:
                    continue
                try:
                    opened = crypto.opens(row[0])
                except ImproperlyConfigured as error:
                    return [checks.Error(str(error), id="unknot.E101")]
                if not opened:
                    errors.append(
                        checks.Error(
                            f"UNKNOT_FIELD_KEYS does not open {spec.table}.{column}: the key "
                            "that wrote it is missing from the list.",
                            hint="Put every key still in use in UNKNOT_FIELD_KEYS (current "
                            "first); see docs/encryption.md.",
                            id="unknot.E100",
                        )
                    )
    return errors
