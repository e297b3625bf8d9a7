"""Encrypt check-in notes at rest: the column stays text, its rows become Fernet ciphertext.

The field change is state only (same column type). Rolling back decrypts the rows again.
"""

from django.db import migrations

import unknot.common.fields


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="checkin",
                    name="health_note",
                    field=unknot.common.fields.EncryptedTextField(blank=True),
                ),
                migrations.AlterField(
                    model_name="checkin",
                    name="other_reactions",
                    field=unknot.common.fields.EncryptedTextField(blank=True),
                ),
            ],
            database_operations=[],
        ),
        unknot.common.fields.encrypt_columns("progress_checkin", "health_note", "other_reactions"),
    ]
