"""Encrypt saved assessments' intake (the answers) and result at rest.

The JSON columns become text (PostgreSQL casts jsonb to its JSON text), then each row is
encrypted. Rolling back decrypts the rows, then casts the text back to JSON.
"""

from django.db import migrations

import unknot.common.fields


class Migration(migrations.Migration):
    dependencies = [
        ("guide", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="savedassessment",
            name="intake",
            field=unknot.common.fields.EncryptedJSONField(),
        ),
        migrations.AlterField(
            model_name="savedassessment",
            name="result",
            field=unknot.common.fields.EncryptedJSONField(),
        ),
        unknot.common.fields.encrypt_columns("guide_savedassessment", "intake", "result"),
    ]
