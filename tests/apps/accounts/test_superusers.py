"""Superusers belong to no practice: the database refuses one with a practice."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from tests.factories import PASSWORD
from unknot.apps.accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_superuser_with_a_practice(practice):
    root = User.objects.create_superuser(email="root@example.test", password=PASSWORD)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=root.pk).update(practice=practice)
    root.practice = practice
    with pytest.raises(ValidationError, match="belongs to no practice"):
        root.full_clean()


def test_create_superuser_refuses_a_practice(practice):
    with pytest.raises(ValueError, match="no practice"):
        User.objects.create_superuser(
            email="root@example.test", password=PASSWORD, practice=practice
        )
    assert not User.objects.filter(email="root@example.test").exists()


def test_the_createsuperuser_command_makes_one_in_no_practice(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", "--email", "boss@example.test", verbosity=0)
    boss = User.objects.get(email="boss@example.test")
    assert boss.is_superuser and boss.practice_id is None


def test_the_migration_clears_the_practice_of_existing_superusers(transactional_db):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("accounts", "0003_owner_role")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "accounts"]
    old = executor.loader.project_state(before + others).apps
    place = old.get_model("practices", "Practice").objects.create(
        name="Old", slug="old", address="1", phone="1", time_zone="UTC"
    )
    OldUser = old.get_model("accounts", "User")
    OldUser.objects.create(email="root@example.test", is_superuser=True, practice=place)
    OldUser.objects.create(email="desk@example.test", role="staff", practice=place)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert User.objects.get(email="root@example.test").practice_id is None
    assert User.objects.get(email="desk@example.test").practice_id == place.pk


def test_a_superuser_in_no_practice_still_sees_every_practice_in_the_admin(
    client, practice, other_practice
):
    root = User.objects.create_superuser(email="root@example.test", password=PASSWORD)
    client.force_login(root)
    page = client.get("/admin/practices/practice/")
    assert page.status_code == 200
    body = page.content.decode()
    assert practice.name in body and other_practice.name in body
    assert client.get("/admin/booking/booking/").status_code == 200
