"""The personal-data registry covers every table that holds a person's identifiers.

A new model with a field that can identify someone (a link to a user, an email or IP address,
a name, a browser string, a phone number or an address) fails here until an app registers it
in ``records.registry`` (export and closure) or declares it not personal, with the reason.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from unknot.apps.records import registry

IDENTIFYING_NAME = re.compile(
    r"(^|_)(email|e_mail|name|username|user_agent|ip|ip_address|phone|address|recipient"
    r"|session_key|session_data)($|_)"
)


def _points_at_user(field) -> bool:
    remote = getattr(field, "related_model", None)
    return remote is not None and remote._meta.label == settings.AUTH_USER_MODEL


def personal_fields(model) -> list[str]:
    """The fields of ``model`` that can identify a person."""
    found = []
    for field in model._meta.get_fields():
        if field.auto_created and not field.concrete:
            continue  # reverse relations belong to the other table
        if (
            (field.is_relation and _points_at_user(field))
            or isinstance(field, (models.EmailField, models.GenericIPAddressField))
            or IDENTIFYING_NAME.search(field.name)
        ):
            found.append(field.name)
    return found


def user_tables() -> list[str]:
    """Tables whose rows belong to one user: a link to the user model (or the user itself)."""
    labels = []
    for model in apps.get_models():
        if model._meta.label == settings.AUTH_USER_MODEL or any(
            f.is_relation and f.concrete and _points_at_user(f) for f in model._meta.get_fields()
        ):
            labels.append(model._meta.label)
    return labels


def test_the_scan_finds_the_known_personal_fields():
    """The detector itself works: the tables the issue names are found by it."""
    by_label = {m._meta.label: personal_fields(m) for m in apps.get_models()}
    assert "actor_label" not in by_label["records.AuditEntry"]  # a label, found by its link
    assert {"actor", "subject"} <= set(by_label["records.AuditEntry"])
    assert "recipient" in by_label["notifications.SentNotification"]
    assert {"ip_address", "user_agent", "username"} <= set(by_label["axes.AccessLog"])
    assert {"email", "full_name"} <= set(by_label["accounts.User"])


@pytest.mark.parametrize("model", apps.get_models(), ids=lambda m: m._meta.label)
def test_every_table_with_a_personal_field_is_registered_or_declared_not_personal(model):
    label = model._meta.label
    fields = personal_fields(model)
    if not fields:
        return
    covered = registry.covered_tables()
    exempt = registry.not_personal_tables()
    assert label in covered or label in exempt, (
        f"{label} holds {', '.join(fields)}: register it in an app's personal_data.py "
        "(export and closure) or declare it with registry.not_personal(label, reason)"
    )
    assert not (label in covered and label in exempt), f"{label} is both covered and exempt"
    if label in exempt:
        assert len(exempt[label]) > 20, f"say why {label} is not personal"


@pytest.mark.parametrize("label", user_tables())
def test_every_table_of_a_users_rows_is_in_the_export(label):
    """Nothing a person owns is left out of their export silently."""
    if label in registry.not_personal_tables():
        return
    names = registry.covered_tables().get(label, [])
    exported = {p.name for p in registry.exported()}
    assert set(names) & exported, f"{label} is in no exported section of the registry"


def test_registered_tables_exist_and_every_entry_says_what_closure_does():
    labels = {m._meta.label for m in apps.get_models()}
    for data in registry.registered():
        unknown = set(data.models) - labels
        assert not unknown, f"{data.name} names unknown tables {unknown}"
        if data.models:
            assert data.retained or data.erased or data.pseudonymised, (
                f"{data.name} must say what closing an account does with it"
            )
    assert not set(registry.not_personal_tables()) - labels
