"""Superusers belong to no practice: clear it on existing superusers, then a constraint insists."""

from django.db import migrations, models


def clear_superusers_practice(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(is_superuser=True).exclude(practice=None).update(practice=None)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_owner_role"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("practices", "0004_two_factor_required_by_default"),
    ]

    operations = [
        migrations.RunPython(clear_superusers_practice, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("is_superuser", False), ("practice__isnull", True), _connector="OR"
                ),
                name="user_superuser_in_no_practice",
                violation_error_message="A superuser belongs to no practice.",
            ),
        ),
    ]
