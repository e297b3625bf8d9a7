"""API tokens get a public uid, a name and an expiry. Tokens made before had none: they are
given the default lifetime from their creation (so old, never-expiring tokens end)."""

import datetime as dt

from django.conf import settings
from django.db import migrations, models

import unknot.common.models


def fill(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    days = getattr(settings, "UNKNOT_API_TOKEN_DAYS", 30)
    for token in ApiToken.objects.all():
        token.uid = unknot.common.models.new_uid()
        token.expires_at = token.created_at + dt.timedelta(days=days)
        token.save(update_fields=["uid", "expires_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_superuser_in_no_practice"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="uid",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="name",
            field=models.CharField(default="API token", max_length=100),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="uid",
            field=models.CharField(
                default=unknot.common.models.new_uid, editable=False, max_length=32, unique=True
            ),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(),
        ),
        migrations.AddConstraint(
            model_name="apitoken",
            constraint=models.CheckConstraint(
                condition=models.Q(("expires_at__gt", models.F("created_at"))),
                name="api_token_expires_after_creation",
            ),
        ),
    ]
