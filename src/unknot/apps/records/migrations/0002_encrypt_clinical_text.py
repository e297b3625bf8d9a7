"""Encrypt SOAP notes at rest: the column stays text, its rows become Fernet ciphertext.

The field change is state only (same column type). Rolling back decrypts the rows again.
"""

from django.db import migrations

import unknot.common.fields


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="sessionnote",
                    name="assessment",
                    field=unknot.common.fields.EncryptedTextField(
                        blank=True, help_text="The therapist's interpretation."
                    ),
                ),
                migrations.AlterField(
                    model_name="sessionnote",
                    name="client_summary",
                    field=unknot.common.fields.EncryptedTextField(blank=True),
                ),
                migrations.AlterField(
                    model_name="sessionnote",
                    name="findings",
                    field=unknot.common.fields.EncryptedTextField(
                        blank=True, help_text="What was found in the marked areas."
                    ),
                ),
                migrations.AlterField(
                    model_name="sessionnote",
                    name="objective",
                    field=unknot.common.fields.EncryptedTextField(
                        blank=True, help_text="What the therapist found."
                    ),
                ),
                migrations.AlterField(
                    model_name="sessionnote",
                    name="plan",
                    field=unknot.common.fields.EncryptedTextField(
                        blank=True, help_text="What next."
                    ),
                ),
                migrations.AlterField(
                    model_name="sessionnote",
                    name="subjective",
                    field=unknot.common.fields.EncryptedTextField(
                        blank=True, help_text="What the client said."
                    ),
                ),
            ],
            database_operations=[],
        ),
        unknot.common.fields.encrypt_columns(
            "records_sessionnote",
            "assessment",
            "client_summary",
            "findings",
            "objective",
            "plan",
            "subjective",
        ),
    ]
