"""Encrypt bookings' client and clearance notes at rest: the column stays text, its rows become Fernet ciphertext.

The field change is state only (same column type). Rolling back decrypts the rows again.
"""

from django.db import migrations

import unknot.common.fields


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0002_no_overlap_on_postgresql"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="booking",
                    name="clearance_note",
                    field=unknot.common.fields.EncryptedTextField(blank=True),
                ),
                migrations.AlterField(
                    model_name="booking",
                    name="client_note",
                    field=unknot.common.fields.EncryptedTextField(
                        blank=True, help_text="What the client wants to tell the therapist."
                    ),
                ),
            ],
            database_operations=[],
        ),
        unknot.common.fields.encrypt_columns("booking_booking", "clearance_note", "client_note"),
    ]
