"""Two-factor is required by default: new practices start with it on, and existing ones turn
it on (only an owner may relax it, for therapists)."""

from django.db import migrations, models


def require_everywhere(apps, schema_editor):
    Practice = apps.get_model("practices", "Practice")
    Practice.objects.filter(require_two_factor=False).update(require_two_factor=True)


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0003_practice_policies"),
    ]

    operations = [
        migrations.AlterField(
            model_name="practice",
            name="require_two_factor",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "Therapists must sign in with a second factor. Owners, front desk and "
                    "superusers always must. Only the practice's owner changes this."
                ),
            ),
        ),
        migrations.RunPython(require_everywhere, migrations.RunPython.noop),
    ]
