"""The seven techniques of the guide are reference data every practice shares."""

from django.db import migrations

# Frozen copy: a migration must not change when the application's constants do.
TECHNIQUES = (
    ("swedish", "Swedish massage"),
    ("aromatherapy", "Aromatherapy massage"),
    ("trigger-point", "Trigger point therapy"),
    ("myofascial-release", "Myofascial release"),
    ("shiatsu", "Shiatsu"),
    ("deep-tissue", "Deep tissue massage"),
    ("thai-yoga", "Thai yoga massage"),
)


def seed(apps, schema_editor):
    Technique = apps.get_model("practices", "Technique")
    for position, (slug, name) in enumerate(TECHNIQUES, start=1):
        Technique.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})


def unseed(apps, schema_editor):
    apps.get_model("practices", "Technique").objects.filter(
        slug__in=[slug for slug, _ in TECHNIQUES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
